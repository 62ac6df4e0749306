//! Every skipped row carries a stable code and the variable part of its reason, so the page can
//! say it in Chinese: each code is met here, on a fixture or a hand-made file, at its line and
//! with its detail; and the page has a sentence for each.

use std::collections::BTreeSet;

use qunlens::ingest::SkipCode;
use qunlens::{Analyzer, Config};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

const WECHATMSG_HEADER: &str = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n";

/// A WeChatMsg group export: one good row, then `rows`.
fn wechatmsg(rows: &str) -> Vec<u8> {
    format!("{WECHATMSG_HEADER}1,3,1,0,0,1709258400,2,你好,2024-03-01 10:00:00,,阿强,wxid_a\n{rows}").into_bytes()
}

/// The skips of file `name`, as (line, code, detail).
fn skips(name: &str, bytes: &[u8]) -> Vec<(u64, SkipCode, String)> {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(name, bytes);
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.skipped_count as usize, input.skipped.len(), "{name}: every skip listed");
    input.skipped.iter().map(|s| (s.line, s.code, s.detail.clone())).collect()
}

#[test]
fn every_skip_code_is_met_at_its_line_with_its_detail() {
    use SkipCode::*;
    let telegram = fixture("telegram/result.json");
    let telegram = String::from_utf8(telegram).unwrap();
    // (The chat's id comes first.) Cut inside message #2; and the comma after message #1 taken out.
    let second = telegram.match_indices("\"id\":").nth(2).map(|(at, _)| at).unwrap();
    let cut = &telegram[..second + 10];
    let cut_line = cut.matches('\n').count() as u64 + 1;
    let (before_second, _) = telegram[..second].rsplit_once(',').unwrap();
    let broken = format!("{before_second}{}", &telegram[before_second.len() + 1..]);
    // The break is where message #2's `{` stands instead of the comma.
    let brace = before_second.len() + broken[before_second.len()..].find('{').unwrap();
    let broken_line = broken[..brace].matches('\n').count() as u64 + 1;
    let members = concat!(
        r#"{"errcode":0,"errmsg":"ok","group_chat":{"chat_id":"wrA","name":"群A","member_list":[{"userid":"wmX","type":2,"join_time":1709100000,"join_scene":3}]}}"#,
        "\n",
        r#"{"errcode":86003,"errmsg":"no privilege"}"#,
        "\n"
    );
    let cases: Vec<(&str, Vec<u8>, Vec<(u64, SkipCode, &str)>)> = vec![
        ("short.csv", wechatmsg("2,3,1\n"), vec![(3, WrongColumns, "3 / 12")]),
        ("type.csv", wechatmsg("2,3,x,0,0,1709258460,2,hi,2024-03-01 10:01:00,,阿强,wxid_a\n"), vec![(3, NotANumber, "Type \"x\"")]),
        (
            "time.csv",
            wechatmsg("2,3,1,0,0,soon,2,hi,later,,阿强,wxid_a\n"),
            vec![(3, BadTime, "CreateTime \"soon\", StrTime \"later\"")],
        ),
        (
            "1970.csv",
            wechatmsg("2,3,1,0,0,100,2,hi,1970-01-01 08:01:40,,阿强,wxid_a\n"),
            vec![(0, ImplausibleDates, "1 (1970-01-01T08:01:40+08:00 … 1970-01-01T08:01:40+08:00)")],
        ),
        ("cut.json", cut.as_bytes().to_vec(), vec![(cut_line, JsonCutOff, "\"Growth Club\" #1")]),
        (
            "broken.json",
            broken.into_bytes(),
            vec![(broken_line, JsonBroken, "expected ',' or ']' · \"Growth Club\" #1")],
        ),
        ("wecom_members.jsonl", members.as_bytes().to_vec(), vec![(2, ApiError, "86003 (no privilege)")]),
        ("contradiction.txt", fixture("whatsapp/contradiction.txt"), vec![
            (1, StrayText, "\"garbage before any header\""),
            (3, BadTime, "1/14/24 (day/month/year)"),
            (6, BadTime, "30/2/24 (day/month/year)"),
        ]),
        ("chatlab_group.json", fixture("wechat4/chatlab_group.json"), vec![(67, NoTime, "timestamp")]),
        ("chatlog_odd_values.json", fixture("wechat4/chatlog_odd_values.json"), vec![
            (3, UnexpectedShape, "#2: \"7\""),
            (6, BadTime, "time \"{\\\"x\\\":1}\""),
            (7, EmptyField, "talker"),
            (10, NoSender, ""),
            (14, NotJson, "#13: invalid escape"),
        ]),
        ("sdr_log.csv", fixture("crm/sdr_log.csv"), vec![(5, NotANumber, "外呼数 \"很多\"")]),
        ("fxiaoke_leads_gbk.csv", fixture("crm/fxiaoke_leads_gbk.csv"), vec![(8, NoIdentity, "name, phone, email, WeChat id, remark, nickname")]),
    ];
    let mut met = BTreeSet::new();
    for (name, bytes, want) in cases {
        let got = skips(name, &bytes);
        let want: Vec<(u64, SkipCode, String)> = want.into_iter().map(|(l, c, d)| (l, c, d.to_string())).collect();
        assert_eq!(got, want, "{name}");
        met.extend(got.iter().map(|s| s.1.as_str()));
    }
    // The WeCom archive fixture's odd records: one still encrypted (among others).
    let archive = skips("odd_values.jsonl", &fixture("wecom/odd_values.jsonl"));
    assert!(archive.contains(&(13, Encrypted, String::new())), "{archive:?}");
    met.insert(Encrypted.as_str());
    let all: BTreeSet<&str> = SkipCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(met, all, "every code met");
}

#[test]
fn the_page_has_a_chinese_sentence_for_every_skip_code() {
    let i18n = std::fs::read_to_string(format!("{}/www/i18n.js", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for code in SkipCode::ALL {
        let key = format!("'skip.{}':", code.as_str());
        assert_eq!(i18n.matches(&key).count(), 1, "{key} in www/i18n.js (Chinese; English shows the core's reason)");
    }
}
