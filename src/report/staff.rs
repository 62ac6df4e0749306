//! Who is staff (owner, assistant, alt accounts). One rule for every report that leaves
//! staff out: the config's `staff` list (ids or display names), role tags owner / assistant /
//! alt (config `role_tags`, later the roster import, through [`super::roles::tags`]) plus, by
//! default, the exporting account.

use crate::config::Config;
use crate::model::{MemberId, Model};

/// `flags[member]` is true for staff members.
pub fn staff_flags(model: &Model, config: &Config) -> Vec<bool> {
    let wanted: std::collections::HashSet<&str> = config.staff.iter().map(|s| s.trim()).collect();
    let tagged = super::roles::tags(model, config);
    let mut flags: Vec<bool> = model
        .members
        .iter()
        .map(|m| {
            if m.is_self && config.self_is_staff {
                return true;
            }
            if let Some(id) = m.platform_id.as_deref() {
                if wanted.contains(id) || wanted.contains(format!("{}:{id}", super::platform_label(m.platform)).as_str()) {
                    return true;
                }
            }
            m.names.iter().any(|n| wanted.contains(n.name.as_str()))
        })
        .collect();
    for &m in tagged.staff() {
        if let Some(f) = flags.get_mut(m as usize) {
            *f = true;
        }
    }
    flags
}

/// Is `member` staff? (`SYSTEM` is not.)
pub fn is_staff(flags: &[bool], member: MemberId) -> bool {
    flags.get(member as usize).copied().unwrap_or(false)
}
