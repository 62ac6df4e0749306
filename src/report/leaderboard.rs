//! Report section `leaderboard`: points (积分) per member for a week, a month or a custom
//! range, per group or across groups, with a breakdown any operator can recompute by hand.
//!
//! Rules (config key `leaderboard`, defaults from the domain notes: joining a discussion 5,
//! a good question / material 10):
//! - **discussion**: a member's message in a *conversation* (a group's messages with gaps below
//!   `conversation_gap_s`, default 30 min) earns once per member per group per conversation —
//!   the first message that earns anything there, not every line.
//! - **question**: a text message [`crate::text::is_question`] accepts.
//! - **answer**: a message by someone other than the asker that quotes the question (or its
//!   asker) or @mentions the asker, or is the first message by someone else after it, within
//!   `answer_window_s` (default 1 h) and in the same group. Self-replies never count.
//! - **share**: a file, link / article or mini-program; **long_share**: a text message of at
//!   least `long_share_len` meaningful characters.
//! - **replied**: someone else quoted the member's message (passive, no cooldown).
//! - **checkin**: 打卡 / 签到 / check-in ([`crate::text::is_checkin`]).
//! - **sticker**, **red_packet**: 0 by default (configurable).
//! - **invite**: a join naming the member as inviter (once per invitee and group);
//!   **invite_active**: bonus when that invitee later spoke in the group.
//!
//! Anti-spam, in this order: a message whose text (dedupe key) was sent before in the group, or
//! by the same member anywhere, earns nothing; text shorter than `min_len` meaningful
//! characters earns no discussion / question / answer; a message earns only if at least
//! `cooldown_s` passed since the member's last earning message (all its rules together);
//! daily caps per rule and overall (local days) cut what is left, and the cut is shown as
//! `capped`. Staff earn nothing unless `include_staff`. Rules run over all of the data, so a
//! window's totals never depend on where the window starts.
//!
//! Ranking: standard competition ranking ("1, 2, 2, 4"): rank = 1 + members with more points.
//! Display order: points descending, then member id ascending.

mod features;
mod score;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::Model;
use crate::time::{civil_from_days, days_from_civil, Civil, Zone};

pub use features::Features;

/// Number of rules.
pub const RULES: usize = 11;

/// The rules, in breakdown order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Discussion,
    Question,
    Answer,
    Share,
    LongShare,
    Replied,
    Checkin,
    Sticker,
    RedPacket,
    Invite,
    InviteActive,
}

const RULE_NAMES: [&str; RULES] = [
    "discussion", "question", "answer", "share", "long_share", "replied", "checkin", "sticker", "red_packet", "invite",
    "invite_active",
];

/// A rule's name: a key of `leaderboard.points`. (An alias, not `&'static str` written out,
/// because serde would then derive a borrowing `Deserialize`; [`rule_name`] reads it.)
pub type RuleName = &'static str;

/// Reads a rule's name back (a section computed by another worker) as the one static name.
fn rule_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<RuleName, D::Error> {
    let name = String::deserialize(d)?;
    RULE_NAMES.iter().copied().find(|r| *r == name).ok_or_else(|| serde::de::Error::unknown_variant(&name, &RULE_NAMES))
}

/// Points per rule (config `leaderboard.points`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Points {
    pub discussion: u32,
    pub question: u32,
    pub answer: u32,
    pub share: u32,
    pub long_share: u32,
    pub replied: u32,
    pub checkin: u32,
    pub sticker: u32,
    pub red_packet: u32,
    pub invite: u32,
    pub invite_active: u32,
}

impl Default for Points {
    fn default() -> Self {
        Points {
            discussion: 5,
            question: 10,
            answer: 10,
            share: 10,
            long_share: 10,
            replied: 2,
            checkin: 2,
            sticker: 0,
            red_packet: 0,
            invite: 5,
            invite_active: 5,
        }
    }
}

impl Points {
    fn values(&self) -> [u32; RULES] {
        [
            self.discussion,
            self.question,
            self.answer,
            self.share,
            self.long_share,
            self.replied,
            self.checkin,
            self.sticker,
            self.red_packet,
            self.invite,
            self.invite_active,
        ]
    }
}

