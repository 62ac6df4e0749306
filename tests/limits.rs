//! Config `limits`: a cap stops reading with a clear, specific message instead of running out of
//! memory; what was read before it stays in the report, later files are not read.

use qunlens::{Analyzer, Config};

const HEADER: &str = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n";

fn csv(room: &str, people: usize, per_person: usize) -> String {
    csv_saying(room, people, per_person, "消息")
}

/// Like [`csv`], every message `text` followed by its number.
fn csv_saying(room: &str, people: usize, per_person: usize, text: &str) -> String {
    let mut s = HEADER.to_string();
    let mut id = 0;
    for p in 0..people {
        for k in 0..per_person {
            id += 1;
            s += &format!("{id},{id},文本,0,wxid_{room}_{p},{room}@chatroom,{text}{k},,2024-03-01 10:{:02}:00\n", id % 60);
        }
    }
    s
}

/// Streams each file in 16 KiB chunks (caps are checked per chunk, and before each file).
fn analyze(config: &str, files: &[(&str, String)]) -> qunlens::report::Report {
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    for (name, text) in files {
        a.begin_file(name);
        for chunk in text.as_bytes().chunks(16 << 10) {
            a.push(chunk);
        }
        a.end_file();
    }
    a.report()
}

#[test]
fn the_message_cap_stops_reading_and_says_so() {
    let files = [("111_0_10000.csv", csv("111", 1000, 10)), ("222_0_100.csv", csv("222", 10, 10))];
    let r = analyze(r#"{"limits": {"max_messages": 5000}}"#, &files);
    let first = &r.inputs[0];
    assert_eq!(first.error_code.as_deref(), Some("limit_reached"));
    assert_eq!(first.format.as_deref(), Some("pywxdump-csv"), "the format it was read as");
    assert!(first.messages > 5000 && first.messages < 6000, "stopped at the chunk that crossed the cap: {}", first.messages);
    assert!(first.error.as_deref().unwrap().contains("limits.max_messages is 5000"), "{:?}", first.error);
    let second = &r.inputs[1];
    assert_eq!((second.error_code.as_deref(), second.messages), (Some("limit_reached"), 0));
    assert!(second.error.as_deref().unwrap().starts_with("not read: "));
    assert_eq!(r.groups.len(), 1, "the first file's data is in the report");
}

#[test]
fn the_people_and_file_size_caps() {
    let files = [("333_0_3000.csv", csv("333", 3000, 1))];
    let r = analyze(r#"{"limits": {"max_members": 2000}}"#, &files);
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("limit_reached"));
    assert!(r.inputs[0].error.as_deref().unwrap().contains("limits.max_members is 2000"));
    let r = analyze(r#"{"limits": {"max_file_bytes": 100000}}"#, &files);
    assert!(r.inputs[0].error.as_deref().unwrap().contains("limits.max_file_bytes"));
    assert!(r.inputs[0].messages > 0, "what was read before the cap stays");
    let r = analyze("{}", &files);
    assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 3000), "the defaults do not bite");
}

#[test]
fn a_small_file_that_crosses_the_cap_is_read_and_the_next_is_not() {
    // A file smaller than the sniffing window is parsed when it ends: the cap is seen before
    // the next file.
    let files = [("555_0_100.csv", csv("555", 10, 10)), ("666_0_100.csv", csv("666", 10, 10))];
    let r = analyze(r#"{"limits": {"max_messages": 50}}"#, &files);
    assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 100));
    assert_eq!((r.inputs[1].error_code.as_deref(), r.inputs[1].messages), (Some("limit_reached"), 0));
}

