//! One large file read in parallel pieces gives the report of reading it in one go, byte for
//! byte: wherever the cuts fall (inside a quoted multi-line message too), in UTF-8 with a BOM
//! and in GB18030, with skipped rows (their line numbers), implausible times and repeats; and
//! for WhatsApp text, with multi-line messages, group renames and an undecided date order.

use qunlens::sample::{write_benchmark_csv, write_whatsapp_benchmark, SampleSpec};
use qunlens::{Analyzer, Config, PieceOutcome, PieceReader};

const NAME: &str = "产品交流群_utf8.csv";
const CHAT: &str = "WhatsApp Chat with 客户群.txt";

/// A benchmark-shaped WeChatMsg CSV with hostile rows mixed in every 400 lines: a quoted
/// multi-line message whose lines start with digits (so they look like record starts), a row
/// with a non-numeric Type (skipped, with its line), a row dated 2103 (implausible, counted)
/// and an exact repeat of the previous row (kept: a repeat within one export is real).
fn hostile_csv(messages: usize) -> String {
    let mut bytes = Vec::new();
    write_benchmark_csv(&SampleSpec::benchmark(messages), &mut bytes);
    let text = String::from_utf8(bytes).unwrap();
    let mut out = String::new();
    let mut previous = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if i > 0 && i % 400 == 0 {
            let t = 1_672_502_452 + i as i64 * 60;
            out.push_str(&format!("9{i},217,1,0,0,{t},,\"第一行\n2024年计划\n3,2,1 出发\n{i}\",2023-01-01 00:00:00,王芳,王芳,wxid_multiline\n"));
            out.push_str(&format!("9{i},217,abc,0,0,{t},,坏行,2023-01-01 00:00:00,王芳,王芳,wxid_multiline\n"));
            out.push_str(&format!("9{i},217,1,0,0,4200000000,,来自未来,,王芳,王芳,wxid_multiline\n"));
            out.push_str(&previous);
        }
        previous = line.to_string();
    }
    out
}

