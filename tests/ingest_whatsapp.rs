//! WhatsApp `.txt` exports: the real chat-miner samples (read in place from
//! `fixtures/whatsapp/chat-miner`, MIT) against the parse their authors expect, and hand-made
//! fixtures in `fixtures/whatsapp/`, one per locale variant:
//!
//! - `WhatsApp Chat with Team Berlin.txt`: Android en-US, M/D/YY, 12 h with U+202F; Alice creates
//!   the group, adds you, adds Bob, Carol and +49 151 2345678; +44 7700 900123 joins by link;
//!   Carol leaves; Alice removes +49…; you rename it "Team Berlin 2024"; a 5-line message
//!   (with a date-like line and a blank one), media, deleted, location, attached photo + caption.
//! - `WhatsApp Chat mit Verein.txt`: German Android, DD.MM.YY 24 h (Du = the exporter).
//! - `与跨境客户群的 WhatsApp 聊天.txt`: Chinese-locale phone, `上午/下午` before the time mixed with
//!   24 h, `<附件：…>`, `<省略影音内容>`, Chinese join/link/leave/remove/rename sentences.
//! - `ios/WhatsApp Chat - Lappers/_chat.txt`: iOS brackets, U+200E, CRLF, group name as author.
//! - `ambiguous_late.txt`: day/month undecidable until its last line (25/12/23).
//! - `chat_es.txt` (`p. m.` with NBSP), `chat_ca.txt` (`yyyy-mm-dd`, `p.m.`), `ios_zh.txt`
//!   (`[yyyy/m/d hh:mm:ss]`), `undecided_us.txt` / `undecided_24h.txt` (never decided: the
//!   defaults), `contradiction.txt` (junk before the first header, a line contradicting the
//!   decided order, 30 February).

mod common;

use qunlens::ingest::FileIngest;
use qunlens::model::{JoinMethod, MembershipKind, MessageKind, Model, ModelBuilder};
use qunlens::report::{GroupReport, MemberReport, Report};
use qunlens::time::{days_from_civil, Zone};
use qunlens::{Analyzer, Config};

fn fixture_path(path: &str) -> String {
    format!(
        "{}/tests/fixtures/whatsapp/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(fixture_path(path)).unwrap()
}

fn report(path: &str) -> Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(path, &fixture(path));
    a.report()
}

/// The model of one file read in UTC (so epoch seconds are the wall clock as written).
fn model_of(name: &str, bytes: &[u8]) -> (Model, qunlens::ingest::InputOutcome) {
    let mut b = ModelBuilder::new();
    let mut z = Zone::new("UTC").unwrap();
    let mut f = FileIngest::new(name, &b);
    f.push(bytes, &mut b, &mut z);
    let out = f.finish(&mut b, &mut z);
    (b.finish(), out)
}

fn epoch(y: i16, mo: i8, d: i8, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
}

fn group<'r>(r: &'r Report) -> &'r GroupReport {
    assert_eq!(
        r.groups.len(),
        1,
        "{:?}",
        r.groups.iter().map(|g| &g.id).collect::<Vec<_>>()
    );
    &r.groups[0]
}

fn member<'r>(r: &'r Report, id: &str) -> &'r MemberReport {
    r.members.iter().find(|m| m.id == id).unwrap_or_else(|| {
        panic!(
            "no member {id}; have {:?}",
            r.members.iter().map(|m| &m.id).collect::<Vec<_>>()
        )
    })
}

fn texts(m: &Model) -> Vec<&str> {
    (0..m.messages.len()).map(|i| m.messages.text(i)).collect()
}

