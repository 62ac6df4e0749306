//! WeCom (session archive, customer-group member list) and QQ (classic 消息管理器 TXT, QQ NT
//! qq-chat-exporter JSON): golden files through the public API, hand-computed numbers.
//!
//! `fixtures/wecom/archive.jsonl`, by line: 1 text (zhangsan, mentions @客户A), 2 text (A),
//! 3 image (B), 4 `switch` (a row, no message), 5 mixed (B), 6 not JSON (skipped),
//! 7 recall (B), 8 external red packet (zhangsan), 9 link in a one-to-one chat (A↔zhangsan),
//! 10 msgtime 0 (skipped), 11 blank, 12 weapp (lisi, msgtime as a string, the next day).
//! The room's speakers: zhangsan, A, B, lisi.
//! `archive_array.json` holds the same records minus line 6 as a JSON array;
//! `groupchat.json` is the room's member list: 5 members with join scenes and inviters, one
//! entry without a userid.
//!
//! `fixtures/qq/全部消息记录.txt` (written by `make_fixtures.py`, which lists every line): group
//! 会计实务交流群 has 12 records read — 老张(10001) text, 会计小王<e-mail> text and red packet,
//! `(10003)` image (no nick) and a file share named by a system notice, `10004(10004)`
//! sticker, 李会计(带(嵌套)括号) (10005) with a 5-line body holding header-shaped lines,
//! 新人乙(10006) text, and system notices: 新人甲 joins, 老张 invites 新人乙, a recall,
//! 新人甲 removed — plus line 47 with 2024-02-30 (skipped with its body). Block 老同学 is a
//! private chat of 3 name-only records (one with an empty body).
//! `fixtures/qq/qce_group.json`: 12 messages in 产品交流群, the exporting account 10001;
//! #10 (timestamp 0) and #11 (sender is a string) are skipped.

mod common;
use common::{exporter, member, load_bytes};

use qunlens::model::JoinMethod;
use qunlens::report::Report;


const ROOM: &str = "wecom:wrRoom0000000000000000000001";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn load(paths: &[&str]) -> Report {
    load_bytes(&paths.iter().map(|p| (*p, fixture(p))).collect::<Vec<_>>())
}


fn assert_chunking_is_invisible(path: &str) {
    let bytes = fixture(path);
    let whole = load(&[path]).to_json();
    for chunk in [1, 7, 4096] {
        assert_eq!(common::report_in_chunks(path, &bytes, chunk).to_json(), whole, "{path} in {chunk}-byte pieces");
    }
}

// ---------------------------------------------------------------------------------------
// WeCom

#[test]
fn archive_lines_become_messages_with_skips_by_line() {
    let r = load(&["wecom/archive.jsonl"]);
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
    let r = load(&["wecom/archive.jsonl"]);
    assert_eq!(member(&r, "wecom:zhangsan").messages, 2, "text + red packet");
    assert_eq!(member(&r, "wecom:wmCustomerB").messages, 2, "image + mixed; the recall is not a message");
    assert_eq!(member(&r, "wecom:lisi").messages, 1, "the mini program");
}

#[test]
fn member_list_gives_names_joins_methods_and_inviters() {
    let r = load(&["wecom/archive.jsonl", "wecom/groupchat.json"]);
    let list = &r.inputs[1];
    assert_eq!(list.format.as_deref(), Some("wecom-group-members"));
    assert_eq!((list.rows, list.messages, list.skipped_count), (5, 0, 1));
    assert!(list.skipped[0].reason.contains("member_list[5] has no userid"), "{}", list.skipped[0].reason);

    let room = r.groups.iter().find(|g| g.id == ROOM).unwrap();
    assert_eq!(room.name, "销售客服群");
    assert_eq!((room.members, room.joins, room.speakers), (5, 5, 4), "钱出纳 is listed but silent");

    let a = member(&r, "wecom:wmCustomerA");
    assert_eq!(a.name, "客户A", "group nickname wins over the name");
    assert_eq!(a.join_method, Some(JoinMethod::Invite));
    assert_eq!(a.inviter.as_ref().map(|i| i.id.as_str()), Some("wecom:lisi"));
    assert_eq!(a.joins[0].time, "2024-02-28T14:00:00+08:00");
    let b = member(&r, "wecom:wmCustomerB");
    assert_eq!((b.join_method, b.inviter.is_none()), (Some(JoinMethod::QrCode), true));
    let d = member(&r, "wecom:wmCustomerD");
    assert_eq!((d.name.as_str(), d.messages, d.join_method), ("钱出纳", 0, Some(JoinMethod::Link)));
    let lisi = member(&r, "wecom:lisi");
    assert_eq!(lisi.inviter.as_ref().map(|i| i.name.as_str()), Some("客服小张"));
}

