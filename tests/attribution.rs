//! Report section `attribution` on two hand-made groups, a CRM export and an SDR log, with
//! hand-computed credits (conversion = won): group, SDR, channel and content paths, the
//! lookback cutting an old touch, a null path, the SDR credit rule's three cases, Markov with
//! its value chain, and a recompute under new settings equal to a fresh report.

use qunlens::report::attribution::AttributionReport;
use qunlens::{Analyzer, Config};

mod common;
use common::wechatmsg_csv;

fn files() -> Vec<(&'static str, String)> {
    let a = wechatmsg_csv(&[
        ("2024-01-01 09:00", "wxid_wang", "小王", "欢迎大家"),
        ("2024-01-02 10:00", "", "", "\"小王\"邀请\"阿甲\"加入了群聊"),
        ("2024-01-02 11:00", "wxid_a", "阿甲", "大家好"),
        ("2024-01-03 10:00", "", "", "\"小李\"邀请\"阿乙\"加入了群聊"),
        ("2024-01-03 11:00", "wxid_b", "阿乙", "你好"),
        ("2024-01-04 08:00", "", "", "\"阿丙\"通过扫描\"阿甲\"分享的二维码加入群聊"),
        ("2024-01-04 09:00", "wxid_c", "阿丙", "来了"),
        ("2024-01-05 10:00", "", "", "\"小王\"邀请\"阿戊\"加入了群聊"),
        ("2024-01-05 11:00", "wxid_e", "阿戊", "大家好"),
        ("2024-01-09 10:00", "wxid_wang", "小王", "link:财税直播回放"),
        ("2024-01-09 12:00", "wxid_c", "阿丙", "学习了"),
        ("2024-01-10 09:00", "wxid_a", "阿甲", "谢谢分享"),
        ("2024-01-11 09:00", "wxid_e", "阿戊", "收到"),
        ("2024-01-20 09:00", "wxid_li", "小李", "下周见"),
    ]);
    let b = wechatmsg_csv(&[
        ("2023-06-01 09:00", "", "", "\"小王\"邀请\"阿丁\"加入了群聊"),
        ("2023-06-01 09:30", "wxid_d", "阿丁", "大家好"),
        ("2024-01-10 10:00", "", "", "\"阿甲\"通过扫描\"小李\"分享的二维码加入群聊"),
        ("2024-01-10 10:30", "wxid_a", "阿甲", "我也来了"),
    ]);
    let crm = "姓名,微信号,线索状态,负责人,线索来源,创建时间,赢单时间,成交金额\n\
               阿甲,wxid_a,赢单,小王,海报,2024-01-12 09:00,2024-02-01 09:00,\"￥10,000.00\"\n\
               阿乙,wxid_b,赢单,小王,海报,2024-01-20 09:00,2024-03-01 09:00,\"￥5,000.00\"\n\
               阿丙,wxid_c,赢单,小李,直播,2024-01-25 09:00,2024-02-10 09:00,\"￥2,000.00\"\n\
               阿丁,wxid_d,赢单,小李,直播,2024-02-20 09:00,2024-03-01 09:00,\"￥3,000.00\"\n"
        .to_string();
    let sdr = "SDR,日期,外呼数,邀约数,被邀请人\n小李,2024-01-02,10,1,阿乙\n".to_string();
    vec![("群A_utf8.csv", a), ("群B_utf8.csv", b), ("线索导出.csv", crm), ("SDR邀约日志.csv", sdr)]
}

/// Staff: the SDRs and the group owner are not prospects.
const STAFF: &str = r#""staff": ["wechat:wxid_wang", "wechat:wxid_li"]"#;

fn analyzer(config: &str) -> Analyzer {
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    for (name, text) in files() {
        a.add_file(name, text.as_bytes());
    }
    a
}

fn attribution(extra: &str) -> AttributionReport {
    let sep = if extra.is_empty() { "" } else { "," };
    analyzer(&format!("{{{STAFF}{sep}{extra}}}")).report().attribution
}

/// `(conversions, revenue)` credited to `key` of `dimension` by `model`.
fn credit(r: &AttributionReport, model: &str, dimension: &str, key: &str) -> (f64, f64) {
    let m = r.models.iter().find(|m| m.name == model).unwrap();
    m.credits.iter().find(|c| c.dimension == dimension && (c.key == key || c.label == key)).map_or((0.0, 0.0), |c| (c.conversions, c.revenue))
}

fn near(got: (f64, f64), want: (f64, f64)) {
    assert!((got.0 - want.0).abs() < 1e-3 && (got.1 - want.1).abs() < 0.02, "got {got:?}, want {want:?}");
}

