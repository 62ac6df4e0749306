//! The `funnel` section: from invitation to won deal, with configurable ordered steps drawn
//! from both the chats and the CRM, per group, owner, channel and join-month cohort, and the
//! SDR funnel from the activity log ([`sdr`]).
//!
//! Semantics (what PostHog and Mixpanel users expect, stated in the page too):
//! - **Entry** is the first time a person reaches step 1 inside the date range (`from`/`to`,
//!   local days, inclusive). Later step-1 events do not restart the attempt.
//! - **Ordered** (default): a person counts at step k when they reached steps 1..k in order
//!   (ties in time count as in order), each no later than the conversion window after entry
//!   (`≤`, default 90 days). For every step the earliest occurrence at or after the previous
//!   step's time is used.
//! - **Any order**: a person counts at step k when each of steps 1..k happened within the
//!   window of entry, before or after it. Times between steps are not reported in this mode.
//! - Chat steps are events: they must happen at or after the previous step. CRM stages are
//!   states: a stage reached *before* the previous step still holds (someone who was a lead
//!   before joining is a lead once joined); they count, with `already_reached`, and stay out
//!   of the time statistics. A stage reached after the window does not count.
//! - CRM stages without a time (a won deal with no SQL date) count as reached, placed at the
//!   previous step's time; they are left out of the time statistics (`times_unknown`).
//!
//! Step names: `invited`, `joined`, `first_message`, `active` (messages on at least
//! `active_min_days` distinct days), `question`, `file`, and the canonical stages of the
//! stage ladder (`lead`, `mql`, `sql`, `opportunity`, `won` by default).

pub mod sdr;

use serde::{Deserialize, Serialize};

use super::health::series::{format_month, month_of, percentile};
use crate::journey::{Journeys, StageTime};
use crate::model::{HashMap, Model};
use crate::time::Zone;

/// Funnel settings (config key `funnel`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunnelConfig {
    /// Step names, in order (see the module docs).
    pub steps: Vec<String>,
    /// `ordered` or `any_order`.
    pub mode: String,
    /// Conversion window from entry, in days.
    pub window_days: u32,
    /// Distinct days with messages that make a person `active`.
    pub active_min_days: u32,
    /// Entry date range: first and last local day (`YYYY-MM-DD`, inclusive); open when absent.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Values shown per breakdown (the rest are summed as `(other)`).
    pub breakdown_limit: u32,
    /// People listed per step in `dropoff`, latest activity first; 0 = everyone.
    pub dropoff_limit: u32,
    /// The SDR funnel's weekly goal: joined / calls (the domain's 80 of 100).
    pub sdr_goal_join_rate: f64,
}

impl Default for FunnelConfig {
    fn default() -> Self {
        FunnelConfig {
            steps: ["invited", "joined", "active", "lead", "mql", "sql", "opportunity", "won"].map(String::from).to_vec(),
            mode: "ordered".into(),
            window_days: 90,
            active_min_days: 3,
            from: None,
            to: None,
            breakdown_limit: 20,
            dropoff_limit: 100,
            sdr_goal_join_rate: 0.8,
        }
    }
}

/// The section.
#[derive(Clone, Debug, Serialize)]
pub struct FunnelReport {
    /// The settings used (defaults filled in).
    pub settings: FunnelConfig,
    /// People considered: chat members who are not staff, CRM records joined to no member,
    /// SDR-invited people not found in the chats.
    pub people: u64,
    /// Step names the funnel does not know (left out of `steps`).
    pub unknown_steps: Vec<String>,
    pub steps: Vec<FunnelStep>,
    /// By `group` (first group joined or spoken in), `owner` (CRM owner, else the inviting
    /// SDR), `channel` (CRM source or campaign, else roster channel, else how they joined) and
    /// `cohort` (month of first join).
    pub breakdowns: Vec<Breakdown>,
    /// Calls -> invitations -> joined -> active -> lead -> SQL -> won per SDR per week.
    pub sdr: sdr::SdrFunnel,
}

/// One step.
#[derive(Clone, Debug, Serialize)]
pub struct FunnelStep {
    pub name: String,
    pub count: u64,
    /// `count` over the previous step's count (1 for the first step).
    pub conversion_from_previous: f64,
    /// `count` over the first step's count.
    pub conversion_from_first: f64,
    /// Median (nearest rank) seconds from the previous step, over people whose both times
    /// are known; null for the first step, in `any_order` mode, or when no time is known.
    pub median_time_from_previous_s: Option<i64>,
    pub p90_time_from_previous_s: Option<i64>,
    /// People counted here whose time for this (or the previous) step is not known.
    pub times_unknown: u64,
    /// People counted at this CRM stage who had reached it before the previous step (a lead
    /// before they joined): stages are states, so it still holds; left out of the times.
    pub already_reached: u64,
    /// People who reached the previous step and stopped before this one.
    pub dropped: u64,
    /// Some of them (`dropoff_limit`), latest activity first.
    pub dropoff: Vec<DropOff>,
}

