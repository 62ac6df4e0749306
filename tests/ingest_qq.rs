//! QQ parsers through the public API, on fixtures written by
//! `fixtures/qq/make_ingest_qq.py` (which lists every line); every number is counted by hand.
//!
//! `读书会_跑步群.txt` (classic 消息管理器 TXT, UTF-8 BOM, CRLF records, LF inside bodies):
//! - block 读书会, 11 records: 书虫(20001) text; 读者乙<e-mail> image; `(20003)` sticker;
//!   `20004(20004)` mixed text; 小明(绰号(阿明)) (20005) at 9:15:30 PM with a 5-line body
//!   holding two header-shaped lines; notices: 新人丙 joins, 书虫 invites 新人丁; 新人丁(20006)
//!   red packet; a recall; 新人丙 removed; 20003 shares a file. Line 40 (`2023-13-45`) is
//!   skipped with its body.
//! - block 跑步群, 4 records: 老书虫(20001) at 12:30:00 AM; 跑友(20007) with a body starting
//!   with a blank line; 跑友 leaves; 读者乙 as the last line without a line break.
//!
//! `qce_hiking.json` (qq-chat-exporter): 14 entries in 周末徒步群, exported by 30001; #11
//! (not an object) and #12 (timestamp `昨天`) are skipped. #9 and #10 are grey tips whose
//! sentence is a placeholder: the join and the removal come from the raw NT tip.

mod common;
use common::{exporter, member, group};

use qunlens::ingest::{qq_nt_json, qq_txt, Context, FileStats, FormatParser};
use qunlens::model::{JoinMethod, MessageKind, Model, ModelBuilder, PersonRef};
use qunlens::report::{MemberReport, Report};
use qunlens::time::{Zone, DEFAULT_TIMEZONE};
use qunlens::{Analyzer, Config};

const TXT: &str = "qq/读书会_跑步群.txt";
const QCE: &str = "qq/qce_hiking.json";
const BOOKS: &str = "qq:读书会";
const RUN: &str = "qq:跑步群";
const HIKE: &str = "qq:周末徒步群";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn fixture_text(path: &str) -> String {
    String::from_utf8(fixture(path)).unwrap().trim_start_matches('\u{FEFF}').to_string()
}

fn load_bytes(files: &[(&str, Vec<u8>)]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for (name, bytes) in files {
        a.add_file(name, bytes);
    }
    a.report()
}

fn load(path: &str) -> Report {
    load_bytes(&[(path, fixture(path))])
}



fn names(m: &MemberReport) -> Vec<&str> {
    m.names.iter().map(|n| n.name.as_str()).collect()
}

fn inviter(m: &MemberReport) -> Option<(&str, &str)> {
    m.inviter.as_ref().map(|i| (i.id.as_str(), i.name.as_str()))
}

/// Runs one parser over decoded text in one piece: the model shows what the report does
/// not (kinds, texts, quotes, mentions).
fn parse(mut parser: Box<dyn FormatParser>, text: &str, file_name: &str) -> (Model, FileStats) {
    let mut builder = ModelBuilder::new();
    let mut zone = Zone::new(DEFAULT_TIMEZONE).unwrap();
    let mut stats = FileStats::default();
    let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name };
    parser.feed(text, &mut cx);
    parser.finish(&mut cx);
    (builder.finish(), stats)
}

fn texts(m: &Model) -> Vec<&str> {
    (0..m.messages.len()).map(|i| m.messages.text(i)).collect()
}

// ---------------------------------------------------------------------------------------
// Classic TXT

#[test]
fn txt_input_rows_and_the_impossible_date() {
    let r = load(TXT);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("qq-txt"));
    assert_eq!(input.encoding.as_deref(), Some("utf-8-bom"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (15, 15, 1));
    assert_eq!(input.skipped[0].line, 40);
    assert!(input.skipped[0].reason.contains("\"2023-13-45 10:00:00\""), "{}", input.skipped[0].reason);
}