fn dim<'a>(r: &'a AttributionReport, d: &str) -> &'a qunlens::report::attribution::DimensionSummary {
    r.dimensions.iter().find(|x| x.dimension == d).unwrap()
}

#[test]
fn conversions_revenue_and_paths() {
    let r = attribution("");
    assert_eq!(r.settings.conversion, "won");
    assert!(r.conversion_known);
    assert_eq!((r.conversions, r.revenue), (4, 20_000.0));
    // Groups: 阿丁's only group touch (June 2023) is past the 180-day lookback of his March
    // 2024 deal: unattributed. 阿戊 never converted: a null path.
    let g = dim(&r, "group");
    assert_eq!((g.paths, g.converting_paths, g.null_paths, g.unattributed_conversions), (4, 3, 1, 1));
    assert_eq!(g.touches, 5);
}

#[test]
fn single_and_multi_touch_models_on_groups() {
    let r = attribution("");
    // 阿甲 群A then 群B; 阿乙 and 阿丙 群A only.
    near(credit(&r, "first_touch", "group", "群A"), (3.0, 17_000.0));
    near(credit(&r, "first_touch", "group", "群B"), (0.0, 0.0));
    near(credit(&r, "last_touch", "group", "群A"), (2.0, 7_000.0));
    near(credit(&r, "last_touch", "group", "群B"), (1.0, 10_000.0));
    near(credit(&r, "linear", "group", "群A"), (2.5, 12_000.0));
    near(credit(&r, "linear", "group", "群B"), (0.5, 5_000.0));
    // Two touches: 40/20/40 has no middle (50/50); W: first and lead-creation (群B, the last
    // group before the lead on 01-12), no deal stage -> 50/50; Shapley: distinct keys.
    for model in ["position_based", "w_shaped", "shapley"] {
        near(credit(&r, model, "group", "群A"), (2.5, 12_000.0));
    }
    // Time decay: 阿甲 won 02-01; 群A 30 days before, 群B 22 days: 1 : 2^(8/7).
    let a_share = 1.0 / (1.0 + 2f64.powf(8.0 / 7.0));
    near(credit(&r, "time_decay", "group", "群A"), (2.0 + a_share, 7_000.0 + 10_000.0 * a_share));
}

#[test]
fn markov_on_groups_with_the_null_path() {
    let r = attribution("");
    // Chain: start -> A (4); A -> B 1, A -> conversion 2, A -> null 1; B -> conversion 1.
    // P = 3/4. Without A: 0 (RE 1). Without B: 1/2 (RE 1/3). Credits 3 * (1, 1/3) / (4/3).
    near(credit(&r, "markov", "group", "群A"), (2.25, 17_000.0 / (1.0 + 1.0 - 1750.0 / 4250.0)));
    // Value chain: A is worth 2/4 * 3500 + 1/4 * 10000 = 4250; without B 1750.
    let re_b = 1.0 - 1750.0 / 4250.0;
    near(credit(&r, "markov", "group", "群B"), (0.75, 17_000.0 * re_b / (1.0 + re_b)));
    assert_eq!(dim(&r, "group").markov_p_conversion, 0.75);
    let effect = r.removal_effects.iter().find(|e| e.dimension == "group" && e.key.ends_with("群B")).unwrap();
    assert!((effect.removal_effect - 1.0 / 3.0).abs() < 1e-6);
}

