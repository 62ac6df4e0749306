//! Report section `health`: which groups are dying, who went quiet, whether questions get
//! answered — per group, with lists an operator can act on the same day.
//!
//! Definitions (also in the README):
//! - **silent**: a current member (not staff, not departed) whose last message in the group is at
//!   least `silent_days` (default 30) before `as_of`, or who never spoke there. Lists use the
//!   smallest of `thresholds` (default 7/30/90 days) so the page can filter by any of them.
//! - **question**: a member's text message that [`crate::text::is_question`] accepts.
//! - **answered**: another person (not the asker, not the system) writes in the same group within
//!   `response_window_s` (default 1 h) after the question, or replies to it later — quoting the
//!   question or its asker, or @mentioning the asker — within `reply_window_s` (default 7 days).
//!   The first such message is the answer and its delay the first-response time. Answers across
//!   midnight count; messages in another group never do. **accepted**: the asker thanks
//!   ([`crate::text::is_thanks`]) within `response_window_s` after the answer.
//! - **weeks** start on Monday in the report's time zone; **declining_weeks** counts the weeks
//!   at the end of the data each with fewer messages than the week before.
//! - **solo**: the last 28 days have messages and all of them are by staff.
//! - **score** (0–100) = four parts of 25: activity (monthly speakers / non-staff members,
//!   full at 30 %), response (response rate; 12.5 when nobody asked), trend (25 minus 6 per
//!   declining week), UGC (share of messages by members rather than staff).

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::{MemberId, MembershipKind, MessageKind, Model, SYSTEM};
use crate::time::{format_day, Zone};

/// How many of the newest open questions a quote/@mention reply is matched against.
const REPLY_SCAN: usize = 512;

/// Health settings (config key `health`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthConfig {
    /// Silence thresholds in days, for the page's filter; the smallest bounds `members_silent`.
    pub thresholds: Vec<u32>,
    /// Days of silence that make a member count in `silent_members`.
    pub silent_days: u32,
    /// Another person's message this soon after a question (seconds) answers it.
    pub response_window_s: i64,
    /// A reply that quotes the question or @mentions the asker answers it this long after
    /// (seconds).
    pub reply_window_s: i64,
    /// At most this many unanswered questions are listed (newest first).
    pub unanswered_limit: usize,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            thresholds: vec![7, 30, 90],
            silent_days: 30,
            response_window_s: 3_600,
            reply_window_s: 7 * 86_400,
            unanswered_limit: 200,
        }
    }
}

/// The section.
#[derive(Clone, Debug, Serialize)]
pub struct HealthReport {
    pub settings: HealthConfig,
    /// One row per group, in the order of the `groups` section.
    pub groups: Vec<GroupHealth>,
    /// Members silent for at least the smallest threshold (or never spoke), per group; longest
    /// silence first.
    pub members_silent: Vec<SilentMember>,
    /// Questions nobody answered within the window, newest first.
    pub unanswered: Vec<UnansweredQuestion>,
}

/// Health of one group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupHealth {
    pub id: String,
    pub name: String,
    /// Current members (not departed), staff included.
    pub members: u64,
    pub last_message: Option<String>,
    pub days_since_last_message: Option<i64>,
    /// Current non-staff members silent for `silent_days` or more, or who never spoke.
    pub silent_members: u64,
    /// Of `silent_members`, those who never spoke in the group.
    pub never_spoke: u64,
    pub questions: u64,
    pub answered: u64,
    /// answered / questions; null when nobody asked.
    pub response_rate: Option<f64>,
    pub median_first_response_s: Option<i64>,
    pub p90_first_response_s: Option<i64>,
    /// Share of answers given by members (not staff).
    pub answered_by_members_share: Option<f64>,
    /// Share of answered questions the asker thanked for.
    pub accepted_rate: Option<f64>,
    /// Share of member messages sent by staff.
    pub staff_message_share: Option<f64>,
    /// Only staff spoke in the last 28 days.
    pub solo: bool,
    /// Distinct speakers in the last 1, 7 and 30 days before `as_of`.
    pub dau: u64,
    pub wau: u64,
    pub mau: u64,
    /// Messages, speakers, joins and leaves per Monday-start week.
    pub weekly: Vec<WeekPoint>,
    pub declining_weeks: u32,
    /// Members vs the 500 cap (≥470: full for a knowledge group; <100: a social group's size).
    pub capacity: Capacity,
    /// Join-month cohorts: how many joiners still spoke 1, 2 and 3 months later.
    pub cohorts: Vec<Cohort>,
    pub score: u32,
    pub score_parts: ScoreParts,
}