#[test]
fn txt_blocks_are_groups() {
    let r = load(TXT);
    assert_eq!(r.groups.len(), 2);
    let books = group(&r, BOOKS);
    assert_eq!(books.name, "读书会");
    // 20001, e-mail, 20003, 20004, 20005, 20006 and the silent, removed 新人丙.
    assert_eq!((books.messages, books.members, books.speakers), (11, 7, 6));
    assert_eq!((books.joins, books.leaves, books.removed), (2, 1, 1));
    assert_eq!(books.first_message.as_deref(), Some("2023-05-06T07:08:09+08:00"), "unpadded hour");
    assert_eq!(books.last_message.as_deref(), Some("2023-05-07T08:05:00+08:00"));

    let run = group(&r, RUN);
    assert_eq!((run.messages, run.members, run.speakers), (4, 3, 3));
    assert_eq!((run.joins, run.leaves, run.removed), (0, 1, 0));
    assert_eq!(run.first_message.as_deref(), Some("2023-05-08T00:30:00+08:00"), "12:30:00 AM");
    assert_eq!(run.last_message.as_deref(), Some("2023-05-08T07:00:00+08:00"), "last line without a break");
}

#[test]
fn txt_senders_ids_and_names() {
    let r = load(TXT);
    let shu = member(&r, "qq:20001");
    assert_eq!(names(shu), ["书虫", "老书虫"], "titles stripped; one QQ number across both groups");
    assert_eq!((shu.name.as_str(), shu.messages, shu.groups.len()), ("老书虫", 2, 2));
    let reader = member(&r, "qq:reader.b@example.org");
    assert_eq!((reader.name.as_str(), reader.messages), ("读者乙", 2), "image + text; the recall is a notice");
    let no_nick = member(&r, "qq:20003");
    assert!(no_nick.names.is_empty());
    assert_eq!(no_nick.messages, 2, "sticker + the shared file");
    assert!(member(&r, "qq:20004").names.is_empty(), "a nick equal to the number is no name");
    let ming = member(&r, "qq:20005");
    assert_eq!((ming.name.as_str(), ming.messages), ("小明(绰号(阿明))", 1), "header-shaped body lines stay body");
    assert_eq!(ming.last_active.as_deref(), Some("2023-05-06T21:15:30+08:00"), "9:15:30 PM");
    assert_eq!(member(&r, "qq:20007").messages, 1);
}

#[test]
fn txt_notices_are_joins_invitations_removals_and_leaves() {
    let r = load(TXT);
    let ding = member(&r, "qq:20006");
    assert_eq!(ding.join_method, Some(JoinMethod::Invite), "新人丁 resolved to the number they spoke with");
    assert_eq!(inviter(ding), Some(("qq:20001", "老书虫")));
    assert_eq!(ding.joins[0].time, "2023-05-06T21:25:00+08:00");
    let bing = member(&r, "qq:name:读书会:新人丙");
    assert_eq!((bing.join_method, bing.messages), (Some(JoinMethod::Unknown), 0));
    assert_eq!(bing.joins[0].group, BOOKS);
}

#[test]
fn txt_kinds_bodies_and_mentions() {
    let text = fixture_text(TXT);
    let (m, stats) = parse(qq_txt::parser(&text, "读书会_跑步群.txt"), &text, "读书会_跑步群.txt");
    assert_eq!((stats.rows, stats.skipped_count), (15, 1));
    use MessageKind::*;
    assert_eq!(
        m.messages.kind,
        [Text, Image, Sticker, Text, Text, System, System, RedPacket, Recall, System, File, Text, Text, System, Text]
    );
    let t = texts(&m);
    assert_eq!(t[0], "早上好，今天读第三章");
    assert_eq!(
        t[4], "第一段\n2023-05-06 9:16:00 书虫(20001)\n\n2023-05-06 9:17:00 书虫(20001)\n@书虫 你看这个",
        "LF-ended lines in a CRLF file are never headers, even after a blank line"
    );
    assert_eq!(m.messages.mentions.get(&4), Some(&vec!["书虫".to_string()]));
    assert_eq!(t[10], "书单.xlsx", "the file share names the file");
    assert_eq!(t[12], "今天10公里", "a body starting with a blank line");
    assert_eq!(t[14], "收到");
    let sharer = m.messages.sender[10] as usize;
    assert_eq!(m.members[sharer].platform_id.as_deref(), Some("20003"), "shared by 20003");
    assert!(m.messages.quotes.is_empty());
}

