//! Report section `roles` on hand-built groups whose role counts are known exactly: ties at
//! the KOL cut-off, staff left out (config `staff` and staff tags), tags beating behaviour,
//! a member in several groups (a role per membership, plus the highest overall), monthly
//! transitions, staff suggestions and recommendations.

use qunlens::model::{JoinMethod, MembershipEvent, MembershipKind, MessageKind, Model, ModelBuilder, NewMessage, PersonRef, Platform};
use qunlens::report::roles::{self, Role, RoleTag, RolesReport, TagKind};
use qunlens::time::Zone;
use qunlens::Config;

/// 2024-06-01 00:00 in Asia/Shanghai.
const JUNE: i64 = 1_717_171_200;
const DAY: i64 = 86_400;

const LONG: &str = "今天给大家系统讲一下增值税发票的开具流程以及常见的错误，第一部分是开票前的准备工作，包括核对抬头、税号、地址电话和开户行等信息，这些信息错误会导致发票作废重开。";

struct Data {
    b: ModelBuilder,
}

impl Data {
    fn new() -> Self {
        Data { b: ModelBuilder::new() }
    }
    fn group(&mut self, key: &str, name: &str) -> u32 {
        self.b.group(Platform::WeChat, key, Some(name))
    }
    fn say(&mut self, g: u32, who: &str, t: i64, text: &str, mentions: &[&str]) {
        self.say_kind(g, who, t, text, mentions, MessageKind::Text);
    }
    fn say_kind(&mut self, g: u32, who: &str, t: i64, text: &str, mentions: &[&str], kind: MessageKind) {
        let name = format!("N-{who}");
        self.b.message(NewMessage {
            time: t,
            group: g,
            sender: &PersonRef::Id(who.to_string()),
            sender_name: Some(&name),
            kind,
            text,
            quote: None,
            mentions: mentions.iter().map(|m| format!("N-{m}")).collect(),
        });
    }
    fn join(&mut self, g: u32, who: &str, by: Option<&str>, t: i64) {
        self.b.membership(MembershipEvent {
            time: t,
            group: g,
            member: PersonRef::Id(who.to_string()),
            kind: MembershipKind::Join,
            method: Some(JoinMethod::Invite),
            actor: by.map(|b| PersonRef::Id(b.to_string())),
        });
        self.b.name_hint(g, &PersonRef::Id(who.to_string()), &format!("N-{who}"), t);
    }
    fn report(self, config: &Config) -> (Model, RolesReport) {
        let model = self.b.finish();
        let zone = Zone::new("Asia/Shanghai").unwrap();
        let as_of = model.messages.time.iter().copied().max();
        let order: Vec<String> = model.groups.iter().map(qunlens::report::group_id).collect();
        let r = roles::build(&model, config, &zone, as_of, &order, &qunlens::report::order::time_order(&model));
        (model, r)
    }
}

fn counts(r: &RolesReport, id: &str) -> [u64; 5] {
    let g = r.groups.iter().find(|g| g.id == id).unwrap();
    Role::RANKED.map(|role| g.counts.get(role))
}

fn tag(member: &str, group: Option<&str>, tag: TagKind) -> RoleTag {
    RoleTag { member: member.to_string(), group: group.map(str::to_string), tag }
}