/// A person who stopped before a step.
#[derive(Clone, Debug, Serialize)]
pub struct DropOff {
    /// Member id, `crm:<record id>` or `sdr:<file#line>`.
    pub person: String,
    pub name: String,
    /// Report id and name of their first group.
    pub group: Option<String>,
    pub group_name: Option<String>,
    pub owner: Option<String>,
    pub last_activity: Option<String>,
}

/// One breakdown dimension.
#[derive(Clone, Debug, Serialize)]
pub struct Breakdown {
    /// `group`, `owner`, `channel` or `cohort`.
    pub dimension: &'static str,
    pub values: Vec<BreakdownValue>,
}

/// The funnel of one value of a dimension.
#[derive(Clone, Debug, Serialize)]
pub struct BreakdownValue {
    /// Group id, owner, channel or `YYYY-MM`; `""` for people without one, `(other)` for the
    /// values beyond `breakdown_limit`.
    pub key: String,
    /// Display label (the group's name; otherwise the key).
    pub label: String,
    /// People at each step.
    pub counts: Vec<u64>,
    /// Last step's count over the first step's.
    pub conversion_from_first: f64,
}

/// A step the funnel can count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Invited,
    Joined,
    FirstMessage,
    Active(u32),
    Question,
    File,
    Stage(usize),
}

impl Step {
    pub(crate) fn parse(name: &str, j: &Journeys, active_min_days: u32) -> Option<Step> {
        Some(match name.trim() {
            "invited" => Step::Invited,
            "joined" => Step::Joined,
            "first_message" => Step::FirstMessage,
            "active" => Step::Active(active_min_days.max(1)),
            "question" => Step::Question,
            "file" => Step::File,
            other => Step::Stage(j.stage_names.iter().position(|s| s == other)?),
        })
    }

    /// The person's earliest occurrence in `lo..=hi`, placed in time, and how its time is
    /// known. CRM stages are states: one reached before `lo` still holds (placed at `lo`).
    pub(crate) fn occurrence(self, j: &Journeys, p: usize, lo: i64, hi: i64) -> Option<(i64, Timing)> {
        let known = |t: Option<i64>| t.map(|t| (t, Timing::Known));
        match self {
            Step::Invited => known(j.invited.first_in(p, lo, hi)),
            Step::Joined => known(j.joined.first_in(p, lo, hi)),
            Step::FirstMessage => known(j.first_message[p].filter(|t| (lo..=hi).contains(t))),
            Step::Active(n) => known(j.active_days.of(p).get(n as usize - 1).copied().filter(|t| (lo..=hi).contains(t))),
            Step::Question => known(j.questions().and_then(|q| q.first_in(p, lo, hi))),
            Step::File => known(j.files.first_in(p, lo, hi)),
            Step::Stage(s) => match j.stages[s][p] {
                StageTime::NotReached => None,
                StageTime::Known(t) if t > hi => None,
                StageTime::Known(t) if t >= lo => Some((t, Timing::Known)),
                StageTime::Known(_) => Some((lo, Timing::Before)),
                StageTime::NoLaterThan(t) if t < lo => Some((lo, Timing::Before)),
                StageTime::NoLaterThan(_) | StageTime::Undated => Some((lo, Timing::Unknown)),
            },
        }
    }
}

/// How a step's time is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timing {
    Known,
    /// A CRM stage with no time of its own.
    Unknown,
    /// A CRM stage reached before the previous step (still holds).
    Before,
}

/// Where each person got to: the number of steps reached (0 = never entered).
struct Walk {
    reached: Vec<u8>,
    entry: Vec<Option<i64>>,
    durations: Vec<Vec<i64>>,
    unknown: Vec<u64>,
    before: Vec<u64>,
}