/// `fixtures/wecom/odd_values.jsonl`: a value of every unexpected type where the reader looks,
/// each read as looking it up in a parsed JSON value would: 20 lines; messages on lines 1
/// (escapes), 2 (msgtime as a string), 8 (`send_time` padded with spaces), 10 (`from` twice:
/// the last one), 14 (`text` not an object: no text), 15 (`mixed` whose first item is not an
/// object), 16 (news), 17 (a one-to-one chat whose `tolist` starts with a number), 18 (the
/// record wrapped under `message`, `decrypted` being a string) and 19 (a recall); line 20
/// (`agree`) a row only; the rest skipped, each with its reason.
#[test]
fn odd_values_read_as_missing_fields_and_say_why_they_are_skipped() {
    let r = load(&["wecom/odd_values.jsonl"]);
    let input = &r.inputs[0];
    assert_eq!((input.rows, input.messages, input.skipped_count), (11, 10, 9));
    let skipped: Vec<(u64, &str)> = input.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(
        skipped,
        [
            (3, r#"msgtime "1709258520000.5" is not a time in milliseconds"#),
            (4, r#"msgtime "null" is not a time in milliseconds"#),
            (5, r#"msgtime "-5" is not a time in milliseconds"#),
            (6, r#"msgtime "18446744073709551615" is not a time in milliseconds"#),
            (7, r#"msgtime "{\"ms\":1}" is not a time in milliseconds"#),
            (9, r#"record has no "from" (sender)"#),
            (11, r#"expected an archive record object, found "[1,2]""#),
            (12, r#"expected an archive record object, found "\"只是一个字符串\"""#),
            (13, "record is still encrypted (encrypt_chat_msg): decrypt it with the WeCom Finance SDK first"),
        ]
    );
    let counts = |id: &str| member(&r, id).messages;
    assert_eq!((counts("wecom:zhangsan"), counts("wecom:lisi"), counts("wecom:wangwu")), (3, 4, 2), "lisi's recall is no message");
    assert!(r.groups.iter().any(|g| g.id == "wecom:|zhangsan"), "the one-to-one chat with no readable partner");
}

#[test]
fn the_array_form_reads_the_same_records() {
    let lines = load(&["wecom/archive.jsonl"]);
    let array = load(&["wecom/archive_array.json"]);
    let input = &array.inputs[0];
    assert_eq!(input.format.as_deref(), Some("wecom-archive"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (9, 8, 1));
    assert_eq!(input.skipped[0].line, 123, "the 9th record of the array starts at line 123");
    assert_eq!(serde_json::to_string(&lines.groups).unwrap(), serde_json::to_string(&array.groups).unwrap());
}

#[test]
fn a_chatdata_envelope_with_decrypted_items_reads_the_same_records() {
    let array: serde_json::Value = serde_json::from_slice(&fixture("wecom/archive_array.json")).unwrap();
    let items: Vec<serde_json::Value> = array
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, rec)| serde_json::json!({"seq": i + 1, "msgid": rec["msgid"], "decrypted": rec}))
        .collect();
    let envelope = serde_json::json!({"errcode": 0, "errmsg": "ok", "chatdata": items});
    let r = load_bytes(&[("chatdata.json", serde_json::to_vec_pretty(&envelope).unwrap())]);
    assert_eq!(r.inputs[0].format.as_deref(), Some("wecom-archive"));
    assert_eq!((r.inputs[0].rows, r.inputs[0].messages), (9, 8));
    let array = load(&["wecom/archive_array.json"]);
    assert_eq!(serde_json::to_string(&r.groups).unwrap(), serde_json::to_string(&array.groups).unwrap());
}

#[test]
fn a_cut_off_array_keeps_the_records_before_the_cut() {
    let bytes = fixture("wecom/archive_array.json");
    let text = std::str::from_utf8(&bytes).unwrap();
    // Cut inside the 6th record (the red packet): records 1-5 are whole.
    let cut = text.find("external_redpacket").unwrap();
    let r = load_bytes(&[("cut.json", bytes[..cut].to_vec())]);
    let input = &r.inputs[0];
    // text, text, image, switch (row only), mixed, recall: 6 rows, 5 messages.
    assert_eq!((input.rows, input.messages, input.skipped_count), (6, 5, 1), "{:?}", input.skipped);
    assert!(input.skipped[0].reason.contains("ends early"), "{}", input.skipped[0].reason);
}

#[test]
fn member_lists_as_json_lines_report_each_response_by_line() {
    let one = |id: &str, user: &str| {
        format!(
            r#"{{"errcode":0,"errmsg":"ok","group_chat":{{"chat_id":"{id}","name":"群{id}","member_list":[{{"userid":"{user}","type":2,"join_time":1709100000,"join_scene":3}}]}}}}"#
        )
    };
    let text =
        format!("{}\n{}\n{{\"errcode\":86003,\"errmsg\":\"no privilege\"}}\n", one("wrA", "wmX"), one("wrB", "wmX"));
    let r = load_bytes(&[("groups.jsonl", text.into_bytes())]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("wecom-group-members"));
    assert_eq!((input.rows, input.skipped_count, input.skipped[0].line), (2, 1, 3));
    assert!(input.skipped[0].reason.contains("errcode 86003"), "{}", input.skipped[0].reason);
    assert_eq!(member(&r, "wecom:wmX").joins.len(), 2, "one person, two groups");
}

#[test]
fn wecom_chunked_feeding_gives_identical_reports() {
    for f in ["wecom/archive.jsonl", "wecom/archive_array.json", "wecom/groupchat.json"] {
        assert_chunking_is_invisible(f);
    }
}

// ---------------------------------------------------------------------------------------
// QQ classic TXT

const QQ_TXT: &str = "qq/全部消息记录.txt";
const QQ_GROUP: &str = "qq:会计实务交流群";

#[test]
fn qq_txt_blocks_records_and_the_skipped_header() {
    let r = load(&[QQ_TXT]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("qq-txt"));
    assert_eq!(input.encoding.as_deref(), Some("utf-8-bom"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (15, 15, 1));
    assert_eq!(input.skipped[0].line, 47);
    assert!(input.skipped[0].reason.contains("2024-02-30 10:00:00"), "{}", input.skipped[0].reason);

    let g = r.groups.iter().find(|g| g.id == QQ_GROUP).unwrap();
    assert_eq!(g.name, "会计实务交流群");
    // 10001, e-mail, 10003, 10004, 10005, 10006 and the never-speaking 新人甲.
    assert_eq!((g.messages, g.members, g.speakers, g.active_members), (12, 7, 6, 6));
    assert_eq!((g.joins, g.leaves, g.removed), (2, 1, 1));
    assert_eq!(g.first_message.as_deref(), Some("2024-03-01T09:05:00+08:00"), "unpadded hour");
    assert_eq!(g.last_message.as_deref(), Some("2024-03-02T08:00:00+08:00"));

    let private = r.groups.iter().find(|g| g.id == "qq:老同学").unwrap();
    assert_eq!((private.messages, private.members, private.speakers), (3, 2, 2));
}

#[test]
fn qq_txt_senders_ids_names_and_kinds() {
    let r = load(&[QQ_TXT]);
    let zhang = member(&r, "qq:10001");
    assert_eq!((zhang.name.as_str(), zhang.messages), ("老张", 1), "title stripped; line 47 skipped");
    let wang = member(&r, "qq:xiaowang@example.com");
    assert_eq!((wang.name.as_str(), wang.messages), ("会计小王", 2), "text + red packet; the recall is a notice");
    assert_eq!(wang.last_active.as_deref(), Some("2024-03-01T13:02:03+08:00"), "1:02:03 PM");
    let no_nick = member(&r, "qq:10003");
    assert_eq!((no_nick.name.as_str(), no_nick.messages), ("10003", 2), "image + the file share");
    assert!(member(&r, "qq:10004").names.is_empty(), "a nick equal to the number is no name");
    let li = member(&r, "qq:10005");
    assert_eq!((li.name.as_str(), li.messages), ("李会计(带(嵌套)括号)", 1), "header-shaped body lines stay body");
    assert_eq!(li.last_active.as_deref(), Some("2024-03-01T10:15:30+08:00"), "10:15:30 AM");
    assert_eq!(member(&r, "qq:name:老同学:老同学").messages, 2);
    assert_eq!(member(&r, "qq:name:老同学:我的昵称").messages, 1, "an empty body is still a message");
}

#[test]
fn qq_txt_system_notices_become_joins_with_inviters_and_removals() {
    let r = load(&[QQ_TXT]);
    let yi = member(&r, "qq:10006");
    assert_eq!(yi.join_method, Some(JoinMethod::Invite), "新人乙 resolved to the QQ number they spoke with");
    assert_eq!(yi.inviter.as_ref().map(|i| (i.id.as_str(), i.name.as_str())), Some(("qq:10001", "老张")));
    assert_eq!(yi.joins[0].time, "2024-03-01T14:05:00+08:00");
    let jia = member(&r, "qq:name:会计实务交流群:新人甲");
    assert_eq!((jia.join_method, jia.messages), (Some(JoinMethod::Unknown), 0));
}

#[test]
fn qq_txt_in_gbk_reads_the_same() {
    let bytes = fixture(QQ_TXT);
    let text = std::str::from_utf8(&bytes).unwrap().trim_start_matches('\u{FEFF}');
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    let utf8 = load(&[QQ_TXT]);
    let r = load_bytes(&[(QQ_TXT, gbk.into_owned())]);
    assert_eq!(r.inputs[0].encoding.as_deref(), Some("gb18030"));
    assert_eq!(r.inputs[0].format.as_deref(), Some("qq-txt"));
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (15, 1));
    assert_eq!(serde_json::to_string(&r.groups).unwrap(), serde_json::to_string(&utf8.groups).unwrap());
    assert_eq!(serde_json::to_string(&r.members).unwrap(), serde_json::to_string(&utf8.members).unwrap());
}

#[test]
fn qq_txt_named_after_the_file_when_there_is_no_block() {
    let text = "2024-03-01 9:05:00 老张(10001)\r\n早\r\n\r\n";
    let r = load_bytes(&[(
        "导出/单聊 老张.txt",
        format!("消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n{text}").into_bytes(),
    )]);
    assert_eq!(r.inputs[0].format.as_deref(), Some("qq-txt"));
    assert_eq!(r.groups[0].id, "qq:单聊 老张");
}

// ---------------------------------------------------------------------------------------
// QQ NT (qq-chat-exporter JSON)

const QCE: &str = "qq/qce_group.json";

#[test]
fn qce_messages_kinds_and_skips_at_their_lines() {
    let r = load(&[QCE]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("qq-nt-json"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (10, 10, 2));
    // Message #10 starts at line 326; #11's sender, not an object, is at line 360.
    assert_eq!((input.skipped[0].line, input.skipped[1].line), (326, 360));
    assert!(input.skipped[0].reason.contains("timestamp"), "{}", input.skipped[0].reason);
    assert!(input.skipped[1].reason.contains("expected struct Sender"), "{}", input.skipped[1].reason);

    let g = &r.groups[0];
    assert_eq!((g.id.as_str(), g.name.as_str()), ("qq:产品交流群", "产品交流群"));
    // self(10001), 10002, 10003, 10008, the invited 10009, u_wang.
    assert_eq!((g.messages, g.members, g.speakers, g.joins), (10, 6, 5, 2));
    assert_eq!(g.first_message.as_deref(), Some("2024-03-01T16:00:00+08:00"), "timestamp in ms");
    assert_eq!(g.last_message.as_deref(), Some("2024-03-02T08:00:00+08:00"), "V4 ISO timestamp");

    let li = member(&r, "qq:10003");
    assert_eq!((li.name.as_str(), li.messages), ("李四", 3), "reply + mention + file");
    let mei = member(&r, "qq:10002");
    assert_eq!((mei.name.as_str(), mei.messages), ("小美(运营)", 1), "the image; the recalled message does not count");
    let wang = member(&r, "qq:u_wang");
    assert_eq!((wang.name.as_str(), wang.messages), ("老王", 1), "no uin: keyed by the NT uid");
}

#[test]
fn qce_self_account_and_grey_tip_joins() {
    let r = load(&[QCE]);
    let me = exporter(&r, "qq");
    assert_eq!((me.platform_id.as_deref(), me.name.as_str(), me.is_self), (Some("10001"), "老张", true));
    let ming = member(&r, "qq:10008");
    assert_eq!(ming.join_method, Some(JoinMethod::QrCode), "小明 resolved to the uin they spoke with");
    assert_eq!(ming.inviter.as_ref().map(|i| i.id.as_str()), Some("qq:10002"));
    let invited = member(&r, "qq:10009");
    assert_eq!((invited.join_method, invited.messages), (Some(JoinMethod::Invite), 0));
    assert_eq!(invited.inviter.as_ref().map(|i| i.id.as_str()), Some("qq:10001"), "你 is the exporter, whose uin the export names");
}

#[test]
fn qce_cut_off_keeps_the_messages_before_the_cut() {
    let bytes = fixture(QCE);
    let text = std::str::from_utf8(&bytes).unwrap();
    let cut = text.find("\"seq\": \"4\"").unwrap();
    let r = load_bytes(&[("cut.json", bytes[..cut].to_vec())]);
    let input = &r.inputs[0];
    assert_eq!((input.rows, input.messages, input.skipped_count), (3, 3, 1), "{:?}", input.skipped);
    assert!(input.skipped[0].reason.contains("ends early"), "{}", input.skipped[0].reason);
}

#[test]
fn qq_chunked_feeding_gives_identical_reports() {
    assert_chunking_is_invisible(QQ_TXT);
    assert_chunking_is_invisible(QCE);
}

// ---------------------------------------------------------------------------------------
// Robustness

#[test]
fn cut_flipped_and_odd_fixtures_never_panic() {
    let files = ["wecom/archive.jsonl", "wecom/archive_array.json", "wecom/groupchat.json", QQ_TXT, QCE];
    for path in files {
        let bytes = fixture(path);
        let full = load(&[path]).inputs[0].messages;
        for cut in (0..bytes.len()).step_by(37) {
            let r = load_bytes(&[(path, bytes[..cut].to_vec())]);
            assert!(r.inputs[0].messages <= full, "{path} cut at {cut}");
        }
        for seed in 1..20usize {
            let mut flipped = bytes.clone();
            for k in 0..8 {
                let at = (seed * 7919 + k * 104_729) % flipped.len();
                flipped[at] = flipped[at].wrapping_add(0x5B);
            }
            load_bytes(&[(path, flipped)]);
        }
    }
    let odd = [
        r#"{"metadata":{"name":"QQChatExporter"},"chatInfo":{"name":"g"},"messages":[{"timestamp":1e300,"sender":{"uin":"1"}},{"timestamp":-5},{"timestamp":"2024-13-01"},null,7,[]]}"#,
        r#"{"metadata":{"name":"QQChatExporter"},"messages":{"not":"an array"}}"#,
        "{\"msgid\":\"1\",\"action\":\"send\",\"from\":\"a\",\"roomid\":\"r\",\"msgtime\":9223372036854775807,\"msgtype\":\"text\"}\n",
        "{\"msgid\":\"1\",\"action\":\"send\",\"from\":\"a\",\"roomid\":\"r\",\"msgtime\":-1,\"msgtype\":\"mixed\",\"mixed\":{\"item\":[{}]}}\n",
        "[{\"msgid\":\"1\",\"msgtime\":1},\"x\",[1],{\"chatdata\":5}]",
        r#"{"errcode":0,"group_chat":{"chat_id":"wr1","member_list":[{"userid":"u","join_time":-1,"invitor":"x"},5]}}"#,
        "消息记录（此消息记录为文本格式，不支持重新导入）\n\n9999-99-99 99:99:99 x(1)\n正文\n\n0000-01-01 0:0:0 PM (1)\n\n2024-01-01 12:00:00 AM 【】【\n",
    ];
    for (i, text) in odd.iter().enumerate() {
        let r = load_bytes(&[(&format!("odd{i}"), text.as_bytes().to_vec())]);
        assert!(r.inputs[0].format.is_some(), "odd{i}: {:?}", r.inputs[0].error);
    }
}