/// Leaderboard settings (config key `leaderboard`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeaderboardConfig {
    pub points: Points,
    /// A member's message earns only this long (seconds) after their last earning message.
    pub cooldown_s: i64,
    /// Most points one rule gives a member per local day (0 = no cap).
    pub daily_cap_per_rule: u32,
    /// Most points a member earns per local day (0 = no cap).
    pub daily_cap: u32,
    /// Text shorter than this (meaningful characters) earns no discussion/question/answer.
    pub min_len: u16,
    /// Text this long (meaningful characters) is a long-form share.
    pub long_share_len: u16,
    /// A gap this long (seconds) between a group's messages starts a new conversation.
    pub conversation_gap_s: i64,
    /// Answers count this long (seconds) after the question.
    pub answer_window_s: i64,
    /// Staff earn points too (default false).
    pub include_staff: bool,
    /// `month` (natural months in the report's zone), `week` (Monday to Sunday), `custom`
    /// (`from`..=`to`) or `all`.
    pub window: String,
    /// The month (`YYYY-MM`) or week (its Monday, `YYYY-MM-DD`); default the latest with data.
    pub period: Option<String>,
    /// Custom window: first and last day (`YYYY-MM-DD`, inclusive).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only this group (report group id); default all groups together.
    pub group: Option<String>,
    /// Entries up to this rank (ties at the boundary included); 0 = everyone with points.
    pub top: u32,
}

impl Default for LeaderboardConfig {
    fn default() -> Self {
        LeaderboardConfig {
            points: Points::default(),
            cooldown_s: 60,
            daily_cap_per_rule: 50,
            daily_cap: 100,
            min_len: 4,
            long_share_len: 140,
            conversation_gap_s: 1_800,
            answer_window_s: 3_600,
            include_staff: false,
            window: "month".into(),
            period: None,
            from: None,
            to: None,
            group: None,
            top: 100,
        }
    }
}

/// The section.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LeaderboardReport {
    /// The rules in force (the config, with defaults filled in).
    pub rules: LeaderboardConfig,
    pub window: Window,
    /// Ranked members with points > 0, display order.
    pub entries: Vec<Entry>,
    /// Per month with data (oldest first): most points, most invites, most answers.
    pub stars: Vec<MonthStars>,
}