fn assert_chunking_is_invisible(path: &str) {
    let bytes = fixture(path);
    let whole = report(path).to_json();
    for chunk in [1, 7, 4096] {
        assert_eq!(
            common::report_in_chunks(path, &bytes, chunk).to_json(),
            whole,
            "{path} in {chunk}-byte pieces"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Real samples (chat-miner, MIT).

#[test]
fn chat_miner_samples_match_the_expected_parse() {
    let dir = format!("{}/tests/fixtures/whatsapp/chat-miner", env!("CARGO_MANIFEST_DIR"));
    let target = std::fs::read_to_string(format!("{dir}/chat-miner_target.json")).unwrap();
    let target: Vec<serde_json::Value> = serde_json::from_str(&target).unwrap();
    // chat-miner keeps the 6 member messages (newest first) and drops system lines and the
    // "John Doe:." line (no ": "), which qunlens keeps as system messages.
    let mut expected: Vec<(i64, String, String)> = target
        .iter()
        .map(|t| {
            let ts = t["timestamp"].as_str().unwrap();
            let n = |a: usize, b: usize| ts[a..b].parse::<i64>().unwrap();
            let e = epoch(
                n(0, 4) as i16,
                n(5, 7) as i8,
                n(8, 10) as i8,
                n(11, 13),
                n(14, 16),
                n(17, 19),
            );
            (
                e,
                t["author"].as_str().unwrap().to_string(),
                t["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    expected.sort();
    let mut seen = 0;
    for file in [
        "chat-miner_test_ddmmyy_24hrs.txt",
        "chat-miner_test_mmddyy_24hrs.txt",
        "chat-miner_test_[mmddyy]_24hrs.txt",
        "chat-miner_test_mmddyyyy_12hrs.txt",
        "chat-miner_test_yyyymmdd_24hrs.txt",
    ] {
        let bytes = std::fs::read(format!("{dir}/{file}")).unwrap();
        let (m, out) = model_of(file, &bytes);
        assert_eq!(
            out.format.map(|f| f.label()),
            Some("whatsapp-txt"),
            "{file}"
        );
        assert_eq!(
            (out.stats.rows, out.stats.skipped_count, out.messages),
            (9, 0, 9),
            "{file}"
        );
        let mut got: Vec<(i64, String, String)> = (0..m.messages.len())
            .filter(|&i| m.messages.kind[i] != MessageKind::System)
            .map(|i| {
                let sender = &m.members[m.messages.sender[i] as usize];
                (
                    m.messages.time[i],
                    sender.names[0].name.clone(),
                    m.messages.text(i).replace('\n', " "),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got, expected, "{file}");
        // The three system lines: "John Doe:.", the group creation (renames it), "You were added".
        let system: Vec<&str> = (0..m.messages.len())
            .filter(|&i| m.messages.kind[i] == MessageKind::System)
            .map(|i| m.messages.text(i))
            .collect();
        assert_eq!(
            system,
            [
                "John Doe:.",
                "+12 345 578 created group \"Groupname\"",
                "You were added"
            ],
            "{file}"
        );
        assert_eq!(m.groups[0].name, "Groupname");
        assert_eq!(m.memberships.len(), 1);
        assert!(
            m.members[m.memberships[0].member as usize].is_self,
            "You were added = the exporter"
        );
        seen += 1;
    }
    assert_eq!(seen, 5);
}

// ---------------------------------------------------------------------------------------
// Hand-made locale fixtures.

#[test]
fn android_en_us_group_with_every_membership_event() {
    let path = "WhatsApp Chat with Team Berlin.txt";
    let r = report(path);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("whatsapp-txt"));
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (16, 16, 0)
    );
    let g = group(&r);
    assert_eq!(
        (g.id.as_str(), g.name.as_str()),
        ("whatsapp:Team Berlin", "Team Berlin 2024")
    );
    assert_eq!((g.joins, g.leaves, g.removed), (5, 2, 1));
    assert_eq!(
        g.first_message.as_deref(),
        Some("2024-01-05T09:00:00+08:00")
    );
    assert_eq!(
        g.last_message.as_deref(),
        Some("2024-01-15T13:03:00+08:00"),
        "1:03 PM"
    );
    let alice = "whatsapp:name:Team Berlin:Alice";
    for id in [
        "whatsapp:name:Team Berlin:Bob",
        "whatsapp:name:Team Berlin:Carol",
        "whatsapp:+491512345678",
        "whatsapp:self",
    ] {
        let m = member(&r, id);
        assert_eq!(m.join_method, Some(JoinMethod::Invite), "{id}");
        assert_eq!(
            m.inviter.as_ref().map(|i| i.id.as_str()),
            Some(alice),
            "{id}"
        );
    }
    let linked = member(&r, "whatsapp:+447700900123");
    assert_eq!(
        (linked.join_method, linked.inviter.is_none()),
        (Some(JoinMethod::Link), true)
    );
    assert_eq!(
        (linked.name.as_str(), linked.messages),
        ("+44 7700 900123", 1),
        "phone id, name as written"
    );
    assert_eq!(member(&r, "whatsapp:+491512345678").name, "+49 151 2345678");
    assert!(member(&r, "whatsapp:self").is_self);

    let (m, _) = model_of(path, &fixture(path));
    let t = texts(&m);
    assert_eq!(
        t[4],
        "Welcome all!\nThis is line two: with a colon\n1/5/24 is the day we start\n\nlast line"
    );
    assert_eq!(m.messages.time[4], epoch(2024, 1, 5, 9, 5, 0));
    assert_eq!(
        m.messages.time[5],
        epoch(2024, 1, 5, 12, 30, 0),
        "12:30 PM is noon"
    );
    assert_eq!(
        m.messages.time[10],
        epoch(2024, 1, 15, 0, 0, 0),
        "12:00 AM is midnight"
    );
    use MessageKind::*;
    assert_eq!(
        m.messages.kind,
        [
            System, System, System, System, Text, File, System, Text, System, System, System,
            System, Recall, Location, Image, Text
        ]
    );
    assert_eq!(
        t[14],
        "IMG-20240115-WA0001.jpg (file attached)\ncaption of the photo"
    );
    let kinds: Vec<MembershipKind> = m.memberships.iter().map(|e| e.kind).collect();
    use MembershipKind::{Join, Leave, Removed};
    assert_eq!(kinds, [Join, Join, Join, Join, Join, Leave, Removed]);
    let removal = &m.memberships[6];
    assert_eq!(
        m.members[removal.member as usize].platform_id.as_deref(),
        Some("+491512345678")
    );
    assert_eq!(
        m.members[removal.actor.unwrap() as usize].names[0].name,
        "Alice",
        "removed by Alice"
    );
    assert_chunking_is_invisible(path);
}

#[test]
fn german_android() {
    let path = "WhatsApp Chat mit Verein.txt";
    let r = report(path);
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (9, 0));
    let g = group(&r);
    assert_eq!(
        (g.id.as_str(), g.name.as_str()),
        ("whatsapp:Verein", "Verein 2018")
    );
    assert_eq!((g.joins, g.leaves, g.removed), (2, 2, 1));
    let mallory = member(&r, "whatsapp:name:Verein:Mallory");
    assert_eq!(
        mallory.inviter.as_ref().map(|i| i.id.as_str()),
        Some("whatsapp:self"),
        "Du hast Mallory hinzugefügt"
    );
    let trent = member(&r, "whatsapp:name:Verein:Trent");
    assert_eq!(
        trent.inviter.as_ref().map(|i| i.id.as_str()),
        Some("whatsapp:name:Verein:Mallory")
    );
    let (m, _) = model_of(path, &fixture(path));
    assert_eq!(m.messages.time[0], epoch(2018, 1, 29, 12, 24, 0));
    assert_eq!(
        m.messages.kind[4],
        MessageKind::Voice,
        "PTT-….opus (Datei angehängt)"
    );
    assert_eq!(
        m.messages.kind[5],
        MessageKind::File,
        "<Medien ausgeschlossen>"
    );
    let removal = m
        .memberships
        .iter()
        .find(|e| e.kind == MembershipKind::Removed)
        .unwrap();
    assert!(
        m.members[removal.actor.unwrap() as usize].is_self,
        "Du hast Mallory entfernt"
    );
    assert_chunking_is_invisible(path);
}

#[test]
fn chinese_locale_phone() {
    let path = "与跨境客户群的 WhatsApp 聊天.txt";
    let r = report(path);
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (11, 0));
    let g = group(&r);
    assert_eq!(
        (g.id.as_str(), g.name.as_str()),
        ("whatsapp:跨境客户群", "跨境客户VIP群")
    );
    assert_eq!((g.joins, g.leaves, g.removed), (3, 2, 1));
    let boss = "whatsapp:name:跨境客户群:王经理";
    for who in ["李四", "赵六"] {
        let m = member(&r, &format!("whatsapp:name:跨境客户群:{who}"));
        assert_eq!(
            m.inviter.as_ref().map(|i| i.id.as_str()),
            Some(boss),
            "{who}"
        );
    }
    assert_eq!(
        member(&r, "whatsapp:name:跨境客户群:张三").join_method,
        Some(JoinMethod::Link)
    );
    let (m, _) = model_of(path, &fixture(path));
    assert_eq!(
        m.messages.time[3],
        epoch(2026, 4, 6, 13, 54, 0),
        "下午1:54 is 13:54"
    );
    assert_eq!(
        m.messages.time[6],
        epoch(2026, 5, 7, 8, 46, 0),
        "24 h line in the same file"
    );
    assert_eq!(
        m.messages.time[8],
        epoch(2026, 5, 8, 12, 30, 0),
        "下午12:30 is 12:30"
    );
    use MessageKind::*;
    assert_eq!(
        m.messages.kind,
        [System, System, System, System, Text, Image, File, System, System, System, Recall]
    );
    assert_chunking_is_invisible(path);
}

#[test]
fn ios_brackets_marks_and_group_name_authors() {
    let path = "ios/WhatsApp Chat - Lappers/_chat.txt";
    let r = report(path);
    assert_eq!((r.inputs[0].rows, r.inputs[0].skipped_count), (11, 0));
    let g = group(&r);
    assert_eq!(
        (g.id.as_str(), g.name.as_str()),
        ("whatsapp:Lappers", "Lappers Club")
    );
    assert_eq!((g.joins, g.leaves, g.removed, g.speakers), (2, 1, 0, 2));
    let rudi = "whatsapp:name:Lappers:Rudi Anderson";
    assert_eq!(
        member(&r, rudi).messages,
        3,
        "system lines are not Rudi's or Lappers' messages"
    );
    let kim = member(&r, "whatsapp:name:Lappers:Kim");
    assert_eq!(
        kim.inviter.as_ref().map(|i| i.id.as_str()),
        Some(rudi),
        "~ Kim is Kim"
    );
    assert!(
        r.members.iter().all(|m| !m.name.contains("Lappers")),
        "the group is no member"
    );
    let (m, _) = model_of(path, &fixture(path));
    use MessageKind::*;
    assert_eq!(
        m.messages.kind,
        [System, System, System, System, Text, Image, Image, Recall, System, System, Text]
    );
    assert_eq!(m.messages.text(4), "Morning!\nSecond line", "CRLF removed");
    assert_eq!(m.messages.time[4], epoch(2025, 10, 19, 9, 15, 30));
    assert_chunking_is_invisible(path);
}

#[test]
fn ambiguous_dates_are_resolved_by_a_late_line_for_the_whole_file() {
    let path = "ambiguous_late.txt";
    let (m, out) = model_of(path, &fixture(path));
    assert_eq!((out.stats.rows, out.stats.skipped_count), (4, 0));
    assert_eq!(
        m.messages.time,
        [
            epoch(2023, 2, 1, 10, 0, 0),
            epoch(2023, 2, 5, 11, 0, 0),
            epoch(2023, 3, 11, 12, 0, 0),
            epoch(2023, 12, 25, 13, 0, 0)
        ],
        "day-first, decided by 25/12/23 on the last line"
    );
    // The same lines without the deciding one fall back to the default (day-first, 24 h).
    let head: Vec<u8> = fixture(path)
        .split(|&b| b == b'\n')
        .take(3)
        .flat_map(|l| [l, b"\n"].concat())
        .collect();
    assert_eq!(
        model_of(path, &head).0.messages.time[0],
        epoch(2023, 2, 1, 10, 0, 0)
    );
    // Month-first files are decided the same way.
    let us = "01/02/23, 10:00 - Ann: a\n05/02/23, 11:00 - Ben: b\n12/25/23, 13:00 - Ben: c\n";
    assert_eq!(
        model_of("us.txt", us.as_bytes()).0.messages.time[1],
        epoch(2023, 5, 2, 11, 0, 0)
    );
    assert_chunking_is_invisible(path);
}

#[test]
fn undecided_files_use_the_documented_default() {
    let (m, _) = model_of("undecided_us.txt", &fixture("undecided_us.txt"));
    assert_eq!(
        m.messages.time[0],
        epoch(2024, 3, 4, 9, 0, 0),
        "uppercase AM/PM: month-first (en-US)"
    );
    assert_eq!(m.messages.time[1], epoch(2024, 3, 4, 21, 30, 0));
    let (m, _) = model_of("undecided_24h.txt", &fixture("undecided_24h.txt"));
    assert_eq!(
        m.messages.time[0],
        epoch(2024, 4, 3, 9, 0, 0),
        "otherwise day-first"
    );
    // Chronological order decides when no number is > 12: 12/01 → 01/02 (a day going down).
    let text = "10/01/24, 09:00 - A: x\n12/01/24, 09:00 - A: y\n01/02/24, 09:00 - A: z\n";
    assert_eq!(
        model_of("votes.txt", text.as_bytes()).0.messages.time[2],
        epoch(2024, 2, 1, 9, 0, 0)
    );
    let text = "1/10/24, 9:00 AM - A: x\n1/12/24, 9:00 AM - A: y\n2/1/24, 9:00 AM - A: z\n";
    assert_eq!(
        model_of("votes_us.txt", text.as_bytes()).0.messages.time[2],
        epoch(2024, 2, 1, 9, 0, 0)
    );
}

#[test]
fn more_locales() {
    let (m, out) = model_of("chat_es.txt", &fixture("chat_es.txt"));
    assert_eq!((out.stats.rows, out.stats.skipped_count), (3, 0));
    assert_eq!(
        m.messages.time,
        [
            epoch(2017, 6, 20, 20, 28, 0),
            epoch(2017, 6, 20, 9, 5, 0),
            epoch(2017, 6, 21, 12, 0, 0)
        ],
        "p.\u{a0}m. with NBSP"
    );
    assert_eq!(m.messages.kind[1], MessageKind::File, "<Archivo omitido>");
    let (m, _) = model_of("chat_ca.txt", &fixture("chat_ca.txt"));
    assert_eq!(
        m.messages.time,
        [epoch(2023, 12, 20, 17, 46, 0), epoch(2023, 12, 21, 0, 5, 0)]
    );
    let (m, out) = model_of("ios_zh.txt", &fixture("ios_zh.txt"));
    assert_eq!(out.format.map(|f| f.label()), Some("whatsapp-txt"));
    assert_eq!(m.messages.time[1], epoch(2022, 7, 21, 5, 11, 12));
    assert_eq!(
        m.messages.kind,
        [MessageKind::System, MessageKind::Text, MessageKind::Voice]
    );
    for path in [
        "chat_es.txt",
        "chat_ca.txt",
        "ios_zh.txt",
        "undecided_us.txt",
    ] {
        assert_chunking_is_invisible(path);
    }
}

#[test]
fn bad_lines_are_skipped_with_their_reason() {
    let path = "contradiction.txt";
    let r = report(path);
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("whatsapp-txt"));
    assert_eq!(
        (input.rows, input.messages, input.skipped_count),
        (2, 2, 3),
        "{:?}",
        input.skipped
    );
    let lines: Vec<u64> = input.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [1, 3, 6]);
    assert!(
        input.skipped[0]
            .reason
            .contains("before the first message header"),
        "{}",
        input.skipped[0].reason
    );
    assert!(
        input.skipped[1].reason.contains("01/14/24") || input.skipped[1].reason.contains("1/14/24"),
        "{}",
        input.skipped[1].reason
    );
    assert!(
        input.skipped[1].reason.contains("decided at line 2"),
        "{}",
        input.skipped[1].reason
    );
    assert!(
        input.skipped[2].reason.contains("30/2/24"),
        "{}",
        input.skipped[2].reason
    );
    assert_chunking_is_invisible(path);
}

#[test]
fn other_formats_are_not_claimed() {
    use qunlens::ingest::detect_format;
    let wa = |head: &str| detect_format(head, "x.txt").map(|f| f.label());
    assert_eq!(wa("1/29/18, 12:24 - Mallory: Hey"), Some("whatsapp-txt"));
    assert_ne!(wa("消息记录（此消息记录为文本格式，不支持重新导入）\n\n2016-07-19 15:27:15 老张(10001)\n你好\n"), Some("whatsapp-txt"));
    assert_eq!(wa("2016-07-19 15:27:15 老张(10001)\n你好\n"), None);
    assert_eq!(
        wa("2023-01-01 12:00:00 张三\n你好\n"),
        None,
        "WeChatMsg TXT"
    );
    assert_eq!(wa("time,sender,text\n2024-01-01 10:00:00,a,b\n"), None);
    assert_eq!(wa("2024-01-01, 10:00,a,b\n"), None);
}

#[test]
fn generated_benchmark_file_reads_without_skips() {
    let mut bytes = Vec::new();
    qunlens::sample::write_whatsapp_benchmark(3000, &mut bytes);
    let mut again = Vec::new();
    qunlens::sample::write_whatsapp_benchmark(3000, &mut again);
    assert_eq!(bytes, again, "deterministic");
    let (m, out) = model_of("benchmark_whatsapp.txt", &bytes);
    assert_eq!(out.format.map(|f| f.label()), Some("whatsapp-txt"));
    assert_eq!(out.stats.skipped_count, 0, "{:?}", out.stats.skipped);
    let said = (0..m.messages.len())
        .filter(|&i| m.messages.kind[i] != MessageKind::System)
        .count();
    assert!((3000..3100).contains(&said), "{said}");
    assert!(m
        .memberships
        .iter()
        .any(|e| e.method == Some(JoinMethod::Link)));
    assert!(m
        .memberships
        .iter()
        .any(|e| e.method == Some(JoinMethod::Invite) && e.actor.is_some()));
}
