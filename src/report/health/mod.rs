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
//!   question's text (by prefix when the quote is cut with …) or its asker, or @mentioning the
//!   asker — within `reply_window_s` (default 7 days). The first such message is the answer and
//!   its delay the first-response time. Answers across midnight count; messages in another group
//!   never do. **accepted**: the asker thanks ([`crate::text::is_thanks`]) within
//!   `response_window_s` after the answer.
//! - Everything is as of `as_of` (end of data or configured): later messages are not counted.
//! - **weeks** start on Monday in the report's time zone; **declining_weeks** counts the weeks
//!   at the end of the data each with fewer messages than the week before.
//! - **solo**: the last 28 days have messages and all of them are by staff.
//! - **score** (0–100) = four parts of 25: activity (monthly speakers / non-staff members,
//!   full at 30 %), response (response rate; 12.5 when nobody asked), trend (25 minus 6 per
//!   declining week), UGC (share of messages by members rather than staff).

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::Model;
use crate::time::Zone;

mod scan;
pub(crate) mod series;

use series::{percentile, round1, round3};

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
    /// Joins per inviter (most joins first).
    pub inviters: Vec<Inviter>,
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

/// Everyone one inviter brought into a group, and how many of them have left since.
#[derive(Clone, Debug, Serialize)]
pub struct Inviter {
    /// Member id; null for joins with no inviter stated.
    pub inviter: Option<String>,
    pub name: Option<String>,
    pub joins: u64,
    pub left: u64,
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

/// Computes the section. `order` is the `groups` section's order of group ids; `as_of` is the
/// report's "as of" time (end of data or configured): later messages are not counted;
/// `by_time` is [`super::order::time_order`].
pub fn build(model: &Model, config: &Config, zone: &Zone, as_of: Option<i64>, order: &[String], by_time: &[u32]) -> HealthReport {
    let cfg = &config.health;
    let staff = super::staff::staff_flags(model, config);
    let is_staff = |m: crate::model::MemberId| super::staff::is_staff(&staff, m);
    let as_of_t = as_of.unwrap_or(i64::MAX);
    let mut scan = scan::scan(model, cfg, zone, as_of_t, &staff, by_time);

    let member_ids = super::members::member_ids(model, &super::members::member_groups(model));
    let names: Vec<String> = model.members.iter().map(super::members::latest_name).collect();
    let group_ids: Vec<String> = model.groups.iter().map(super::group_id).collect();
    let days_before_as_of = |t: i64| as_of.map(|a| (a - t).div_euclid(86_400));
    let smallest = cfg.thresholds.iter().copied().min().unwrap_or(cfg.silent_days) as i64;

    // Per-group member tallies and the silent list.
    #[derive(Default, Clone)]
    struct Tally {
        members: u64,
        non_staff: u64,
        silent: u64,
        never: u64,
        active: [u64; 3],
        active_members_30d: u64,
    }
    let mut tallies = vec![Tally::default(); model.groups.len()];
    let mut silent_list = Vec::new();
    for slot in &scan.slots {
        let Some(tally) = tallies.get_mut(slot.group as usize) else { continue };
        // Active counts everyone who spoke in the window, including those who left since.
        for (k, days) in [1i64, 7, 30].into_iter().enumerate() {
            if slot.last.is_some_and(|l| as_of_t.saturating_sub(l) < days * 86_400) {
                tally.active[k] += 1;
                tally.active_members_30d += (k == 2 && !is_staff(slot.member)) as u64;
            }
        }
        if slot.departed {
            continue;
        }
        tally.members += 1;
        if is_staff(slot.member) {
            continue;
        }
        tally.non_staff += 1;
        let days = slot.last.or(slot.joined).and_then(days_before_as_of);
        let never = slot.last.is_none();
        if never || days.is_some_and(|d| d >= cfg.silent_days as i64) {
            tally.silent += 1;
            tally.never += never as u64;
        }
        if never || days.is_some_and(|d| d >= smallest) {
            let row = SilentMember {
                member: member_ids[slot.member as usize].clone(),
                name: names[slot.member as usize].clone(),
                group: group_ids[slot.group as usize].clone(),
                last_message: slot.last.map(|t| zone.format(t)),
                days_silent: days,
                never_spoke: never,
            };
            silent_list.push((slot.group, slot.member, row));
        }
    }

    // Join-month cohorts from the joiners' slots.
    let mut cohort_rows: Vec<Vec<(i64, [bool; 3])>> = vec![Vec::new(); model.groups.len()];
    for slot in &scan.slots {
        if let (Some(t), Some(rows)) = (slot.joined, cohort_rows.get_mut(slot.group as usize)) {
            rows.push((series::month_of(zone, t), slot.after_join));
        }
    }

    let mut rows: Vec<GroupHealth> = Vec::with_capacity(model.groups.len());
    for (g, a) in scan.groups.iter_mut().enumerate() {
        let tally = &tallies[g];
        a.delays.sort_unstable();
        let weekly = series::weekly_series(&a.weeks, &a.membership_weeks, as_of.map(|t| series::week_of(zone, t)), |m| {
            (member_ids[m as usize].clone(), names[m as usize].clone())
        });
        let declining = series::declining_weeks(&weekly);
        let total = a.member_messages + a.staff_messages;
        let response_rate = (a.questions > 0).then(|| a.answered as f64 / a.questions as f64);
        let staff_share = (total > 0).then(|| a.staff_messages as f64 / total as f64);
        let parts = ScoreParts {
            activity: round1(25.0 * (tally.active_members_30d as f64 / (tally.non_staff as f64).max(1.0) / 0.3).min(1.0)),
            response: round1(response_rate.map_or(12.5, |r| 25.0 * r)),
            trend: round1((25.0 - 6.0 * declining as f64).max(0.0)),
            ugc: round1(25.0 * (1.0 - staff_share.unwrap_or(0.0))),
        };
        let mut inviters: Vec<Inviter> = a
            .inviters
            .iter()
            .map(|(who, &(joins, left))| Inviter {
                inviter: who.map(|m| member_ids[m as usize].clone()),
                name: who.map(|m| names[m as usize].clone()),
                joins,
                left,
            })
            .collect();
        inviters.sort_by(|x, y| y.joins.cmp(&x.joins).then_with(|| x.inviter.cmp(&y.inviter)));
        let members = tally.members;
        rows.push(GroupHealth {
            id: group_ids[g].clone(),
            name: model.groups[g].name.clone(),
            members,
            last_message: a.last.map(|t| zone.format(t)),
            days_since_last_message: a.last.and_then(days_before_as_of),
            silent_members: tally.silent,
            never_spoke: tally.never,
            questions: a.questions,
            answered: a.answered,
            response_rate: response_rate.map(round3),
            median_first_response_s: percentile(&a.delays, 50),
            p90_first_response_s: percentile(&a.delays, 90),
            answered_by_members_share: (a.answered > 0).then(|| round3(a.answered_by_members as f64 / a.answered as f64)),
            accepted_rate: (a.answered > 0).then(|| round3(a.accepted as f64 / a.answered as f64)),
            staff_message_share: staff_share.map(round3),
            solo: a.recent_staff > 0 && a.recent_member == 0,
            dau: tally.active[0],
            wau: tally.active[1],
            mau: tally.active[2],
            weekly,
            declining_weeks: declining,
            capacity: Capacity {
                cap: 500,
                fill_mark: 470,
                at_fill_mark: members >= 470,
                full: members >= 500,
                under_100: members < 100,
            },
            cohorts: series::cohorts(std::mem::take(&mut cohort_rows[g]).into_iter()),
            inviters,
            score: (parts.activity + parts.response + parts.trend + parts.ugc).round() as u32,
            score_parts: parts,
        });
    }
    let rank = super::groups::ranker(order);
    rows.sort_by(|a, b| rank(&a.id).cmp(&rank(&b.id)).then_with(|| a.id.cmp(&b.id)));
    // By group id, longest silence first, then member id: compared as ranks of the ids.
    let (group_rank, member_rank) = (super::order::dense_ranks(&group_ids), super::order::dense_ranks(&member_ids));
    silent_list.sort_by_key(|&(g, m, ref s)| (group_rank[g as usize], std::cmp::Reverse(s.never_spoke), std::cmp::Reverse(s.days_silent), member_rank[m as usize]));
    let silent_list: Vec<SilentMember> = silent_list.into_iter().map(|(_, _, s)| s).collect();

    // Unanswered questions, newest first (ties by asker and text: load order never matters).
    let msgs = &model.messages;
    let mut unanswered: Vec<&scan::Question> = scan.questions.iter().filter(|q| !q.answered).collect();
    let key = |q: &scan::Question| (std::cmp::Reverse(q.time), member_ids[q.asker as usize].as_str(), msgs.text(q.message as usize));
    unanswered.sort_by(|a, b| key(a).cmp(&key(b)));
    unanswered.truncate(cfg.unanswered_limit);
    HealthReport {
        settings: cfg.clone(),
        groups: rows,
        members_silent: silent_list,
        unanswered: unanswered
            .into_iter()
            .map(|q| UnansweredQuestion {
                group: group_ids[msgs.group[q.message as usize] as usize].clone(),
                member: member_ids[q.asker as usize].clone(),
                name: names[q.asker as usize].clone(),
                time: zone.format(q.time),
                text: msgs.text(q.message as usize).to_string(),
            })
            .collect(),
    }
}
