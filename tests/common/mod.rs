//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use qunlens::report::{GroupReport, MemberReport, Report};
use qunlens::{Analyzer, Config};

/// The report of one file fed to the analyzer in `chunk`-byte pieces, as the page's worker
/// feeds `File.stream()` chunks: tests compare it with the whole-file report.
pub fn report_in_chunks(name: &str, bytes: &[u8], chunk: usize) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file(name);
    for piece in bytes.chunks(chunk) {
        a.push(piece);
    }
    a.end_file();
    a.report()
}

/// The report of in-memory files `(name, bytes)` loaded one after the other.
pub fn load_bytes(files: &[(&str, Vec<u8>)]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for (name, bytes) in files {
        a.add_file(name, bytes);
    }
    a.report()
}

/// The group with this id, or a panic listing the ids there are.
pub fn group<'a>(r: &'a Report, id: &str) -> &'a GroupReport {
    r.groups.iter().find(|g| g.id == id).unwrap_or_else(|| {
        panic!(
            "no group {id}; have {:?}",
            r.groups.iter().map(|g| &g.id).collect::<Vec<_>>()
        )
    })
}

/// The member with this id, or a panic listing the ids there are.
pub fn member<'a>(r: &'a Report, id: &str) -> &'a MemberReport {
    r.members.iter().find(|m| m.id == id).unwrap_or_else(|| {
        panic!(
            "no member {id}; have {:?}",
            r.members.iter().map(|m| &m.id).collect::<Vec<_>>()
        )
    })
}

/// The one exporting account of `platform` (`"wechat"`, `"qq"`, …), or a panic.
pub fn exporter<'a>(r: &'a Report, platform: &str) -> &'a MemberReport {
    let selves: Vec<_> =
        r.members.iter().filter(|m| m.is_self && m.id.starts_with(&format!("{platform}:"))).collect();
    assert_eq!(selves.len(), 1, "exporting accounts of {platform}: {:?}", selves.iter().map(|m| &m.id).collect::<Vec<_>>());
    selves[0]
}

/// A member's inviter as `(id, name)`.
pub fn inviter(m: &MemberReport) -> Option<(&str, &str)> {
    m.inviter.as_ref().map(|p| (p.id.as_str(), p.name.as_str()))
}

/// Epoch seconds of a local time in UTC+8 (`2024-01-02 10:00`).
pub fn at(s: &str) -> i64 {
    let (d, t) = s.split_once(' ').unwrap();
    let d: Vec<i64> = d.split('-').map(|x| x.parse().unwrap()).collect();
    let t: Vec<i64> = t.split(':').map(|x| x.parse().unwrap()).collect();
    let (y, m) = if d[1] <= 2 { (d[0] - 1, d[1] + 9) } else { (d[0], d[1] - 3) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d[2] - 1 - 719_468;
    days * 86_400 + t[0] * 3600 + t[1] * 60 - 8 * 3600
}

/// A WeChatMsg (留痕) CSV: `(local time, sender wxid, nickname, text)`; sender "" = a system
/// message, text `link:TITLE` = a link card.
pub fn wechatmsg_csv(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut csv = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n".to_string();
    for (i, (time, wxid, nick, text)) in rows.iter().enumerate() {
        let (kind, sub, text) = match text.strip_prefix("link:") {
            Some(title) => (49, 5, title),
            None if wxid.is_empty() => (10000, 0, *text),
            None => (1, 0, *text),
        };
        let text = text.replace('"', "\"\"");
        csv += &format!("{},1,{kind},{sub},0,{},,\"{text}\",{time}:00,{nick},{nick},{wxid}\n", i + 1, at(time));
    }
    csv
}