/// Group 甲 (20 ranked members + 2 staff) and group 乙 (3 members, two of them also in 甲).
fn two_groups() -> Data {
    let mut d = Data::new();
    let a = d.group("a@chatroom", "甲群");
    let b = d.group("b@chatroom", "乙群");
    let t0 = JUNE + 10 * 3600;
    // m1..m10 each mention k1, k2 and k3 in three messages on one day (30 each: a three-way
    // tie at the top, where the top 10% of 20 is 2 places); m1..m5 also mention the big name.
    for i in 1..=10 {
        let m = format!("m{i}");
        for k in 0..3 {
            d.say(a, &m, t0 + i * 60 + k, "请教一下", &["k1", "k2", "k3"]);
        }
        if i <= 5 {
            d.say(a, &m, t0 + 3000 + i, "大佬怎么看", &["big"]);
        }
    }
    // KOLs talk (6 messages: more than a big name's 5); the big name says one thing.
    for k in ["k1", "k2", "k3"] {
        for n in 0..6 {
            d.say(a, k, t0 + 4000 + n, "好的", &[]);
        }
    }
    d.say(a, "big", t0 + 4000, "好的", &[]);
    // The lecturer: five long messages within half an hour.
    for k in 0..5 {
        d.say(a, "lect", JUNE + 2 * DAY + 20 * 3600 + k * 300, LONG, &[]);
    }
    // Active: messages on 4 distinct days; t1 would be active but is tagged KOL in 甲.
    for who in ["a1", "a2", "a3", "t1", "staff1", "asst"] {
        for day in 3..7 {
            d.say(a, who, JUNE + day * DAY + 9 * 3600, "早", &[]);
        }
    }
    // Staff are mentioned a lot: it must not count (they are out of the composition).
    for i in 1..=10 {
        d.say(a, &format!("m{i}"), t0 + 5000 + i, "群主好", &["staff1", "staff1"]);
    }
    // A silent member who only joined.
    d.join(a, "quiet", Some("asst"), JUNE + DAY);
    // 乙: k1 active there, the lecturer tagged big name there only, a1 ordinary.
    for day in 10..14 {
        d.say(b, "k1", JUNE + day * DAY + 9 * 3600, "大家好", &[]);
    }
    d.say(b, "lect", JUNE + 10 * DAY, "hi", &[]);
    d.say(b, "a1", JUNE + 11 * DAY, "hi", &[]);
    d
}

fn two_group_config() -> Config {
    Config {
        staff: vec!["staff1".to_string()],
        role_tags: vec![
            tag("N-t1", Some("甲群"), TagKind::Kol),
            tag("wechat:lect", Some("wechat:b@chatroom"), TagKind::BigName),
            tag("asst", None, TagKind::Assistant),
        ],
        ..Config::default()
    }
}

#[test]
fn counts_per_group_are_exact_with_ties_staff_and_tags() {
    let (_, r) = two_groups().report(&two_group_config());
    // big name, lecturer, KOL (three tied + the tag), active, ordinary (m1..m10 + quiet).
    assert_eq!(counts(&r, "wechat:a@chatroom"), [1, 1, 4, 3, 11]);
    let a = &r.groups[0];
    assert_eq!((a.members, a.staff, a.ranked, a.tagged, a.silent), (22, 2, 20, 1, 1));
    assert_eq!(a.shares.get(Role::Kol), 20.0);
    assert_eq!(a.deviation.get(Role::Kol), 12.0, "20% against the 8% target");
    assert_eq!(a.deviation.get(Role::Ordinary), -15.0, "55% against 70%");
    assert_eq!(a.target_counts.get(Role::Ordinary), 14);
    assert_eq!(counts(&r, "wechat:b@chatroom"), [1, 0, 0, 1, 1]);
    let staff: Vec<(&str, &str, &str)> = r.staff.iter().map(|s| (s.id.as_str(), s.kind.as_str(), s.source)).collect();
    assert_eq!(staff, [("wechat:asst", "assistant", "tag"), ("wechat:staff1", "staff", "config")]);
    assert!(r.members.iter().all(|m| m.id != "wechat:staff1" && m.id != "wechat:asst"), "staff have no member role");
}