/// Computes the section from the journeys (see the module docs for the semantics).
pub fn build(model: &Model, journeys: &mut Journeys, cfg: &FunnelConfig, zone: &Zone) -> FunnelReport {
    let mut steps = Vec::new();
    let mut unknown_steps = Vec::new();
    let mut names = Vec::new();
    for name in &cfg.steps {
        if name.trim() == "question" {
            journeys.ensure_questions(model);
        }
        match Step::parse(name, journeys, cfg.active_min_days) {
            Some(s) => {
                steps.push(s);
                names.push(name.trim().to_string());
            }
            None => unknown_steps.push(name.clone()),
        }
    }
    let j: &Journeys = journeys;
    let (from, to) = range(cfg, zone);
    let mut walk = walk(j, &steps, cfg, from, to);
    let n = steps.len();
    let mut counts = vec![0u64; n];
    for &r in &walk.reached {
        for c in counts.iter_mut().take(r as usize) {
            *c += 1;
        }
    }
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { round4(a as f64 / b as f64) };
    let dropped_lists = dropoffs(j, &walk.reached, n, cfg.dropoff_limit as usize, model, zone);
    let mut out_steps = Vec::with_capacity(n);
    for (k, name) in names.into_iter().enumerate() {
        let mut d = std::mem::take(&mut walk.durations[k]);
        d.sort_unstable();
        let (dropped, dropoff) = dropped_lists.get(k).cloned().unwrap_or_default();
        out_steps.push(FunnelStep {
            name,
            count: counts[k],
            conversion_from_previous: if k == 0 { ratio(counts[0], counts[0]) } else { ratio(counts[k], counts[k - 1]) },
            conversion_from_first: ratio(counts[k], counts[0]),
            median_time_from_previous_s: percentile(&d, 50),
            p90_time_from_previous_s: percentile(&d, 90),
            times_unknown: walk.unknown[k],
            already_reached: walk.before[k],
            dropped,
            dropoff,
        });
    }
    FunnelReport {
        settings: cfg.clone(),
        people: j.persons.len() as u64,
        unknown_steps,
        breakdowns: breakdowns(model, j, &walk, n, cfg.breakdown_limit as usize, zone),
        sdr: sdr::build(model, j, cfg, zone),
        steps: out_steps,
    }
}

/// The entry range in epoch seconds.
fn range(cfg: &FunnelConfig, zone: &Zone) -> (i64, i64) {
    let day = |s: &Option<String>, end: bool| -> Option<i64> {
        let c = crate::time::parse_local(s.as_deref()?)?;
        let c = if end { crate::time::Civil { hour: 23, minute: 59, second: 59, ..c } } else { crate::time::Civil { hour: 0, minute: 0, second: 0, ..c } };
        zone.clone().to_epoch(c)
    };
    (day(&cfg.from, false).unwrap_or(i64::MIN), day(&cfg.to, true).unwrap_or(i64::MAX))
}

/// Walks every person through the steps.
fn walk(j: &Journeys, steps: &[Step], cfg: &FunnelConfig, from: i64, to: i64) -> Walk {
    let people = j.persons.len();
    let n = steps.len();
    let window = cfg.window_days as i64 * 86_400;
    let ordered = cfg.mode != "any_order";
    let mut w = Walk { reached: vec![0; people], entry: vec![None; people], durations: vec![Vec::new(); n], unknown: vec![0; n], before: vec![0; n] };
    let Some(&first) = steps.first() else { return w };
    for p in 0..people {
        let Some((t1, timing1)) = first.occurrence(j, p, from, to) else { continue };
        if timing1 == Timing::Before {
            continue; // reached before the range: not an entry inside it
        }
        let entry = (timing1 == Timing::Known).then_some(t1);
        w.entry[p] = entry;
        let (lo0, hi) = match entry {
            Some(t) => (t, t.saturating_add(window)),
            None => (i64::MIN, i64::MAX),
        };
        if entry.is_none() {
            w.unknown[0] += 1;
        }
        let mut reached = 1u8;
        let (mut lo, mut prev_known) = (lo0, entry.is_some());
        for (k, step) in steps.iter().enumerate().skip(1) {
            let search_from = if ordered || entry.is_none() { lo } else { lo0.saturating_sub(window) };
            let Some((t, timing)) = step.occurrence(j, p, search_from, hi) else { break };
            reached += 1;
            match timing {
                Timing::Known if ordered && prev_known => w.durations[k].push(t - lo),
                Timing::Known if ordered => w.unknown[k] += 1,
                Timing::Known => {}
                Timing::Unknown => w.unknown[k] += 1,
                Timing::Before => w.before[k] += 1,
            }
            if ordered && timing == Timing::Known {
                lo = t;
                prev_known = true;
            } else if timing == Timing::Unknown {
                prev_known = false;
            }
        }
        w.reached[p] = reached;
    }
    w
}

