//! Report section `funnel` on a hand-made group and CRM export, with hand-computed
//! expectations: order, ties in time, window expiry, no re-entry, CRM stages reached before
//! the previous step (states), missing stage times, people who skip steps, any-order mode, the
//! entry range, breakdowns and the SDR funnel. Recomputing under new settings equals a fresh
//! report.

use qunlens::report::funnel::FunnelReport;
use qunlens::{Analyzer, Config};

mod common;
use common::wechatmsg_csv;

fn files() -> Vec<(&'static str, String)> {
    let group = wechatmsg_csv(&[
        ("2024-01-01 09:00", "wxid_wang", "小王", "欢迎大家"),
        ("2024-01-02 10:00", "", "", "\"小王\"邀请\"阿甲\"加入了群聊"),
        ("2024-01-02 11:00", "", "", "\"小王\"邀请\"阿乙\"加入了群聊"),
        ("2024-01-03 09:00", "wxid_a", "阿甲", "大家好"),
        ("2024-01-03 09:30", "wxid_b", "阿乙", "你好"),
        ("2024-01-04 08:00", "", "", "\"阿丙\"通过扫描\"小王\"分享的二维码加入群聊"),
        ("2024-01-04 09:00", "wxid_c", "阿丙", "来了"),
        ("2024-01-05 09:00", "wxid_a", "阿甲", "今天的课在哪里看"),
        ("2024-01-05 10:00", "", "", "\"小王\"邀请\"阿丁\"加入了群聊"),
        ("2024-01-05 10:30", "wxid_d", "阿丁", "hello"),
        ("2024-01-06 09:00", "wxid_c", "阿丙", "收到"),
        ("2024-01-06 09:30", "wxid_d", "阿丁", "收到"),
        ("2024-01-06 12:00", "", "", "\"小王\"邀请\"阿戊\"加入了群聊"),
        ("2024-01-06 13:00", "wxid_e", "阿戊", "大家好"),
        ("2024-01-07 09:00", "wxid_e", "阿戊", "学习了"),
        ("2024-01-07 10:00", "", "", "\"小王\"将\"阿丁\"移出了群聊"),
        ("2024-01-08 12:00", "wxid_e", "阿戊", "有资料吗"),
        ("2024-01-10 10:00", "wxid_a", "阿甲", "谢谢分享"),
        ("2024-05-01 09:00", "wxid_c", "阿丙", "好久不见"),
        ("2024-06-01 09:00", "", "", "\"小王\"邀请\"阿丁\"加入了群聊"),
        ("2024-06-01 09:30", "wxid_d", "阿丁", "我又回来了"),
        ("2024-06-02 09:30", "wxid_d", "阿丁", "早"),
    ]);
    let crm = "姓名,微信号,线索状态,负责人,线索来源,创建时间,成为MQL时间,成为SQL时间,赢单时间,成交金额\n\
               阿甲,wxid_a,赢单,SDR1,海报,2024-01-12 09:00,2024-01-15 09:00,,2024-02-01 09:00,\"￥10,000.00\"\n\
               阿乙,wxid_b,线索,SDR1,海报,2023-12-20 09:00,,,,\n\
               阿戊,wxid_e,MQL,SDR2,直播,2024-01-06 12:00,2024-01-07 12:00,,,\n\
               阿己,,赢单,SDR2,直播,,,,,\n"
        .to_string();
    let sdr = "SDR,日期,外呼数,邀约数,被邀请人\nSDR1,2024-01-02,100,20,阿甲\nSDR1,2024-01-03,50,5,\nSDR2,2024-01-08,10,2,阿戊\n".to_string();
    vec![("测试群_utf8.csv", group), ("线索导出.csv", crm), ("SDR邀约日志.csv", sdr)]
}

fn analyzer(config: &str) -> Analyzer {
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    for (name, text) in files() {
        a.add_file(name, text.as_bytes());
    }
    a
}

fn funnel(config: &str) -> FunnelReport {
    analyzer(config).report().funnel
}

fn counts(f: &FunnelReport) -> Vec<u64> {
    f.steps.iter().map(|s| s.count).collect()
}

const FULL: &str = r#"{"funnel": {"steps": ["invited", "joined", "active", "lead", "mql", "sql", "won"]}}"#;

#[test]
fn the_inputs_are_read_and_matched() {
    let r = analyzer(FULL).report();
    for i in &r.inputs {
        assert!(i.error.is_none(), "{}: {:?}", i.file, i.error);
    }
    let crm = r.identity.sources.iter().find(|s| s.source == qunlens::identity::Source::Crm).unwrap();
    assert_eq!((crm.records, crm.matched, crm.unmatched), (4, 3, 1));
}