#[test]
fn txt_in_gbk_reads_the_same() {
    let text = fixture_text(TXT);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let utf8 = load(TXT);
    let r = load_bytes(&[(TXT, gbk.into_owned())]);
    let input = &r.inputs[0];
    assert_eq!(input.encoding.as_deref(), Some("gb18030"));
    assert_eq!(input.format.as_deref(), Some("qq-txt"));
    assert_eq!((input.rows, input.skipped_count, input.skipped[0].line), (15, 1, 40));
    assert_eq!(serde_json::to_string(&r.groups).unwrap(), serde_json::to_string(&utf8.groups).unwrap());
    assert_eq!(serde_json::to_string(&r.members).unwrap(), serde_json::to_string(&utf8.members).unwrap());
}

#[test]
fn txt_text_before_any_record_is_skipped_and_records_without_a_block_use_the_file_name() {
    let text = "消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n导出于某天\r\n\r\n\
                2024-01-02 3:04:05 好友甲\r\n你好\r\n\r\n2024-01-02 3:05:00 我\r\n在\r\n";
    let r = load_bytes(&[("导出/好友甲.txt", text.as_bytes().to_vec())]);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("qq-txt"));
    assert_eq!((input.rows, input.skipped_count, input.skipped[0].line), (2, 1, 3));
    assert!(input.skipped[0].reason.contains("\"导出于某天\""), "{}", input.skipped[0].reason);
    let g = group(&r, "qq:好友甲");
    assert_eq!((g.messages, g.members), (2, 2), "name-only people of a private chat");
    assert_eq!(member(&r, "qq:name:好友甲:我").messages, 1);
}

#[test]
fn txt_am_pm_only_after_a_twelve_hour_hour() {
    // A 24-hour export whose nickname starts with "PM ": the hour 14 says it is not 2 PM.
    let text = "消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n\
                2024-01-02 14:00:00 PM 小组(30001)\r\n好\r\n\r\n\
                2024-01-02 2:00:00 PM 小组(30001)\r\n好\r\n\r\n";
    let r = load_bytes(&[("g.txt", text.as_bytes().to_vec())]);
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (2, 0), "{:?}", r.inputs[0].skipped);
    let m = member(&r, "qq:30001");
    assert_eq!(names(m), ["PM 小组", "小组"]);
    assert_eq!(
        (m.first_active.as_deref(), m.last_active.as_deref()),
        (Some("2024-01-02T14:00:00+08:00"), Some("2024-01-02T14:00:00+08:00"))
    );
}

#[test]
fn txt_in_one_line_ending_style_still_reads() {
    // Re-saved with LF only: the CRLF rule has nothing to go by and stays out of the way.
    let text = fixture_text(TXT).replace("\r\n", "\n");
    let (m, stats) = parse(qq_txt::parser(&text, "a.txt"), &text, "a.txt");
    // Line 25 (after a blank line, with an id) now reads as a header: nothing tells it apart.
    assert_eq!((stats.rows, stats.skipped_count), (16, 1));
    assert_eq!(&texts(&m)[4..6], ["第一段\n2023-05-06 9:16:00 书虫(20001)", "@书虫 你看这个"]);
}

// ---------------------------------------------------------------------------------------
// QQ NT (qq-chat-exporter JSON)

