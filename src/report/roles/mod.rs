//! Report section `roles`: who is a big name, lecturer, KOL, active or ordinary member, per
//! group against the target pyramid (`../shared/DOMAIN.md`: 4/6/8/10/70 %), how people moved
//! between roles month by month, which accounts look like staff, and what to do about it.
//!
//! Sources: explicit tags win ([`tags`]: config `role_tags`, later the roster import);
//! otherwise the documented behaviour rules in [`assign`]. Staff (config `staff`, staff tags,
//! the exporting account) are left out of the composition. A member of several groups gets a
//! role per membership and an overall role (the highest).

mod assign;
mod features;
mod recommend;
mod settings;
mod suggest;
mod tags;
mod transitions;

pub use assign::{assign_group, Candidate, Reason, Source};
pub use features::{Evidence, Features};
pub(crate) use features::Resolver;
pub use recommend::{Recommendation, RecommendedMember};
pub use settings::{Role, RoleTag, RolesConfig, TagKind, Targets};
pub use suggest::{StaffSignal, StaffSuggestion};
pub use tags::{resolve, tags, Tags};
pub(crate) use tags::groups_named;
pub use transitions::{Mover, Snapshot, Transitions};

use std::cmp::Reverse;

use serde::{Serialize, Serializer};

use crate::config::Config;
use crate::model::{GroupId, MemberId, Model};
use crate::time::Zone;

/// The `roles` section.
#[derive(Clone, Debug, Serialize)]
pub struct RolesReport {
    /// Target shares in percent (config `roles.targets`).
    pub targets: Targets,
    /// The rules in force (config `roles`), for display and editing.
    pub settings: RolesConfig,
    /// One row per group, in the order of the `groups` section.
    pub groups: Vec<GroupRoles>,
    /// Non-staff members with a current membership, highest role first.
    pub members: Vec<MemberRoles>,
    /// Staff accounts left out of the composition, and why.
    pub staff: Vec<StaffMember>,
    /// Monthly role snapshots and moves between them.
    pub transitions: Transitions,
    /// Accounts that behave like staff (for confirmation; never applied by themselves).
    pub staff_suggestions: Vec<StaffSuggestion>,
    /// Plain-language advice with codes the page translates.
    pub recommendations: Vec<Recommendation>,
}

/// A number per member role.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PerRole<T>(pub [T; 5]);

impl<T: Copy> PerRole<T> {
    /// The value for `role`.
    pub fn get(&self, role: Role) -> T {
        self.0[role.index()]
    }
}

impl<T: Serialize> Serialize for PerRole<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(5))?;
        for role in Role::RANKED {
            map.serialize_entry(role.key(), &self.0[role.index()])?;
        }
        map.end()
    }
}

/// Composition of one group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupRoles {
    /// Group id (as in `groups`).
    pub id: String,
    pub name: String,
    /// Current members, staff included (people who left or were removed are not counted).
    pub members: u64,
    /// Of `members`, staff.
    pub staff: u64,
    /// Non-staff members: the base of `shares`.
    pub ranked: u64,
    /// Members per role.
    pub counts: PerRole<u64>,
    /// Percent of `ranked` per role (one decimal).
    pub shares: PerRole<f64>,
    /// `shares` minus the target, in percentage points (negative: below target).
    pub deviation: PerRole<f64>,
    /// Members the target asks for per role (`ranked` × target, rounded).
    pub target_counts: PerRole<u64>,
    /// Members whose role came from a tag.
    pub tagged: u64,
    /// Ordinary members who never spoke.
    pub silent: u64,
    /// `members` ≥ `roles.capacity_warn` (default 470).
    pub near_capacity: bool,
    /// `members` ≥ `roles.capacity` (default 500).
    pub at_capacity: bool,
}

/// A member's roles.
#[derive(Clone, Debug, Serialize)]
pub struct MemberRoles {
    /// Member id (as in `members`).
    pub id: String,
    pub name: String,
    /// The highest role over their memberships.
    pub role: Role,
    /// Why (from the membership that gave `role`).
    pub reason: Reason,
    /// Group id of that membership.
    pub group: String,
    /// One entry per current membership.
    pub memberships: Vec<MembershipRole>,
}

