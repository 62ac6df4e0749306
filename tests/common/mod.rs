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