#[test]
fn qce_input_rows_and_skips_at_their_lines() {
    let r = load(QCE);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("qq-nt-json"));
    assert_eq!(input.encoding.as_deref(), Some("utf-8"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (12, 12, 2));
    // Message #11 (`42,`) is at line 370, #12 starts at 371: the lines in the file, not the numbers.
    assert_eq!((input.skipped[0].line, input.skipped[1].line), (370, 371));
    assert!(input.skipped[0].reason.contains("message #11"), "{}", input.skipped[0].reason);
    assert!(input.skipped[1].reason.contains("timestamp \"昨天\""), "{}", input.skipped[1].reason);
}

#[test]
fn qce_group_members_joins_and_removals() {
    let r = load(QCE);
    assert_eq!(r.groups.len(), 1);
    let g = group(&r, HIKE);
    assert_eq!(g.name, "周末徒步群");
    // self(30001), 30002, 30003, 小刚, 30009, 广告号, 30011.
    assert_eq!((g.messages, g.members, g.speakers), (12, 7, 5));
    assert_eq!((g.joins, g.leaves, g.removed), (2, 1, 1));
    assert_eq!(g.first_message.as_deref(), Some("2024-06-01T08:00:00+08:00"), "ms timestamp, not `time`");
    assert_eq!(g.last_message.as_deref(), Some("2024-06-01T08:11:00+08:00"), "the V4 ISO timestamp");

    let gang = member(&r, "qq:name:周末徒步群:小刚");
    assert_eq!((gang.join_method, gang.messages), (Some(JoinMethod::Invite), 0));
    assert_eq!(inviter(gang), Some(("qq:30003", "阿强")));
    let mei = member(&r, "qq:30009");
    assert_eq!(mei.join_method, Some(JoinMethod::QrCode), "from the raw grey tip, resolved by name");
    assert_eq!(inviter(mei), Some(("qq:30002", "小红")));
    assert_eq!(mei.joins[0].time, "2024-06-01T08:08:00+08:00");
    let ad = member(&r, "qq:name:周末徒步群:广告号");
    assert!(ad.joins.is_empty());
}

#[test]
fn qce_senders() {
    let r = load(QCE);
    let me = exporter(&r, "qq");
    assert_eq!(
        (me.platform_id.as_deref(), me.is_self, me.name.as_str(), me.messages),
        (Some("30001"), true, "群主老周", 1)
    );
    let hong = member(&r, "qq:30002");
    assert_eq!((hong.name.as_str(), hong.messages), ("小红", 2), "sticker + photo; the recalled one does not count");
    assert_eq!(member(&r, "qq:30003").messages, 3, "reply + mention + file");
    let li = member(&r, "qq:30011");
    assert_eq!((li.name.as_str(), li.messages), ("老李", 1), "V4: the number from rawMessage");
}

#[test]
fn qce_kinds_quotes_and_mentions() {
    let text = fixture_text(QCE);
    let (m, stats) = parse(qq_nt_json::parser(&text, "qce_hiking.json"), &text, "qce_hiking.json");
    assert_eq!((stats.rows, stats.skipped_count), (12, 2));
    use MessageKind::*;
    assert_eq!(m.messages.kind, [Text, Sticker, Image, Text, Text, File, Recall, System, System, System, Text, Image]);
    let t = texts(&m);
    assert_eq!(t[3], "收到，周六见", "the reply placeholder is not the message's words");
    let q = m.messages.quotes.get(&3).expect("a quote");
    assert_eq!(q.message_id.as_deref(), Some("7370000000000000001"));
    assert_eq!(q.sender, Some(PersonRef::Id("30001".into())));
    assert_eq!(q.text.as_deref(), Some("欢迎新朋友"));
    assert_eq!(m.messages.quotes.len(), 1);
    assert_eq!(m.messages.mentions.get(&4), Some(&vec!["小红".to_string()]));
    assert_eq!(t[7], "阿强邀请小刚加入了群聊");
    assert_eq!(m.memberships.len(), 3);
}

// ---------------------------------------------------------------------------------------
// Both

