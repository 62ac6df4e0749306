//! Explicit role tags: the one place tags are resolved to members.
//!
//! Tags come from the config's `role_tags` and from roster files (大咖, 讲师, KOL, 群主, 群助手,
//! 小号 per member and group), both through [`tags`], so roles, staff flags and every later
//! section see one answer. Roster rows apply only once identity resolution matched them to
//! one member (an ambiguous row tags nobody until the user settles it).

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
    let mut out = resolve(model, &config.role_tags);
    if model.business.roster.iter().any(|r| r.tag.is_some()) {
        let identity = crate::identity::resolve(model, config);
        for (row, status) in model.business.roster.iter().zip(&identity.roster) {
            let (Some(tag), crate::identity::Status::Matched { member, .. }) = (row.tag, status) else { continue };
            let scopes = match row.group.as_deref().map(|g| groups_named(model, g)) {
                Some(gs) if !gs.is_empty() => gs.into_iter().map(Some).collect(),
                _ => vec![None],
            };
            out.add(*member, &scopes, tag);
        }
        out.staff.sort_unstable();
        out.staff.dedup();
    }
    out
}

/// Groups whose name, key or report id is `name`.
pub(crate) fn groups_named(model: &Model, name: &str) -> Vec<GroupId> {
    let name = name.trim();
    model
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.name == name || g.key == name || crate::report::group_id(g) == name)
        .map(|(i, _)| i as GroupId)
        .collect()
}

impl Tags {
    /// Tags `member` in each scope (`None`: every group); the staff tag, then the higher
    /// role, wins over a tag already there.
    fn add(&mut self, member: MemberId, scopes: &[Option<GroupId>], tag: TagKind) {
        if tag.is_staff() {
            self.staff.push(member);
        }
        for &scope in scopes {
            let slot = self.by_membership.entry((member, scope)).or_insert(tag);
            if tag.precedence() > slot.precedence() {
                *slot = tag;
            }
        }
    }
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
    let group_of = |name: &str| -> Option<Vec<GroupId>> { Some(groups_named(model, name)) };
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
            let scopes: Vec<Option<GroupId>> = match &groups[i] {
                Some(gs) => gs.iter().map(|&g| Some(g)).collect(),
                None => vec![None],
            };
            out.add(id as MemberId, &scopes, list[i].tag);
        }
    }
    out.staff.sort_unstable();
    out.staff.dedup();
    out
}