#[test]
fn sdr_touches_and_the_sdr_rule() {
    let r = attribution("");
    // Paths: 阿甲 小王 (invite) > 小李 (QR) > 小王 (owner); 阿乙 小李 (log) > 小李 (invite) >
    // 小王 (owner); 阿丙 阿甲 (a member's QR) > 小李 (owner); 阿丁 小李 (owner; 小王's 2023
    // invite is past the lookback).
    near(credit(&r, "first_touch", "sdr", "小王"), (1.0, 10_000.0));
    near(credit(&r, "first_touch", "sdr", "小李"), (2.0, 8_000.0));
    near(credit(&r, "first_touch", "sdr", "阿甲"), (1.0, 2_000.0));
    near(credit(&r, "linear", "sdr", "小王"), (1.0, 10_000.0 * 2.0 / 3.0 + 5_000.0 / 3.0));
    near(credit(&r, "linear", "sdr", "小李"), (2.5, 10_000.0 / 3.0 + 5_000.0 * 2.0 / 3.0 + 1_000.0 + 3_000.0));
    // Rule: 阿甲 invited and converted by 小王 -> 小王; 阿乙 invited by 小李, converted by 小王 ->
    // half each; 阿丙 community-sourced, converted by 小李 -> 30 % community; 阿丁 invited by
    // 小王 (the rule looks at who invited, however long ago), converted by 小李 -> half each.
    near(credit(&r, "sdr_rule", "sdr", "小王"), (2.0, 10_000.0 + 2_500.0 + 1_500.0));
    near(credit(&r, "sdr_rule", "sdr", "小李"), (1.7, 2_500.0 + 1_400.0 + 1_500.0));
    near(credit(&r, "sdr_rule", "sdr", "(community)"), (0.3, 600.0));
    let row = |name: &str| r.sdr.iter().find(|s| s.sdr == name).unwrap();
    assert_eq!((row("小王").invited, row("小王").owned_conversions), (3, 2));
    assert_eq!((row("小李").invited, row("小李").owned_conversions), (1, 2));
    assert!(r.sdr.iter().all(|s| s.sdr != "阿甲"), "a member who invited a friend is no SDR");
    // Shares set in the config.
    let r = attribution(r#""attribution": {"sdr_inviter_share": 0.2, "community_share": 0.5}"#);
    near(credit(&r, "sdr_rule", "sdr", "(community)"), (0.5, 1_000.0));
    near(credit(&r, "sdr_rule", "sdr", "小王"), (1.0 + 0.8 + 0.2, 10_000.0 + 4_000.0 + 600.0));
}

#[test]
fn channels_content_and_the_lookback() {
    let r = attribution("");
    near(credit(&r, "first_touch", "channel", "海报"), (2.0, 15_000.0));
    near(credit(&r, "first_touch", "channel", "直播"), (1.0, 2_000.0));
    assert_eq!(dim(&r, "channel").unattributed_conversions, 1);
    // The link card: 阿丙 spoke 2 h after it, 阿甲 23 h after; 阿戊 25 h after (not engaged).
    near(credit(&r, "linear", "content", "财税直播回放"), (2.0, 12_000.0));
    assert_eq!(dim(&r, "content").null_paths, 0);
    // A 400-day lookback brings 阿丁's 2023 touches back.
    let r = attribution(r#""attribution": {"lookback_days": 400}"#);
    near(credit(&r, "first_touch", "group", "群B"), (1.0, 3_000.0));
    near(credit(&r, "first_touch", "channel", "直播"), (2.0, 5_000.0));
    near(credit(&r, "first_touch", "sdr", "小王"), (2.0, 13_000.0));
}

#[test]
fn every_model_conserves_credit_and_lists_the_same_keys() {
    let r = attribution("");
    let names: Vec<&str> = r.models.iter().map(|m| m.name).collect();
    assert_eq!(names, ["first_touch", "last_touch", "last_non_direct", "linear", "position_based", "w_shaped", "time_decay", "markov", "shapley", "sdr_rule"]);
    for m in &r.models {
        for d in ["group", "sdr", "channel", "content"] {
            let rows: Vec<_> = m.credits.iter().filter(|c| c.dimension == d).collect();
            if m.name == "sdr_rule" && d != "sdr" {
                assert!(rows.is_empty());
                continue;
            }
            let expected = r.conversions - if d == "sdr" && m.name == "sdr_rule" { 0 } else { dim(&r, d).unattributed_conversions };
            let sum: f64 = rows.iter().map(|c| c.conversions).sum();
            assert!((sum - expected as f64).abs() < 1e-3, "{} {d}: {sum} vs {expected}", m.name);
        }
    }
    let groups: Vec<_> = r.comparison.iter().filter(|c| c.dimension == "group").collect();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].conversions.len(), 10);
    assert_eq!(groups[0].conversions[9], None, "the SDR rule covers SDRs only");
    assert!(r.sankey.links.iter().any(|l| l.source == "channel:海报" && l.target.ends_with("群A")));
}

#[test]
fn unknown_conversion_step_converts_nobody() {
    let r = attribution(r#""attribution": {"conversion": "signed"}"#);
    assert!(!r.conversion_known);
    assert_eq!(r.conversions, 0);
    assert!(r.models.iter().all(|m| m.credits.is_empty()));
}

#[test]
fn recompute_under_new_settings_equals_a_fresh_report() {
    let mut a = analyzer(&format!("{{{STAFF}}}"));
    let _ = a.report();
    let config = format!(r#"{{{STAFF}, "attribution": {{"conversion": "lead", "half_life_days": 3, "markov_order": 2, "lookback_days": 30}}}}"#);
    let recomputed = a.attribution(Config::from_json(&config).unwrap()).unwrap();
    let fresh = analyzer(&config).report().attribution;
    assert_eq!(serde_json::to_string(&recomputed).unwrap(), serde_json::to_string(&fresh).unwrap());
}
