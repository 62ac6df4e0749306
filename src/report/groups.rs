//! Report section `groups`: one row per group.

use serde::Serialize;

use super::membership_index::MembershipIndex;
use crate::model::{MembershipKind, Model, SYSTEM};
use crate::time::Zone;

/// One group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupReport {
    /// `platform:key`, stable across reports.
    pub id: String,
    pub name: String,
    pub platform: crate::model::Platform,
    /// Distinct people seen in the group: senders, people who joined, left or were removed,
    /// inviters, and people on a member list.
    pub members: u64,
    /// Distinct members who sent at least one message.
    pub speakers: u64,
    /// All messages, system messages included.
    pub messages: u64,
    /// Members who spoke within `active_days` before `as_of`.
    pub active_members: u64,
    /// Join events (system messages, member lists with join times).
    pub joins: u64,
    /// Departures: members who left plus members removed.
    pub leaves: u64,
    /// Of `leaves`, the members removed by an owner/admin.
    pub removed: u64,
    pub first_message: Option<String>,
    pub last_message: Option<String>,
    /// Messages dropped because an overlapping export of the group already had them.
    pub duplicates: u64,
}

#[derive(Default)]
struct Tally {
    messages: u64,
    joins: u64,
    leaves: u64,
    removed: u64,
    first: Option<i64>,
    last: Option<i64>,
}

pub(super) fn build(model: &Model, zone: &Zone, active_since: Option<i64>) -> Vec<GroupReport> {
    let mut t: Vec<Tally> = (0..model.groups.len()).map(|_| Tally::default()).collect();
    let (people, groups) = (model.members.len(), model.groups.len());
    let (mut members, mut speakers, mut active) =
        (Distinct::new(people, groups), Distinct::new(people, groups), Distinct::new(people, groups));
    let m = &model.messages;
    for i in 0..m.len() {
        let group = m.group[i];
        let g = &mut t[group as usize];
        let time = m.time[i];
        g.messages += 1;
        g.first = Some(g.first.map_or(time, |f| f.min(time)));
        g.last = Some(g.last.map_or(time, |l| l.max(time)));
        let sender = m.sender[i];
        if sender == SYSTEM {
            continue;
        }
        // Anyone who sent anything (a pat, a recall) is present; only real messages speak.
        members.note(group, sender);
        if !m.kind[i].is_member_activity() {
            continue;
        }
        speakers.note(group, sender);
        if active_since.is_some_and(|since| time > since) {
            active.note(group, sender);
        }
    }
    for e in &model.memberships {
        let g = &mut t[e.group as usize];
        members.note(e.group, e.member);
        if let Some(actor) = e.actor {
            members.note(e.group, actor);
        }
        match e.kind {
            MembershipKind::Join => g.joins += 1,
            MembershipKind::Leave => g.leaves += 1,
            MembershipKind::Removed => {
                g.leaves += 1;
                g.removed += 1;
            }
        }
    }
    for &(g, member) in &model.listed {
        members.note(g, member);
    }
    let (members, speakers, active) = (members.counts, speakers.counts, active.counts);
    let mut rows: Vec<GroupReport> = model
        .groups
        .iter()
        .zip(t)
        .enumerate()
        .map(|(i, (group, g))| {
            GroupReport {
                id: super::group_id(group),
                name: group.name.clone(),
                platform: group.platform,
                members: members[i],
                speakers: speakers[i],
                messages: g.messages,
                active_members: active[i],
                joins: g.joins,
                leaves: g.leaves,
                removed: g.removed,
                first_message: g.first.map(|t| zone.format(t)),
                last_message: g.last.map(|t| zone.format(t)),
                duplicates: model.offered.get(i).copied().unwrap_or(0).saturating_sub(g.messages),
            }
        })
        .collect();
    rows.sort_by(|a, b| listing_order((a.messages, &a.id), (b.messages, &b.id)));
    rows
}

/// The group ids in the section's order, from message counts alone: the other sections list
/// groups in it, and need it before (or beside) the section itself.
pub(super) fn order(model: &Model) -> Vec<String> {
    let mut messages = vec![0u64; model.groups.len()];
    for &g in &model.messages.group {
        if let Some(n) = messages.get_mut(g as usize) {
            *n += 1;
        }
    }
    let mut rows: Vec<(u64, String)> = model.groups.iter().zip(messages).map(|(g, n)| (n, super::group_id(g))).collect();
    rows.sort_by(|a, b| listing_order((a.0, &a.1), (b.0, &b.1)));
    rows.into_iter().map(|(_, id)| id).collect()
}

/// `rank(id)`: the place of group `id` in `order` (the section's order, [`order`]), or
/// `usize::MAX`: one hash lookup, where searching the list in a sort's comparison compared
/// ids millions of times for 782 groups.
pub(super) fn ranker(order: &[String]) -> impl Fn(&str) -> usize + '_ {
    let mut at: crate::model::HashMap<&str, usize> = crate::model::HashMap::default();
    for (i, id) in order.iter().enumerate() {
        at.entry(id.as_str()).or_insert(i);
    }
    move |id| at.get(id).copied().unwrap_or(usize::MAX)
}

/// Most messages first, then by id.
fn listing_order(a: (u64, &str), b: (u64, &str)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
}

/// Distinct members per group, counted in one pass: a member's (group, member) pair counts
/// when the shared index first numbers it (no entry per message, no sort).
struct Distinct {
    index: MembershipIndex,
    counts: Vec<u64>,
}

impl Distinct {
    fn new(members: usize, groups: usize) -> Self {
        Distinct { index: MembershipIndex::new(members), counts: vec![0; groups] }
    }

    fn note(&mut self, group: u32, member: u32) {
        if member == SYSTEM {
            return;
        }
        if self.index.number(group, member).1 {
            if let Some(count) = self.counts.get_mut(group as usize) {
                *count += 1;
            }
        }
    }
}