#[test]
fn the_memory_cap_weighs_the_text_kept() {
    // 10 people, 3,000 messages each; 2 MB of estimated memory: 80 bytes per message and
    // its text, 1,000 per person.
    let config = r#"{"limits": {"max_memory_bytes": 2000000}}"#;
    let short = analyze(config, &[("111_0_30000.csv", csv_saying("111", 10, 3000, "好"))]);
    let long = analyze(config, &[("222_0_30000.csv", csv_saying("222", 10, 3000, &"长文".repeat(100)))]);
    for r in [&short, &long] {
        assert_eq!(r.inputs[0].error_code.as_deref(), Some("limit_reached"));
        let error = r.inputs[0].error.as_deref().unwrap();
        assert!(error.contains("would take about 2 MB, over the cap limits.max_memory_bytes (2000000)"), "{error}");
    }
    // (2 MB - 10 KB) / (80 + 7) ≈ 22,900 short messages; / (80 + 604) ≈ 2,910 long ones,
    // each stopped at the 16 KiB chunk that crossed the cap.
    let (s, l) = (short.inputs[0].messages, long.inputs[0].messages);
    assert!((22_800..23_200).contains(&s), "short texts: {s}");
    assert!((2_900..2_950).contains(&l), "long texts: {l}");
    let r = analyze("{}", &[("333_0_30000.csv", csv_saying("333", 10, 3000, "好"))]);
    assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 30_000), "the default cap does not bite");
}