/// The time range and scope the entries cover.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Window {
    /// `month` | `week` | `custom` | `all`.
    pub kind: String,
    /// `YYYY-MM` (month), the Monday `YYYY-MM-DD` (week), null otherwise.
    pub period: Option<String>,
    /// Start (inclusive) and end (exclusive), RFC 3339 in the report zone; null when unbounded.
    pub start: Option<String>,
    pub end: Option<String>,
    /// The group filter, null = all groups.
    pub group: Option<String>,
    /// Months (or weeks) with events, newest first, for the page's picker.
    pub periods: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Standard competition rank (1, 2, 2, 4).
    pub rank: u32,
    /// Report member id (`platform:id`).
    pub member: String,
    /// Latest display name.
    pub name: String,
    pub points: u64,
    /// Per rule with count > 0: points = count × value − capped.
    pub breakdown: Vec<BreakdownLine>,
    /// Messages in the window that earned nothing, by reason.
    pub skipped: Skipped,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BreakdownLine {
    #[serde(deserialize_with = "rule_name")]
    pub rule: RuleName,
    pub count: u32,
    pub value: u32,
    pub points: u64,
    /// Points the daily caps removed.
    pub capped: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Skipped {
    pub cooldown: u32,
    pub duplicate: u32,
    pub too_short: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MonthStars {
    /// `YYYY-MM`.
    pub month: String,
    /// Most points (活跃之星).
    pub most_active: Option<Star>,
    /// Most invites of people who joined (推广之星).
    pub best_promoter: Option<Star>,
    /// Most answers that earned points (助人之星).
    pub best_helper: Option<Star>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Star {
    pub member: String,
    pub name: String,
    /// Points, invites or answers.
    pub value: u64,
}

/// Events above which the classification is not kept between reports (about 128 MB).
pub const KEEP_MAX_EVENTS: usize = 4_000_000;

/// The rule-independent classification, kept between reports by the [`crate::Analyzer`].
#[derive(Default)]
pub struct Cache {
    key: Option<features::CacheKey>,
    features: Features,
}

impl Cache {
    /// The features for this model and settings, classifying only when the key changed.
    pub fn features(&mut self, model: &Model, cfg: &LeaderboardConfig) -> &Features {
        let key = features::CacheKey {
            messages: model.messages.len(),
            memberships: model.memberships.len(),
            conversation_gap_s: cfg.conversation_gap_s,
            answer_window_s: cfg.answer_window_s,
        };
        if self.key.as_ref() != Some(&key) {
            self.features = features::classify(model, cfg.conversation_gap_s.max(0), cfg.answer_window_s.max(0));
            self.key = Some(key);
        }
        &self.features
    }

    /// Forgets the features (new files were loaded).
    pub fn clear(&mut self) {
        self.key = None;
    }

    /// Frees the features when they are too large to keep beside the model: above
    /// [`KEEP_MAX_EVENTS`] a re-rank classifies again (seconds) rather than holding
    /// 32 bytes per event in the browser's memory budget.
    fn release_if_large(&mut self) {
        if self.features.len() > KEEP_MAX_EVENTS {
            self.features = Features::default();
            self.key = None;
        }
    }
}

/// Computes the section (classifying through `cache`).
pub fn build(model: &Model, config: &Config, zone: &Zone, cache: &mut Cache) -> LeaderboardReport {
    let cfg = &config.leaderboard;
    let f = cache.features(model, cfg);
    let ids = &f.ids;
    let group = cfg.group.as_ref().map(|want| {
        model.groups.iter().position(|g| &super::group_id(g) == want).map_or(u32::MAX, |g| g as u32)
    });
    let mut excluded = super::staff::staff_flags(model, config);
    if cfg.include_staff {
        excluded.iter_mut().for_each(|x| *x = false);
    }
    let window = resolve_window(f, cfg, group, zone);
    let params = score::Params {
        values: cfg.points.values(),
        cooldown_s: cfg.cooldown_s.max(0),
        daily_cap_per_rule: cfg.daily_cap_per_rule,
        daily_cap: cfg.daily_cap,
        min_len: cfg.min_len,
        long_share_len: cfg.long_share_len.max(1),
        excluded: &excluded,
        group,
        window: window.range,
        zone,
    };
    let outcome = score::run(f, model.members.len(), month_of, &params);
    let name = |m: u32| display_name(model, m);
    let id = |m: u32| ids.get(m as usize).cloned().unwrap_or_default();
    let report = LeaderboardReport {
        rules: cfg.clone(),
        entries: entries(outcome.tallies, &params.values, ids, cfg.top, name),
        stars: outcome.months.into_iter().map(|(month, rows)| stars(month, rows, ids, &id, &name)).collect(),
        window: window.report,
    };
    cache.release_if_large();
    report
}

/// Ranked entries: points descending, then member id; rank = 1 + members with more points.
fn entries(
    tallies: Vec<(u32, score::Tally)>,
    values: &[u32; RULES],
    ids: &[String],
    top: u32,
    name: impl Fn(u32) -> String,
) -> Vec<Entry> {
    let id = |m: u32| ids.get(m as usize).map_or("", String::as_str);
    let mut rows: Vec<(u32, score::Tally)> = tallies.into_iter().filter(|(_, t)| t.total() > 0).collect();
    rows.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then_with(|| id(a.0).cmp(id(b.0))));
    let mut out: Vec<Entry> = Vec::with_capacity(rows.len());
    for (i, (m, t)) in rows.into_iter().enumerate() {
        let points = t.total();
        let rank = match out.last() {
            Some(prev) if prev.points == points => prev.rank,
            _ => i as u32 + 1,
        };
        if top > 0 && rank > top {
            break;
        }
        let breakdown = (0..RULES)
            .filter(|&r| t.count[r] > 0)
            .map(|r| BreakdownLine { rule: RULE_NAMES[r], count: t.count[r], value: values[r], points: t.points[r], capped: t.capped[r] })
            .collect();
        let skipped = Skipped { cooldown: t.skipped_cooldown, duplicate: t.skipped_duplicate, too_short: t.skipped_short };
        out.push(Entry { rank, member: id(m).to_string(), name: name(m), points, breakdown, skipped });
    }
    out
}

/// A month's stars; ties go to the smaller member id.
fn stars(
    month: i32,
    rows: Vec<(u32, [u64; 3])>,
    ids: &[String],
    id: &impl Fn(u32) -> String,
    name: &impl Fn(u32) -> String,
) -> MonthStars {
    let best = |k: usize| {
        rows.iter()
            .filter(|r| r.1[k] > 0)
            .max_by(|a, b| a.1[k].cmp(&b.1[k]).then_with(|| ids.get(b.0 as usize).cmp(&ids.get(a.0 as usize))))
            .map(|&(m, v)| Star { member: id(m), name: name(m), value: v[k] })
    };
    MonthStars { month: month_label(month), most_active: best(0), best_promoter: best(1), best_helper: best(2) }
}

/// The member's most recently seen display name.
fn display_name(model: &Model, m: u32) -> String {
    model
        .members
        .get(m as usize)
        .and_then(|mem| mem.names.iter().max_by_key(|n| n.last_seen))
        .map(|n| n.name.clone())
        .unwrap_or_default()
}

/// Month number (year × 12 + month − 1) of a local day.
fn month_of(day: i32) -> i32 {
    let (y, m, _) = civil_from_days(day as i64);
    (y * 12 + m as i64 - 1) as i32
}

fn month_label(month: i32) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The Monday of a local day's week.
fn monday(day: i32) -> i32 {
    day - (day + 3).rem_euclid(7)
}

struct Resolved {
    range: (i64, i64),
    report: Window,
}

/// Turns the configured window into epoch bounds; periods list what the data offers.
fn resolve_window(f: &Features, cfg: &LeaderboardConfig, group: Option<u32>, zone: &Zone) -> Resolved {
    let week = cfg.window == "week";
    let mut periods: Vec<i32> = Vec::new();
    let mut last_day = i32::MIN;
    let mut local_cache = crate::time::LocalCache::default();
    for e in &f.events {
        if group.is_some_and(|g| g != e.group) {
            continue;
        }
        // Events are in time order: a period is computed once per local day.
        let day = zone.local_cached(e.time, &mut local_cache).days as i32;
        if day == last_day {
            continue;
        }
        last_day = day;
        let p = if week { monday(last_day) } else { month_of(last_day) };
        if periods.last() != Some(&p) {
            periods.push(p);
        }
    }
    periods.sort_unstable();
    periods.dedup();
    let label = |p: i32| if week { crate::time::format_day(p as i64) } else { month_label(p) };
    let mut zone = zone.clone();
    let mut start_of_day = |day: i64| {
        let (y, m, d) = civil_from_days(day);
        zone.to_epoch(Civil { year: y as i16, month: m as i8, day: d as i8, hour: 0, minute: 0, second: 0 })
    };
    let parse_day = |s: &Option<String>| {
        s.as_deref().and_then(crate::time::parse_local).map(|c| days_from_civil(c.year, c.month, c.day))
    };
    let (kind, period, days): (&str, Option<String>, Option<(i64, i64)>) = match cfg.window.as_str() {
        "all" => ("all", None, None),
        "custom" => {
            let (from, to) = (parse_day(&cfg.from), parse_day(&cfg.to));
            ("custom", None, Some((from.unwrap_or(i32::MIN as i64 / 2), to.map_or(i32::MAX as i64 / 2, |t| t + 1))))
        }
        "week" => {
            let chosen = parse_day(&cfg.period).map(|d| monday(d as i32)).or(periods.last().copied());
            ("week", chosen.map(label), chosen.map(|d| (d as i64, d as i64 + 7)))
        }
        _ => {
            let wanted = cfg.period.as_deref().and_then(|p| crate::time::parse_local(&format!("{p}-01")));
            let chosen = wanted.map(|c| c.year as i32 * 12 + c.month as i32 - 1).or(periods.last().copied());
            let bounds = chosen.map(|m| {
                let first = |m: i32| days_from_civil(m.div_euclid(12) as i16, (m.rem_euclid(12) + 1) as i8, 1);
                (first(m), first(m + 1))
            });
            ("month", chosen.map(label), bounds)
        }
    };
    let bounded = |d: i64| (d > i32::MIN as i64 / 2 && d < i32::MAX as i64 / 2).then_some(d);
    let start = days.and_then(|(a, _)| bounded(a)).and_then(&mut start_of_day);
    let end = days.and_then(|(_, b)| bounded(b)).and_then(&mut start_of_day);
    let range = match days {
        None => (i64::MIN, i64::MAX),
        Some(_) => (start.unwrap_or(i64::MIN), end.unwrap_or(i64::MAX)),
    };
    // A month or week with no data at all covers nothing.
    let range = if matches!(kind, "month" | "week") && period.is_none() { (0, 0) } else { range };
    Resolved {
        range,
        report: Window {
            kind: kind.to_string(),
            period,
            start: start.map(|t| zone.format(t)),
            end: end.map(|t| zone.format(t)),
            group: cfg.group.clone(),
            periods: periods.iter().rev().map(|&p| label(p)).collect(),
        },
    }
}
