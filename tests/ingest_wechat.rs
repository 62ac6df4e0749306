//! WeChat CSV exports (WeChatMsg/MemoTrace every generation, PyWxDump v3.0 and v3.1) loaded
//! through the public API, against values worked out by hand from the fixtures in
//! `tests/fixtures/wechat/` (written by `make_fixtures.py` there; the comments below say which
//! rows produce each number).

mod common;

use common::{exporter, group, inviter, member};

use qunlens::ingest::FileIngest;
use qunlens::model::{JoinMethod, MessageKind, Model, ModelBuilder, PersonRef, Platform, Quote, SYSTEM};
use qunlens::report::Report;
use qunlens::time::Zone;
use qunlens::{Analyzer, Config};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/wechat/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Loads `(name as uploaded, fixture file)` pairs into one analyzer.
fn load(files: &[(&str, &str)]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for (name, file) in files {
        a.add_file(name, &fixture(file));
    }
    a.report()
}

/// The normalized model of one file, for what the report does not show (kinds, text, quotes).
fn model_of(name: &str, bytes: &[u8]) -> Model {
    let mut b = ModelBuilder::new();
    let mut z = Zone::new("Asia/Shanghai").unwrap();
    let mut f = FileIngest::new(name, &b);
    f.push(bytes, &mut b, &mut z);
    f.finish(&mut b, &mut z);
    b.finish()
}

const GROUP_FILE: &str = "聊天记录/财税交流群(24681357900@chatroom)/财税交流群.csv";
const GROUP_ID: &str = "wechat:24681357900@chatroom";

