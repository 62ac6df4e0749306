//! Progression: the role rules re-run at the end of every natural month (in the report's
//! zone) and the moves between consecutive months along the ladder ordinary → active → core
//! → KOL → lecturer → big name (the seeds' ladder; "core" is a member active two months in a
//! row). In a snapshot, "active" counts the days with messages in that month; replies,
//! mentions and shares count everything up to the month's end; tags apply to every month.

use serde::Serialize;

use super::assign::{assign_group, Candidate};
use super::features::{format_month, Evidence};
use super::settings::Role;
use super::{Context, Tags};
use crate::model::GroupId;

/// Ladder levels, lowest first (the index used by `counts` and `matrix`).
pub const LEVELS: [&str; 6] = ["ordinary", "active", "core", "kol", "lecturer", "big_name"];

/// Monthly snapshots and the moves between them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Transitions {
    /// Level names, lowest first: `counts[i]` and `matrix[from][to]` follow this order.
    pub levels: Vec<&'static str>,
    /// One per month with data, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// `matrix[from][to]`: memberships at level `from` one month and `to` the next, summed
    /// over all consecutive months (the diagonal counts those who stayed).
    pub matrix: Vec<Vec<u64>>,
    /// Who moved up or down (at most `roles.max_movers` per month, moves up first).
    pub movers: Vec<Mover>,
}

/// Non-staff memberships per level at the end of a month.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// `YYYY-MM`.
    pub month: String,
    pub counts: Vec<u64>,
    /// Memberships that moved up / down since the previous month.
    pub up: u64,
    pub down: u64,
}

/// One move of one membership between two consecutive months.
#[derive(Clone, Debug, Serialize)]
pub struct Mover {
    /// The month of the new level (`YYYY-MM`).
    pub month: String,
    pub id: String,
    pub name: String,
    pub group: String,
    pub from: &'static str,
    pub to: &'static str,
    /// True when `to` is higher on the ladder.
    pub up: bool,
}

fn level(role: Role, was_active: bool) -> usize {
    match role {
        Role::Ordinary => 0,
        Role::Active if was_active => 2,
        Role::Active => 1,
        Role::Kol => 3,
        Role::Lecturer => 4,
        Role::BigName => 5,
    }
}

pub(super) fn build(cx: &Context<'_>, tags: &Tags) -> Transitions {
    let f = &cx.features;
    let Some((first, last)) = f.month_range else {
        return Transitions { levels: LEVELS.to_vec(), matrix: vec![vec![0; LEVELS.len()]; LEVELS.len()], ..Default::default() };
    };
    let n = f.slots.len();
    let mut all_slots: Vec<Vec<u32>> = vec![Vec::new(); cx.model.groups.len()];
    for (s, &(g, m)) in f.slots.iter().enumerate() {
        if !cx.staff[m as usize] {
            all_slots[g as usize].push(s as u32);
        }
    }
    let mut cum = vec![Evidence::default(); n];
    let mut month_days = vec![0u32; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    let mut matrix = vec![vec![0u64; LEVELS.len()]; LEVELS.len()];
    let mut snapshots = Vec::new();
    let mut movers = Vec::new();
    let mut cursor = 0;
    for month in first..=last {
        let mut touched = Vec::new();
        while let Some(&(mo, s, d)) = f.months.get(cursor).filter(|x| x.0 <= month) {
            cursor += 1;
            if mo < month {
                continue;
            }
            let e = &mut cum[s as usize];
            e.messages += d.messages;
            e.replies += d.replies;
            e.mentions += d.mentions;
            e.mentioners += d.mentioners;
            e.shares += d.shares;
            month_days[s as usize] = d.days;
            touched.push(s);
        }
        let label = format_month(month);
        let mut counts = vec![0u64; LEVELS.len()];
        let (mut up, mut down) = (0, 0);
        let mut month_movers = Vec::new();
        let mut next: Vec<Option<usize>> = vec![None; n];
        for (g, slots) in all_slots.iter().enumerate() {
            let present: Vec<u32> = slots
                .iter()
                .copied()
                .filter(|&s| f.first_month[s as usize] <= month && f.departed_month[s as usize].is_none_or(|d| d > month))
                .collect();
            let evidence: Vec<Evidence> =
                present.iter().map(|&s| Evidence { active_days: month_days[s as usize], ..cum[s as usize].clone() }).collect();
            let cands: Vec<Candidate> = present
                .iter()
                .zip(&evidence)
                .map(|(&s, e)| Candidate { evidence: e, tag: tags.get(f.slots[s as usize].1, g as GroupId) })
                .collect();
            for (&s, (role, _)) in present.iter().zip(assign_group(&cands, cx.cfg)) {
                let su = s as usize;
                let was_active = matches!(prev[su], Some(1) | Some(2));
                let lv = level(role, was_active);
                counts[lv] += 1;
                next[su] = Some(lv);
                if let Some(p) = prev[su] {
                    matrix[p][lv] += 1;
                    if p != lv {
                        if lv > p {
                            up += 1;
                        } else {
                            down += 1;
                        }
                        month_movers.push((s, p, lv));
                    }
                }
            }
        }
        month_movers.sort_by_key(|&(s, p, lv)| {
            let (g, m) = f.slots[s as usize];
            (lv < p, std::cmp::Reverse(lv), &cx.member_ids[m as usize], &cx.group_ids[g as usize])
        });
        for (s, p, lv) in month_movers.into_iter().take(cx.cfg.max_movers as usize) {
            let (g, m) = f.slots[s as usize];
            movers.push(Mover {
                month: label.clone(),
                id: cx.member_ids[m as usize].clone(),
                name: cx.member_names[m as usize].clone(),
                group: cx.group_ids[g as usize].clone(),
                from: LEVELS[p],
                to: LEVELS[lv],
                up: lv > p,
            });
        }
        for s in touched {
            month_days[s as usize] = 0;
        }
        prev = next;
        snapshots.push(Snapshot { month: label, counts, up, down });
    }
    Transitions { levels: LEVELS.to_vec(), snapshots, matrix, movers }
}
