//! The malformed-input suite: the broken files users really drop. Each case loads beside a good
//! file and must give the rest of the data, a specific error or skip (with its line) for the bad
//! part, and a count of what was skipped — never a panic.

use qunlens::report::{InputReport, Report};
use qunlens::{Analyzer, Config};

/// A good PyWxDump group file loaded beside every bad one: 3 messages, one group.
const GOOD: &str = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n\
    1,1,文本,0,wxid_a,10000@chatroom,早上好,,2024-03-01 09:00:00\n\
    2,2,文本,0,wxid_b,10000@chatroom,大家好,,2024-03-01 09:01:00\n\
    3,3,文本,0,wxid_a,10000@chatroom,开会了,,2024-03-01 09:02:00\n";
const HEADER: &str = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n";

fn load(name: &str, bytes: &[u8]) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("10000@chatroom_0_3.csv", GOOD.as_bytes());
    a.add_file(name, bytes);
    let r = a.report();
    let good = r.inputs.iter().find(|i| i.file == "10000@chatroom_0_3.csv").unwrap();
    assert_eq!((good.messages, good.error.as_deref()), (3, None), "the good file is untouched by {name}");
    r
}

fn input<'r>(r: &'r Report, name: &str) -> &'r InputReport {
    r.inputs.iter().find(|i| i.file == name).unwrap()
}

fn pywx_rows(rows: &[&str]) -> String {
    let mut s = HEADER.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

#[test]
fn empty_and_header_only_files() {
    let r = load("empty.csv", b"");
    assert_eq!(input(&r, "empty.csv").error_code.as_deref(), Some("empty"));
    let r = load("blank.csv", b"\r\n  \n");
    assert_eq!(input(&r, "blank.csv").error_code.as_deref(), Some("empty"));
    let r = load("20000@chatroom_0_0.csv", HEADER.as_bytes());
    assert_eq!(input(&r, "20000@chatroom_0_0.csv").error_code.as_deref(), Some("no_messages"));
}

#[test]
fn binary_garbage_and_a_png_named_csv() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let r = load("garbage.csv", &garbage);
    assert_eq!(input(&r, "garbage.csv").error_code.as_deref(), Some("binary"));
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0u8; 200]);
    let r = load("photo.csv", &png);
    let png = input(&r, "photo.csv");
    assert_eq!(png.error_code.as_deref(), Some("binary"));
    assert!(png.error.as_deref().unwrap().contains("PNG image"), "{:?}", png.error);
}

#[test]
fn truncated_inside_a_quoted_field_keeps_the_rows_before() {
    let text = pywx_rows(&[
        "1,1,文本,0,wxid_c,20000@chatroom,第一条,,2024-03-02 10:00:00",
        "2,2,文本,0,wxid_d,20000@chatroom,\"被截断的, 引号字段",
    ]);
    let r = load("20000@chatroom_0_2.csv", text.as_bytes());
    let i = input(&r, "20000@chatroom_0_2.csv");
    assert_eq!((i.messages, i.skipped_count), (1, 1), "{:?}", i.skipped);
    assert_eq!(i.skipped[0].line, 3, "the cut record starts on line 3");
}

#[test]
fn unbalanced_quotes_and_ragged_rows_are_skipped_with_their_lines() {
    let text = pywx_rows(&[
        "1,1,文本,0,wxid_c,20000@chatroom,ok,,2024-03-02 10:00:00",
        "2,2,文本,0,wxid_c,20000@chatroom,短行",
        "3,3,文本,0,wxid_c,20000@chatroom,多了,一列,,2024-03-02 10:02:00",
        "4,4,文本,0,wxid_d,20000@chatroom,末行,,2024-03-02 10:03:00",
    ]);
    let r = load("20000@chatroom_0_4.csv", text.as_bytes());
    let i = input(&r, "20000@chatroom_0_4.csv");
    assert_eq!((i.messages, i.skipped_count), (2, 2), "{:?}", i.skipped);
    let lines: Vec<u64> = i.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [3, 4]);
    assert!(i.skipped[0].reason.contains("columns"), "{}", i.skipped[0].reason);
}