#[test]
fn chunked_feeding_gives_identical_reports() {
    for path in [TXT, QCE] {
        let bytes = fixture(path);
        let whole = load(path).to_json();
        for chunk in [1, 7, 4096] {
            assert_eq!(common::report_in_chunks(path, &bytes, chunk).to_json(), whole, "{path} in {chunk}-byte pieces");
        }
    }
}

/// Feeds decoded text to a parser in pieces of `chars` characters.
fn parse_in_pieces(mut parser: Box<dyn FormatParser>, text: &str, chars: usize) -> (Model, FileStats) {
    let mut builder = ModelBuilder::new();
    let mut zone = Zone::new(DEFAULT_TIMEZONE).unwrap();
    let mut stats = FileStats::default();
    let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name: "f" };
    let mut rest = text;
    while !rest.is_empty() {
        let cut = rest.char_indices().nth(chars).map_or(rest.len(), |(i, _)| i);
        parser.feed(&rest[..cut], &mut cx);
        rest = &rest[cut..];
    }
    parser.finish(&mut cx);
    (builder.finish(), stats)
}

#[test]
fn parsers_fed_in_pieces_read_the_same() {
    // The analyzer sniffs a 64 KiB head first, so small files reach the parser in one piece:
    // feed the parsers directly to see pieces ending anywhere (inside a CRLF too).
    for (path, make) in [
        (TXT, qq_txt::parser as fn(&str, &str) -> Box<dyn FormatParser>),
        (QCE, qq_nt_json::parser as fn(&str, &str) -> Box<dyn FormatParser>),
    ] {
        let text = fixture_text(path);
        let (whole, whole_stats) = parse(make(&text, "f"), &text, "f");
        for chars in [1, 2, 3, 7, 64] {
            let (m, stats) = parse_in_pieces(make(&text, "f"), &text, chars);
            assert_eq!(stats, whole_stats, "{path} in {chars}-char pieces");
            assert_eq!(m.messages.kind, whole.messages.kind, "{path} in {chars}-char pieces");
            assert_eq!(m.messages.time, whole.messages.time, "{path} in {chars}-char pieces");
            assert_eq!(m.messages.sender, whole.messages.sender, "{path} in {chars}-char pieces");
            assert_eq!(texts(&m), texts(&whole), "{path} in {chars}-char pieces");
            assert_eq!(m.memberships, whole.memberships, "{path} in {chars}-char pieces");
        }
    }
}

#[test]
fn a_file_larger_than_the_sniffed_head_in_chunks() {
    // 3,000 records (~190 KB): most of it reaches the parser in the analyzer's chunks. Each
    // body has a header-shaped line after a blank line, told apart by its bare LF only.
    let mut text = String::from("\u{FEFF}消息记录（此消息记录为文本格式，不支持重新导入）\r\n\r\n");
    text.push_str(&format!("{0}\r\n消息分组:我的QQ群\r\n{0}\r\n消息对象:大群\r\n{0}\r\n\r\n", "=".repeat(64)));
    for i in 0..3000u32 {
        let (h, m) = (i / 60 % 24, i % 60);
        text.push_str(&format!("2024-02-{:02} {h}:{m:02}:00 成员{}({})\r\n", 1 + i / 1440, i % 7, 40000 + i % 7));
        text.push_str(&format!("第{i}条\n\n2024-02-01 1:00:00 假(1)\n完\r\n\r\n"));
    }
    let bytes = text.into_bytes();
    assert!(bytes.len() > 150_000);
    let whole = load_bytes(&[("big.txt", bytes.clone())]);
    assert_eq!((whole.inputs[0].rows, whole.inputs[0].skipped_count), (3000, 0));
    assert_eq!((whole.groups[0].messages, whole.groups[0].members), (3000, 7));
    let whole = whole.to_json();
    for chunk in [1, 7, 4096] {
        assert_eq!(common::report_in_chunks("big.txt", &bytes, chunk).to_json(), whole, "{chunk}-byte pieces");
    }
}

