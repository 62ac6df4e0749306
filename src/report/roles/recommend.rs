//! Recommendations: groups lacking KOLs or lecturers (share below `lacking_fraction` of the
//! target) with members of other groups who could fill the gap (KOLs, then active members,
//! for a KOL gap; lecturers, then KOLs, for a lecturer gap; never staff, never people already
//! in the group), and groups near or at the member cap.

use serde::Serialize;

use super::settings::Role;
use super::{Context, GroupRoles};
use crate::model::{GroupId, HashMap, MemberId};

/// One piece of advice. `code` is what the page translates; `text` is the English sentence.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// `lacking_kol`, `lacking_lecturer`, `near_capacity`, `at_capacity`.
    pub code: &'static str,
    /// Group id.
    pub group: String,
    pub group_name: String,
    /// The role lacking (lacking_* only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Members with that role now (lacking_*) or current members (capacity).
    pub have: u64,
    /// Members the target asks for (lacking_*) or the threshold crossed (capacity).
    pub target: u64,
    /// People from other groups who could fill the gap, best first.
    pub candidates: Vec<RecommendedMember>,
    pub text: String,
}

/// A member of another group suggested for a gap.
#[derive(Clone, Debug, Serialize)]
pub struct RecommendedMember {
    pub id: String,
    pub name: String,
    /// Their role where they are.
    pub role: Role,
    /// The group where they have it (id) and its name.
    pub group: String,
    pub group_name: String,
}

pub(super) fn build(cx: &Context<'_>, groups: &[GroupRoles]) -> Vec<Recommendation> {
    let f = &cx.features;
    let mut present: HashMap<(GroupId, MemberId), ()> = HashMap::default();
    for slots in &cx.group_slots {
        for &s in slots {
            present.insert(f.slots[s as usize], ());
        }
    }
    // Non-staff memberships per role, strongest first.
    let mut by_role: Vec<Vec<u32>> = vec![Vec::new(); 5];
    for (s, r) in cx.roles.iter().enumerate() {
        if let Some((role, _)) = r {
            by_role[role.index()].push(s as u32);
        }
    }
    for list in &mut by_role {
        list.sort_by_key(|&s| {
            let e = &f.evidence[s as usize];
            let (g, m) = f.slots[s as usize];
            (std::cmp::Reverse(e.received()), std::cmp::Reverse(e.shares), std::cmp::Reverse(e.messages), &cx.member_ids[m as usize], &cx.group_ids[g as usize])
        });
    }
    let index: HashMap<&str, usize> = cx.group_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut out = Vec::new();
    for row in groups {
        let Some(&g) = index.get(row.id.as_str()) else { continue };
        for (role, code, fill) in [
            (Role::Kol, "lacking_kol", [Role::Kol, Role::Active]),
            (Role::Lecturer, "lacking_lecturer", [Role::Lecturer, Role::Kol]),
        ] {
            let target = row.target_counts.get(role);
            let share = row.shares.get(role);
            if target == 0 || share >= cx.cfg.targets.get(role) * cx.cfg.lacking_fraction {
                continue;
            }
            let have = row.counts.get(role);
            let mut candidates: Vec<RecommendedMember> = Vec::new();
            'fill: for r in fill {
                for &s in &by_role[r.index()] {
                    if candidates.len() >= cx.cfg.max_candidates as usize {
                        break 'fill;
                    }
                    let (from, m) = f.slots[s as usize];
                    let id = &cx.member_ids[m as usize];
                    if from as usize == g || present.contains_key(&(g as GroupId, m)) || candidates.iter().any(|c| &c.id == id) {
                        continue;
                    }
                    candidates.push(RecommendedMember {
                        id: id.clone(),
                        name: cx.member_names[m as usize].clone(),
                        role: r,
                        group: cx.group_ids[from as usize].clone(),
                        group_name: cx.model.groups[from as usize].name.clone(),
                    });
                }
            }
            let who = if candidates.is_empty() {
                "no member of another group fits yet".to_string()
            } else {
                format!("consider inviting {}", candidates.iter().map(|c| format!("{} ({} in {})", c.name, c.role.key(), c.group_name)).collect::<Vec<_>>().join(", "))
            };
            let text = format!("{} has {have} {} of the {target} its target asks for; {who}", row.name, role.key());
            out.push(Recommendation { code, group: row.id.clone(), group_name: row.name.clone(), role: Some(role), have, target, candidates, text });
        }
        let (cap, warn) = (cx.cfg.capacity as u64, cx.cfg.capacity_warn as u64);
        let capacity = if row.at_capacity {
            Some(("at_capacity", cap, format!("{} has {} members, at the {cap} cap: open a new group", row.name, row.members)))
        } else if row.near_capacity {
            Some(("near_capacity", warn, format!("{} has {} members, near the {cap} cap: stop bulk invites and keep room for organic joins", row.name, row.members)))
        } else {
            None
        };
        if let Some((code, target, text)) = capacity {
            out.push(Recommendation { code, group: row.id.clone(), group_name: row.name.clone(), role: None, have: row.members, target, candidates: Vec::new(), text });
        }
    }
    out
}
