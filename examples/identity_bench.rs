//! Times identity resolution (and the whole report) with business files as big as the chats:
//! `cargo run --release --example identity_bench -- [MESSAGES] [PEOPLE]` (default 1,000,000
//! messages from 20,000 people in five groups). A CRM export with a record per person (by name,
//! a third also by wxid, duplicates of common names giving ambiguities), a roster of every
//! person in the group and an SDR log are generated from the chat's own members.
use std::fmt::Write as _;
use std::time::Instant;

use qunlens::model::{Model, ModelBuilder};
use qunlens::time::Zone;

fn ingest(b: &mut ModelBuilder, zone: &mut Zone, name: &str, bytes: &[u8]) {
    let mut f = qunlens::ingest::FileIngest::new(name, b);
    for chunk in bytes.chunks(1 << 20) {
        f.push(chunk, b, zone);
    }
    f.finish(b, zone);
}

fn business_files(model: &Model) -> [(String, String); 3] {
    let group = model.groups.first().map_or(String::new(), |g| g.name.clone());
    let (mut crm, mut roster, mut sdr) = (
        String::from("姓名,微信号,手机,公司名称,线索来源,线索状态,负责人,创建时间\n"),
        String::from("群昵称,微信号,群名,角色,邀请人,入群时间\n"),
        String::from("SDR,日期,外呼数,邀约数,被邀请人\n"),
    );
    for (i, m) in model.members.iter().enumerate() {
        let name = m.names.first().map_or("", |n| n.name.as_str()).replace([',', '"', '\n'], " ");
        let wxid = if i % 3 == 0 { m.platform_id.clone().unwrap_or_default() } else { String::new() };
        let _ = writeln!(crm, "{name},{wxid},139{i:08},某某公司{i},官网,MQL,SDR{},2024-03-01 10:00", i % 7);
        let tag = if i % 50 == 0 { "KOL" } else { "学员" };
        let _ = writeln!(roster, "{name},{},{group},{tag},SDR{},2024-02-01", m.platform_id.clone().unwrap_or_default(), i % 7);
        if i % 4 == 0 {
            let _ = writeln!(sdr, "SDR{},2024-03-0{},20,3,{name}", i % 7, 1 + i % 9);
        }
    }
    [("crm.csv".into(), crm), ("roster.csv".into(), roster), ("sdr.csv".into(), sdr)]
}

/// WeChatMsg-style CSVs, one per group: `messages` spread over `people` senders (every
/// 100th shares the previous one's name, so nicknames alone are ambiguous) in five groups.
fn chats(messages: usize, people: usize) -> Vec<(String, String)> {
    const GROUPS: usize = 5;
    let mut files: Vec<(String, String)> = (0..GROUPS)
        .map(|g| (format!("group{g}_utf8.csv"), String::from("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n")))
        .collect();
    for i in 0..messages {
        let k = (i * 7919) % people.max(1);
        let name = if k % 100 == 1 { format!("成员{}", k - 1) } else { format!("成员{k}") };
        let t = 1_704_067_200 + i as i64 * 30;
        let _ = writeln!(files[i % GROUPS].1, "{i},1,1,0,0,{t},2,消息{i},,{name},{name},wxid_{k}");
    }
    files
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().expect("a number"));
    let messages = args.next().unwrap_or(1_000_000);
    let people = args.next().unwrap_or(20_000);
    let chats = chats(messages, people);
    let mut zone = Zone::new("Asia/Shanghai").expect("zone");
    let mut b = ModelBuilder::new();
    for (name, text) in &chats {
        ingest(&mut b, &mut zone, name, text.as_bytes());
    }
    let members = b.finish();
    let files = business_files(&members);
    let mut b = ModelBuilder::new();
    for (name, text) in &chats {
        ingest(&mut b, &mut zone, name, text.as_bytes());
    }
    let t = Instant::now();
    for (name, text) in &files {
        ingest(&mut b, &mut zone, name, text.as_bytes());
    }
    let read = t.elapsed();
    let model = b.finish();
    let config = qunlens::Config::default();
    let mut best = std::time::Duration::MAX;
    let mut identity = None;
    for _ in 0..3 {
        let t = Instant::now();
        identity = Some(qunlens::identity::resolve(&model, &config));
        best = best.min(t.elapsed());
    }
    let matched = identity.map_or(0, |i| i.persons.iter().filter(|p| !p.crm.is_empty()).count());
    let t = Instant::now();
    let report = qunlens::report::build(&model, &[], &config, &zone);
    let full = t.elapsed();
    let counts: Vec<String> = report.identity.sources.iter().map(|s| format!("{:?} {}/{}/{}/{}", s.source, s.records, s.matched, s.ambiguous, s.unmatched)).collect();
    println!(
        "{} messages, {} members, {} CRM + {} roster + {} SDR rows: business files read in {read:?}, identity::resolve (best of 3) {best:?}, full report {full:?}; members with a CRM record {matched}; records/matched/ambiguous/unmatched {counts:?}",
        model.messages.len(),
        model.members.len(),
        model.business.crm.len(),
        model.business.roster.len(),
        model.business.sdr_log.len(),
    );
}
