//! The same inputs in any order give byte-identical report JSON: the built-in sample (eleven
//! exports of five formats, from two exporting accounts, with overlapping people) plus the
//! international fixtures, a chunked QQ NT export (its manifest and chunks) and two groups
//! exported twice (overlapping exports), loaded in several shuffled orders.

use qunlens::{Analyzer, Config};

fn files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        qunlens::sample::generate(&Default::default()).into_iter().map(|f| (f.name, f.bytes)).collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    // Overlapping exports: the first sample group again as another assistant exported it
    // (a later start, a row more, the same name in another folder), and the PyWxDump room's
    // export twice under two names. Which copy is read first, and by which worker, must not
    // show in the report.
    let (name, bytes) = files.iter().find(|(n, _)| n.ends_with("_utf8.csv")).cloned().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut later = format!("{}\n{}\n", lines[0], lines[lines.len() / 3..].join("\n"));
    later += lines[lines.len() - 1];
    later += "\n";
    files.push((name, later.into_bytes()));
    let room = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wechat4/pywxdump_same_room.csv")).unwrap();
    files.push(("34567890123@chatroom_copy.csv".to_string(), room));
    for path in [
        "whatsapp/WhatsApp Chat with Team Berlin.txt",
        "telegram/result.json",
        "discord/Growth Srv - general [770000000000000001].json",
        "slack/slack-export-viewer_testarchive.zip",
        "wechat4/weflow_group.json",
        "wechat4/pywxdump_same_room.csv",
        "qq/qce_chunked/manifest.json",
        "qq/qce_chunked/chunks/c000001.jsonl",
        "qq/qce_chunked/chunks/c000002.jsonl",
        "qq/qce_chunked/chunks/c000003.jsonl",
    ] {
        let bytes = std::fs::read(format!("{dir}/{path}")).unwrap();
        files.push((path.rsplit('/').next().unwrap().to_string(), bytes));
    }
    files
}

/// An analyzer that knows the chunked exports' manifests among `files`, as every reader of a
/// load is told them before it reads (the page's parse workers too).
fn analyzer(files: &[(String, Vec<u8>)]) -> Analyzer {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for (_, bytes) in files.iter().filter(|(name, _)| name == "manifest.json") {
        assert!(a.add_chunk_manifest(bytes) > 0);
    }
    a
}

fn report(files: &[&(String, Vec<u8>)]) -> String {
    let all: Vec<(String, Vec<u8>)> = files.iter().map(|&f| f.clone()).collect();
    let mut a = analyzer(&all);
    for (name, bytes) in files {
        a.add_file(name, bytes);
    }
    a.report().to_json()
}

/// A small deterministic shuffle (xorshift), so the test needs no RNG crate.
fn shuffled<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn any_file_order_gives_the_same_report() {
    let files = files();
    let mut order: Vec<&(String, Vec<u8>)> = files.iter().collect();
    let expected = report(&order);
    assert!(expected.contains("\"is_self\":true"), "the sample has exporting accounts");
    let overlapping = serde_json::from_str::<serde_json::Value>(&expected).unwrap()["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["duplicates"].as_u64() > Some(0))
        .count();
    assert_eq!(overlapping, 2, "two groups exported twice");
    order.reverse();
    assert_eq!(report(&order), expected, "reversed order");
    for seed in [1, 7, 42, 2024] {
        shuffled(&mut order, seed);
        let got = report(&order);
        if got != expected {
            let names: Vec<&str> = order.iter().map(|f| f.0.as_str()).collect();
            let first_diff = got.bytes().zip(expected.bytes()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "order {names:?} differs at byte {first_diff}: …{}… vs …{}…",
                &got[first_diff.saturating_sub(200)..(first_diff + 100).min(got.len())],
                &expected[first_diff.saturating_sub(200)..(first_diff + 100).min(expected.len())]
            );
        }
    }
}

#[test]
fn two_exporting_accounts_stay_two_members() {
    let files = files();
    let r = {
        let mut a = analyzer(&files);
        for (name, bytes) in &files {
            a.add_file(name, bytes);
        }
        a.report()
    };
    let wechat_selves: Vec<&str> =
        r.members.iter().filter(|m| m.is_self && m.platform == qunlens::model::Platform::WeChat).map(|m| m.id.as_str()).collect();
    // Each group CSV of the sample was exported by its own assistant account; the "export all"
    // text names no wxid, so its exporter is the anonymous `wechat:self`.
    assert!(wechat_selves.iter().filter(|id| id.starts_with("wechat:wxid_")).count() >= 2, "{wechat_selves:?}");
    assert!(wechat_selves.contains(&"wechat:self"), "{wechat_selves:?}");
}

/// Parallel workers: files split among several analyzers, their partials absorbed by one, in
/// any order — the report is byte-identical to one analyzer reading every file.
#[test]
fn partials_merged_from_several_workers_give_the_same_report() {
    let files = files();
    let order: Vec<&(String, Vec<u8>)> = files.iter().collect();
    let expected = report(&order);
    for (workers, seed) in [(2, 3u64), (3, 11), (4, 99), (files.len(), 5)] {
        let mut order = order.clone();
        shuffled(&mut order, seed);
        let mut partials = Vec::new();
        for w in 0..workers {
            let mut a = analyzer(&files);
            for (name, bytes) in order.iter().skip(w).step_by(workers) {
                a.add_file(name, bytes);
            }
            partials.push(a.take_partial().runs().unwrap().to_vec());
        }
        shuffled(&mut partials, seed + 1);
        let mut coordinator = Analyzer::new(Config::default()).unwrap();
        for p in &partials {
            assert!(coordinator.absorb(p).unwrap(), "merged, far below the caps");
        }
        assert_eq!(coordinator.report().to_json(), expected, "{workers} workers");
    }
}

#[test]
fn a_damaged_partial_is_an_error_not_a_panic() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    assert!(a.absorb(b"not a partial").is_err());
    let mut w = Analyzer::new(Config::default()).unwrap();
    w.add_file("x.csv", b"id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n1,1,\xe6\x96\x87\xe6\x9c\xac,0,wxid_a,1@chatroom,hi,,2024-03-01 10:00:00\n");
    let bytes = w.take_partial().runs().unwrap().to_vec();
    assert!(a.absorb(&bytes[..bytes.len() / 2]).is_err());
    assert_eq!(a.absorb(&bytes), Ok(true));
    assert_eq!(a.report().groups.len(), 1);
}