/// Asserts two reports are equal, showing where they first differ (they are long).
fn assert_same_report(got: &str, expected: &str, what: &str) {
    if got != expected {
        let at = got.bytes().zip(expected.bytes()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(300);
        let near = |s: &str| String::from_utf8_lossy(&s.as_bytes()[from..(at + 200).min(s.len())]).into_owned();
        panic!("{what}: reports differ at byte {at}\n got: …{}\nwant: …{}", near(got), near(expected));
    }
}

/// Reads `bytes` (a file called `name`) in 25 reproducible random cut sets, every cut at
/// `min_cut` or later, and checks each gives the one-reader report; some pieces must be taken.
fn check_random_cuts(name: &str, bytes: &[u8], min_cut: u64, seed: u64) {
    let expected = whole_named(name, bytes);
    let size = bytes.len() as u64;
    // A fixed-seed xorshift: reproducible cut sets.
    let mut state = seed;
    let mut next = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut taken_any = false;
    for _ in 0..25 {
        let parts = 2 + next(4);
        let mut cuts: Vec<u64> = (0..parts - 1).map(|_| min_cut + next(size - min_cut)).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let (got, taken) = in_pieces_named(name, bytes, &cuts);
        assert_same_report(&got, &expected, &format!("cuts {cuts:?}"));
        taken_any |= taken.iter().any(|&t| t);
    }
    assert!(taken_any, "some pieces were taken back");
}

fn whole(bytes: &[u8]) -> String {
    whole_named(NAME, bytes)
}

fn whole_named(name: &str, bytes: &[u8]) -> String {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(name, bytes);
    a.report().to_json()
}

/// Reads `bytes` with the lead's range ending at `cuts[0]` and one piece per further cut;
/// returns the report and which pieces were taken back.
fn in_pieces(bytes: &[u8], cuts: &[u64]) -> (String, Vec<bool>) {
    in_pieces_named(NAME, bytes, cuts)
}

fn in_pieces_named(name: &str, bytes: &[u8], cuts: &[u64]) -> (String, Vec<bool>) {
    let size = bytes.len() as u64;
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file(name);
    let mut read = 0;
    let mut continuation = None;
    for chunk in bytes.chunks(64 * 1024) {
        if !a.wants_more() {
            break;
        }
        a.push(chunk);
        read += chunk.len();
        if continuation.is_none() {
            continuation = a.continuation(cuts[0]);
        }
    }
    let continuation = continuation.expect("the file can be continued");
    let mut taken = Vec::new();
    for (i, &from) in cuts.iter().enumerate() {
        let to = cuts.get(i + 1).copied().unwrap_or(size);
        let mut piece = PieceReader::new(&continuation, "Asia/Shanghai", from, to).unwrap();
        // Odd chunk sizes: boundaries fall on chunk edges too.
        for chunk in bytes[PieceReader::first_byte(from) as usize..].chunks(7919) {
            piece.push(chunk);
            if !piece.wants_more() {
                break;
            }
        }
        // Handed over as the page's workers do: as the bytes of its wire runs.
        taken.push(a.absorb_piece(handed_over(piece.finish())));
    }
    if let Some(at) = a.resume_offset() {
        a.push(&bytes[at as usize..]);
    }
    assert!(read > 0);
    a.end_file();
    (a.report().to_json(), taken)
}

/// A piece as the lead gets it from a piece worker: encoded as byte runs, read back.
fn handed_over(piece: PieceOutcome) -> PieceOutcome {
    let bytes = piece.into_wire().runs().expect("a piece encodes").to_vec();
    PieceOutcome::from_bytes(&bytes).expect("a piece reads back")
}

#[test]
fn a_cut_or_lengthened_piece_hand_over_is_an_error() {
    let bytes = hostile_csv(2_000).into_bytes();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file(NAME);
    a.push(&bytes[..bytes.len() / 4]);
    let cut = bytes.len() as u64 / 2;
    let continuation = a.continuation(cut).expect("the file can be continued");
    let mut piece = PieceReader::new(&continuation, "Asia/Shanghai", cut, bytes.len() as u64).unwrap();
    piece.push(&bytes[PieceReader::first_byte(cut) as usize..]);
    let wire = piece.finish().into_wire().runs().unwrap().to_vec();
    for end in [0, 7, 100, wire.len() / 2, wire.len() - 1] {
        let err = PieceOutcome::from_bytes(&wire[..end]).err().expect("a cut hand-over is refused");
        assert!(err.starts_with("piece: "), "{end}: {err}");
    }
    let mut longer = wire.clone();
    longer.push(0);
    assert_eq!(PieceOutcome::from_bytes(&longer).err().unwrap(), "piece: bytes after the last text block");
    assert!(PieceOutcome::from_bytes(&wire).is_ok());
}

#[test]
fn pieces_cut_anywhere_give_the_one_reader_report() {
    let csv = hostile_csv(20_000);
    let bytes = csv.as_bytes();
    let expected = whole(bytes);
    let size = bytes.len() as u64;
    // It really has what the test is about.
    // Every insertion adds a bad Type (listed, with its line) and a 2103 date (counted).
    let inserted = csv.matches(",abc,").count();
    assert!(expected.contains("is not a number"), "skips are listed");
    let at = expected.find("\"skipped_count\":").unwrap() + "\"skipped_count\":".len();
    let skipped: usize = expected[at..].split(',').next().unwrap().parse().unwrap();
    assert!(skipped >= 2 * inserted, "{inserted} bad rows and {inserted} implausible dates counted ({skipped})");
    for parts in [2u64, 3, 5] {
        let cuts: Vec<u64> = (1..parts).map(|i| size * i / parts).collect();
        let (got, taken) = in_pieces(bytes, &cuts);
        assert_eq!(got, expected, "{parts} parts");
        assert!(taken.iter().all(|&t| t), "{parts} parts: every piece taken back ({taken:?})");
    }
}

#[test]
fn a_cut_inside_a_quoted_multi_line_message_is_refused_and_read_on_exactly() {
    let csv = hostile_csv(20_000);
    let bytes = csv.as_bytes();
    let expected = whole(bytes);
    // Just before "2024年计划": a line break inside a quoted field, followed by a digit.
    let firsts: Vec<u64> = csv.match_indices("\n2024年计划").map(|(at, _)| at as u64).collect();
    let first = firsts[firsts.len() / 10];
    let inside: Vec<u64> = csv.match_indices("\n3,2,1 出发").map(|(at, _)| at as u64).collect();
    let second = inside[inside.len() * 2 / 3];
    let (got, taken) = in_pieces(bytes, &[first, second]);
    assert_eq!(got, expected);
    // The lead's own range ends inside the record: nothing is taken back, the lead reads on.
    assert_eq!(taken, vec![false, false]);

    let third = csv.len() as u64 / 3;
    let (got, taken) = in_pieces(bytes, &[third, second]);
    assert_eq!(got, expected);
    // The first piece ends inside the record: it is refused, the lead reads on from its start.
    assert_eq!(taken, vec![false, false]);
    let (got, taken) = in_pieces(bytes, &[first / 2, third, second]);
    assert_eq!(got, expected);
    assert_eq!(taken, vec![true, false, false], "pieces before the bad cut are kept");
}

#[test]
fn gb18030_files_are_read_in_pieces_too() {
    let csv = hostile_csv(8_000);
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(csv.trim_start_matches('\u{feff}'));
    assert!(!unmappable);
    let expected = whole(&gbk);
    assert!(expected.contains("\"gb18030\""));
    let size = gbk.len() as u64;
    let (got, taken) = in_pieces(&gbk, &[size / 3, size * 2 / 3]);
    assert_eq!(got, expected);
    assert_eq!(taken, vec![true, true]);
}

#[test]
fn threads_read_a_file_in_pieces_with_the_same_report() {
    let csv = hostile_csv(20_000);
    for readers in [1, 3] {
        check_threads(NAME, csv.as_bytes(), readers, 100_000);
    }
}

/// Reads `bytes` (a file called `name`) with `readers` threads besides the lead, in chunks of
/// `chunk` bytes, and checks the report is the one-reader report.
fn check_threads(name: &str, bytes: &[u8], readers: usize, chunk: usize) {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file_in_pieces(name, bytes.len() as u64, readers, |offset, sink| {
        for piece in bytes[offset as usize..].chunks(chunk) {
            if !sink(piece) {
                break;
            }
        }
        Ok(())
    })
    .unwrap();
    assert_same_report(&a.report().to_json(), &whole_named(name, bytes), &format!("{readers} reader threads"));
}

#[test]
fn a_file_is_only_continued_once_its_exporter_is_known() {
    // The exporter's first own row comes late: rows before it are the anonymous exporter's
    // until the file ends, which a piece cannot know, so no continuation is offered earlier.
    let mut csv = String::from("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n");
    for i in 0..4000 {
        let own = i >= 3000 && i % 2 == 0;
        let (me, who) = if own { (1, "wxid_me") } else { (0, "wxid_peer") };
        csv += &format!("{i},1,1,0,{me},{},2,消息内容第{i}条,,A,A,{who}\n", 1_700_000_000 + i * 60);
    }
    let bytes = csv.as_bytes();
    let own_row = csv.find("3000,1,1,0,1").unwrap();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file(NAME);
    a.push(&bytes[..own_row - 10]);
    assert!(a.continuation(bytes.len() as u64 - 100).is_none());
    a.push(&bytes[own_row - 10..own_row + 200]);
    assert!(a.continuation(bytes.len() as u64 - 100).is_some());
}

#[test]
fn random_cuts_always_give_the_one_reader_report() {
    // Some cuts land inside quoted records.
    check_random_cuts(NAME, hostile_csv(6_000).as_bytes(), 100_000, 0x9e37_79b9_7f4a_7c15);
}


/// The WhatsApp benchmark export (en-US, month-first) with hostile lines every 300 lines: a
/// multi-line message whose continuation lines start with digits or look like headers of
/// another style, a line with too long a header (runs of spaces), an impossible date (skipped,
/// with its line), a message longer than a boundary's look-ahead, and, once, a rename followed
/// by lines "from" the new name (system lines for one reader, which knows the rename).
fn hostile_whatsapp(messages: usize, rename_at: Option<f64>) -> String {
    let mut bytes = Vec::new();
    write_whatsapp_benchmark(messages, &mut bytes);
    let text = String::from_utf8(bytes).unwrap();
    let lines = text.lines().count();
    let rename_line = rename_at.map(|f| (lines as f64 * f) as usize);
    let mut out = String::new();
    let mut stamp = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        out.push_str(line);
        // The header of the last message, for the lines added after it (the same minute).
        if let Some(at) = line.find(" - ").filter(|_| line.starts_with(|c: char| c.is_ascii_digit())) {
            stamp = line[..at + 3].to_string();
        }
        if i > 0 && i % 300 == 0 {
            out.push_str(&format!("{stamp}王芳: 三点\n1. 先对账\n2/3/23, 4:05\u{202F}PM 不是新消息\n[2/3/23, 4:05:06 PM] 王芳: 也不是\n"));
            out.push_str(&format!("{stamp}{}王芳: 太长的头\n", " ".repeat(300)).replacen(", ", &format!(",{}", " ".repeat(300)), 1));
            out.push_str("2/30/23, 4:05\u{202F}PM - 王芳: 没有这一天\n");
            out.push_str(&format!("{stamp}王芳: {}\n", "长消息".repeat(200)));
        }
        if Some(i) == rename_line {
            out.push_str(&format!("{stamp}You changed the group name from \"WhatsApp 客户群\" to \"新名字\"\n"));
        }
        if rename_line.is_some_and(|r| i > r && i % 50 == 0) {
            out.push_str(&format!("{stamp}新名字: 群公告\n"));
        }
    }
    out
}