#[test]
fn a_device_reporting_little_memory_lowers_the_memory_cap() {
    // 0.01 GB × 30 % = 3 MB: the same stop as a 3 MB cap, said in the device's terms.
    let file = || [("111_0_60000.csv", csv_saying("111", 10, 6000, "好"))];
    let device = analyze(r#"{"limits": {"device_memory_gb": 0.01}}"#, &file());
    let capped = analyze(r#"{"limits": {"max_memory_bytes": 3000000}}"#, &file());
    assert_eq!(device.inputs[0].error_code.as_deref(), Some("limit_reached"));
    assert_eq!(device.inputs[0].messages, capped.inputs[0].messages);
    let error = device.inputs[0].error.as_deref().unwrap();
    assert!(error.contains("more than this device can spare (it reports 0.01 GB of memory, so the page keeps to 3 MB"), "{error}");
    // A lower cap of the config's own stands, and says so.
    let lower = analyze(r#"{"limits": {"device_memory_gb": 0.01, "max_memory_bytes": 2000000}}"#, &file());
    assert!(lower.inputs[0].error.as_deref().unwrap().contains("over the cap limits.max_memory_bytes (2000000)"));
    // 8 GB and more (and 0, not known: the CLI) leave the default cap, which does not bite here.
    for gb in ["8", "0"] {
        let r = analyze(&format!(r#"{{"limits": {{"device_memory_gb": {gb}}}}}"#), &file());
        assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 60_000), "{gb} GB");
    }
}

/// A Telegram export of one chat, `count` messages. With `id_first`, as Telegram Desktop writes
/// it: its messages are streamed; otherwise the chat's id comes after them, and the document is
/// held whole until it ends.
fn telegram(count: usize, id_first: bool) -> String {
    let messages: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"id": {i}, "type": "message", "date_unixtime": "{}", "from": "User {}", "from_id": "user{}", "text": "第{i}条消息，大家好"}}"#, 1_709_254_800 + i * 30, i % 7, i % 7))
        .collect();
    let (before, after) = if id_first { (r#""id": 1001, "#, "") } else { ("", r#", "id": 1001"#) };
    format!(r#"{{"name": "Growth Club", "type": "private_supergroup", {before}"messages": [{}]{after}}}"#, messages.join(",\n"))
}

/// A ChatLab export of `count` messages (the array-of-records path), its `meta` written
/// before the messages (streamed) or after them (held whole).
fn chatlab(count: usize, meta_first: bool) -> String {
    let messages: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"sender": "u{}", "accountName": "群友{}", "timestamp": {}, "type": 0, "content": "第{i}条消息，大家好，这个价格包含实施吗"}}"#, i % 7, i % 7, 1_709_254_800 + i * 30))
        .collect();
    let meta = r#""meta": {"name": "Growth Club", "platform": "wechat", "type": "group"}"#;
    let (before, after) = if meta_first { (format!("{meta}, "), String::new()) } else { (String::new(), format!(", {meta}")) };
    format!(r#"{{"chatlab": {{"version": "0.0.2"}}, {before}"messages": [{}]{after}}}"#, messages.join(",\n"))
}

/// Both streamed JSON paths: the file name and the document (`count` messages, what they
/// belong to written first or not).
const DOCUMENTS: [(&str, fn(usize, bool) -> String); 2] = [("result.json", telegram), ("chat.json", chatlab)];

#[test]
fn a_document_held_whole_is_weighed_by_the_memory_cap_and_not_read_past_it() {
    for (name, document) in DOCUMENTS {
        // ≈150 bytes a message: 300 KB of document, weighed twice (itself and what it turns into).
        let file = || [(name, document(2_000, false))];
        let r = analyze(r#"{"limits": {"max_memory_bytes": 500000}}"#, &file());
        let input = &r.inputs[0];
        assert_eq!((input.error_code.as_deref(), input.messages), (Some("limit_reached"), 0), "{name}: none of it read");
        let error = input.error.as_deref().unwrap();
        assert!(error.starts_with("not read: this file is one JSON document, held whole before any of its messages is read"), "{error}");
        assert!(error.ends_with("over the cap limits.max_memory_bytes (500000) (the page cannot use more than 4 GiB; the CLI can: raise the cap in its config)"), "{error}");
        assert!(r.groups.is_empty());
        // Twice the document fits under 1 MB: read whole.
        let r = analyze(r#"{"limits": {"max_memory_bytes": 1000000}}"#, &file());
        assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 2_000), "{name}");
    }
}

#[test]
fn a_streamed_document_is_weighed_by_what_it_turns_into_and_read_up_to_the_cap() {
    for (name, document) in DOCUMENTS {
        // The same 2,000 messages streamed: the model is weighed, not the text, and they fit.
        let r = analyze(r#"{"limits": {"max_memory_bytes": 500000}}"#, &[(name, document(2_000, true))]);
        assert_eq!((r.inputs[0].error_code.as_deref(), r.inputs[0].messages), (None, 2_000), "{name}");
        // Ten times as many do not: read up to the cap, like any streamed format, and said so.
        let r = analyze(r#"{"limits": {"max_memory_bytes": 500000}}"#, &[(name, document(20_000, true))]);
        let input = &r.inputs[0];
        assert_eq!(input.error_code.as_deref(), Some("limit_reached"), "{name}");
        assert!(input.messages > 2_000 && input.messages < 20_000, "{name}: {}", input.messages);
        let error = input.error.as_deref().unwrap();
        assert!(error.starts_with(&format!("stopped at {} messages: with their report they would take about", input.messages)), "{error}");
        assert_eq!(r.groups[0].name, "Growth Club");
    }
}

#[test]
fn a_partial_that_would_pass_a_cap_is_refused_whole() {
    // Each worker stays under the cap alone; merged, they would not.
    let config = Config::from_json(r#"{"limits": {"max_messages": 5000}}"#).unwrap();
    let partial = |room: &str| {
        let mut w = Analyzer::new(config.clone()).unwrap();
        w.add_file(&format!("{room}_0_3000.csv"), csv(room, 100, 30).as_bytes());
        w.take_partial().runs().unwrap().to_vec()
    };
    let mut lead = Analyzer::new(config.clone()).unwrap();
    lead.add_file("111_0_3000.csv", csv("111", 100, 30).as_bytes());
    assert_eq!(lead.absorb(&partial("222")), Ok(false), "3,000 + 3,000 > 5,000");
    let r = lead.report();
    assert_eq!((r.inputs.len(), r.groups.len(), r.inputs[0].messages), (1, 1, 3000), "nothing of it merged");
    // Read here instead, the file stops at the cap as one reader's would.
    let mut lead = Analyzer::new(config.clone()).unwrap();
    lead.add_file("111_0_3000.csv", csv("111", 100, 30).as_bytes());
    assert_eq!(lead.absorb(&partial("333")), Ok(false));
    lead.begin_file("333_0_3000.csv");
    for chunk in csv("333", 100, 30).as_bytes().chunks(16 << 10) {
        lead.push(chunk);
    }
    lead.end_file();
    let r = lead.report();
    assert_eq!(r.inputs[1].error_code.as_deref(), Some("limit_reached"));
    assert!(r.inputs[1].messages > 1_500 && r.inputs[1].messages < 3_000, "{}", r.inputs[1].messages);
    let mut small = Analyzer::new(config.clone()).unwrap();
    small.add_file("444_0_100.csv", csv("444", 10, 10).as_bytes());
    assert_eq!(small.absorb(&partial("555")), Ok(true), "3,100 fit");
}