/// Per step: how many stopped just before it, and the first `limit` of them by latest
/// activity (ties by id).
fn dropoffs(j: &Journeys, reached: &[u8], n: usize, limit: usize, model: &Model, zone: &Zone) -> Vec<(u64, Vec<DropOff>)> {
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (p, &r) in reached.iter().enumerate() {
        let r = r as usize;
        if r >= 1 && r < n {
            lists[r].push(p);
        }
    }
    let last = |p: usize| std::cmp::Reverse(j.last_activity[p]);
    let order = |a: &usize, b: &usize| last(*a).cmp(&last(*b)).then_with(|| j.persons[*a].id.cmp(&j.persons[*b].id));
    lists
        .into_iter()
        .map(|mut list| {
            let dropped = list.len() as u64;
            if limit > 0 && list.len() > limit {
                // By time first (cheap), then only the ones tied at the cut are ordered by id.
                list.select_nth_unstable_by_key(limit - 1, |&p| last(p));
                let cut = last(list[limit - 1]);
                list.retain(|&p| last(p) <= cut);
            }
            list.sort_unstable_by(order);
            list.truncate(if limit > 0 { limit } else { list.len() });
            let rows = list
                .into_iter()
                .map(|p| {
                    let person = &j.persons[p];
                    let group = person.group.and_then(|g| model.groups.get(g as usize));
                    DropOff {
                        person: person.id.clone(),
                        name: person.name.clone(),
                        group: group.map(super::group_id),
                        group_name: group.map(|g| g.name.clone()),
                        owner: person.owner.clone(),
                        last_activity: person.last_activity.map(|t| zone.format(t)),
                    }
                })
                .collect();
            (dropped, rows)
        })
        .collect()
}

/// Counts per value of each dimension: every person gets a dense key id, counted by index.
fn breakdowns(model: &Model, j: &Journeys, w: &Walk, n: usize, limit: usize, zone: &Zone) -> Vec<Breakdown> {
    if n == 0 {
        return Vec::new();
    }
    let groups: Vec<(String, String)> =
        std::iter::once((String::new(), String::new())).chain(model.groups.iter().map(|g| (super::group_id(g), g.name.clone()))).collect();
    let named = |names: &[String]| names.iter().map(|s| (s.clone(), s.clone())).collect::<Vec<_>>();
    // Cohorts: months in first-seen order, id 0 = none.
    let mut months: HashMap<i64, u32> = HashMap::default();
    let mut cohort_keys = vec![(String::new(), String::new())];
    let cohort_of: Vec<u32> = (0..j.persons.len())
        .map(|p| {
            if w.reached[p] == 0 {
                return 0;
            }
            let month = match (j.first_joined_month[p], w.entry[p]) {
                (i64::MIN, Some(t)) => month_of(zone, t),
                (i64::MIN, None) => return 0,
                (m, _) => m,
            };
            *months.entry(month).or_insert_with(|| {
                let m = format_month(month);
                cohort_keys.push((m.clone(), m));
                cohort_keys.len() as u32 - 1
            })
        })
        .collect();
    let group_of = |p: usize| j.group_of[p];
    let dims: [(&'static str, Vec<(String, String)>, &dyn Fn(usize) -> u32); 4] = [
        ("group", groups, &group_of),
        ("owner", named(&j.owner_names), &|p| j.owner_of[p]),
        ("channel", named(&j.channel_names), &|p| j.channel_of[p]),
        ("cohort", cohort_keys, &|p| cohort_of[p]),
    ];
    dims.into_iter()
        .map(|(dimension, keys, key_of)| {
            let mut counts = vec![0u64; keys.len() * n];
            for (p, &r) in w.reached.iter().enumerate() {
                let base = key_of(p) as usize * n;
                for c in &mut counts[base..base + r as usize] {
                    *c += 1;
                }
            }
            let mut values: Vec<BreakdownValue> = keys
                .into_iter()
                .enumerate()
                .filter(|(id, _)| counts[id * n] > 0)
                .map(|(id, (key, label))| value(key, label, counts[id * n..(id + 1) * n].to_vec()))
                .collect();
            values.sort_by(|a, b| b.counts.first().cmp(&a.counts.first()).then_with(|| a.key.cmp(&b.key)));
            if limit > 0 && values.len() > limit {
                let rest = values.split_off(limit);
                let mut counts = vec![0; n];
                for v in rest {
                    for (c, x) in counts.iter_mut().zip(v.counts) {
                        *c += x;
                    }
                }
                values.push(value("(other)".into(), "(other)".into(), counts));
            }
            Breakdown { dimension, values }
        })
        .collect()
}

fn value(key: String, label: String, counts: Vec<u64>) -> BreakdownValue {
    let first = counts.first().copied().unwrap_or(0);
    let last = counts.last().copied().unwrap_or(0);
    BreakdownValue { key, label, conversion_from_first: if first == 0 { 0.0 } else { round4(last as f64 / first as f64) }, counts }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