#[test]
fn whatsapp_pieces_cut_anywhere_give_the_one_reader_report() {
    let txt = hostile_whatsapp(20_000, None);
    let bytes = txt.as_bytes();
    let expected = whole_named(CHAT, bytes);
    assert!(expected.contains("impossible date 2/30/23"), "skips are listed");
    // Cuts on the hostile lines themselves: inside a multi-line message, before a line that
    // looks like a header in another style, on the too-long header, inside the long message.
    check_even_and_hostile_cuts(CHAT, &txt, &expected, &["\n1. 先对账", "\n2/3/23, 4:05", "\n[2/3/23", "太长的头", "长消息长消息"]);
}

/// Reads `text` (a file called `name`) cut into 2, 3 and 5 equal parts, then cut three times on
/// each of `needles` (a quarter, half and three quarters through their occurrences, 0–2 bytes
/// in), and checks every piece is taken back and the report is `expected`.
fn check_even_and_hostile_cuts(name: &str, text: &str, expected: &str, needles: &[&str]) {
    let bytes = text.as_bytes();
    let size = bytes.len() as u64;
    for parts in [2u64, 3, 5] {
        let cuts: Vec<u64> = (1..parts).map(|i| size * i / parts).collect();
        let (got, taken) = in_pieces_named(name, bytes, &cuts);
        assert_same_report(&got, expected, &format!("{parts} parts"));
        assert!(taken.iter().all(|&t| t), "{parts} parts: every piece taken back ({taken:?})");
    }
    for needle in needles {
        let at: Vec<u64> = text.match_indices(needle).map(|(i, _)| i as u64).collect();
        let cuts = [at[at.len() / 4], at[at.len() / 2] + 1, at[at.len() * 3 / 4] + 2];
        let (got, taken) = in_pieces_named(name, bytes, &cuts);
        assert_same_report(&got, expected, &format!("cuts at {needle:?}"));
        assert!(taken.iter().all(|&t| t), "{needle:?}: every piece taken back ({taken:?})");
    }
}