#[test]
fn ordered_steps_with_window_ties_states_and_missing_times() {
    let f = funnel(FULL);
    // A reaches won; B is not active; C's third day is after the 90-day window; D's third day
    // comes only after a second invitation (no re-entry); E was a lead and MQL before being
    // active (states still hold) and never SQL; 小王 was never invited.
    assert_eq!(counts(&f), [5, 5, 2, 2, 2, 1, 1]);
    let s = |name: &str| f.steps.iter().find(|s| s.name == name).unwrap();
    assert_eq!(s("invited").conversion_from_previous, 1.0);
    assert_eq!(s("active").conversion_from_previous, 0.4);
    assert_eq!(s("won").conversion_from_first, 0.2);
    // Invited and joined by the same system message: a tie in time is in order (0 s). A was
    // also invited by the SDR log on 01-02 (a date: 00:00), 10 h before joining: the earliest
    // invitation counts.
    assert_eq!((s("joined").median_time_from_previous_s, s("joined").p90_time_from_previous_s), (Some(0), Some(36_000)));
    // A: 01-02 10:00 -> 01-10 10:00; E: 01-06 12:00 -> 01-08 12:00.
    assert_eq!((s("active").median_time_from_previous_s, s("active").p90_time_from_previous_s), (Some(172_800), Some(691_200)));
    // A: 01-10 10:00 -> 01-12 09:00; E was a lead already.
    assert_eq!((s("lead").median_time_from_previous_s, s("lead").already_reached), (Some(169_200), 1));
    assert_eq!((s("mql").median_time_from_previous_s, s("mql").already_reached), (Some(259_200), 1));
    // A won with no SQL date: SQL counts, its time is unknown, and so is the step after it.
    assert_eq!((s("sql").count, s("sql").times_unknown, s("sql").median_time_from_previous_s), (1, 1, None));
    assert_eq!((s("won").times_unknown, s("won").median_time_from_previous_s), (1, None));
    // Drop-offs: B, C, D before active; E before SQL.
    let active = s("active");
    assert_eq!(active.dropped, 3);
    let mut who: Vec<&str> = active.dropoff.iter().map(|d| d.name.as_str()).collect();
    who.sort();
    assert_eq!(who, ["阿丁", "阿丙", "阿乙"]);
    assert_eq!(active.dropoff[0].name, "阿丁", "latest activity first");
    assert_eq!(active.dropoff[0].group_name.as_deref(), Some("测试群"));
    assert_eq!(s("sql").dropoff.iter().map(|d| (d.name.as_str(), d.owner.as_deref())).collect::<Vec<_>>(), [("阿戊", Some("SDR2"))]);
}