#[test]
fn nul_bytes_mixed_line_endings_and_a_huge_line() {
    // NULs inside a text field, and CRLF / LF / CR-only line ends in one file.
    let text = format!(
        "{HEADER}1,1,文本,0,wxid_c,20000@chatroom,有\0空字符,,2024-03-02 10:00:00\r\n\
         2,2,文本,0,wxid_c,20000@chatroom,LF 结尾,,2024-03-02 10:01:00\n\
         3,3,文本,0,wxid_d,20000@chatroom,CRLF 结尾,,2024-03-02 10:02:00\r\n"
    );
    let r = load("20000@chatroom_0_3.csv", text.as_bytes());
    let i = input(&r, "20000@chatroom_0_3.csv");
    assert_eq!((i.messages, i.skipped_count, i.error.as_deref()), (3, 0, None), "{:?}", i.skipped);

    // A 50 MB line with no line break at all: one skipped record, no panic, nothing else lost.
    let mut huge = HEADER.as_bytes().to_vec();
    huge.extend_from_slice(b"1,1,\xe6\x96\x87\xe6\x9c\xac,0,wxid_c,20000@chatroom,");
    huge.resize(huge.len() + 50_000_000, b'x');
    let r = load("20000@chatroom_0_1.csv", &huge);
    let i = input(&r, "20000@chatroom_0_1.csv");
    assert_eq!(i.messages, 0);
    assert!(i.error.is_some() || i.skipped_count == 1, "{:?} {:?}", i.error, i.skipped);
}

#[test]
fn wrong_encoding_is_counted_not_fatal() {
    // GBK bytes after a UTF-8 BOM (a tool that "declares" UTF-8 and writes GBK).
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(HEADER.as_bytes());
    bytes.extend_from_slice(&encoding_rs::GBK.encode("1,1,文本,0,wxid_c,20000@chatroom,你好,,2024-03-02 10:00:00\n").0);
    let r = load("20000@chatroom_0_1.csv", &bytes);
    let i = input(&r, "20000@chatroom_0_1.csv");
    assert_eq!(i.encoding.as_deref(), Some("utf-8-bom"));
    assert!(i.malformed_bytes > 0, "invalid UTF-8 is counted");
    // The type label is unreadable too: the row is read as another kind or skipped, never lost silently.
    assert_eq!(i.messages + i.skipped_count, 1);
}

#[test]
fn utf16_without_a_bom_reads_like_utf8() {
    let utf16: Vec<u8> = GOOD.replace("10000", "30000").encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let r = load("30000@chatroom_0_3.csv", &utf16);
    let i = input(&r, "30000@chatroom_0_3.csv");
    assert_eq!((i.encoding.as_deref(), i.messages), (Some("utf-16le"), 3));
}

#[test]
fn timestamps_out_of_range_are_skipped_with_the_value() {
    let text = pywx_rows(&[
        "1,1,文本,0,wxid_c,20000@chatroom,ok,,2024-03-02 10:00:00",
        "2,2,文本,0,wxid_c,20000@chatroom,公元一世纪,,0001-01-01 00:00:00",
        "3,3,文本,0,wxid_c,20000@chatroom,未来,,2999-01-01 00:00:00",
        "4,4,文本,0,wxid_c,20000@chatroom,月份错,,2024-13-40 25:61:00",
    ]);
    let r = load("20000@chatroom_0_4.csv", text.as_bytes());
    let i = input(&r, "20000@chatroom_0_4.csv");
    assert_eq!((i.messages, i.skipped_count), (1, 3), "{:?}", i.skipped);
    assert!(i.skipped.iter().any(|s| s.reason.contains("2999-01-01")), "{:?}", i.skipped);
    let g = r.groups.iter().find(|g| g.id == "wechat:20000@chatroom").unwrap();
    assert_eq!(g.last_message.as_deref(), Some("2024-03-02T10:00:00+08:00"), "no year-2999 message moves as_of");
}