#[derive(Clone, Debug, Serialize)]
pub struct WeekPoint {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    pub messages: u64,
    pub speakers: u64,
    pub joins: u64,
    pub leaves: u64,
    /// Of `joins`, how many each inviter brought (most first); joins without a named inviter
    /// (links, QR codes of unknown owners) are not listed.
    pub joins_by_inviter: Vec<InviterJoins>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InviterJoins {
    pub inviter: String,
    pub name: String,
    pub joins: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Capacity {
    pub cap: u64,
    pub fill_mark: u64,
    pub at_fill_mark: bool,
    pub full: bool,
    pub under_100: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Cohort {
    /// Join month, `YYYY-MM`.
    pub month: String,
    pub joined: u64,
    /// `speaking_after[k-1]`: joiners who spoke in the group in calendar month join + k.
    pub speaking_after: [u64; 3],
}

/// The score's parts, each 0–25.
#[derive(Clone, Debug, Serialize)]
pub struct ScoreParts {
    pub activity: f64,
    pub response: f64,
    pub trend: f64,
    pub ugc: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SilentMember {
    pub member: String,
    pub name: String,
    pub group: String,
    pub last_message: Option<String>,
    /// Whole days from the last message (or, for never, from joining) to `as_of`; null when
    /// neither is known.
    pub days_silent: Option<i64>,
    pub never_spoke: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnansweredQuestion {
    pub group: String,
    pub member: String,
    pub name: String,
    pub time: String,
    pub text: String,
}

type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// One week's tallies: messages, speakers, joins, leaves (sets only counted, never listed).
type Week = (u64, HashSet<MemberId>, u64, u64);

/// Per-group accumulator.
#[derive(Default)]
struct Acc {
    /// member -> last message time (None: never spoke) for current members.
    last_spoke: std::collections::BTreeMap<MemberId, Option<i64>>,
    departed: std::collections::BTreeSet<MemberId>,
    joined_at: std::collections::BTreeMap<MemberId, i64>,
    last: Option<i64>,
    member_messages: u64,
    staff_messages: u64,
    recent_member: u64,
    recent_staff: u64,
    speakers: [HashSet<MemberId>; 3],
    weeks: std::collections::BTreeMap<i64, Week>,
    months_spoken: HashSet<(MemberId, i64)>,
    /// week -> inviter -> joins they brought.
    inviters: std::collections::BTreeMap<i64, std::collections::BTreeMap<MemberId, u64>>,
    questions: u64,
    answered: u64,
    by_members: u64,
    accepted: u64,
    delays: Vec<i64>,
}

/// Computes the section. `order` is the `groups` section's order of group ids.
pub(super) fn build(model: &Model, config: &Config, zone: &Zone, as_of: Option<i64>, order: &[String]) -> HealthReport {
    let cfg = &config.health;
    let staff = super::staff::staff_flags(model, config);
    let is_staff = |m: MemberId| super::staff::is_staff(&staff, m);
    let as_of_t = as_of.unwrap_or(0);
    let mut acc: Vec<Acc> = (0..model.groups.len()).map(|_| Acc::default()).collect();
    let msgs = &model.messages;
    let month_of = |t: i64| {
        let (y, m, _) = crate::time::civil_from_days(zone.local(t).days);
        y * 12 + m as i64 - 1
    };

    // Membership: who is in the group now, when they joined.
    for e in &model.memberships {
        let a = &mut acc[e.group as usize];
        // An inviter or remover is in the group too (as the groups section counts them).
        if let Some(actor) = e.actor {
            a.last_spoke.entry(actor).or_insert(None);
        }
        match e.kind {
            MembershipKind::Join => {
                a.departed.remove(&e.member);
                a.last_spoke.entry(e.member).or_insert(None);
                a.joined_at.entry(e.member).or_insert(e.time);
            }
            MembershipKind::Leave | MembershipKind::Removed => {
                a.departed.insert(e.member);
            }
        }
        let week = week_of(zone, e.time);
        let a = &mut acc[e.group as usize];
        let w = a.weeks.entry(week).or_default();
        if e.kind == MembershipKind::Join {
            w.2 += 1;
            if let Some(inviter) = e.actor {
                *a.inviters.entry(week).or_default().entry(inviter).or_default() += 1;
            }
        } else {
            w.3 += 1;
        }
    }
    for &(g, m) in &model.listed {
        acc[g as usize].last_spoke.entry(m).or_insert(None);
    }

    // Messages in canonical time order per group (ties by content, so load order never matters).
    let member_keys: Vec<&str> = model
        .members
        .iter()
        .map(|m| m.platform_id.as_deref().unwrap_or_else(|| m.names.first().map_or("", |n| n.name.as_str())))
        .collect();
    let key_of = |s: MemberId| if s == SYSTEM { "" } else { member_keys.get(s as usize).copied().unwrap_or("") };
    let mut order_idx: Vec<u32> = (0..msgs.len() as u32).filter(|&i| msgs.sender[i as usize] != SYSTEM).collect();
    order_idx.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        (msgs.group[a], msgs.time[a])
            .cmp(&(msgs.group[b], msgs.time[b]))
            .then_with(|| key_of(msgs.sender[a]).cmp(key_of(msgs.sender[b])))
            .then_with(|| msgs.text(a).cmp(msgs.text(b)))
    });

    let mut unanswered: Vec<(i64, usize)> = Vec::new();
    let window = cfg.response_window_s.max(0);
    let reply_window = cfg.reply_window_s.max(window);
    // Questions of the group being scanned, oldest first: (message, time, asker, answered).
    let mut open: std::collections::VecDeque<(usize, i64, MemberId, bool)> = Default::default();
    // Answered questions awaiting the asker's thanks, oldest first: (asker, answer time).
    let mut awaiting: std::collections::VecDeque<(MemberId, i64)> = Default::default();
    let mut current_group = u32::MAX;
    let close = |open: &mut std::collections::VecDeque<(usize, i64, MemberId, bool)>, unanswered: &mut Vec<(i64, usize)>| {
        unanswered.extend(open.drain(..).filter(|q| !q.3).map(|(q, qt, _, _)| (qt, q)));
    };
    for &i in &order_idx {
        let i = i as usize;
        let (g, t, s, kind) = (msgs.group[i], msgs.time[i], msgs.sender[i], msgs.kind[i]);
        if g != current_group {
            close(&mut open, &mut unanswered);
            awaiting.clear();
            current_group = g;
        }
        if !kind.is_member_activity() {
            continue;
        }
        let a = &mut acc[g as usize];
        a.last = Some(a.last.map_or(t, |l| l.max(t)));
        let spoke = a.last_spoke.entry(s).or_insert(None);
        *spoke = Some(spoke.map_or(t, |l| l.max(t)));
        if is_staff(s) {
            a.staff_messages += 1;
        } else {
            a.member_messages += 1;
        }
        if t > as_of_t - 28 * 86_400 && t <= as_of_t {
            if is_staff(s) {
                a.recent_staff += 1;
            } else {
                a.recent_member += 1;
            }
        }
        for (k, days) in [1i64, 7, 30].iter().enumerate() {
            if t > as_of_t - days * 86_400 && t <= as_of_t {
                a.speakers[k].insert(s);
            }
        }
        let w = a.weeks.entry(week_of(zone, t)).or_default();
        w.0 += 1;
        w.1.insert(s);
        a.months_spoken.insert((s, month_of(t)));

        // Questions past the reply window are closed; answered ones at the front are dropped.
        while open.front().is_some_and(|q| q.3 || t - q.1 > reply_window) {
            if let Some((q, qt, _, answered)) = open.pop_front() {
                if !answered {
                    unanswered.push((qt, q));
                }
            }
        }
        let text = msgs.text(i);
        while awaiting.front().is_some_and(|&(_, at)| t - at > window) {
            awaiting.pop_front();
        }
        if awaiting.iter().any(|&(asker, at)| asker == s && t - at <= window) && crate::text::is_thanks(text) {
            a.accepted += awaiting.iter().filter(|&&(asker, at)| asker == s && t - at <= window).count() as u64;
            awaiting.retain(|&(asker, _)| asker != s);
        }
        // This message answers: questions it replies to (quote of the asker or the question,
        // @mention of the asker) within the reply window, and every other person's question
        // asked within the response window before it.
        let quote = msgs.quotes.get(&(i as u32));
        let mentions = msgs.mentions.get(&(i as u32));
        let replying = quote.is_some() || mentions.is_some();
        for (back, q) in open.iter_mut().rev().enumerate() {
            let adjacent = t - q.1 <= window;
            // Older questions are further away still; a reply is matched against the most
            // recent REPLY_SCAN open questions (a busy group has thousands in a week).
            if !adjacent && (!replying || back >= REPLY_SCAN) {
                break;
            }
            if q.3 || q.2 == s {
                continue;
            }
            if !adjacent && !addresses(model, quote, mentions, q.2, msgs.text(q.0)) {
                continue;
            }
            q.3 = true;
            a.answered += 1;
            a.delays.push(t - q.1);
            if !is_staff(s) {
                a.by_members += 1;
            }
            awaiting.push_back((q.2, t));
        }
        if kind == MessageKind::Text && !is_staff(s) && crate::text::is_question(text) {
            a.questions += 1;
            open.push_back((i, t, s, false));
        }
    }
    close(&mut open, &mut unanswered);

    // Rows.
    let member_ids = super::members::member_ids(model, &super::members::member_groups(model));
    let names: Vec<String> = model.members.iter().map(super::members::latest_name).collect();
    let smallest = cfg.thresholds.iter().copied().min().unwrap_or(cfg.silent_days) as i64;
    let mut silent_list = Vec::new();
    let mut rows: Vec<(String, GroupHealth)> = Vec::new();
    for (g, a) in acc.iter_mut().enumerate() {
        let group = &model.groups[g];
        let id = super::group_id(group);
        let current: Vec<(MemberId, Option<i64>)> =
            a.last_spoke.iter().filter(|(m, _)| !a.departed.contains(m)).map(|(&m, &l)| (m, l)).collect();
        let mut silent = 0;
        let mut never = 0;
        for &(m, last) in current.iter().filter(|(m, _)| !is_staff(*m)) {
            let since = last.or_else(|| a.joined_at.get(&m).copied());
            let days = since.filter(|_| as_of.is_some()).map(|t| (as_of_t - t).div_euclid(86_400));
            let is_silent = last.is_none() || days.is_some_and(|d| d >= cfg.silent_days as i64);
            if is_silent {
                silent += 1;
                never += last.is_none() as u64;
            }
            if last.is_none() || days.is_some_and(|d| d >= smallest) {
                silent_list.push(SilentMember {
                    member: member_ids[m as usize].clone(),
                    name: names[m as usize].clone(),
                    group: id.clone(),
                    last_message: last.map(|t| zone.format(t)),
                    days_silent: days,
                    never_spoke: last.is_none(),
                });
            }
        }
        let members = current.len() as u64;
        let non_staff = current.iter().filter(|(m, _)| !is_staff(*m)).count() as f64;
        a.delays.sort_unstable();
        let person = |m: MemberId| (member_ids[m as usize].clone(), names[m as usize].clone());
        let weekly = weekly_series(&a.weeks, &a.inviters, &person, as_of.map(|t| week_of(zone, t)));
        let declining = declining_weeks(&weekly);
        let total = a.member_messages + a.staff_messages;
        let response_rate = (a.questions > 0).then(|| a.answered as f64 / a.questions as f64);
        let staff_share = (total > 0).then(|| a.staff_messages as f64 / total as f64);
        let parts = ScoreParts {
            activity: round1(25.0 * (a.speakers[2].iter().filter(|m| !is_staff(**m)).count() as f64 / non_staff.max(1.0) / 0.3).min(1.0)),
            response: round1(response_rate.map_or(12.5, |r| 25.0 * r)),
            trend: round1((25.0 - 6.0 * declining as f64).max(0.0)),
            ugc: round1(25.0 * (1.0 - staff_share.unwrap_or(0.0))),
        };
        let score = (parts.activity + parts.response + parts.trend + parts.ugc).round() as u32;
        rows.push((
            id.clone(),
            GroupHealth {
                id,
                name: group.name.clone(),
                members,
                last_message: a.last.map(|t| zone.format(t)),
                days_since_last_message: a.last.filter(|_| as_of.is_some()).map(|t| (as_of_t - t).div_euclid(86_400)),
                silent_members: silent,
                never_spoke: never,
                questions: a.questions,
                answered: a.answered,
                response_rate: response_rate.map(round3),
                median_first_response_s: percentile(&a.delays, 50),
                p90_first_response_s: percentile(&a.delays, 90),
                answered_by_members_share: (a.answered > 0).then(|| round3(a.by_members as f64 / a.answered as f64)),
                accepted_rate: (a.answered > 0).then(|| round3(a.accepted as f64 / a.answered as f64)),
                staff_message_share: staff_share.map(round3),
                solo: a.recent_staff > 0 && a.recent_member == 0,
                dau: a.speakers[0].len() as u64,
                wau: a.speakers[1].len() as u64,
                mau: a.speakers[2].len() as u64,
                weekly,
                declining_weeks: declining,
                capacity: Capacity {
                    cap: 500,
                    fill_mark: 470,
                    at_fill_mark: members >= 470,
                    full: members >= 500,
                    under_100: members < 100,
                },
                cohorts: cohorts(a, zone),
                score,
                score_parts: parts,
            },
        ));
    }
    let rank = |id: &str| order.iter().position(|o| o == id).unwrap_or(usize::MAX);
    rows.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    silent_list.sort_by(|a, b| {
        (a.group.as_str(), std::cmp::Reverse(a.never_spoke), std::cmp::Reverse(a.days_silent), a.member.as_str()).cmp(&(
            b.group.as_str(),
            std::cmp::Reverse(b.never_spoke),
            std::cmp::Reverse(b.days_silent),
            b.member.as_str(),
        ))
    });
    unanswered.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| question_key(model, &member_ids, a.1).cmp(&question_key(model, &member_ids, b.1))));
    unanswered.truncate(cfg.unanswered_limit);
    let group_ids: Vec<String> = model.groups.iter().map(super::group_id).collect();
    HealthReport {
        settings: cfg.clone(),
        groups: rows.into_iter().map(|(_, r)| r).collect(),
        members_silent: silent_list,
        unanswered: unanswered
            .into_iter()
            .map(|(t, i)| {
                let s = msgs.sender[i];
                UnansweredQuestion {
                    group: group_ids[msgs.group[i] as usize].clone(),
                    member: member_ids[s as usize].clone(),
                    name: names[s as usize].clone(),
                    time: zone.format(t),
                    text: msgs.text(i).to_string(),
                }
            })
            .collect(),
    }
}

/// Does a message with this quote / these mentions address `asker` (or quote `question`)?
fn addresses(
    model: &Model,
    quote: Option<&crate::model::Quote>,
    mentions: Option<&Vec<String>>,
    asker: MemberId,
    question: &str,
) -> bool {
    let Some(m) = model.members.get(asker as usize) else { return false };
    let is_asker = |who: &str| m.platform_id.as_deref() == Some(who) || m.names.iter().any(|n| n.name == who);
    let by_quote = quote.is_some_and(|q| {
        q.text.as_deref().is_some_and(|t| !t.is_empty() && (t == question || question.starts_with(t)))
            || match &q.sender {
                Some(crate::model::PersonRef::Id(id)) => is_asker(id),
                Some(crate::model::PersonRef::Name(n)) => is_asker(n),
                _ => false,
            }
    });
    by_quote || mentions.is_some_and(|ms| ms.iter().any(|n| is_asker(n.trim_start_matches('@'))))
}

/// Stable tie-break for questions asked at the same second.
fn question_key<'m>(model: &'m Model, ids: &'m [String], i: usize) -> (&'m str, &'m str) {
    let s = model.messages.sender[i];
    (ids.get(s as usize).map_or("", String::as_str), model.messages.text(i))
}