#[test]
fn a_whatsapp_rename_ends_the_parallel_part_exactly() {
    let txt = hostile_whatsapp(12_000, Some(0.5));
    let bytes = txt.as_bytes();
    let expected = whole_named(CHAT, bytes);
    assert!(expected.contains("新名字"), "the rename is read");
    let size = bytes.len() as u64;
    let (got, taken) = in_pieces_named(CHAT, bytes, &[size / 5, size * 2 / 5, size * 3 / 5, size * 4 / 5]);
    assert_same_report(&got, &expected, "");
    // The piece with the rename is kept; the ones after it would not know the new name.
    assert_eq!(taken, vec![true, true, false, false]);
    // A rename in the lead's own range: no piece is taken.
    let (got, taken) = in_pieces_named(CHAT, bytes, &[size * 3 / 5, size * 4 / 5]);
    assert_same_report(&got, &expected, "");
    assert_eq!(taken, vec![false, false]);
}

#[test]
fn an_undecided_whatsapp_date_order_refuses_only_the_pieces_that_need_it() {
    // Year-first dates (zh-CN phones) leave the day/month order open; a year-last date late in
    // the file needs it, which only the whole file decides.
    let mut txt = String::new();
    for i in 0..6000u32 {
        let (d, h) = (1 + i / 400, i % 24);
        txt += &format!("2023/3/{d} 下午{}:{:02} - 成员{}: 第{i}条消息\n", 1 + h % 12, i % 60, i % 37);
    }
    // Two year-last dates: the later one decides the order (month first) for the earlier one,
    // which a piece holding only the earlier one would read day first.
    for (at, line) in [(7, "4/25/23, 10:00 - 成员2: 月份在前\n"), (5, "3/4/23, 10:00 - 成员1: 年份在后\n")] {
        let at = txt.len() * at / 8;
        let at = at + txt.as_bytes()[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        txt.insert_str(at, line);
    }
    let bytes = txt.as_bytes();
    let expected = whole_named(CHAT, bytes);
    let size = bytes.len() as u64;
    // Read day first, 3/4/23 would be 成员1's last message (3 April, after every year-first date).
    assert!(expected.contains("2023-04-25T10:00") && !expected.contains("2023-04-03T10:00"), "3/4/23 is read month first");
    let (got, taken) = in_pieces_named(CHAT, bytes, &[size / 4, size / 2, size * 3 / 4]);
    assert_same_report(&got, &expected, "");
    assert_eq!(taken, vec![true, false, false]);
}

#[test]
fn whatsapp_random_cuts_always_give_the_one_reader_report() {
    // Some cuts land after the rename (the later pieces are then refused).
    check_random_cuts(CHAT, hostile_whatsapp(6_000, Some(0.7)).as_bytes(), 150_000, 0x2545_f491_4f6c_dd1d);
}

#[test]
fn threads_read_a_whatsapp_file_in_pieces_with_the_same_report() {
    check_threads(CHAT, hostile_whatsapp(20_000, None).as_bytes(), 3, 65_521);
}

#[test]
fn pieces_with_megabytes_of_text_give_the_one_reader_report() {
    // Long messages, so each piece holds over a MiB of text and its text blocks are moved in
    // whole when taken back; among them empty texts, repeats, questions and a quoted
    // multi-line message.
    let mut csv = String::from("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n");
    for i in 0..4000 {
        // The exporter's own rows (IsSender 1) from the start: a file is continued only then.
        let (me, who) = if i % 5 == 4 { (1, "wxid_me") } else { (0, ["wxid_a", "wxid_b", "wxid_c"][i % 3]) };
        let text = match i % 10 {
            0 => String::new(),
            1 => "同一句话重复发".to_string(),
            2 => format!("\"第{i}个问题：怎么报名？\n{}\"", "详细说明".repeat(60)),
            _ => format!("消息{i}：{}", "内容".repeat(170 + i % 7)),
        };
        csv += &format!("{i},1,1,0,{me},{},2,{text},,{who},{who},{who}\n", 1_700_000_000 + i * 60);
    }
    let bytes = csv.as_bytes();
    let size = bytes.len() as u64;
    let (got, taken) = in_pieces(bytes, &[size / 3, size * 2 / 3]);
    assert_same_report(&got, &whole(bytes), "two pieces of 1.3 MB of text each");
    assert_eq!(taken, vec![true, true]);
}

const ARCHIVE: &str = "wecom_archive.jsonl";

/// The WeCom benchmark archive (JSON Lines) with hostile lines every 300 lines: a line that is
/// not JSON, a blank line, an indented record (not a boundary, still a record), a record split
/// over two lines (both halves skipped, with their lines), a `switch` record, a still
/// encrypted one, one without a time, a wrapped one, a one-to-one chat, and text with escaped
/// line breaks and quotes; every 7th line ends with CRLF.
fn hostile_archive(messages: usize) -> String {
    let mut bytes = Vec::new();
    qunlens::sample::write_wecom_benchmark(messages, &mut bytes);
    let text = String::from_utf8(bytes).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(line);
        out.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        if i > 0 && i % 300 == 0 {
            let t = 1_672_502_452_000 + i as i64 * 60_000;
            let room = "\"roomid\":\"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA\"";
            out.push_str("这一行不是 JSON\n\n");
            out.push_str(&format!("   {{\"msgid\":\"i{i}\",\"action\":\"send\",\"from\":\"staff001\",{room},\"msgtime\":{t},\"msgtype\":\"text\",\"text\":{{\"content\":\"缩进的一行\"}}}}\n"));
            out.push_str(&format!("{{\"msgid\":\"s{i}\",\"action\":\"send\",\"from\":\"staff002\",{room},\n\"msgtime\":{t},\"msgtype\":\"text\",\"text\":{{\"content\":\"两行\"}}}}\n"));
            out.push_str(&format!("{{\"msgid\":\"w{i}\",\"action\":\"switch\",\"time\":{t},\"user\":\"staff001\"}}\n"));
            out.push_str(&format!("{{\"seq\":{i},\"msgid\":\"e{i}\",\"publickey_ver\":3,\"encrypt_chat_msg\":\"CAQQ\"}}\n"));
            out.push_str(&format!("{{\"msgid\":\"z{i}\",\"action\":\"send\",\"from\":\"staff003\",{room},\"msgtime\":0,\"msgtype\":\"image\",\"image\":{{}}}}\n"));
            out.push_str(&format!("{{\"seq\":{i},\"decrypted\":{{\"msgid\":\"d{i}\",\"action\":\"send\",\"from\":\"staff004\",{room},\"msgtime\":\"{t}\",\"msgtype\":\"text\",\"text\":{{\"content\":\"包起来的？\"}}}}}}\n"));
            out.push_str(&format!("{{\"msgid\":\"p{i}\",\"action\":\"send\",\"from\":\"wmCustomer{i}\",\"tolist\":[\"staff001\"],\"roomid\":\"\",\"msgtime\":{t},\"msgtype\":\"text\",\"text\":{{\"content\":\"私聊：第一行\\n第二行 \\\"引号\\\" @张三 你好\"}}}}\n"));
        }
    }
    out
}

