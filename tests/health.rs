//! Report section `health` on hand-made groups with hand-computed expectations: silence,
//! first-response times (across midnight; another group's message is no answer), acceptance,
//! staff share, Monday weeks in UTC+8 and join-month cohorts. Plus the question heuristics
//! measured on a hand-labelled set.

use qunlens::report::health::GroupHealth;
use qunlens::{Analyzer, Config};

const HEADER: &str = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n";

/// Group A (11111@chatroom) and group B (22222@chatroom), as PyWxDump CSVs.
fn files() -> Vec<(&'static str, String)> {
    let a = [
        "1,1,文本,0,wxid_old,11111@chatroom,好久不见,,2024-02-01 10:00:00",
        "2,2,系统通知,0,系统,11111@chatroom,\"\"\"小王\"\"邀请\"\"小新\"\"加入了群聊\",,2024-02-10 09:00:00",
        // Asked at 23:50, answered at 00:10 the next day: 1200 s, across midnight.
        "3,3,文本,0,wxid_ask,11111@chatroom,请问怎么报名？,,2024-03-01 23:50:00",
        "4,4,文本,0,wxid_ans,11111@chatroom,看群公告,,2024-03-02 00:10:00",
        // Asked at 10:00; group B talks at 10:05 (no answer); A next speaks at 12:00 (> 1 h).
        "5,5,文本,0,wxid_ask,11111@chatroom,有回放吗,,2024-03-02 10:00:00",
        "6,6,文本,0,wxid_ans,11111@chatroom,周末愉快,,2024-03-02 12:00:00",
        // Sunday 23:30 and Monday 00:30 (UTC+8) are in different weeks. 1800 s, then thanks.
        "7,7,文本,0,wxid_q2,11111@chatroom,What time is the call?,,2024-03-03 23:30:00",
        "8,8,文本,0,wxid_ans,11111@chatroom,10am,,2024-03-04 00:00:00",
        "9,9,文本,0,wxid_q2,11111@chatroom,thanks!,,2024-03-04 00:30:00",
    ];
    let b = ["1,11,文本,0,wxid_other,22222@chatroom,有的,,2024-03-02 10:05:00"];
    let csv = |rows: &[&str]| rows.iter().fold(HEADER.to_string(), |s, r| s + r + "\n");
    vec![("11111@chatroom_0_9.csv", csv(&a)), ("22222@chatroom_0_1.csv", csv(&b))]
}

fn report(config: &str) -> qunlens::report::Report {
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    for (name, text) in files() {
        a.add_file(name, text.as_bytes());
    }
    a.report()
}

fn group_a(r: &qunlens::report::Report) -> &GroupHealth {
    r.health.groups.iter().find(|g| g.id == "wechat:11111@chatroom").unwrap()
}

