//! Report section `groups`: one row per group.

use serde::Serialize;

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
    members: Vec<u32>,
    speakers: Vec<u32>,
    active: Vec<u32>,
    messages: u64,
    joins: u64,
    leaves: u64,
    removed: u64,
    first: Option<i64>,
    last: Option<i64>,
}

pub(super) fn build(model: &Model, zone: &Zone, active_since: Option<i64>) -> Vec<GroupReport> {
    let mut t: Vec<Tally> = (0..model.groups.len()).map(|_| Tally::default()).collect();
    let m = &model.messages;
    for i in 0..m.len() {
        let g = &mut t[m.group[i] as usize];
        let time = m.time[i];
        g.messages += 1;
        g.first = Some(g.first.map_or(time, |f| f.min(time)));
        g.last = Some(g.last.map_or(time, |l| l.max(time)));
        let sender = m.sender[i];
        if sender == SYSTEM {
            continue;
        }
        // Anyone who sent anything (a pat, a recall) is present; only real messages speak.
        g.members.push(sender);
        if !m.kind[i].is_member_activity() {
            continue;
        }
        g.speakers.push(sender);
        if active_since.is_some_and(|since| time > since) {
            g.active.push(sender);
        }
    }
    for e in &model.memberships {
        let g = &mut t[e.group as usize];
        g.members.push(e.member);
        g.members.extend(e.actor);
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
        t[g as usize].members.push(member);
    }
    let mut rows: Vec<GroupReport> = model
        .groups
        .iter()
        .zip(t)
        .enumerate()
        .map(|(i, (group, mut g))| {
            GroupReport {
                id: super::group_id(group),
                name: group.name.clone(),
                platform: group.platform,
                members: distinct(&mut g.members),
                speakers: distinct(&mut g.speakers),
                messages: g.messages,
                active_members: distinct(&mut g.active),
                joins: g.joins,
                leaves: g.leaves,
                removed: g.removed,
                first_message: g.first.map(|t| zone.format(t)),
                last_message: g.last.map(|t| zone.format(t)),
                duplicates: model.offered.get(i).copied().unwrap_or(0).saturating_sub(g.messages),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// Number of distinct non-system ids (sorts in place).
pub(super) fn distinct(ids: &mut Vec<u32>) -> u64 {
    ids.retain(|&id| id != SYSTEM);
    ids.sort_unstable();
    ids.dedup();
    ids.len() as u64
}