#[test]
fn wecom_archive_pieces_cut_anywhere_give_the_one_reader_report() {
    let jsonl = hostile_archive(20_000);
    let bytes = jsonl.as_bytes();
    let expected = whole_named(ARCHIVE, bytes);
    for (want, what) in [("\"wecom-archive\"", "the format"), ("still encrypted", "skips"), ("wecom:staff001|wmCustomer", "one-to-one chats")] {
        assert!(expected.contains(want), "{what} are in the report");
    }
    // Cuts on the hostile lines: the line that is no JSON, the indented record, the record
    // split over two lines, the escaped line break.
    check_even_and_hostile_cuts(ARCHIVE, &jsonl, &expected, &["这一行不是", "   {\"msgid\":\"i", "\n\"msgtime\"", "\\n第二行"]);
}

#[test]
fn wecom_archive_random_cuts_always_give_the_one_reader_report() {
    check_random_cuts(ARCHIVE, hostile_archive(5_000).as_bytes(), 100_000, 0x6a09_e667_f3bc_c908);
}

#[test]
fn a_gb18030_wecom_archive_is_read_in_pieces_too() {
    let jsonl = hostile_archive(8_000);
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&jsonl);
    assert!(!unmappable);
    let expected = whole_named(ARCHIVE, &gbk);
    assert!(expected.contains("\"gb18030\""));
    let size = gbk.len() as u64;
    let (got, taken) = in_pieces_named(ARCHIVE, &gbk, &[size / 3, size * 2 / 3]);
    assert_same_report(&got, &expected, "GB18030");
    assert_eq!(taken, vec![true, true]);
}

#[test]
fn threads_read_a_wecom_archive_in_pieces_with_the_same_report() {
    check_threads(ARCHIVE, hostile_archive(20_000).as_bytes(), 3, 65_521);
}

#[test]
fn an_archive_in_one_json_array_is_read_by_one_reader() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.begin_file("archive.json");
    let records: Vec<String> = hostile_archive(2_000).lines().filter(|l| l.starts_with('{')).map(str::to_string).collect();
    let array = format!("[{}]", records.join(",\n"));
    a.push(array.as_bytes());
    assert!(a.continuation(array.len() as u64 / 2).is_none(), "a JSON array is one record for the parser");
}