#[test]
fn the_two_sniffers_tell_the_formats_apart() {
    let txt = fixture_text(TXT);
    let qce = fixture_text(QCE);
    assert!(qq_txt::sniff(&txt, "x.txt"));
    assert!(!qq_txt::sniff(&qce, "x.txt"));
    assert!(qq_nt_json::sniff(&qce, "x.json"));
    assert!(!qq_nt_json::sniff(&txt, "x.json"));
    // Detection reads content, not the file name.
    let r = load_bytes(&[("chat.dat", fixture(TXT)), ("export.txt", fixture(QCE))]);
    assert_eq!(r.inputs[0].format.as_deref(), Some("qq-txt"));
    assert_eq!(r.inputs[1].format.as_deref(), Some("qq-nt-json"));
}

#[test]
fn cut_or_damaged_fixtures_never_panic_and_cuts_keep_what_came_before() {
    for path in [TXT, QCE] {
        let bytes = fixture(path);
        let full = load(path).inputs[0].messages;
        for cut in (0..bytes.len()).step_by(13) {
            let r = load_bytes(&[(path, bytes[..cut].to_vec())]);
            assert!(r.inputs[0].messages <= full, "{path} cut at {cut}");
        }
        for seed in 1..40usize {
            let mut flipped = bytes.clone();
            for k in 0..6 {
                let at = (seed * 7919 + k * 104_729) % flipped.len();
                flipped[at] = flipped[at].wrapping_add(0x5B);
            }
            load_bytes(&[(path, flipped)]);
        }
    }
    // Cut inside message #5 of the JSON: #1-#4 are whole.
    let bytes = fixture(QCE);
    let cut = std::str::from_utf8(&bytes).unwrap().find("看群文件").unwrap();
    let r = load_bytes(&[("cut.json", bytes[..cut].to_vec())]);
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (4, 1), "{:?}", r.inputs[0].skipped);
}

// ---------------------------------------------------------------------------------------
// The chunked export (`qce_chunked/`, written from qce_hiking.json by make_chunked.py):
// manifest.json + chunks/c000001.jsonl (#1–#6), c000002.jsonl (#7–#12), c000003.jsonl (#13–#14).

const CHUNKED: [&str; 4] =
    ["qq/qce_chunked/manifest.json", "qq/qce_chunked/chunks/c000001.jsonl", "qq/qce_chunked/chunks/c000002.jsonl", "qq/qce_chunked/chunks/c000003.jsonl"];

/// `qunlens::analyze` of fixtures, each under its file name as a dropped file has.
fn analyze(paths: &[&str]) -> Report {
    let files: Vec<(&str, Vec<u8>)> = paths.iter().map(|p| (p.rsplit('/').next().unwrap(), fixture(p))).collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    qunlens::analyze(&refs, Config::default()).unwrap()
}

/// The report without its `inputs` (the files differ, what they hold does not).
fn without_inputs(r: &Report) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("inputs");
    v.to_string()
}

#[test]
fn a_chunked_export_reads_as_its_single_file_does_in_any_order() {
    let single = without_inputs(&load(QCE));
    for order in [[0, 1, 2, 3], [3, 1, 2, 0], [2, 0, 3, 1]] {
        let paths: Vec<&str> = order.iter().map(|&i| CHUNKED[i]).collect();
        let r = analyze(&paths);
        assert_eq!(without_inputs(&r), single, "{paths:?}");
        let of = |name: &str| r.inputs.iter().find(|i| i.file == name).unwrap();
        let counts: Vec<_> = ["c000001.jsonl", "c000002.jsonl", "c000003.jsonl", "manifest.json"]
            .iter()
            .map(|n| (of(n).format.as_deref(), of(n).rows, of(n).messages, of(n).skipped_count, of(n).error_code.as_deref()))
            .collect();
        let qce = Some("qq-nt-json");
        assert_eq!(counts, [(qce, 6, 6, 0, None), (qce, 4, 4, 2, None), (qce, 2, 2, 0, None), (qce, 3, 0, 0, None)]);
    }
    let r = analyze(&CHUNKED);
    // Inputs are listed by name: c000001, c000002, c000003, manifest.
    // The single file's #11 and #12, at their lines of the second chunk.
    let skips: Vec<_> = r.inputs[1].skipped.iter().map(|s| (s.line, s.code, s.detail.as_str())).collect();
    use qunlens::ingest::SkipCode::*;
    assert_eq!(skips, [(5, UnexpectedShape, "#5: invalid type: integer `42`, expected struct Message"), (6, BadTime, "#6: timestamp \"昨天\"")]);
    let note = &r.inputs[3].notes[0];
    assert_eq!((note.code.as_str(), note.count, note.detail.as_str()), ("chunk_manifest", 3, "周末徒步群"));
}

