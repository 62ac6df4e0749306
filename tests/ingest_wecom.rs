//! WeCom session archive and customer-group member list: golden files, hand-computed numbers.
//!
//! `fixtures/wecom/archive.jsonl`, by line: 1 text (zhangsan, mentions @客户A), 2 text (A),
//! 3 image (B), 4 `switch` (a row, no message), 5 mixed (B), 6 not JSON (skipped),
//! 7 recall (B), 8 external red packet (zhangsan), 9 link in a one-to-one chat (A↔zhangsan),
//! 10 msgtime 0 (skipped), 11 blank, 12 weapp (lisi, msgtime as a string, the next day).
//! The room's speakers: zhangsan, A, B, lisi.
//! `archive_array.json` holds the same records minus line 6 as a JSON array;
//! `groupchat.json` is the room's member list: 5 members with join scenes and inviters, one
//! entry without a userid.

use qunlens::report::Report;
use qunlens::{Analyzer, Config};

const ROOM: &str = "wecom:wrRoom0000000000000000000001";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/wecom/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn load(files: &[&str]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for f in files {
        a.add_file(f, &fixture(f));
    }
    a.report()
}

#[test]
fn archive_lines_become_messages_with_skips_by_line() {
    let r = load(&["archive.jsonl"]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("wecom-archive"));
    assert_eq!(input.encoding.as_deref(), Some("utf-8"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (9, 8, 2));
    assert_eq!(input.skipped[0].line, 6);
    assert!(input.skipped[0].reason.contains("expected a JSON object"), "{}", input.skipped[0].reason);
    assert_eq!(input.skipped[1].line, 10);
    assert!(input.skipped[1].reason.contains("msgtime 0"), "{}", input.skipped[1].reason);

    let room = r.groups.iter().find(|g| g.id == ROOM).unwrap();
    assert_eq!((room.messages, room.members, room.speakers, room.active_members), (7, 4, 4, 4));
    assert_eq!(room.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(room.last_message.as_deref(), Some("2024-03-02T11:00:00+08:00"));
    assert_eq!((room.joins, room.leaves), (0, 0), "the archive has no joins");
    let private = r.groups.iter().find(|g| g.id == "wecom:wmCustomerA|zhangsan").unwrap();
    assert_eq!(private.messages, 1);
}

#[test]
fn archive_kinds_text_and_mentions() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("archive.jsonl", &fixture("archive.jsonl"));
    a.report();
    let r = a.report();
    let zhang = r.members.iter().find(|m| m.id == "wecom:zhangsan").unwrap();
    assert_eq!(zhang.messages, 2, "text + red packet");
    let b = r.members.iter().find(|m| m.id == "wecom:wmCustomerB").unwrap();
    assert_eq!(b.messages, 2, "image + mixed; the recall is not a message");
}

#[test]
fn member_list_gives_names_joins_methods_and_inviters() {
    let r = load(&["archive.jsonl", "groupchat.json"]);
    let list = &r.inputs[1];
    assert_eq!(list.format.as_deref(), Some("wecom-group-members"));
    assert_eq!((list.rows, list.messages, list.skipped_count), (5, 0, 1));
    assert!(list.skipped[0].reason.contains("member_list[5] has no userid"), "{}", list.skipped[0].reason);

    let room = r.groups.iter().find(|g| g.id == ROOM).unwrap();
    assert_eq!(room.name, "销售客服群");
    assert_eq!((room.members, room.joins, room.speakers), (5, 5, 4), "钱出纳 is listed but silent");

    let a = r.members.iter().find(|m| m.id == "wecom:wmCustomerA").unwrap();
    assert_eq!(a.name, "客户A", "group nickname wins over the name");
    assert_eq!(a.join_method, Some(qunlens::model::JoinMethod::Invite));
    assert_eq!(a.inviter.as_ref().map(|i| i.id.as_str()), Some("wecom:lisi"));
    assert_eq!(a.joins[0].time, "2024-02-28T14:00:00+08:00");
    let b = r.members.iter().find(|m| m.id == "wecom:wmCustomerB").unwrap();
    assert_eq!((b.join_method, b.inviter.is_none()), (Some(qunlens::model::JoinMethod::QrCode), true));
    let d = r.members.iter().find(|m| m.id == "wecom:wmCustomerD").unwrap();
    assert_eq!((d.name.as_str(), d.messages, d.join_method), ("钱出纳", 0, Some(qunlens::model::JoinMethod::Link)));
    let lisi = r.members.iter().find(|m| m.id == "wecom:lisi").unwrap();
    assert_eq!(lisi.inviter.as_ref().map(|i| i.name.as_str()), Some("客服小张"));
}

#[test]
fn the_array_form_reads_the_same_records() {
    let lines = load(&["archive.jsonl"]);
    let array = load(&["archive_array.json"]);
    let input = &array.inputs[0];
    assert_eq!(input.format.as_deref(), Some("wecom-archive"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (9, 8, 1));
    assert_eq!(input.skipped[0].line, 9, "the 9th record of the array");
    assert_eq!(
        serde_json::to_string(&lines.groups).unwrap(),
        serde_json::to_string(&array.groups).unwrap()
    );
}

#[test]
fn chunked_feeding_gives_identical_reports() {
    for f in ["archive.jsonl", "archive_array.json", "groupchat.json"] {
        let bytes = fixture(f);
        let whole = load(&[f]).to_json();
        for chunk in [1, 7, 4096] {
            let mut a = Analyzer::new(Config::default()).unwrap();
            a.begin_file(f);
            for piece in bytes.chunks(chunk) {
                a.push(piece);
            }
            a.end_file();
            assert_eq!(a.report().to_json(), whole, "{f} in {chunk}-byte pieces");
        }
    }
}