#[test]
fn reasons_explain_each_assignment() {
    let (_, r) = two_groups().report(&two_group_config());
    let member = |id: &str| r.members.iter().find(|m| m.id == id).unwrap();
    let k1 = member("wechat:k1");
    assert_eq!(k1.role, Role::Kol, "overall: the highest of KOL (甲) and active (乙)");
    assert_eq!(k1.group, "wechat:a@chatroom");
    let per: Vec<(&str, Role)> = k1.memberships.iter().map(|m| (m.group.as_str(), m.role)).collect();
    assert_eq!(per, [("wechat:a@chatroom", Role::Kol), ("wechat:b@chatroom", Role::Active)]);
    // 95 received over 20 ranked members (staff mentions excluded) = 4.75 average.
    assert_eq!(k1.reason.text, "KOL because 30 replies and mentions received (group average 4.8), top 5% of group");
    let lect = member("wechat:lect");
    assert_eq!((lect.role, lect.group.as_str(), lect.reason.code), (Role::BigName, "wechat:b@chatroom", "tagged"));
    assert_eq!(lect.memberships[0].role, Role::Lecturer, "tag limited to 乙: behaviour decides in 甲");
    assert_eq!(lect.memberships[0].reason.text, "Lecturer because of 1 long-form share(s)");
    assert_eq!(member("wechat:t1").reason.code, "tagged");
    assert_eq!(member("wechat:big").reason.text, "Big name because @mentioned by 5 members while sending only 1 messages");
    assert_eq!(member("wechat:a2").reason.text, "Active because messages on 4 days in the last 30 days");
    let quiet = member("wechat:quiet");
    assert!(quiet.memberships[0].silent && quiet.role == Role::Ordinary);
    // Highest role first.
    assert_eq!(r.members[0].role, Role::BigName);
}

#[test]
fn staff_tags_flow_into_staff_flags() {
    let d = two_groups();
    let model = d.b.finish();
    let flags = qunlens::report::staff::staff_flags(&model, &two_group_config());
    let staff: Vec<&str> = model
        .members
        .iter()
        .zip(&flags)
        .filter(|(_, &f)| f)
        .filter_map(|(m, _)| m.platform_id.as_deref())
        .collect();
    assert_eq!(staff.len(), 2);
    assert!(staff.contains(&"asst") && staff.contains(&"staff1"));
}

#[test]
fn recommendations_name_members_of_other_groups() {
    let mut d = two_groups();
    // 丙: ten ordinary members and no KOL or lecturer.
    let c = d.group("c@chatroom", "丙群");
    for i in 0..10 {
        d.say(c, &format!("c{i}"), JUNE + 15 * DAY + i, "hi", &[]);
    }
    let (_, r) = d.report(&two_group_config());
    let lacking: Vec<&roles::Recommendation> = r.recommendations.iter().filter(|x| x.group == "wechat:c@chatroom").collect();
    let codes: Vec<&str> = lacking.iter().map(|x| x.code).collect();
    assert_eq!(codes, ["lacking_kol", "lacking_lecturer"]);
    // KOL gap: the KOLs of 甲 first (k1..k3 by received, then t1 tagged), then active ones.
    let kol: Vec<&str> = lacking[0].candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(kol, ["wechat:k1", "wechat:k2", "wechat:k3", "wechat:t1", "wechat:a1"]);
    assert_eq!((lacking[0].have, lacking[0].target), (0, 1));
    let lect: Vec<(&str, Role)> = lacking[1].candidates.iter().map(|c| (c.id.as_str(), c.role)).collect();
    assert_eq!(lect[0], ("wechat:lect", Role::Lecturer));
    // 甲 has KOLs and a lecturer, so nothing is lacking there (lecturer 5% ≥ half of 6%).
    assert!(r.recommendations.iter().all(|x| x.group != "wechat:a@chatroom"));
}

#[test]
fn groups_near_the_cap_are_flagged() {
    let mut d = Data::new();
    let g = d.group("big@chatroom", "大群");
    for i in 0..470 {
        d.join(g, &format!("p{i}"), None, JUNE + i);
    }
    d.say(g, "p0", JUNE + DAY, "hi", &[]);
    let (_, r) = d.report(&Config::default());
    let g = &r.groups[0];
    assert_eq!((g.members, g.near_capacity, g.at_capacity), (470, true, false));
    let cap: Vec<&str> = r.recommendations.iter().map(|x| x.code).filter(|c| c.contains("capacity")).collect();
    assert_eq!(cap, ["near_capacity"]);
}

