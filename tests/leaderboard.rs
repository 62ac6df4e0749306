//! Leaderboard rules on hand-built groups: every expected total is computed by hand in the
//! comments from the rules in `src/report/leaderboard.rs`.

use qunlens::model::{
    JoinMethod, MembershipEvent, MembershipKind, MessageKind, Model, ModelBuilder, NewMessage, PersonRef, Platform, Quote,
};
use qunlens::report::leaderboard::{build, Cache, LeaderboardReport};
use qunlens::time::Zone;
use qunlens::Config;

/// 2024-03-01 10:00:00 in UTC+8.
const T0: i64 = 1_709_258_400;

struct Chat {
    b: ModelBuilder,
    groups: Vec<u32>,
}

impl Chat {
    fn new(groups: usize) -> Chat {
        let mut b = ModelBuilder::new();
        let groups = (0..groups).map(|i| b.group(Platform::WeChat, &format!("{i}@chatroom"), Some(&format!("G{i}")))).collect();
        Chat { b, groups }
    }
    fn say(&mut self, g: usize, t: i64, who: &str, kind: MessageKind, text: &str, quote: Option<&str>) -> &mut Self {
        let quote = quote.map(|q| Quote { message_id: None, sender: Some(PersonRef::Id(format!("wxid_{q}"))), text: None });
        self.b.message(NewMessage {
            time: t,
            group: self.groups[g],
            sender: &PersonRef::Id(format!("wxid_{who}")),
            sender_name: Some(&who.to_uppercase()),
            kind,
            text,
            quote,
            mentions: Vec::new(),
        });
        self
    }
    fn text(&mut self, t: i64, who: &str, text: &str) -> &mut Self {
        self.say(0, t, who, MessageKind::Text, text, None)
    }
    fn join(&mut self, t: i64, who: &str, by: &str) -> &mut Self {
        self.b.membership(MembershipEvent {
            time: t,
            group: self.groups[0],
            member: PersonRef::Id(format!("wxid_{who}")),
            kind: MembershipKind::Join,
            method: Some(JoinMethod::Invite),
            actor: Some(PersonRef::Id(format!("wxid_{by}"))),
        });
        self
    }
    fn model(self) -> Model {
        self.b.finish()
    }
}

