//! The SDR funnel: calls -> invitations -> joined -> active -> lead -> SQL -> won, per SDR per
//! week (the domain's KPI: of ~100 calls a week only 20 joined; the goal is 80).
//!
//! Calls and invitations are the activity log's counts. The people an SDR brought in during a
//! week are those the log names that week (matched to chat members) and those a chat join
//! message says the SDR invited (the inviter's display name equals the log's SDR name, after
//! the usual name normalisation). Each is then followed for the conversion window from the
//! invitation: joined (a join or first message by then), active (`active_min_days` distinct
//! days by then), lead / SQL / won (the stage reached by then; an undated stage counts).

use std::collections::BTreeMap;

use serde::Serialize;

use super::FunnelConfig;
use crate::identity::normalize_name;
use crate::journey::{Journeys, StageTime};
use crate::model::{HashMap, MembershipKind, Model};
use crate::report::health::series::week_of;
use crate::time::{format_day, Zone};

/// The SDR funnel.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SdrFunnel {
    /// Weekly joined / calls goal (config `funnel.sdr_goal_join_rate`).
    pub goal_join_rate: f64,
    /// One row per SDR per week (Monday, `YYYY-MM-DD`), by SDR then week.
    pub weeks: Vec<SdrRow>,
    /// One row per SDR over all weeks (`week` null), most joined first.
    pub totals: Vec<SdrRow>,
}

/// One SDR's numbers for a week (or in total).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SdrRow {
    pub sdr: String,
    pub week: Option<String>,
    pub calls: u64,
    pub invitations: u64,
    pub joined: u64,
    pub active: u64,
    pub lead: u64,
    pub sql: u64,
    pub won: u64,
    /// joined / calls (joined / invitations when no calls were logged); null when neither.
    pub join_rate: Option<f64>,
    pub meets_goal: Option<bool>,
}

#[derive(Default)]
struct Tally {
    calls: u64,
    invitations: u64,
    /// Person -> earliest invitation time that week.
    people: BTreeMap<usize, i64>,
}

/// Builds the SDR funnel from the log, the chat joins and the journeys.
pub fn build(model: &Model, j: &Journeys, cfg: &FunnelConfig, zone: &Zone) -> SdrFunnel {
    let log = &model.business.sdr_log;
    let mut out = SdrFunnel { goal_join_rate: cfg.sdr_goal_join_rate, ..Default::default() };
    if log.is_empty() {
        return out;
    }
    let mut sdr_by_name: HashMap<String, String> = HashMap::default();
    let mut tallies: BTreeMap<(String, i64), Tally> = BTreeMap::new();
    for (i, row) in log.iter().enumerate() {
        let sdr = row.sdr.trim().to_string();
        if let Some(key) = normalize_name(&sdr) {
            sdr_by_name.entry(key).or_insert_with(|| sdr.clone());
        }
        let t = tallies.entry((sdr, week_of(zone, row.date))).or_default();
        t.calls += row.calls;
        t.invitations += row.invitations;
        if let Some(p) = j.person_of_sdr_row.get(i).copied().flatten().map(|p| p as usize) {
            let at = t.people.entry(p).or_insert(row.date);
            *at = (*at).min(row.date);
        }
    }
    // Chat joins whose inviter is an SDR of the log.
    for e in model.memberships.iter().filter(|e| e.kind == MembershipKind::Join) {
        let Some(actor) = e.actor.filter(|&a| a != e.member) else { continue };
        let Some(inviter) = model.members.get(actor as usize) else { continue };
        let Some(sdr) = normalize_name(&crate::report::members::latest_name(inviter)).and_then(|k| sdr_by_name.get(&k)) else { continue };
        let Some(p) = j.person_of_member.get(e.member as usize).copied().flatten().map(|p| p as usize) else { continue };
        let t = tallies.entry((sdr.clone(), week_of(zone, e.time))).or_default();
        let at = t.people.entry(p).or_insert(e.time);
        *at = (*at).min(e.time);
    }

    let window = cfg.window_days as i64 * 86_400;
    let stage = |name: &str| j.stage_names.iter().position(|s| s == name);
    let (lead, sql, won) = (stage("lead"), stage("sql"), stage("won"));
    let reached_by = |s: Option<usize>, p: usize, by: i64| match s.map(|s| j.stages[s][p]) {
        Some(StageTime::Known(t)) | Some(StageTime::NoLaterThan(t)) => t <= by,
        Some(StageTime::Undated) => true,
        _ => false,
    };
    let mut totals: BTreeMap<String, SdrRow> = BTreeMap::new();
    for ((sdr, week), t) in tallies {
        let mut row = SdrRow { sdr: sdr.clone(), week: Some(format_day(week * 7 - 3)), calls: t.calls, invitations: t.invitations, ..Default::default() };
        for (&p, &at) in &t.people {
            let by = at.saturating_add(window);
            let joined = j.joined.first_in(p, i64::MIN, by).is_some();
            row.joined += joined as u64;
            row.active += j.active_days.of(p).get(cfg.active_min_days.max(1) as usize - 1).is_some_and(|&d| d <= by) as u64;
            row.lead += reached_by(lead, p, by) as u64;
            row.sql += reached_by(sql, p, by) as u64;
            row.won += reached_by(won, p, by) as u64;
        }
        let total = totals.entry(sdr.clone()).or_insert_with(|| SdrRow { sdr, ..Default::default() });
        total.calls += row.calls;
        total.invitations += row.invitations;
        total.joined += row.joined;
        total.active += row.active;
        total.lead += row.lead;
        total.sql += row.sql;
        total.won += row.won;
        out.weeks.push(rate(row, cfg.sdr_goal_join_rate));
    }
    out.totals = totals.into_values().map(|r| rate(r, cfg.sdr_goal_join_rate)).collect();
    out.totals.sort_by(|a, b| b.joined.cmp(&a.joined).then_with(|| a.sdr.cmp(&b.sdr)));
    out
}

fn rate(mut row: SdrRow, goal: f64) -> SdrRow {
    let base = if row.calls > 0 { row.calls } else { row.invitations };
    row.join_rate = (base > 0).then(|| ((row.joined as f64 / base as f64) * 10_000.0).round() / 10_000.0);
    row.meets_goal = row.join_rate.map(|r| r >= goal);
    row
}