#[test]
fn monthly_snapshots_and_transitions() {
    let mut d = Data::new();
    let g = d.group("t@chatroom", "进阶群");
    let april = JUNE - 61 * DAY; // 2024-04-01
    let may = JUNE - 31 * DAY; // 2024-05-01
    for base in [april, may, JUNE] {
        for day in 0..4 {
            d.say(g, "y", base + day * DAY + 9 * 3600, "早", &[]);
        }
    }
    d.say(g, "x", may + 3600 * 12, "hi", &[]);
    for day in 0..4 {
        d.say(g, "x", JUNE + (5 + day) * DAY, "hi", &[]);
    }
    let (_, r) = d.report(&Config::default());
    let t = &r.transitions;
    assert_eq!(t.levels, ["ordinary", "active", "core", "kol", "lecturer", "big_name"]);
    let snaps: Vec<(&str, &[u64])> = t.snapshots.iter().map(|s| (s.month.as_str(), s.counts.as_slice())).collect();
    assert_eq!(snaps, [
        ("2024-04", &[0, 1, 0, 0, 0, 0][..]),
        ("2024-05", &[1, 0, 1, 0, 0, 0][..]),
        ("2024-06", &[0, 1, 1, 0, 0, 0][..]),
    ]);
    assert_eq!((t.matrix[1][2], t.matrix[2][2], t.matrix[0][1]), (1, 1, 1));
    let moves: Vec<(&str, &str, &str, &str, bool)> =
        t.movers.iter().map(|m| (m.month.as_str(), m.id.as_str(), m.from, m.to, m.up)).collect();
    assert_eq!(moves, [("2024-05", "wechat:y", "active", "core", true), ("2024-06", "wechat:x", "ordinary", "active", true)]);
}

#[test]
fn staff_like_behaviour_is_suggested_not_applied() {
    let mut d = Data::new();
    let g = d.group("s@chatroom", "服务群");
    // "bot" posts the morning report at 08:00 on 12 days, first message of each day, and
    // welcomes 5 newcomers it invited minutes before; "m" chats at random hours later.
    for day in 0..12 {
        d.say(g, "bot", JUNE + day * DAY + 8 * 3600, "早报：今日要闻", &[]);
        d.say(g, "m", JUNE + day * DAY + (10 + day % 5) * 3600, "收到", &[]);
    }
    for i in 0..5 {
        let t = JUNE + i * DAY + 12 * 3600;
        d.join(g, &format!("new{i}"), Some("bot"), t);
        d.say(g, "bot", t + 60, "欢迎新朋友！", &[]);
    }
    let config = Config { roles: roles::RolesConfig { invite_min: 5, ..Default::default() }, ..Config::default() };
    let (_, r) = d.report(&config);
    assert_eq!(r.staff_suggestions.len(), 1, "{:?}", r.staff_suggestions);
    let s = &r.staff_suggestions[0];
    assert_eq!(s.id, "wechat:bot");
    let codes: Vec<(&str, u32)> = s.signals.iter().map(|x| (x.code, x.count)).collect();
    assert_eq!(codes, [("fixed_time", 12), ("welcomes", 5), ("invites", 5), ("first_of_day", 12)]);
    assert_eq!(s.signals[0].time.as_deref(), Some("08:00"));
    assert!(r.members.iter().any(|m| m.id == "wechat:bot"), "still a member until confirmed");
}

#[test]
fn the_sample_has_balanced_and_unbalanced_groups() {
    let files = qunlens::sample::generate(&Default::default());
    let pairs: Vec<(&str, &[u8])> = files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())).collect();
    let r = qunlens::analyze(&pairs, Config::default()).unwrap().roles;
    let lacking = r.groups.iter().find(|g| g.counts.get(Role::Kol) == 0 && g.counts.get(Role::Lecturer) == 0 && g.ranked >= 20);
    let lacking = lacking.expect("a group without KOLs and lecturers");
    assert!(r.recommendations.iter().any(|x| x.group == lacking.id && x.code == "lacking_kol" && !x.candidates.is_empty()));
    let led = r.groups.iter().find(|g| g.counts.get(Role::Lecturer) == 1 && g.counts.get(Role::Kol) >= 2);
    assert!(led.is_some(), "a group where the sample's KOLs are @mentioned and one of them lectures");
}