#[test]
fn a_longer_window_lets_late_steps_count() {
    let f = funnel(r#"{"funnel": {"steps": ["invited", "joined", "active"], "window_days": 200}}"#);
    assert_eq!(counts(&f), [5, 5, 4]);
}

#[test]
fn undated_stages_and_crm_only_people() {
    // 阿己 is in the CRM only, won with no dates at all: entry time unknown, still counted.
    let f = funnel(r#"{"funnel": {"steps": ["lead", "won"]}}"#);
    assert_eq!(counts(&f), [4, 2]);
    assert_eq!((f.steps[0].times_unknown, f.steps[1].times_unknown), (1, 1));
    assert_eq!(f.steps[1].median_time_from_previous_s, Some(20 * 86_400), "A: lead 01-12 09:00 -> won 02-01 09:00");
}

#[test]
fn any_order_counts_steps_before_entry() {
    let ordered = funnel(r#"{"funnel": {"steps": ["lead", "joined"]}}"#);
    // A joined before becoming a lead; B and E joined after (E at the same instant).
    assert_eq!(counts(&ordered), [4, 2]);
    let any = funnel(r#"{"funnel": {"steps": ["lead", "joined"], "mode": "any_order"}}"#);
    assert_eq!(counts(&any), [4, 3]);
    assert_eq!(any.steps[1].median_time_from_previous_s, None);
}

#[test]
fn entry_is_the_first_step_inside_the_range() {
    let f = funnel(r#"{"funnel": {"steps": ["invited", "joined"], "from": "2024-01-05", "to": "2024-12-31"}}"#);
    assert_eq!(counts(&f), [2, 2], "D (01-05) and E (01-06); A, B and C were invited before");
    let f = funnel(r#"{"funnel": {"steps": ["joined", "first_message"]}}"#);
    assert_eq!(counts(&f)[0], 6, "小王 counts as joined from his first message");
}

#[test]
fn unknown_steps_are_listed_not_counted() {
    let f = funnel(r#"{"funnel": {"steps": ["joined", "bought_a_boat", "active"]}}"#);
    assert_eq!(f.unknown_steps, ["bought_a_boat"]);
    assert_eq!(f.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["joined", "active"]);
}

#[test]
fn questions_and_breakdowns() {
    let f = funnel(r#"{"funnel": {"steps": ["joined", "question"]}}"#);
    assert_eq!(counts(&f), [6, 2], "A asked where to watch; E asked for material");
    let f = funnel(FULL);
    let dim = |d: &str| f.breakdowns.iter().find(|b| b.dimension == d).unwrap();
    let owner: Vec<(&str, &[u64])> = dim("owner").values.iter().map(|v| (v.key.as_str(), v.counts.as_slice())).collect();
    assert_eq!(owner, [("", &[2, 2, 0, 0, 0, 0, 0][..]), ("SDR1", &[2, 2, 1, 1, 1, 1, 1][..]), ("SDR2", &[1, 1, 1, 1, 1, 0, 0][..])]);
    let channel: Vec<&str> = dim("channel").values.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(channel, ["海报", "invite", "qr_code", "直播"]);
    assert_eq!(dim("cohort").values.iter().map(|v| (v.key.as_str(), v.counts[0])).collect::<Vec<_>>(), [("2024-01", 5)]);
    let group = &dim("group").values;
    assert_eq!((group.len(), group[0].label.as_str(), group[0].conversion_from_first), (1, "测试群", 0.2));
}

#[test]
fn sdr_funnel_per_week() {
    let f = funnel(FULL);
    let rows: Vec<(&str, Option<&str>, u64, u64, u64, u64, u64, u64)> =
        f.sdr.weeks.iter().map(|r| (r.sdr.as_str(), r.week.as_deref(), r.calls, r.invitations, r.joined, r.active, r.lead, r.won)).collect();
    // Week of Monday 2024-01-01: SDR1 logged 150 calls, 25 invitations, named A (joined,
    // active, lead, won). SDR2's week of 01-08 named E (joined, active, lead, not won).
    assert_eq!(rows, [("SDR1", Some("2024-01-01"), 150, 25, 1, 1, 1, 1), ("SDR2", Some("2024-01-08"), 10, 2, 1, 1, 1, 0)]);
    assert_eq!(f.sdr.weeks[0].join_rate, Some(0.0067));
    assert_eq!(f.sdr.weeks[0].meets_goal, Some(false));
    assert_eq!(f.sdr.totals.len(), 2);
}

#[test]
fn recomputing_under_new_settings_equals_a_fresh_report() {
    let mut a = analyzer(FULL);
    let _ = a.report();
    let changed = r#"{"funnel": {"steps": ["joined", "active", "lead"], "window_days": 30, "mode": "any_order"}}"#;
    let again = a.funnel(Config::from_json(changed).unwrap()).unwrap();
    let fresh = funnel(changed);
    assert_eq!(serde_json::to_string(&again).unwrap(), serde_json::to_string(&fresh).unwrap());
}

#[test]
fn a_page_setup_is_a_cli_config() {
    // The shape the page's "Export setup…" writes (every view's keys).
    let setup = r#"{
        "staff": ["wxid_wang"], "role_tags": [], "roles": {"targets": {"kol": 3}},
        "identity_overrides": [{"source": "crm", "record": "线索导出.csv#5", "member": null}],
        "leaderboard": {"window": "all"},
        "funnel": {"steps": ["joined", "active"], "window_days": 30, "mode": "any_order"},
        "health": {"silent_days": 45}, "timezone": "Asia/Shanghai",
        "column_maps": []
    }"#;
    let config = Config::from_json(setup).unwrap();
    assert_eq!((config.funnel.window_days, config.funnel.mode.as_str(), config.health.silent_days), (30, "any_order", 45));
    let mut a = Analyzer::new(config).unwrap();
    for (name, text) in files() {
        a.add_file(name, text.as_bytes());
    }
    let r = a.report();
    assert_eq!(r.funnel.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["joined", "active"]);
    assert_eq!(r.identity.overrides_applied, 1);
}