/// A member's role in one group.
#[derive(Clone, Debug, Serialize)]
pub struct MembershipRole {
    pub group: String,
    pub role: Role,
    pub reason: Reason,
    /// Never spoke in this group.
    pub silent: bool,
    /// messages, active_days, replies, mentions, mentioners, shares.
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// A staff account and where that came from.
#[derive(Clone, Debug, Serialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    /// `owner`, `assistant`, `alt` (from a tag) or `staff` (config `staff` / the exporting account).
    pub kind: String,
    /// `tag`, `config` or `self`.
    pub source: &'static str,
}

/// Everything [`build`] derives before writing rows, shared by the submodules.
pub(crate) struct Context<'a> {
    pub model: &'a Model,
    pub cfg: &'a RolesConfig,
    pub features: Features,
    pub staff: Vec<bool>,
    /// Role and reason per slot (None: staff or departed).
    pub roles: Vec<Option<(Role, Reason)>>,
    pub group_ids: Vec<String>,
    pub member_ids: Vec<String>,
    pub member_names: Vec<String>,
    /// Current non-departed slots per group.
    pub group_slots: Vec<Vec<u32>>,
}

/// Computes the section; `as_of` is the report's as-of instant (None without messages);
/// `by_time` is [`crate::report::order::time_order`].
pub fn build(model: &Model, config: &Config, zone: &Zone, as_of: Option<i64>, group_order: &[String], by_time: &[u32]) -> RolesReport {
    let cfg = &config.roles;
    let features = features::collect(model, zone, as_of.unwrap_or(i64::MIN), cfg, by_time);
    let staff = crate::report::staff::staff_flags(model, config);
    let tagged = tags(model, config);
    let group_ids: Vec<String> = model.groups.iter().map(crate::report::group_id).collect();
    let mut first_group = vec![GroupId::MAX; model.members.len()];
    for &(g, m) in &features.slots {
        first_group[m as usize] = first_group[m as usize].min(g);
    }
    let member_ids: Vec<String> = model
        .members
        .iter()
        .zip(&first_group)
        .map(|(m, &g)| crate::report::member_id(model, m, (g != GroupId::MAX).then_some(g)))
        .collect();
    let member_names: Vec<String> = model.members.iter().map(crate::report::members::latest_name).collect();
    let mut group_slots: Vec<Vec<u32>> = vec![Vec::new(); model.groups.len()];
    for (s, &(g, _)) in features.slots.iter().enumerate() {
        if !features.departed[s] {
            group_slots[g as usize].push(s as u32);
        }
    }
    let mut roles: Vec<Option<(Role, Reason)>> = vec![None; features.slots.len()];
    for (g, slots) in group_slots.iter().enumerate() {
        let ranked: Vec<u32> = slots.iter().copied().filter(|&s| !staff[features.slots[s as usize].1 as usize]).collect();
        let cands: Vec<Candidate> = ranked
            .iter()
            .map(|&s| Candidate { evidence: &features.evidence[s as usize], tag: tagged.get(features.slots[s as usize].1, g as GroupId) })
            .collect();
        for (&s, assigned) in ranked.iter().zip(assign_group(&cands, cfg)) {
            roles[s as usize] = Some(assigned);
        }
    }
    let cx = Context { model, cfg, features, staff, roles, group_ids, member_ids, member_names, group_slots };
    let mut groups = group_rows(&cx);
    let rank = super::groups::ranker(group_order);
    groups.sort_by_key(|g| rank(&g.id));
    let members = member_rows(&cx);
    RolesReport {
        targets: cfg.targets.clone(),
        settings: cfg.clone(),
        staff: staff_rows(&cx, config, &tagged),
        transitions: transitions::build(&cx, &tagged),
        staff_suggestions: suggest::build(&cx),
        recommendations: recommend::build(&cx, &groups),
        groups,
        members,
    }
}