#[test]
fn wechatmsg_current_generation_group() {
    let r = load(&[(GROUP_FILE, "wechatmsg_group_bom.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("wechatmsg-csv"));
    assert_eq!(input.encoding.as_deref(), Some("utf-8-bom"));
    assert_eq!(input.error, None);
    // 26 data rows; row 14 (Type "abc", line 28) and row 23 (no usable time, line 43) are bad.
    assert_eq!((input.rows, input.messages, input.skipped_count), (24, 24, 2));
    let skipped: Vec<(u64, &str)> = input.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(
        skipped,
        [(28, "Type \"abc\" is not a number"), (43, "CreateTime \"\" and StrTime \"昨天\" are not times")]
    );

    assert_eq!(r.groups.len(), 1);
    let g = group(&r, GROUP_ID);
    // Renamed by row 17; the key is the chatroom id in the MemoTrace folder name.
    assert_eq!(g.name, "财税交流群（2024）");
    // Speakers: owner, 新人甲, 张三, 李四, self, 钱七 (the pat and recalls are system lines).
    assert_eq!(g.speakers, 6);
    // + 新人乙, 扫码王, 王五 (plain-text joins), 孙八 (XML join), 广告哥, 广告君 (removed).
    assert_eq!(g.members, 12);
    // Joins: rows 1 (two), 6, 9 (XML), 12, 13 (XML QR); removals: rows 15, 16 (XML).
    assert_eq!((g.messages, g.joins, g.leaves, g.removed), (24, 6, 2, 2));
    assert_eq!(g.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(g.last_message.as_deref(), Some("2024-03-01T10:23:00+08:00"));
    assert_eq!(r.members.len(), 12);

    // The exporter: IsSender=1 rows name wxid_self01, "你" in system lines is the same person.
    let me = exporter(&r, "wechat");
    assert!(me.is_self);
    assert_eq!(me.platform_id.as_deref(), Some("wxid_self01"));
    assert_eq!((me.name.as_str(), me.messages), ("运营小助手", 2));

    // Plain-text join naming the inviter by nickname resolves to the owner's wxid, and the
    // invitee who later speaks is the same member as her join.
    let a = member(&r, "wechat:wxid_new07");
    assert_eq!((a.name.as_str(), a.messages), ("新人甲", 2));
    assert_eq!(a.join_method, Some(JoinMethod::Invite));
    assert_eq!(inviter(a), Some(("wechat:wxid_owner01", "群主老王")));
    let b = member(&r, "wechat:name:24681357900@chatroom:新人乙");
    assert_eq!(inviter(b), Some(("wechat:wxid_owner01", "群主老王")));
    assert_eq!(b.joins[0].time, "2024-03-01T10:00:00+08:00");

    // QR join with a leading space inside the quotes; sharer named by nickname.
    let scan = member(&r, "wechat:name:24681357900@chatroom:扫码王");
    assert_eq!(scan.join_method, Some(JoinMethod::QrCode));
    assert_eq!(inviter(scan), Some(("wechat:wxid_li02", "李四")));

    // XML invite: invitee and inviter by wxid, nickname from the XML.
    let qian = member(&r, "wechat:wxid_new08");
    assert_eq!((qian.name.as_str(), qian.messages), ("钱七", 1));
    assert_eq!(inviter(qian), Some(("wechat:wxid_li02", "李四")));

    // XML QR join whose sharer is the exporter's own wxid.
    let sun = member(&r, "wechat:wxid_new09");
    assert_eq!(sun.name, "孙八");
    assert_eq!(sun.join_method, Some(JoinMethod::QrCode));
    assert_eq!(inviter(sun), Some(("wechat:wxid_self01", "运营小助手")), "你 is the exporter, whose wxid the file names");
    assert_eq!(sun.joins[0].time, "2024-03-01T10:12:00+08:00");

    let wang = member(&r, "wechat:name:24681357900@chatroom:王五");
    assert_eq!(
        (wang.join_method, inviter(wang)),
        (Some(JoinMethod::Invite), Some(("wechat:wxid_self01", "运营小助手")))
    );

    // Remark (sanitised) and nickname are both kept; the remark is the current name.
    let zhang = member(&r, "wechat:wxid_zhang05");
    assert_eq!(zhang.name, "张三_ABC公司");
    let names: Vec<&str> = zhang.names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["张三 ABC公司", "张三_ABC公司"]);
    assert_eq!(member(&r, "wechat:wxid_li02").messages, 3);
    assert_eq!(member(&r, "wechat:wxid_owner01").messages, 2, "text + red packet");
    assert_eq!(member(&r, "wechat:wxid_ad10").name, "广告君");
}

#[test]
fn wechatmsg_model_kinds_text_and_mentions() {
    let m = model_of(GROUP_FILE, &fixture("wechatmsg_group_bom.csv"));
    use MessageKind::*;
    // Good rows in file order (rows 14 and 23 skipped).
    let want = [
        System, Text, Text, Text, Image, System, Text, Link, System, Text, Sticker, System, System, System,
        System, System, Recall, Recall, Pat, RedPacket, Text, System, File, Text,
    ];
    assert_eq!(m.messages.kind, want);
    let senders_system: Vec<bool> = m.messages.sender.iter().map(|&s| s == SYSTEM).collect();
    let system_rows: Vec<bool> = want.iter().map(|k| matches!(k, System | Recall | Pat)).collect();
    assert_eq!(senders_system, system_rows);
    assert_eq!(m.messages.text(2), "大家好，我是新人甲，\n做财务的");
    assert_eq!(m.messages.text(3), "他说：\"税率是多少？\"");
    assert_eq!(m.messages.text(4), "", "image XML is not kept as text");
    assert_eq!(m.messages.text(8), "\"李四\"邀请\"钱七\"加入了群聊", "XML template rendered");
    assert_eq!(m.messages.text(21), "新人甲领取了你的红包", "markup stripped");
    assert_eq!(m.messages.mentions.get(&6), Some(&vec!["李四".to_string()]));
    assert_eq!(m.messages.time[20], 1709258400 + 1200, "CreateTime empty: StrTime used");
}

#[test]
fn wechatmsg_oldest_generation_reads_senders_from_bytes_extra() {
    // ≤ 2023-12-24: 9-column header over raw rows of 11-12 values, no BOM.
    let r = load(&[("老客户群_utf8.csv", "wechatmsg_2023_9col_raw.csv")]);
    check_old_group(&r, "utf-8", "wechat:老客户群");
    // ≈ 2023-12-30: 12-column header, BOM, the same raw rows (one with a 13th value).
    let r = load(&[("老客户群_utf8.csv", "wechatmsg_2023_12col_raw.csv")]);
    check_old_group(&r, "utf-8-bom", "wechat:老客户群");
}

fn check_old_group(r: &Report, encoding: &str, id: &str) {
    let input = &r.inputs[0];
    assert_eq!(input.encoding.as_deref(), Some(encoding));
    assert_eq!((input.rows, input.messages, input.skipped_count), (6, 6, 0), "{:?}", input.skipped);
    let g = group(r, id);
    assert_eq!(g.name, "老客户群");
    // wxid_old_a1 (rows 1, 5), self (row 2), qq123456789 (row 4), wxid_old_b2 (row 6,
    // written `wxid_old_b2:25319:1`), plus 助教 and 老客户丙 from the join line.
    assert_eq!((g.speakers, g.members, g.joins), (4, 6, 1));
    assert_eq!(member(r, "wechat:wxid_old_a1").messages, 2);
    assert_eq!(member(r, "wechat:wxid_old_b2").messages, 1);
    assert_eq!(member(r, "wechat:qq123456789").messages, 1);
    assert_eq!(exporter(r, "wechat").messages, 1);
    let c = member(r, "wechat:name:老客户群:老客户丙");
    assert_eq!(inviter(c), Some(("wechat:name:老客户群:助教", "助教")));
}

#[test]
fn wechatmsg_private_chat_with_ragged_rows() {
    // 2024-01/02 builds: 9 values per private-chat row under the 12-column header; the other
    // side is the chat itself.
    let r = load(&[("张总_utf8.csv", "wechatmsg_private_ragged.csv")]);
    let input = &r.inputs[0];
    assert_eq!((input.rows, input.messages, input.skipped_count), (4, 4, 0));
    let g = group(&r, "wechat:张总");
    assert_eq!((g.members, g.speakers, g.messages), (2, 2, 4));
    assert_eq!(member(&r, "wechat:name:张总:张总").messages, 2);
    assert_eq!(exporter(&r, "wechat").messages, 1, "the recall is not activity");
}

#[test]
fn wechatmsg_export_all_groups_rows_by_conversation() {
    let r = load(&[("messages.csv", "messages.csv")]);
    let input = &r.inputs[0];
    assert_eq!((input.rows, input.messages, input.skipped_count), (7, 7, 0));
    assert_eq!(r.groups.len(), 2);
    let g = group(&r, "wechat:5:财税交流群");
    assert_eq!(g.name, "财税交流群");
    // 李四, self, 新同学 (joined by row 5, speaks in row 6); row 7 has no sender.
    assert_eq!((g.messages, g.members, g.speakers, g.joins), (5, 3, 3, 1));
    let p = group(&r, "wechat:9:张总");
    assert_eq!(p.name, "张总-ABC", "the conversation's remark");
    assert_eq!((p.messages, p.members), (2, 2));
    let new = member(&r, "wechat:name:5:财税交流群:新同学");
    assert_eq!(new.messages, 1);
    assert_eq!(inviter(new), Some(("wechat:name:5:财税交流群:李四", "李四")));
    let me = exporter(&r, "wechat");
    assert_eq!((me.messages, me.groups.len()), (2, 2));
    assert_eq!(r.members.len(), 4);
}

#[test]
fn pywxdump_group_resaved_by_excel_in_gb18030() {
    let r = load(&[("25123456789@chatroom_0_5000.csv", "pywxdump_group_excel_gb18030.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("pywxdump-csv"));
    assert_eq!(input.encoding.as_deref(), Some("gb18030"));
    assert_eq!(input.malformed_bytes, 0);
    assert_eq!((input.rows, input.messages, input.skipped_count), (13, 13, 1));
    assert_eq!(input.skipped[0].line, 24);
    assert_eq!(input.skipped[0].reason, "CreateTime \"不是时间\" is not a date");

    let g = group(&r, "wechat:25123456789@chatroom");
    // Excel dropped the seconds: 2024/3/2 9:05 … 9:18.
    assert_eq!(g.first_message.as_deref(), Some("2024-03-02T09:05:00+08:00"));
    assert_eq!(g.last_message.as_deref(), Some("2024-03-02T09:18:00+08:00"));
    // Joins: 小白, 小黑 (row 1), 扫码同学 (row 7, XML labelled 未知), 小红 (row 11, 邀请加群).
    assert_eq!((g.messages, g.joins, g.leaves), (13, 4, 0));
    // Speakers: teacher, self, bai, hei, scan; + 小白, 小黑, 小红 (name-only joins).
    assert_eq!((g.speakers, g.members), (5, 8));
    let teacher = member(&r, "wechat:wxid_teacher");
    assert_eq!((teacher.name.as_str(), teacher.messages), ("王老师", 3), "text, link, red packet");
    // The plain-text inviter "王老师" resolves through the nickname the XML join gave.
    let bai = member(&r, "wechat:name:25123456789@chatroom:小白");
    assert_eq!(inviter(bai), Some(("wechat:wxid_teacher", "王老师")));
    let scan = member(&r, "wechat:wxid_scan");
    assert_eq!((scan.name.as_str(), scan.join_method), ("扫码同学", Some(JoinMethod::QrCode)));
    assert_eq!(inviter(scan), Some(("wechat:wxid_teacher", "王老师")));
    assert_eq!(scan.joins[0].time, "2024-03-02T09:11:00+08:00");
    let hong = member(&r, "wechat:name:25123456789@chatroom:小红");
    assert_eq!(inviter(hong).map(|(id, _)| id), Some("wechat:self"), "an exporter whose wxid is never named");
    let me = exporter(&r, "wechat");
    assert_eq!((me.messages, me.platform_id.as_deref()), (1, None), "talker 我 carries no wxid");
}

#[test]
fn pywxdump_model_quotes_mentions_links_and_system_kinds() {
    let m = model_of("25123456789@chatroom_0_5000.csv", &fixture("pywxdump_group_excel_gb18030.csv"));
    use MessageKind::*;
    let want = [System, Text, Text, Text, Image, Link, System, Recall, Pat, RedPacket, System, Text, Text];
    assert_eq!(m.messages.kind, want);
    assert_eq!(m.messages.text(3), "谢谢老师");
    assert_eq!(
        m.messages.quotes.get(&3),
        Some(&Quote {
            message_id: None,
            sender: Some(PersonRef::Name("王老师".into())),
            text: Some("同学们好".into())
        })
    );
    assert_eq!(m.messages.text(4), "", "image placeholder dropped");
    assert_eq!(m.messages.text(5), "年终结账清单\n十个步骤");
    assert_eq!(m.messages.text(6), "\"扫码同学\"通过扫描\"王老师\"分享的二维码加入群聊");
    assert_eq!(m.messages.text(7), "你撤回了一条消息");
    assert_eq!(m.messages.mentions.get(&11), Some(&vec!["王老师".to_string()]));
}

#[test]
fn pywxdump_v30_json_content() {
    let r = load(&[("wxid_peer_0_4.csv", "pywxdump_v30_private.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("pywxdump-csv"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (4, 4, 0));
    let g = group(&r, "wechat:wxid_peer");
    assert_eq!((g.members, g.speakers, g.joins), (2, 2, 0));
    assert_eq!(g.first_message.as_deref(), Some("2023-08-12T23:22:41+08:00"));
    assert_eq!(member(&r, "wechat:wxid_peer").messages, 2);
    let m = model_of("wxid_peer_0_4.csv", &fixture("pywxdump_v30_private.csv"));
    assert_eq!(m.messages.text(0), "你已添加了老周，现在可以开始聊天了。");
    assert_eq!(m.messages.text(1), "哦吼");
    assert_eq!(m.messages.text(3), "周末一起吃饭，\n地点你定");
    assert_eq!(m.messages.kind[2], MessageKind::Sticker);
}

#[test]
fn pywxdump_real_weclone_sample_reads_every_row() {
    // AGPL-3.0 sample: read in place, never copied into this repository.
    let path = format!("{}/../shared/testdata/pywxdump/weclone_test_0_730.csv", env!("CARGO_MANIFEST_DIR"));
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: {path} not present");
        return;
    };
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("test_person_0_730.csv", &bytes);
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("pywxdump-csv"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (96, 96, 0), "{:?}", input.skipped);
    let g = group(&r, "wechat:test_person");
    assert_eq!((g.members, g.speakers, g.messages), (2, 2, 96));
    assert_eq!(g.first_message.as_deref(), Some("2024-10-04T11:42:00+08:00"));
    assert_eq!(g.last_message.as_deref(), Some("2024-12-30T21:28:00+08:00"));
    // 46 rows by the exporter, two of them recalls (system lines); 50 by the other side.
    let me = exporter(&r, "wechat");
    assert_eq!((me.platform_id.as_deref(), me.messages), (Some("12345iru2zsmo22"), 44));
    assert_eq!(member(&r, "wechat:test_person").messages, 50);

    let m = model_of("test_person_0_730.csv", &bytes);
    let quoted = m.messages.quotes.values().next().expect("the 引用回复 row");
    assert_eq!(quoted.sender, Some(PersonRef::Name("小虫".into())));
    assert_eq!(quoted.text.as_deref(), Some("我之前租的时候 人家说这个没劲儿 租了个大的"));
    assert_eq!(m.messages.kind.iter().filter(|k| **k == MessageKind::Recall).count(), 2);
}

/// `header` + `body` repeated until the file is far beyond the 64 KiB sniffing window, so
/// the parser really receives the text in pieces.
fn repeated(bytes: &[u8], times: usize) -> Vec<u8> {
    let split = bytes.windows(2).position(|w| w == b"\r\n").expect("header line") + 2;
    let (header, body) = bytes.split_at(split);
    let mut out = header.to_vec();
    for _ in 0..times {
        out.extend_from_slice(body);
    }
    out
}

#[test]
fn chunked_feeding_gives_identical_reports() {
    let cases = [
        (GROUP_FILE, repeated(&fixture("wechatmsg_group_bom.csv"), 40), 40 * 24),
        (
            "25123456789@chatroom_0_5000.csv",
            repeated(&fixture("pywxdump_group_excel_gb18030.csv"), 100),
            100 * 13,
        ),
        ("老客户群_utf8.csv", repeated(&fixture("wechatmsg_2023_9col_raw.csv"), 200), 200 * 6),
    ];
    for (name, bytes, rows) in cases {
        assert!(bytes.len() > 150_000, "{name}: {} bytes", bytes.len());
        let whole = common::report_in_chunks(name, &bytes, bytes.len());
        assert_eq!(whole.inputs[0].rows, rows as u64, "{name}");
        let json = whole.to_json();
        for chunk in [1, 7, 4096] {
            assert_eq!(common::report_in_chunks(name, &bytes, chunk).to_json(), json, "{name}, chunks of {chunk}");
        }
    }
}

#[test]
fn malformed_rows_are_skipped_with_the_column_and_value() {
    let wechatmsg = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n\
        1,1,1,0,0,1709258400,,ok,2024-03-01 10:00:00,小王,小王,wxid_a\r\n\
        2,1,1,x,0,1709258400,,bad sub,2024-03-01 10:00:00,小王,小王,wxid_a\r\n\
        just one field\r\n\
        4,1,1,0,0,1709258400,,\"unterminated, quote\r\n";
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("群_utf8.csv", wechatmsg.as_bytes());
    let pywx = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n\
        1,1,文本,0,wxid_a,1@chatroom,ok,,2024-03-01 10:00:00\n\
        2,2,文本,0,wxid_a,1@chatroom,short row\n\
        3,3,文本,0,wxid_a,,no room,,2024-03-01 10:00:00\n\
        4,4,新类型,0,wxid_a,1@chatroom,unknown label,,2024-03-01 10:00:00\n";
    a.add_file("1@chatroom_0_4.csv", pywx.as_bytes());
    let r = a.report();
    let input = |file: &str| r.inputs.iter().find(|i| i.file == file).unwrap();
    let skipped: Vec<(u64, &str)> = input("群_utf8.csv").skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(
        skipped,
        [
            (3, "SubType \"x\" is not a number"),
            (4, "row has 1 of 12 columns"),
            (5, "row has 8 of 12 columns"),
        ]
    );
    assert_eq!(input("群_utf8.csv").rows, 1);
    let pywx = input("1@chatroom_0_4.csv");
    let skipped: Vec<(u64, &str)> = pywx.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(skipped, [(3, "row has 7 of 9 columns"), (4, "room_name is empty")]);
    assert_eq!(pywx.rows, 2, "an unknown label is read as another kind, not dropped");
}

#[test]
fn both_tools_exports_of_one_group_merge_by_chatroom_id_and_wxid() {
    let pywx = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n\
        1,1,文本,0,wxid_li02,24681357900@chatroom,下周见,,2024-03-08 10:00:00\r\n";
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(GROUP_FILE, &fixture("wechatmsg_group_bom.csv"));
    a.add_file("24681357900@chatroom_0_1.csv", pywx.as_bytes());
    let r = a.report();
    assert_eq!(r.groups.len(), 1);
    assert_eq!(group(&r, GROUP_ID).messages, 25);
    let li = member(&r, "wechat:wxid_li02");
    assert_eq!((li.messages, li.name.as_str()), (4, "李四"));
    assert_eq!(li.last_active.as_deref(), Some("2024-03-08T10:00:00+08:00"));
}

#[test]
fn builder_name_hints_and_self_identity() {
    let mut b = ModelBuilder::new();
    let g = b.group(Platform::WeChat, "1@chatroom", None);
    // A hint names an id-keyed member without a message; name-only references are ignored.
    b.name_hint(g, &PersonRef::Id("wxid_a".into()), "小王", 10);
    b.name_hint(g, &PersonRef::Name("路人".into()), "路人", 10);
    // "你" seen first, the exporter's wxid learned later: one member.
    b.name_hint(g, &PersonRef::SelfAccount, "我自己", 5);
    b.identify_self(g, "wxid_me");
    b.identify_self(g, "wxid_other_exporter");
    let m = b.finish();
    assert_eq!(m.members.len(), 2);
    assert_eq!(m.members[0].platform_id.as_deref(), Some("wxid_a"));
    assert_eq!(m.members[0].names[0].name, "小王");
    assert!(m.members[1].is_self);
    assert_eq!(m.members[1].platform_id.as_deref(), Some("wxid_me"), "the first id wins");

    // The id seen first, then identified as the exporter: the id member becomes self.
    let mut b = ModelBuilder::new();
    let g = b.group(Platform::WeChat, "1@chatroom", None);
    b.name_hint(g, &PersonRef::Id("wxid_me".into()), "我", 1);
    b.identify_self(g, "wxid_me");
    b.name_hint(g, &PersonRef::SelfAccount, "我", 2);
    let m = b.finish();
    assert_eq!(m.members.len(), 1);
    assert!(m.members[0].is_self);
}

#[test]
fn wechatmsg_exporters_own_rows_are_trusted_over_their_sender_columns() {
    // The MemoTrace-folder fixture of format notes §2.1: its second row says IsSender=1 but
    // carries the peer's names and wxid. IsSender wins; the peer's id never becomes the exporter's.
    let csv = "\u{FEFF}localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n\
        1854662,217,1,0,0,1628863878,,我通过了你的朋友验证请求，现在我们可以开始聊天了,2021-08-13 22:11:18,老周,周周,wxid_peer\r\n\
        1854663,217,1,0,1,1628863886,,你好,2021-08-13 22:11:26,老周,周周,wxid_peer\r\n\
        1854664,217,47,0,1,1628863895,,\"<msg><emoji fromusername=\"\"wxid_peer\"\" tousername=\"\"wxid_me\"\" type=\"\"2\"\" idbuffer=\"\"media:0_0\"\" /></msg>\",2021-08-13 22:11:35,我的名字,我的名字,wxid_me\r\n";
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("老周(wxid_peer)/老周.csv", csv.as_bytes());
    let r = a.report();
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (3, 0));
    let g = group(&r, "wechat:老周");
    assert_eq!((g.members, g.speakers, g.messages), (2, 2, 3));
    let peer = member(&r, "wechat:wxid_peer");
    assert_eq!((peer.name.as_str(), peer.messages, peer.is_self), ("老周", 1, false));
    let me = exporter(&r, "wechat");
    assert_eq!((me.platform_id.as_deref(), me.name.as_str(), me.messages), (Some("wxid_me"), "我的名字", 2));
}