#[test]
fn a_chunk_without_its_manifest_is_refused_and_the_rest_still_load() {
    // No manifest at all.
    let r = analyze(&[QCE, CHUNKED[1]]);
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("chunk_without_manifest"));
    assert!(r.inputs[0].error.as_deref().unwrap().contains("manifest.json"), "{:?}", r.inputs[0].error);
    assert_eq!((r.inputs[0].messages, r.inputs[1].messages), (0, 12));
    // A manifest listing the name at another size (a chunk of another export, or edited).
    let mut grown = fixture(CHUNKED[3]);
    grown.extend_from_slice(b"\n");
    let files = [("manifest.json", fixture(CHUNKED[0])), ("c000003.jsonl", grown), ("c000001.jsonl", fixture(CHUNKED[1]))];
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let r = qunlens::analyze(&refs, Config::default()).unwrap();
    let names: Vec<_> = r.inputs.iter().map(|i| (i.file.as_str(), i.messages, i.error_code.as_deref())).collect();
    assert_eq!(names, [("c000001.jsonl", 6, None), ("c000003.jsonl", 0, Some("chunk_without_manifest")), ("manifest.json", 0, None)]);
    assert!(r.inputs[1].error.as_deref().unwrap().contains("at 728 bytes"), "{:?}", r.inputs[1].error);
}

#[test]
fn two_chunked_exports_with_the_same_chunk_names_go_to_their_own_chats() {
    // A second export: the same first chunk under another chat, one byte longer.
    let manifest = String::from_utf8(fixture(CHUNKED[0])).unwrap();
    let mut other_chunk = fixture(CHUNKED[1]);
    other_chunk.extend_from_slice(b"\n");
    let listed = format!("\"bytes\": {}", other_chunk.len() - 1);
    assert!(manifest.contains(&listed));
    let other = manifest.replace("周末徒步群", "周日骑行群").replace(&listed, &format!("\"bytes\": {}", other_chunk.len()));
    let mut a = Analyzer::new(Config::default()).unwrap();
    assert_eq!(a.add_chunk_manifest(manifest.as_bytes()), 3);
    assert_eq!(a.add_chunk_manifest(other.as_bytes()), 3);
    a.add_file("c000001.jsonl", &other_chunk);
    a.add_file("c000001.jsonl", &fixture(CHUNKED[1]));
    let r = a.report();
    let groups: Vec<_> = r.groups.iter().map(|g| (g.name.as_str(), g.messages)).collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups.contains(&("周末徒步群", 6)) && groups.contains(&("周日骑行群", 6)), "{groups:?}");
}

#[test]
fn a_zipped_chunked_export_reads_as_the_folder_does() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for path in CHUNKED {
        zip.start_file(path.replacen("qq/qce_chunked", "周末徒步群_chunked_jsonl", 1), options).unwrap();
        zip.write_all(&fixture(path)).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let r = load_bytes(&[("周末徒步群_chunked_jsonl.zip", bytes)]);
    assert_eq!(without_inputs(&r), without_inputs(&analyze(&CHUNKED)));
    assert_eq!((r.inputs[0].messages, r.inputs[0].error_code.as_deref()), (12, None));
}
