//! The native CLI (`qunlens analyze`) on a folder: many smaller files are read side by side
//! by several threads and merged, chunked QQ NT exports' manifests are learnt by every thread
//! first, and the report is the one `qunlens::analyze` gives reading the files one by one.

use std::path::{Path, PathBuf};

/// A WeChatMsg per-chat CSV of `rows` messages in group `k` (about 90 bytes a row).
fn wechat_csv(k: usize, rows: usize) -> Vec<u8> {
    let mut csv = String::from("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n");
    for i in 0..rows {
        let (me, who) = if i % 5 == 0 { (1, "wxid_me".to_string()) } else { (0, format!("wxid_{}", i % 37)) };
        csv += &format!("{i},{k},1,0,{me},{},2,第{i}条消息，今天的资料发群里了,,A,A,{who}\n", 1_700_000_000 + i * 60);
    }
    csv.into_bytes()
}

#[test]
fn a_folder_read_side_by_side_gives_the_one_by_one_report() {
    let dir = std::env::temp_dir().join(format!("qunlens-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("qce/chunks")).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qq/qce_chunked");
    let mut files: Vec<PathBuf> = Vec::new();
    for name in ["manifest.json", "chunks/c000001.jsonl", "chunks/c000002.jsonl", "chunks/c000003.jsonl"] {
        let to = dir.join("qce").join(name);
        std::fs::copy(fixtures.join(name), &to).unwrap();
        files.push(to);
    }
    // Over 4 MB in all: shared out to the reader threads (on a machine with more than one core).
    for k in 1..=4 {
        let to = dir.join(format!("群{k}_utf8.csv"));
        std::fs::write(&to, wechat_csv(k, 20_000)).unwrap();
        files.push(to);
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qunlens")).args(["analyze", "--compact"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let named: Vec<(String, Vec<u8>)> = files.iter().map(|p| (p.to_string_lossy().into_owned(), std::fs::read(p).unwrap())).collect();
    let refs: Vec<(&str, &[u8])> = named.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let expected = qunlens::analyze(&refs, qunlens::Config::default()).unwrap().to_json();
    let got = String::from_utf8(out.stdout).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(got.trim_end(), expected);
    let report: serde_json::Value = serde_json::from_str(&expected).unwrap();
    let groups: Vec<(&str, u64)> =
        report["groups"].as_array().unwrap().iter().map(|g| (g["id"].as_str().unwrap(), g["messages"].as_u64().unwrap())).collect();
    assert_eq!(groups.len(), 5, "{groups:?}");
    assert!(groups.contains(&("qq:周末徒步群", 12)), "{groups:?}");
}