/// Monday-start week number of a local time.
fn week_of(zone: &Zone, t: i64) -> i64 {
    // Day 0 (1970-01-01) was a Thursday; shifting by 3 puts Mondays at multiples of 7.
    (zone.local(t).days + 3).div_euclid(7)
}

/// A dense weekly series from the first week with data to `last_week` (or the last data week).
fn weekly_series(
    weeks: &std::collections::BTreeMap<i64, Week>,
    inviters: &std::collections::BTreeMap<i64, std::collections::BTreeMap<MemberId, u64>>,
    person: &dyn Fn(MemberId) -> (String, String),
    last_week: Option<i64>,
) -> Vec<WeekPoint> {
    let (Some(&first), Some(&data_last)) = (weeks.keys().next(), weeks.keys().next_back()) else { return Vec::new() };
    let last = last_week.unwrap_or(data_last).max(data_last).min(first + 520);
    (first..=last)
        .map(|w| {
            let (messages, speakers, joins, leaves) = weeks.get(&w).map_or((0, 0, 0, 0), |(m, s, j, l)| (*m, s.len() as u64, *j, *l));
            let mut joins_by_inviter: Vec<InviterJoins> = inviters
                .get(&w)
                .map(|by| by.iter().map(|(&m, &n)| { let (inviter, name) = person(m); InviterJoins { inviter, name, joins: n } }).collect())
                .unwrap_or_default();
            joins_by_inviter.sort_by(|a, b| b.joins.cmp(&a.joins).then_with(|| a.inviter.cmp(&b.inviter)));
            WeekPoint { week: format_day(w * 7 - 3), messages, speakers, joins, leaves, joins_by_inviter }
        })
        .collect()
}

/// Weeks at the end of the series each with fewer messages than the week before.
fn declining_weeks(weekly: &[WeekPoint]) -> u32 {
    weekly.windows(2).rev().take_while(|w| w[1].messages < w[0].messages).count() as u32
}

fn cohorts(a: &Acc, zone: &Zone) -> Vec<Cohort> {
    let mut by_month: std::collections::BTreeMap<i64, Cohort> = Default::default();
    for (&m, &t) in &a.joined_at {
        let days = zone.local(t).days;
        let (y, mo, _) = crate::time::civil_from_days(days);
        let month = y * 12 + mo as i64 - 1;
        let c = by_month.entry(month).or_insert_with(|| Cohort {
            month: format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1),
            joined: 0,
            speaking_after: [0; 3],
        });
        c.joined += 1;
        for k in 1..=3 {
            if a.months_spoken.contains(&(m, month + k)) {
                c.speaking_after[k as usize - 1] += 1;
            }
        }
    }
    by_month.into_values().collect()
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