fn group_rows(cx: &Context<'_>) -> Vec<GroupRoles> {
    let targets = &cx.cfg.targets;
    cx.group_slots
        .iter()
        .enumerate()
        .map(|(g, slots)| {
            let mut counts = PerRole([0u64; 5]);
            let (mut tagged, mut silent, mut ranked) = (0, 0, 0);
            for &s in slots {
                let Some((role, reason)) = &cx.roles[s as usize] else { continue };
                ranked += 1;
                counts.0[role.index()] += 1;
                tagged += (reason.source == Source::Tag) as u64;
                silent += (reason.code == "silent") as u64;
            }
            let share = |role: Role| if ranked == 0 { 0.0 } else { assign::round1(counts.get(role) as f64 * 100.0 / ranked as f64) };
            let shares = PerRole(Role::RANKED.map(share));
            let deviation = PerRole(Role::RANKED.map(|r| assign::round1(share(r) - targets.get(r))));
            let target_counts = PerRole(Role::RANKED.map(|r| (ranked as f64 * targets.get(r) / 100.0).round() as u64));
            let members = slots.len() as u64;
            GroupRoles {
                id: cx.group_ids[g].clone(),
                name: cx.model.groups[g].name.clone(),
                members,
                staff: members - ranked,
                ranked,
                counts,
                shares,
                deviation,
                target_counts,
                tagged,
                silent,
                near_capacity: members >= cx.cfg.capacity_warn as u64,
                at_capacity: members >= cx.cfg.capacity as u64,
            }
        })
        .collect()
}

fn member_rows(cx: &Context<'_>) -> Vec<MemberRoles> {
    let mut by_member: Vec<Vec<u32>> = vec![Vec::new(); cx.model.members.len()];
    for (s, r) in cx.roles.iter().enumerate() {
        if r.is_some() {
            by_member[cx.features.slots[s].1 as usize].push(s as u32);
        }
    }
    let group_rank = super::order::dense_ranks(&cx.group_ids);
    let mut rows: Vec<(MemberRoles, u32, u32, MemberId)> = Vec::new();
    for (m, slots) in by_member.iter_mut().enumerate() {
        if slots.is_empty() {
            continue;
        }
        slots.sort_by_key(|&s| group_rank[cx.features.slots[s as usize].0 as usize]);
        let memberships: Vec<MembershipRole> = slots
            .iter()
            .filter_map(|&s| {
                let (role, reason) = cx.roles[s as usize].clone()?;
                Some(MembershipRole {
                    group: cx.group_ids[cx.features.slots[s as usize].0 as usize].clone(),
                    role,
                    silent: reason.code == "silent",
                    reason,
                    evidence: cx.features.evidence[s as usize].clone(),
                })
            })
            .collect();
        // Highest role; ties: the membership with more received, then more messages.
        let Some(best) = memberships.iter().max_by(|a, b| {
            (a.role, a.evidence.received(), a.evidence.messages)
                .cmp(&(b.role, b.evidence.received(), b.evidence.messages))
                .then(std::cmp::Ordering::Greater)
        }) else {
            continue;
        };
        let received: u32 = memberships.iter().map(|x| x.evidence.received()).sum();
        let messages: u32 = memberships.iter().map(|x| x.evidence.messages).sum();
        let row = MemberRoles {
            id: cx.member_ids[m].clone(),
            name: cx.member_names[m].clone(),
            role: best.role,
            reason: best.reason.clone(),
            group: best.group.clone(),
            memberships,
        };
        rows.push((row, received, messages, m as MemberId));
    }
    // Highest role, most received, most messages, then member id (as the rank of the id): the
    // keys are sorted and the rows moved once, not moved at every step of the sort (85,000
    // rows of a few hundred bytes each).
    let member_rank = super::order::dense_ranks(&cx.member_ids);
    rows.sort_by_cached_key(|r| (Reverse(r.0.role), Reverse(r.1), Reverse(r.2), member_rank[r.3 as usize]));
    rows.into_iter().map(|r| r.0).collect()
}

fn staff_rows(cx: &Context<'_>, config: &Config, tagged: &Tags) -> Vec<StaffMember> {
    let mut rows = Vec::new();
    for (m, &is_staff) in cx.staff.iter().enumerate() {
        if !is_staff {
            continue;
        }
        let member = &cx.model.members[m];
        let tag = cx
            .model
            .groups
            .iter()
            .enumerate()
            .filter_map(|(g, _)| tagged.get(m as MemberId, g as GroupId))
            .filter(|t| t.is_staff())
            .max_by_key(|t| t.precedence());
        let (kind, source) = match tag {
            Some(t) => (serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(), "tag"),
            None if member.is_self && config.self_is_staff => ("staff".to_string(), "self"),
            None => ("staff".to_string(), "config"),
        };
        rows.push(StaffMember { id: cx.member_ids[m].clone(), name: cx.member_names[m].clone(), kind, source });
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}