/// Config with everything off but what a test sets.
fn config(json: &str) -> Config {
    let base = r#"{"cooldown_s":0,"daily_cap_per_rule":0,"daily_cap":0,"window":"all"}"#;
    let mut c: serde_json::Value = serde_json::from_str(base).unwrap();
    let extra: serde_json::Value = serde_json::from_str(json).unwrap();
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    Config::from_json(&format!(r#"{{"timezone":"Asia/Shanghai","self_is_staff":false,"leaderboard":{c}}}"#)).unwrap()
}

fn board(model: &Model, config: &Config) -> LeaderboardReport {
    build(model, config, &Zone::new(&config.timezone).unwrap(), &mut Cache::default())
}

fn points(r: &LeaderboardReport, who: &str) -> Option<u64> {
    r.entries.iter().find(|e| e.member == format!("wechat:wxid_{who}")).map(|e| e.points)
}

/// (count, points, capped) of one rule in a member's breakdown.
fn line(r: &LeaderboardReport, who: &str, rule: &str) -> (u32, u64, u64) {
    let e = r.entries.iter().find(|e| e.member == format!("wechat:wxid_{who}")).expect("member ranked");
    e.breakdown.iter().find(|l| l.rule == rule).map_or((0, 0, 0), |l| (l.count, l.points, l.capped))
}

#[test]
fn every_rule_totals_by_hand() {
    let mut c = Chat::new(1);
    c.text(T0, "a", "大家好今天分享一下") // a: discussion 5
        .text(T0 + 60, "a", "这个方案怎么落地呢") // a: question 10 (same conversation: no discussion)
        .text(T0 + 120, "b", "可以先从小范围试点开始") // b: discussion 5 + answer 10 (first other person)
        .say(0, T0 + 180, "b", MessageKind::Link, "https://example.com/case", None) // b: share 10
        .text(T0 + 240, "c", "今日打卡 第3天") // c: discussion 5 + checkin 2
        .say(0, T0 + 300, "c", MessageKind::Text, "同意楼上的观点啊", Some("a")) // c: answer 10 (quotes the asker); a: replied 2
        .say(0, T0 + 310, "a", MessageKind::Sticker, "", None) // sticker: 0 by default
        .text(T0 + 4000, "a", &"长".repeat(150)) // new conversation: a discussion 5 + long_share 10
        .join(T0 + 4100, "d", "a") // a: invite 5
        .text(T0 + 5000, "d", "谢谢邀请大家好"); // d: discussion 5; a: invite_active 5
    let r = board(&c.model(), &config("{}"));
    assert_eq!(points(&r, "a"), Some(5 + 10 + 2 + 5 + 10 + 5 + 5));
    assert_eq!(points(&r, "b"), Some(5 + 10 + 10));
    assert_eq!(points(&r, "c"), Some(5 + 2 + 10));
    assert_eq!(points(&r, "d"), Some(5));
    assert_eq!(line(&r, "a", "discussion"), (2, 10, 0));
    assert_eq!(line(&r, "a", "replied"), (1, 2, 0));
    assert_eq!(line(&r, "a", "invite_active"), (1, 5, 0));
    assert_eq!(line(&r, "b", "answer"), (1, 10, 0));
    let ranks: Vec<(u32, u64)> = r.entries.iter().map(|e| (e.rank, e.points)).collect();
    assert_eq!(ranks, vec![(1, 42), (2, 25), (3, 17), (4, 5)]);
    // Every total is the sum of its breakdown, each line count × value − capped.
    for e in &r.entries {
        assert_eq!(e.points, e.breakdown.iter().map(|l| l.points).sum::<u64>());
        assert!(e.breakdown.iter().all(|l| l.points == l.count as u64 * l.value as u64 - l.capped));
    }
}

#[test]
fn self_replies_are_not_answers() {
    let mut c = Chat::new(1);
    c.text(T0, "a", "这个报表怎么导出呢")
        .say(0, T0 + 30, "a", MessageKind::Text, "补充一下问题背景", Some("a")) // own follow-up: nothing new
        .text(T0 + 4000, "b", "可以用右上角导出按钮"); // past the 1 h window: no answer
    let r = board(&c.model(), &config("{}"));
    assert_eq!(line(&r, "a", "answer"), (0, 0, 0));
    assert_eq!(line(&r, "a", "replied"), (0, 0, 0));
    assert_eq!(points(&r, "a"), Some(5 + 10));
    assert_eq!(points(&r, "b"), Some(5), "outside the answer window only discussion");
}

#[test]
fn cooldown_edges() {
    let mut c = Chat::new(1);
    c.text(T0, "a", "第一条消息内容") // discussion 5, cooldown starts
        .text(T0 + 59, "a", "第二条是问题吗") // 59 s later: skipped
        .text(T0 + 60, "a", "第三条是问题吗"); // exactly 60 s after the last earning message: question 10
    let r = board(&c.model(), &config(r#"{"cooldown_s":60}"#));
    assert_eq!(points(&r, "a"), Some(15));
    assert_eq!(r.entries[0].skipped.cooldown, 1);
    assert_eq!(line(&r, "a", "question"), (1, 10, 0));
}

#[test]
fn daily_caps_per_rule_and_overall_on_local_days() {
    // 23:00 local on 3 March: three questions; 00:30 local on 4 March (16:30 UTC on the 3rd): one more.
    let day = T0 + 2 * 86_400 + 13 * 3600;
    let mut c = Chat::new(1);
    c.text(day, "a", "第一个问题是什么") // discussion 5 + question 10 = 15
        .text(day + 10, "a", "第二个问题是什么") // question 10: day total 25 (overall cap)
        .text(day + 20, "a", "第三个问题是什么") // question: rule cap 20 reached -> capped 10
        .text(day + 5400, "a", "第四个问题是什么"); // next local day, new conversation: 5 + 10
    let r = board(&c.model(), &config(r#"{"daily_cap_per_rule":20,"daily_cap":25}"#));
    assert_eq!(line(&r, "a", "question"), (4, 30, 10));
    assert_eq!(line(&r, "a", "discussion"), (2, 10, 0));
    assert_eq!(points(&r, "a"), Some(40));
    // Overall cap alone: 15 on the first day, then the second question gets 0 of 10.
    let r = board(&c_again(day), &config(r#"{"daily_cap":15}"#));
    assert_eq!(line(&r, "a", "question"), (2, 10, 10));
}

fn c_again(day: i64) -> Model {
    let mut c = Chat::new(1);
    c.text(day, "a", "第一个问题是什么").text(day + 10, "a", "第二个问题是什么");
    c.model()
}

#[test]
fn duplicate_text_earns_nothing() {
    let mut c = Chat::new(2);
    c.text(T0, "a", "收到收到收到") // discussion 5
        .text(T0 + 10, "b", "收到，收到，收到！") // same dedupe key in the group: nothing
        .say(1, T0 + 20, "a", MessageKind::Text, "收到 收到 收到", None); // a's own text again, other group: nothing
    let r = board(&c.model(), &config("{}"));
    assert_eq!(points(&r, "a"), Some(5));
    assert_eq!(points(&r, "b"), None);
    assert_eq!(r.entries[0].skipped.duplicate, 1);
}

#[test]
fn ties_use_standard_competition_ranking() {
    let mut c = Chat::new(1);
    let gap = 4000; // every message its own conversation
    c.text(T0, "d", "你们好呀朋友们") // 5
        .text(T0 + gap, "b", "这个怎么用呢朋友") // 5 + 10 (question); nobody answers within 1 h
        .text(T0 + 2 * gap, "c", "那个怎么用呢朋友") // 15
        .text(T0 + 3 * gap, "a", "我来分享个经验吧") // 5
        .text(T0 + 3 * gap + 1, "a", "有人知道在哪吗"); // a: question 10 -> 15... and answers nobody
    let r = board(&c.model(), &config(r#"{"points":{"answer":0}}"#));
    let got: Vec<(u32, &str, u64)> = r.entries.iter().map(|e| (e.rank, e.member.as_str(), e.points)).collect();
    assert_eq!(
        got,
        vec![(1, "wechat:wxid_a", 15), (1, "wechat:wxid_b", 15), (1, "wechat:wxid_c", 15), (4, "wechat:wxid_d", 5)]
    );
    // Top 1 keeps every member tied at rank 1.
    assert_eq!(board(&c_model_ties(), &config(r#"{"points":{"answer":0},"top":1}"#)).entries.len(), 3);
}

fn c_model_ties() -> Model {
    let mut c = Chat::new(1);
    c.text(T0, "d", "你们好呀朋友们")
        .text(T0 + 4000, "b", "这个怎么用呢朋友")
        .text(T0 + 8000, "c", "那个怎么用呢朋友")
        .text(T0 + 12000, "a", "我来分享个经验吧")
        .text(T0 + 12001, "a", "有人知道在哪吗");
    c.model()
}

#[test]
fn natural_months_in_utc_plus_8() {
    // 2024-03-31 23:30 local is March; 2024-04-01 00:30 local (still 31 March in UTC) is April.
    let march_end = 1_711_899_000;
    let mut c = Chat::new(1);
    c.text(march_end, "a", "三月最后一条").text(march_end + 3600, "b", "四月第一条消息");
    let model = c.model();
    let march = board(&model, &config(r#"{"window":"month","period":"2024-03"}"#));
    assert_eq!(march.entries.iter().map(|e| e.member.as_str()).collect::<Vec<_>>(), vec!["wechat:wxid_a"]);
    assert_eq!(march.window.start.as_deref(), Some("2024-03-01T00:00:00+08:00"));
    assert_eq!(march.window.end.as_deref(), Some("2024-04-01T00:00:00+08:00"));
    let latest = board(&model, &config(r#"{"window":"month"}"#));
    assert_eq!(latest.window.period.as_deref(), Some("2024-04"));
    assert_eq!(latest.window.periods, vec!["2024-04", "2024-03"]);
    assert_eq!(latest.entries.iter().map(|e| e.member.as_str()).collect::<Vec<_>>(), vec!["wechat:wxid_b"]);
    let months: Vec<(&str, Option<&str>)> =
        latest.stars.iter().map(|s| (s.month.as_str(), s.most_active.as_ref().map(|x| x.member.as_str()))).collect();
    assert_eq!(months, vec![("2024-03", Some("wechat:wxid_a")), ("2024-04", Some("wechat:wxid_b"))]);
    let custom = board(&model, &config(r#"{"window":"custom","from":"2024-04-01","to":"2024-04-01"}"#));
    assert_eq!(custom.entries.len(), 1);
    assert_eq!(custom.entries[0].member, "wechat:wxid_b");
}

#[test]
fn staff_are_excluded_by_default() {
    let mut c = Chat::new(1);
    c.text(T0, "a", "欢迎大家加入本群").text(T0 + 10, "b", "谢谢群主欢迎我");
    let model = c.model();
    let mut cfg = config("{}");
    cfg.staff = vec!["wxid_a".into()];
    let r = board(&model, &cfg);
    assert_eq!((points(&r, "a"), points(&r, "b")), (None, Some(5)));
    cfg.leaderboard.include_staff = true;
    assert_eq!(points(&board(&model, &cfg), "a"), Some(5));
}

#[test]
fn stars_name_promoter_and_helper() {
    let mut c = Chat::new(1);
    c.join(T0, "x", "b").join(T0 + 1, "y", "b").join(T0 + 2, "z", "a")
        .text(T0 + 100, "a", "这个怎么报名呢")
        .text(T0 + 200, "c", "点公告里的链接就行");
    let r = board(&c.model(), &config("{}"));
    let s = &r.stars[0];
    assert_eq!(s.month, "2024-03");
    assert_eq!(s.best_promoter.as_ref().map(|x| (x.member.as_str(), x.value)), Some(("wechat:wxid_b", 2)));
    assert_eq!(s.best_helper.as_ref().map(|x| (x.member.as_str(), x.value)), Some(("wechat:wxid_c", 1)));
    // a: invite 5 + discussion 5 + question 10 = 20; c: 5 + 10 = 15; b: 10.
    assert_eq!(s.most_active.as_ref().map(|x| (x.member.as_str(), x.value)), Some(("wechat:wxid_a", 20)));
}

#[test]
fn analyzer_re_ranks_without_reading_again() {
    let mut a = qunlens::Analyzer::new(Config::default()).unwrap();
    for f in qunlens::sample::generate(&Default::default()) {
        a.add_file(&f.name, &f.bytes);
    }
    let full = a.report();
    assert!(!full.leaderboard.entries.is_empty(), "the sample has a leaderboard");
    let mut cfg = Config::default();
    cfg.leaderboard.points.discussion = 50;
    let quick = a.leaderboard(cfg).unwrap();
    assert_eq!(serde_json::to_string(&quick).unwrap(), serde_json::to_string(&a.report().leaderboard).unwrap());
    assert_ne!(serde_json::to_string(&quick.entries).unwrap(), serde_json::to_string(&full.leaderboard.entries).unwrap());
    let mut moved = Config::default();
    moved.timezone = "UTC".into();
    assert!(a.leaderboard(moved).is_err(), "a new zone needs the files again");
}
