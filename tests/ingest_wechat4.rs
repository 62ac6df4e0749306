//! WeChat 4.x exporters (WeFlow / EchoTrace JSON, ChatLab JSON + JSONL, chatlog CSV + JSON)
//! through the public API, against numbers worked out by hand from `tests/fixtures/wechat4/`
//! (written by `make_fixtures.py` there; T0 = 2024-03-01 10:00:00 +08:00).
//!
//! `weflow_group.json` (34567890123@chatroom, 12 messages): 1 XML join (群主老王 wxid_owner01
//! invites 新人小李 wxid_new01), 2 text with @新人小李, 3 text, 4 image, 5 quote of #2, 6 red
//! packet by the exporter (isSend=1, wxid_me001), 7 link, 8 plain-text QR join of 新人小张
//! shared by 群主老王, 9 no label but localType 47 (sticker), 10 no createTime (skipped), 11
//! label 文件消息 with a contradicting localType 1 (the label wins: file), 12 pat.

mod common;

use common::{exporter, group, inviter, member};

use qunlens::ingest::FileIngest;
use qunlens::model::{JoinMethod, MessageKind, Model, ModelBuilder, PersonRef, Quote, SYSTEM};
use qunlens::report::Report;
use qunlens::time::Zone;
use qunlens::{Analyzer, Config};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/wechat4/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(files: &[&str]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for name in files {
        a.add_file(name, &fixture(name));
    }
    a.report()
}

fn model_of(name: &str) -> Model {
    let mut b = ModelBuilder::new();
    let mut z = Zone::new("Asia/Shanghai").unwrap();
    let mut f = FileIngest::new(name, &b);
    f.push(&fixture(name), &mut b, &mut z);
    f.finish(&mut b, &mut z);
    b.finish()
}

const WEFLOW_ROOM: &str = "wechat:34567890123@chatroom";