#[test]
fn overlapping_exports_are_deduplicated_and_counted() {
    // The same group exported twice with overlapping date ranges: messages 2 and 3 are in both.
    let first = pywx_rows(&[
        "1,1,文本,0,wxid_c,20000@chatroom,一,,2024-03-02 10:00:00",
        "2,2,文本,0,wxid_d,20000@chatroom,二,,2024-03-02 10:01:00",
        "3,3,文本,0,wxid_c,20000@chatroom,三,,2024-03-02 10:02:00",
    ]);
    let second = pywx_rows(&[
        "2,2,文本,0,wxid_d,20000@chatroom,二,,2024-03-02 10:01:00",
        "3,3,文本,0,wxid_c,20000@chatroom,三,,2024-03-02 10:02:00",
        "4,4,文本,0,wxid_d,20000@chatroom,四,,2024-03-02 10:03:00",
        "5,5,文本,0,wxid_d,20000@chatroom,四,,2024-03-02 10:03:00",
    ]);
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("20000@chatroom_0_3.csv", first.as_bytes());
    a.add_file("20000@chatroom_1_4.csv", second.as_bytes());
    let r = a.report();
    let g = r.groups.iter().find(|g| g.id == "wechat:20000@chatroom").unwrap();
    assert_eq!(g.messages, 5, "1,2,3 then 4 twice (a real repeat inside one export stays)");
    assert_eq!(g.duplicates, 2, "2 and 3 came twice");
    // Each file's messages are what was read from it, repeats included: the same whichever
    // file came first (and whichever worker read it).
    assert_eq!(input(&r, "20000@chatroom_0_3.csv").messages, 3);
    assert_eq!(input(&r, "20000@chatroom_1_4.csv").messages, 4);
    let expected = r.to_json();

    // The other order keeps the same messages and counts the same repeats.
    let mut b = Analyzer::new(Config::default()).unwrap();
    b.add_file("20000@chatroom_1_4.csv", second.as_bytes());
    b.add_file("20000@chatroom_0_3.csv", first.as_bytes());
    let other = b.report();
    let g2 = other.groups.iter().find(|g| g.id == "wechat:20000@chatroom").unwrap();
    assert_eq!((g2.messages, g2.duplicates), (5, 2));
    assert_eq!(other.to_json(), expected, "the other order gives the same report, inputs included");

    // Read by two workers and merged: the same report again.
    let partial = |name: &str, text: &str| {
        let mut w = Analyzer::new(Config::default()).unwrap();
        w.add_file(name, text.as_bytes());
        w.take_partial().runs().unwrap().to_vec()
    };
    let mut coordinator = Analyzer::new(Config::default()).unwrap();
    assert!(coordinator.absorb(&partial("20000@chatroom_1_4.csv", &second)).unwrap());
    assert!(coordinator.absorb(&partial("20000@chatroom_0_3.csv", &first)).unwrap());
    assert_eq!(coordinator.report().to_json(), expected, "merged partials give the same report");
}

#[test]
fn a_sheet_spanning_billions_of_cells_is_refused_without_building_it() {
    // Two cells, A1 and XFD1048576: a dense grid between them would be 17 billion cells.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("stray.xlsx", &bytes);
    a.add_file("20000@chatroom_0_1.csv", pywx_rows(&["1,1,1,0,0,1704067200,,你好,2024-01-01 08:00:00,,,wxid_a"]).as_bytes());
    let r = a.report();
    let stray = input(&r, "stray.xlsx");
    assert_eq!(stray.error_code.as_deref(), Some("archive_limits"), "{:?}", stray.error);
    assert!(stray.error.as_deref().unwrap().contains("spans more than"), "{:?}", stray.error);
    assert_eq!(r.groups.len(), 1, "the other file still loads");
}
