//! The sample's business files: a 纷享销客-style CRM export (GBK, as Excel on a Chinese
//! Windows saves it), a roster of the first WeChat group and an SDR activity log, drawn from
//! the same simulated people as the chats so they join — some cleanly (wxid, a phone the
//! roster also gives), some only by nickname, some ambiguously (two CRM leads with one
//! member's nickname), some not at all (leads that never joined a group).

use super::{local_string, Person, Rng, Sim, SampleFile, UTC8};

/// A mainland mobile number for person `p` (deterministic, unique per person).
fn phone(p: usize) -> String {
    format!("138{:08}", 10_000_000 + p * 7919 % 89_999_999)
}

/// A phone written the way CRM users type it (spaces, dashes, +86).
fn typed_phone(p: usize, style: u64) -> String {
    let d = phone(p);
    match style % 3 {
        0 => d,
        1 => format!("{}-{}-{}", &d[..3], &d[3..7], &d[7..]),
        _ => format!("+86 {} {} {}", &d[..3], &d[3..7], &d[7..]),
    }
}

const STAGES: &[&str] = &["新线索", "新线索", "MQL", "MQL", "SQL", "商机", "赢单", "输单"];
const SOURCES: &[&str] = &["海报裂变", "SDR外呼", "直播", "官网", "转介绍", "展会"];

/// The three files; `sim` is the first WeChat group, `group_name` its name.
pub(super) fn files(seed: u64, sim: &Sim, people: &[Person], group_name: &str) -> Vec<SampleFile> {
    let staff = &sim.staff;
    let mut rng = Rng(seed ^ 0x5EED_C0DE);
    let members: Vec<usize> = sim.roster.iter().map(|r| r.0).filter(|p| !staff.contains(p)).collect();
    let sdrs: Vec<&str> = staff[2..].iter().map(|&s| people[s].nick.as_str()).collect();
    let start = sim.events.first().map_or(0, |e| e.0);

    // CRM: one lead for every 4th member; how it identifies them rotates through wxid,
    // phone (given by the roster), nickname only.
    let mut crm = String::from("姓名,手机,微信号,公司名称,线索来源,线索状态,负责人,创建时间,成为MQL时间,成交金额\r\n");
    let row = |crm: &mut String, name: &str, phone: &str, wxid: &str, rng: &mut Rng, created: i64| {
        let stage = *rng.pick(STAGES);
        let mql = if matches!(stage, "MQL" | "SQL" | "商机" | "赢单") { local_string(created + 86400 * (1 + rng.below(20) as i64)) } else { String::new() };
        let amount = if stage == "赢单" { format!("\"￥{},{:03}.00\"", 5 + rng.below(40), rng.below(1000)) } else { String::new() };
        let company = format!("{}{}有限公司", rng.pick(&["上海", "杭州", "深圳", "成都"]), rng.pick(&["财税", "科技", "贸易", "咨询"]));
        let line = format!(
            "{name},{phone},{wxid},{company},{},{stage},{},{},{mql},{amount}\r\n",
            rng.pick(SOURCES),
            rng.pick(&sdrs),
            local_string(created)
        );
        crm.push_str(&line);
    };
    let mut phone_people = Vec::new();
    for (k, &p) in members.iter().enumerate().filter(|(k, _)| k % 4 == 0) {
        let created = start - 86400 * (3 + rng.below(30) as i64);
        let person = &people[p];
        match k / 4 % 3 {
            0 => row(&mut crm, &person.nick, "", &person.wxid, &mut rng, created),
            1 => {
                phone_people.push(p);
                let typed = typed_phone(p, rng.next());
                row(&mut crm, &person.nick, &typed, "", &mut rng, created)
            }
            _ => row(&mut crm, &person.nick, "", "", &mut rng, created),
        }
    }
    // Ambiguous: two more leads carrying a member's nickname (another person with that name).
    for &p in members.iter().skip(2).step_by(97).take(2) {
        let created = start - 86400;
        row(&mut crm, &people[p].nick, "", "", &mut rng, created);
        row(&mut crm, &people[p].nick, "", "", &mut rng, created + 3600);
    }
    // Unmatched: leads who never joined a group.
    for i in 0..12u64 {
        let created = start - 86400 * (1 + i as i64);
        let name = format!("{}{}", rng.pick(&["钱", "孙", "郑", "冯"]), rng.pick(&["一鸣", "思远", "若曦", "子涵"]));
        let typed = format!("139{:08}", 20_000_000 + i * 104_729);
        row(&mut crm, &name, &typed, "", &mut rng, created);
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&crm);

    // Roster: staff tags, a few role tags, phones for the phone-matched leads.
    let mut roster = String::from("\u{FEFF}群昵称,微信号,群名,角色,邀请人,入群渠道,入群时间,手机号\r\n");
    let tag_of = |p: usize, k: usize| -> &str {
        if p == sim.owner {
            "群主"
        } else if p == sim.assistant {
            "群助手"
        } else if staff.contains(&p) {
            "小号"
        } else if k % 50 == 7 {
            "大咖"
        } else if k % 40 == 11 {
            "讲师"
        } else if k % 25 == 3 {
            "KOL"
        } else {
            "学员"
        }
    };
    for (k, &(p, joined)) in sim.roster.iter().enumerate() {
        let person = &people[p];
        let inviter = sim.events.iter().find_map(|&(_, e)| match e {
            super::Event::Join { person, by, .. } if person == p => Some(people[by].nick.as_str()),
            _ => None,
        });
        let channel = if joined == 0 { "建群" } else { *rng.pick(&["海报", "SDR邀请", "直播", "转介绍"]) };
        let phone = if phone_people.contains(&p) { phone(p) } else { String::new() };
        let joined = if joined == 0 { String::new() } else { local_string(joined) };
        roster.push_str(&format!(
            "{},{},{group_name},{},{},{channel},{joined},{phone}\r\n",
            person.nick,
            person.wxid,
            tag_of(p, k),
            inviter.unwrap_or("")
        ));
    }

    // SDR log: a row per SDR and working day of the first month, some naming who they invited.
    let mut sdr = String::from("SDR,日期,外呼数,邀约数,被邀请人\r\n");
    let joins: Vec<(i64, usize)> = sim.events.iter().filter_map(|&(t, e)| if let super::Event::Join { person, .. } = e { Some((t, person)) } else { None }).collect();
    let first_day = (start + UTC8).div_euclid(86400);
    for d in 0..30 {
        let day = first_day + d;
        if (day + 3).rem_euclid(7) >= 5 {
            continue; // weekend (1970-01-01 was a Thursday)
        }
        for name in &sdrs {
            let calls = 15 + rng.below(25);
            let invites = rng.below(calls / 4 + 1);
            let t = day * 86400 - UTC8;
            let invited = joins.iter().find(|(jt, _)| (jt - t) >= 0 && (jt - t) < 86400).map(|&(_, p)| people[p].nick.as_str()).filter(|_| rng.chance(0.5));
            sdr.push_str(&format!("{name},{},{calls},{invites},{}\r\n", &local_string(t)[..10], invited.unwrap_or("")));
        }
    }
    vec![
        SampleFile { name: "纷享销客_线索导出.csv".to_string(), bytes: gbk.into_owned() },
        SampleFile { name: "群成员名册.csv".to_string(), bytes: roster.into_bytes() },
        SampleFile { name: "SDR邀约日志.csv".to_string(), bytes: sdr.into_bytes() },
    ]
}