#[test]
fn weflow_group_messages_joins_and_skips() {
    let r = load(&["weflow_group.json"]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("weflow-json"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (11, 11, 1));
    assert_eq!(input.skipped[0].line, 138, "the 10th message starts at line 138");
    assert!(input.skipped[0].reason.contains("no createTime"), "{}", input.skipped[0].reason);

    let g = group(&r, WEFLOW_ROOM);
    assert_eq!(g.name, "跨境电商交流群");
    // Members: owner01, new01, the exporter, 新人小张 (name only); speakers: the first three.
    assert_eq!((g.messages, g.members, g.speakers, g.joins), (11, 4, 3, 2));
    assert_eq!(g.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(g.last_message.as_deref(), Some("2024-03-01T10:10:00+08:00"));

    let new = member(&r, "wechat:wxid_new01");
    assert_eq!((new.name.as_str(), new.messages), ("新人小李", 3), "text, quote, sticker; the pat is a tip");
    assert_eq!(new.join_method, Some(JoinMethod::Invite));
    assert_eq!(inviter(new), Some(("wechat:wxid_owner01", "群主老王")));
    let qr = member(&r, "wechat:name:34567890123@chatroom:新人小张");
    assert_eq!(qr.join_method, Some(JoinMethod::QrCode));
    assert_eq!(inviter(qr), Some(("wechat:wxid_owner01", "群主老王")), "the QR sharer is the referrer");
    assert_eq!(member(&r, "wechat:wxid_owner01").messages, 4);
    let me = exporter(&r, "wechat");
    assert_eq!((me.platform_id.as_deref(), me.is_self, me.messages), (Some("wxid_me001"), true, 1));
    assert_eq!(me.name, "我是运营");
}

#[test]
fn weflow_kinds_quote_and_mentions() {
    use MessageKind::*;
    let m = model_of("weflow_group.json");
    assert_eq!(
        m.messages.kind,
        vec![System, Text, Text, Image, Text, RedPacket, Link, System, Sticker, File, Pat],
        "label first, localType when there is no label"
    );
    for i in [0, 7, 10] {
        assert_eq!(m.messages.sender[i], SYSTEM, "message {i} is a system line");
    }
    assert_eq!(m.messages.text(4), "收到，谢谢");
    assert_eq!(
        m.messages.quotes.get(&4),
        Some(&Quote {
            message_id: Some("5000000000000000002".into()),
            sender: Some(PersonRef::Name("群主老王".into())),
            text: Some("欢迎@新人小李".into()),
        })
    );
    assert_eq!(m.messages.quotes.len(), 1);
    assert_eq!(m.messages.mentions.get(&1), Some(&vec!["新人小李".to_string()]));
    assert_eq!(m.messages.text(3), "", "media keeps no placeholder text");
}

#[test]
fn echotrace_group_members_are_listed() {
    let r = load(&["echotrace_group.json"]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("weflow-json"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (4, 4, 0));
    let g = group(&r, "wechat:45678901234@chatroom");
    assert_eq!(g.name, "外贸群");
    // a1, b2, the listed-but-silent wxid_silent, the exporter, 小丙 (joined).
    assert_eq!((g.messages, g.members, g.speakers, g.joins), (4, 5, 3, 1));
    let silent = member(&r, "wechat:wxid_silent");
    assert_eq!((silent.name.as_str(), silent.messages), ("潜水员", 0));
    assert_eq!(silent.groups, vec!["wechat:45678901234@chatroom".to_string()]);
    let joined = member(&r, "wechat:name:45678901234@chatroom:小丙");
    assert_eq!(inviter(joined), Some(("wechat:wxid_a1", "阿强")), "a system line sent by the chatroom itself");
    assert!(exporter(&r, "wechat").is_self);
    assert_eq!(member(&r, "wechat:wxid_b2").messages, 1, "the voice message");
}

#[test]
fn chatlab_json_and_lines_give_the_same_groups_and_members() {
    let json = load(&["chatlab_group.json"]);
    let lines = load(&["chatlab_group.jsonl"]);
    // The 6th message starts at line 67 of the document, at line 11 of the JSON Lines.
    for (r, skip_line) in [(&json, 67), (&lines, 11)] {
        let input = &r.inputs[0];
        assert_eq!(input.format.as_deref(), Some("chatlab"), "{}", input.file);
        assert_eq!((input.rows, input.messages, input.skipped_count), (6, 6, 1), "{}", input.file);
        assert_eq!(input.skipped[0].line, skip_line, "{}", input.file);
        assert!(input.skipped[0].reason.contains("no timestamp"), "{}", input.skipped[0].reason);
    }
    assert_eq!(serde_json::to_string(&json.groups).unwrap(), serde_json::to_string(&lines.groups).unwrap());
    assert_eq!(serde_json::to_string(&json.members).unwrap(), serde_json::to_string(&lines.members).unwrap());

    let g = group(&json, "wechat:56789012345@chatroom");
    assert_eq!(g.name, "运营交流群");
    // c1, d2, the exporter (meta.ownerId), 新成员; the join and the recall are WeChat grey text.
    assert_eq!((g.messages, g.members, g.speakers, g.joins), (6, 4, 3, 1));
    let c1 = member(&json, "wechat:wxid_c1");
    assert_eq!((c1.name.as_str(), c1.messages), ("陈老师", 1));
    let names: Vec<&str> = c1.names.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"陈一") && names.contains(&"老陈"), "{names:?}");
    let joined = member(&json, "wechat:name:56789012345@chatroom:新成员");
    assert_eq!(inviter(joined), Some(("wechat:wxid_c1", "陈老师")));
    let me = exporter(&json, "wechat");
    assert_eq!((me.platform_id.as_deref(), me.messages), (Some("wxid_me001"), 1));
    assert_eq!(member(&json, "wechat:wxid_d2").messages, 2);

    use MessageKind::*;
    let m = model_of("chatlab_group.json");
    assert_eq!(m.messages.kind, vec![Text, Text, System, RedPacket, Image, Recall]);
    assert_eq!(m.messages.quotes.get(&1).and_then(|q| q.message_id.as_deref()), Some("m1"));
}

#[test]
fn chatlog_csv_and_json_agree() {
    let csv = load(&["chatlog_group.csv"]);
    let json = load(&["chatlog_group.json"]);
    // The CSV's row at line 9; the JSON's 6th message starts at line 87.
    for (r, skip_line) in [(&csv, 9), (&json, 87)] {
        let input = &r.inputs[0];
        assert_eq!(input.format.as_deref(), Some("chatlog"), "{}", input.file);
        assert_eq!((input.rows, input.messages, input.skipped_count), (5, 5, 1), "{}", input.file);
        assert_eq!(input.skipped[0].line, skip_line, "{}", input.file);
        let g = group(r, "wechat:67890123456@chatroom");
        assert_eq!(g.name, "读书会");
        assert_eq!((g.messages, g.members, g.speakers, g.joins), (5, 2, 2, 1), "{}", input.file);
        // The plain-text join names people; they resolve to the wxids seen speaking.
        let reader2 = member(r, "wechat:wxid_reader2");
        assert_eq!((reader2.name.as_str(), reader2.messages), ("新读者", 2));
        assert_eq!(reader2.join_method, Some(JoinMethod::Invite));
        assert_eq!(inviter(reader2), Some(("wechat:wxid_reader1", "书虫")));
    }
    assert_eq!(serde_json::to_string(&csv.groups).unwrap(), serde_json::to_string(&json.groups).unwrap());
    assert_eq!(serde_json::to_string(&csv.members).unwrap(), serde_json::to_string(&json.members).unwrap());

    use MessageKind::*;
    for name in ["chatlog_group.csv", "chatlog_group.json"] {
        let m = model_of(name);
        assert_eq!(m.messages.kind, vec![System, Text, Text, Image, Link], "{name}");
        assert_eq!(m.messages.text(2), "好的，已经买了", "{name}");
        let q = m.messages.quotes.get(&2).unwrap_or_else(|| panic!("{name}: no quote"));
        assert_eq!(q.sender, Some(PersonRef::Id("wxid_reader1".into())), "{name}");
        assert_eq!(q.text.as_deref(), Some("本周读《三体》"), "{name}");
    }
}

#[test]
fn weflow_and_pywxdump_of_one_chatroom_merge() {
    let r = load(&["weflow_group.json", "pywxdump_same_room.csv"]);
    assert_eq!(r.inputs[0].format.as_deref(), Some("pywxdump-csv"), "inputs are listed by file name");
    assert_eq!(r.groups.len(), 1, "{:?}", r.groups.iter().map(|g| &g.id).collect::<Vec<_>>());
    let g = group(&r, WEFLOW_ROOM);
    assert_eq!((g.name.as_str(), g.messages, g.speakers), ("跨境电商交流群", 13, 4));
    assert_eq!(member(&r, "wechat:wxid_owner01").messages, 5);
}

#[test]
fn chunking_is_invisible() {
    for name in [
        "weflow_group.json",
        "echotrace_group.json",
        "chatlab_group.json",
        "chatlab_group.jsonl",
        "chatlog_group.csv",
        "chatlog_group.json",
    ] {
        let bytes = fixture(name);
        let whole = load(&[name]).to_json();
        for chunk in [1, 7, 4096] {
            assert_eq!(common::report_in_chunks(name, &bytes, chunk).to_json(), whole, "{name} in {chunk}-byte pieces");
        }
    }
}

#[test]
fn one_broken_message_does_not_lose_the_others() {
    let text = String::from_utf8(fixture("weflow_group.json")).unwrap();
    // Message 3's createTime becomes an object; a cut after message 5 ends the file early.
    let bad = text.replacen("\"createTime\": 1709258520", "\"createTime\": {\"x\": 1}", 1);
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("bad.json", bad.as_bytes());
    let cut = &text[..text.find("\"localId\": 6").unwrap()];
    a.add_file("cut.json", cut.as_bytes());
    let r = a.report();
    let bad = &r.inputs[0];
    assert_eq!((bad.rows, bad.skipped_count), (10, 2));
    assert_eq!(bad.skipped[0].line, 44, "message 3 starts at line 44");
    assert!(bad.skipped[0].reason.starts_with("createTime ") && bad.skipped[0].reason.ends_with("is not a time"), "{}", bad.skipped[0].reason);
    let cut = &r.inputs[1];
    assert_eq!(cut.rows, 5, "the five whole messages before the cut");
    assert_eq!(cut.skipped_count, 1);
    assert!(cut.skipped[0].reason.contains("ends early"), "{}", cut.skipped[0].reason);
}
