//! Report section `members`: one row per person, merged across groups by platform id.

use serde::Serialize;

use crate::model::{JoinMethod, MembershipKind, Model, SYSTEM};
use crate::time::Zone;

/// One person.
#[derive(Clone, Debug, Serialize)]
pub struct MemberReport {
    /// `platform:id` (exporting accounts too, once their files name the id); `platform:self`
    /// for an exporting account whose id is never named; name-only people get
    /// `platform:name:<group key>:<name>`.
    pub id: String,
    /// The most recently used display name.
    pub name: String,
    /// Every display name seen, in order of first use.
    pub names: Vec<MemberName>,
    pub platform: crate::model::Platform,
    /// wxid / QQ number / WeCom userid, when the export has one.
    pub platform_id: Option<String>,
    /// True for the account that made the export.
    pub is_self: bool,
    /// Ids of the groups the person was seen in.
    pub groups: Vec<String>,
    /// Messages sent (system tips, recalls and pats excluded).
    pub messages: u64,
    pub first_active: Option<String>,
    pub last_active: Option<String>,
    /// Who brought them in, from their first join that names one.
    pub inviter: Option<PersonLink>,
    /// How they joined, from their first join event.
    pub join_method: Option<JoinMethod>,
    /// Every join event, oldest first.
    pub joins: Vec<MemberJoin>,
    /// Id of the CRM record matched to this person (the strongest match; see `identity`),
    /// or null.
    pub crm_record: Option<String>,
    /// What matched it: `override`, `platform_id`, `phone`, `email`, `remark`, `nickname`.
    pub crm_match_key: Option<crate::identity::MatchKey>,
    /// Confidence of that key, 0–1.
    pub crm_match_confidence: Option<f64>,
}

/// A display name and when it was used.
#[derive(Clone, Debug, Serialize)]
pub struct MemberName {
    pub name: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// A reference to another member.
#[derive(Clone, Debug, Serialize)]
pub struct PersonLink {
    pub id: String,
    pub name: String,
}

/// One join of a member into a group.
#[derive(Clone, Debug, Serialize)]
pub struct MemberJoin {
    pub group: String,
    pub time: String,
    pub method: Option<JoinMethod>,
    pub inviter: Option<PersonLink>,
}

#[derive(Default, Clone)]
struct Tally {
    messages: u64,
    first: Option<i64>,
    last: Option<i64>,
}

/// Per member: the groups they were seen in (sent, joined, left, invited, listed), in
/// group-id order (not load order), so reports are order-independent.
pub(crate) fn member_groups(model: &Model) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); model.members.len()];
    let mut add = |member: u32, g: u32| {
        if let Some(list) = groups.get_mut(member as usize) {
            if list.last() != Some(&g) {
                list.push(g);
            }
        }
    };
    let m = &model.messages;
    for (&sender, &g) in m.sender.iter().zip(&m.group) {
        if sender != SYSTEM {
            add(sender, g);
        }
    }
    for e in &model.memberships {
        for id in std::iter::once(e.member).chain(e.actor) {
            add(id, e.group);
        }
    }
    for &(g, member) in &model.listed {
        add(member, g);
    }
    let group_ids: Vec<String> = model.groups.iter().map(super::group_id).collect();
    let group_rank = super::order::dense_ranks(&group_ids);
    for list in &mut groups {
        list.sort_unstable_by_key(|&g| (group_rank[g as usize], g));
        list.dedup();
    }
    groups
}

/// Report ids of every member (see [`super::member_id`]), given [`member_groups`].
pub(crate) fn member_ids(model: &Model, groups: &[Vec<u32>]) -> Vec<String> {
    model
        .members
        .iter()
        .zip(groups)
        .map(|(member, g)| super::member_id(model, member, g.first().copied()))
        .collect()
}

pub(super) fn build(model: &Model, zone: &Zone, identity: &crate::identity::Identity) -> Vec<MemberReport> {
    let mut t = vec![Tally::default(); model.members.len()];
    let m = &model.messages;
    for i in 0..m.len() {
        let sender = m.sender[i];
        if sender == SYSTEM || !m.kind[i].is_member_activity() {
            continue;
        }
        let s = &mut t[sender as usize];
        let time = m.time[i];
        s.messages += 1;
        s.first = Some(s.first.map_or(time, |f| f.min(time)));
        s.last = Some(s.last.map_or(time, |l| l.max(time)));
    }
    let groups = member_groups(model);
    let group_ids: Vec<String> = model.groups.iter().map(super::group_id).collect();
    let ids = member_ids(model, &groups);
    let link = |id: u32| -> Option<PersonLink> {
        let member = model.members.get(id as usize)?;
        Some(PersonLink { id: ids[id as usize].clone(), name: latest_name(member) })
    };
    let mut joins: Vec<Vec<MemberJoin>> = vec![Vec::new(); model.members.len()];
    let mut first_join: Vec<Option<(Option<JoinMethod>, Option<u32>)>> = vec![None; model.members.len()];
    for e in model.memberships.iter().filter(|e| e.kind == MembershipKind::Join) {
        let Some(list) = joins.get_mut(e.member as usize) else { continue };
        list.push(MemberJoin {
            group: group_ids[e.group as usize].clone(),
            time: zone.format(e.time),
            method: e.method,
            inviter: e.actor.and_then(link),
        });
        let first = &mut first_join[e.member as usize];
        match first {
            None => *first = Some((e.method, e.actor)),
            Some((_, actor @ None)) if e.actor.is_some() => *actor = e.actor,
            _ => {}
        }
    }
    let mut rows: Vec<MemberReport> = model
        .members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let s = &t[i];
            let (join_method, inviter) = first_join[i].unwrap_or((None, None));
            MemberReport {
                id: ids[i].clone(),
                name: latest_name(member),
                names: names_in_order(member)
                    .into_iter()
                    .map(|n| MemberName {
                        name: n.name.clone(),
                        first_seen: zone.format(n.first_seen),
                        last_seen: zone.format(n.last_seen),
                    })
                    .collect(),
                platform: member.platform,
                platform_id: member.platform_id.clone(),
                is_self: member.is_self,
                groups: groups[i].iter().map(|&g| group_ids[g as usize].clone()).collect(),
                messages: s.messages,
                first_active: s.first.map(|t| zone.format(t)),
                last_active: s.last.map(|t| zone.format(t)),
                inviter: inviter.and_then(link),
                join_method,
                joins: {
                    let mut list = std::mem::take(&mut joins[i]);
                    list.sort_by(|a, b| (&a.time, &a.group).cmp(&(&b.time, &b.group)));
                    list
                },
                crm_record: identity.primary_crm(i as u32).map(|r| model.business.crm[r].id.clone()),
                crm_match_key: identity.persons[i].key,
                crm_match_confidence: identity.persons[i].key.map(|k| k.confidence()),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// Display names in order of first use (ties: by name).
fn names_in_order(m: &crate::model::Member) -> Vec<&crate::model::NameSeen> {
    let mut names: Vec<_> = m.names.iter().collect();
    names.sort_by(|a, b| (a.first_seen, &a.name).cmp(&(b.first_seen, &b.name)));
    names
}

/// The display name used last (ties: the one first seen later, then by name).
pub(crate) fn latest_name(m: &crate::model::Member) -> String {
    m.names
        .iter()
        .max_by_key(|n| (n.last_seen, n.first_seen, &n.name))
        .map(|n| n.name.clone())
        .or_else(|| m.platform_id.clone())
        .unwrap_or_default()
}