#[test]
fn response_times_count_across_midnight_but_not_from_another_group() {
    let r = report(r#"{"as_of": "2024-03-31"}"#);
    let a = group_a(&r);
    assert_eq!((a.questions, a.answered), (3, 2));
    assert_eq!(a.response_rate, Some(0.667));
    assert_eq!((a.median_first_response_s, a.p90_first_response_s), (Some(1200), Some(1800)));
    assert_eq!(a.accepted_rate, Some(0.5), "wxid_q2 thanked; wxid_ask did not");
    assert_eq!(a.answered_by_members_share, Some(1.0));
    assert_eq!(r.health.unanswered.len(), 1);
    assert_eq!((r.health.unanswered[0].text.as_str(), r.health.unanswered[0].time.as_str()), ("有回放吗", "2024-03-02T10:00:00+08:00"));
}

#[test]
fn silence_is_measured_against_as_of() {
    let r = report(r#"{"as_of": "2024-03-31"}"#);
    let a = group_a(&r);
    // as_of = 2024-03-31 23:59:59 +08:00. wxid_old: last 02-01 → 59 days (silent); 小新 joined
    // 02-10 and never spoke → 50 days (silent, never); the inviter 小王 appears only in the tip
    // and never spoke (silent, never); ask 29, q2 and ans 27 days: listed at ≥ 7, not silent.
    assert_eq!((a.members, a.silent_members, a.never_spoke), (6, 3, 2));
    let listed: Vec<(&str, Option<i64>, bool)> = r
        .health
        .members_silent
        .iter()
        .filter(|s| s.group == "wechat:11111@chatroom")
        .map(|s| (s.name.as_str(), s.days_silent, s.never_spoke))
        .collect();
    assert_eq!(
        listed,
        [
            ("小新", Some(50), true),
            ("小王", None, true),
            ("wxid_old", Some(59), false),
            ("wxid_ask", Some(29), false),
            ("wxid_ans", Some(27), false),
            ("wxid_q2", Some(27), false),
        ]
    );
    // A later as_of makes everyone silent; an earlier one shrinks the days.
    let later = report(r#"{"as_of": "2024-06-30"}"#);
    assert_eq!(group_a(&later).silent_members, 6);
    assert_eq!(group_a(&later).days_since_last_message, Some(118));
}

#[test]
fn weeks_start_on_monday_in_utc_plus_8_and_cohorts_follow_join_months() {
    let r = report(r#"{"as_of": "2024-03-10"}"#);
    let a = group_a(&r);
    let weeks: Vec<(&str, u64, u64)> = a.weekly.iter().map(|w| (w.week.as_str(), w.messages, w.joins)).collect();
    assert_eq!(
        weeks,
        [
            ("2024-01-29", 1, 0),
            ("2024-02-05", 0, 1),
            ("2024-02-12", 0, 0),
            ("2024-02-19", 0, 0),
            ("2024-02-26", 5, 0), // Thu 23:50 … Sun 23:30
            ("2024-03-04", 2, 0), // Mon 00:00 and 00:30
        ]
    );
    assert_eq!(a.declining_weeks, 1, "2 < 5 in the last week");
    let invited = &a.weekly[1].joins_by_inviter;
    assert_eq!((invited.len(), invited[0].name.as_str(), invited[0].joins), (1, "小王", 1), "小王 brought 小新");
    assert_eq!(a.cohorts.len(), 1);
    assert_eq!((a.cohorts[0].month.as_str(), a.cohorts[0].joined, a.cohorts[0].speaking_after), ("2024-02", 1, [0, 0, 0]));
}

#[test]
fn staff_answers_and_messages_are_told_apart() {
    let r = report(r#"{"as_of": "2024-03-31", "staff": ["wxid_ans"]}"#);
    let a = group_a(&r);
    assert_eq!(a.answered_by_members_share, Some(0.0), "every answer came from staff");
    assert_eq!(a.staff_message_share, Some(0.375), "3 of 8 member messages");
    assert!(!r.health.members_silent.iter().any(|s| s.name == "wxid_ans"), "staff are not listed as silent");
    assert!(!a.solo, "members spoke in the last 28 days");
}

/// The question heuristics on a hand-labelled set of real-shaped group messages (Chinese and
/// English): precision and recall must stay above the measured floor.
#[test]
fn question_detection_precision_and_recall() {
    let set = include_str!("fixtures/text/questions.tsv");
    let (mut tp, mut fp, mut fn_, mut n) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for line in set.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (label, text) = line.split_once('\t').expect("label<TAB>text");
        let truth = label == "Q";
        let got = qunlens::text::is_question(text);
        n += 1;
        match (truth, got) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                misses.push(format!("false positive: {text}"));
            }
            (true, false) => {
                fn_ += 1;
                misses.push(format!("missed: {text}"));
            }
            _ => {}
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    println!("question detection on {n} messages: precision {precision:.3}, recall {recall:.3}\n{}", misses.join("\n"));
    assert!(n >= 200, "{n} labelled messages");
    assert!(precision >= 0.95 && recall >= 0.95, "precision {precision:.3}, recall {recall:.3}\n{}", misses.join("\n"));
}
