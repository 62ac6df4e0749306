//! Explicit role tags: the one place tags are resolved to members.
//!
//! Today tags come from the config's `role_tags`; the CRM/roster import (issue #4) will feed
//! its per-member tags (大咖, 讲师, KOL, 群主, 群助手, 小号) through this same function, so roles,
//! staff flags and every later section see one answer.

use crate::config::Config;
use crate::model::{GroupId, HashMap, MemberId, Model};

use super::settings::{RoleTag, TagKind};

/// Tags resolved to members: `(member, None)` applies in every group, `(member, Some(g))`
/// in group `g` only.
#[derive(Clone, Debug, Default)]
pub struct Tags {
    by_membership: HashMap<(MemberId, Option<GroupId>), TagKind>,
    /// Members with any staff tag.
    staff: Vec<MemberId>,
}

impl Tags {
    /// The tag that applies to `member` in `group` (a group-specific tag beats a global one).
    pub fn get(&self, member: MemberId, group: GroupId) -> Option<TagKind> {
        self.by_membership.get(&(member, Some(group))).or_else(|| self.by_membership.get(&(member, None))).copied()
    }

    /// Members tagged owner, assistant or alt (in any group).
    pub fn staff(&self) -> &[MemberId] {
        &self.staff
    }

    /// True when no tag matched anyone.
    pub fn is_empty(&self) -> bool {
        self.by_membership.is_empty()
    }
}

/// Resolves the config's `role_tags` against the model. A tag's `member` matches a platform id
/// (`wxid_…`), a report member id (`wechat:wxid_…`, `wechat:self`) or any display name the
/// member used (a name shared by several people tags them all); `group` matches a report group
/// id or a group name (unknown groups match nothing). When one membership gets several tags the
/// staff tag, then the higher role, wins.
pub fn tags(model: &Model, config: &Config) -> Tags {
    resolve(model, &config.role_tags)
}

/// [`tags`] over any list of tags (the roster import will pass its own).
pub fn resolve(model: &Model, list: &[RoleTag]) -> Tags {
    let mut out = Tags::default();
    if list.is_empty() {
        return out;
    }
    let mut wanted: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, t) in list.iter().enumerate() {
        wanted.entry(t.member.trim()).or_default().push(i);
    }
    let group_of = |name: &str| -> Option<Vec<GroupId>> {
        let name = name.trim();
        let hits: Vec<GroupId> = model
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.name == name || crate::report::group_id(g) == name)
            .map(|(i, _)| i as GroupId)
            .collect();
        Some(hits)
    };
    let groups: Vec<Option<Vec<GroupId>>> =
        list.iter().map(|t| t.group.as_deref().filter(|g| !g.trim().is_empty()).and_then(group_of)).collect();
    for (id, m) in model.members.iter().enumerate() {
        let label = crate::report::platform_label(m.platform);
        let mut keys: Vec<String> = Vec::new();
        if let Some(pid) = m.platform_id.as_deref() {
            keys.push(pid.to_string());
            keys.push(format!("{label}:{pid}"));
        }
        if m.is_self {
            keys.push(format!("{label}:self"));
        }
        keys.extend(m.names.iter().map(|n| n.name.clone()));
        let mut hits: Vec<usize> = keys.iter().filter_map(|k| wanted.get(k.as_str())).flatten().copied().collect();
        hits.sort_unstable();
        hits.dedup();
        for i in hits {
            let tag = list[i].tag;
            let member = id as MemberId;
            if tag.is_staff() {
                out.staff.push(member);
            }
            let scopes: Vec<Option<GroupId>> = match &groups[i] {
                Some(gs) => gs.iter().map(|&g| Some(g)).collect(),
                None => vec![None],
            };
            for scope in scopes {
                let slot = out.by_membership.entry((member, scope)).or_insert(tag);
                if tag.precedence() > slot.precedence() {
                    *slot = tag;
                }
            }
        }
    }
    out.staff.sort_unstable();
    out.staff.dedup();
    out
}
