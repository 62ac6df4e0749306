//! Overlapping exports: the same group exported twice (two date ranges, two tools, two
//! assistants' accounts) repeats messages. A message of a file is dropped when every earlier
//! copy of it (same group, time, kind, sender and text) is already in the model — so within one
//! export a real repeat ("+1" twice in a second) stays, and across exports each message is kept
//! as many times as the export that has it most often. That rule is order-independent: the
//! kept messages and the per-group count of dropped ones are the same whatever order files (or
//! parallel workers' partials) arrive in.

use std::hash::{BuildHasher, Hash, Hasher};

use super::{GroupId, HashMap, MemberId, Messages, MessageKind, Member, PENDING, SYSTEM};

/// Cross-file duplicate detection state.
#[derive(Debug, Default)]
pub(super) struct Dedup {
    /// Per group: the file (counter) that last added messages to it.
    group_file: Vec<Option<u32>>,
    /// The file being read.
    file: u32,
    /// Groups that already had messages when this file reached them: key -> (copies in the
    /// model before this file, copies seen in this file).
    active: HashMap<GroupId, HashMap<u64, (u32, u32)>>,
}

/// What identifies a message across exports. `sender` is a platform id or a display name.
pub(super) fn key(time: i64, kind: MessageKind, sender: &str, text: &str) -> u64 {
    // Fixed seeds: keys must agree between the worker that built them and this one.
    let mut h = foldhash::fast::FixedState::with_seed(0x71756e6c656e73).build_hasher();
    (time, kind as u8, sender, text).hash(&mut h);
    h.finish()
}

/// The sender part of a stored message's key: the member's platform id, else their first
/// name; a pending name-only sender's name; "" for system messages.
pub(super) fn stored_sender<'a>(members: &'a [Member], pending: &'a [(GroupId, String, i64, i64)], s: MemberId) -> &'a str {
    if s == SYSTEM {
        return "";
    }
    if s & PENDING != 0 {
        return pending.get((s & !PENDING) as usize).map_or("", |p| p.1.as_str());
    }
    members
        .get(s as usize)
        .map_or("", |m| m.platform_id.as_deref().unwrap_or_else(|| m.names.first().map_or("", |n| n.name.as_str())))
}

impl Dedup {
    /// Should the message with `key` in `group` be kept? `stored` gives the keys of the
    /// group's messages already in the model (called once per group per file); `key` is only
    /// computed when the group has messages of earlier files to compare with.
    pub(super) fn keep(&mut self, group: GroupId, key: impl FnOnce() -> u64, stored: impl FnOnce() -> Vec<u64>) -> bool {
        let g = group as usize;
        // Every message of a load without overlapping files: nothing to compare with, no lookup.
        if self.active.is_empty() && self.group_file.get(g) == Some(&Some(self.file)) {
            return true;
        }
        if self.group_file.len() <= g {
            self.group_file.resize(g + 1, None);
        }
        match self.group_file[g] {
            Some(f) if f != self.file => {
                let mut counts: HashMap<u64, (u32, u32)> = HashMap::default();
                for k in stored() {
                    counts.entry(k).or_default().0 += 1;
                }
                self.active.insert(group, counts);
            }
            _ => {}
        }
        self.group_file[g] = Some(self.file);
        let Some(counts) = self.active.get_mut(&group) else { return true };
        let entry = counts.entry(key()).or_default();
        entry.1 += 1;
        entry.1 > entry.0
    }

    /// The file ended: the next one compares against everything kept so far.
    pub(super) fn end_file(&mut self) {
        self.active.clear();
        self.file += 1;
    }
}

/// Which of `incoming` (keys, in order) to keep against `existing` keys of the same group:
/// each key kept as often as the side that has it most often. Used when merging partials.
pub(super) fn keep_mask(existing: &[u64], incoming: &[u64]) -> Vec<bool> {
    let mut counts: HashMap<u64, (u32, u32)> = HashMap::default();
    for &k in existing {
        counts.entry(k).or_default().0 += 1;
    }
    incoming
        .iter()
        .map(|&k| {
            let e = counts.entry(k).or_default();
            e.1 += 1;
            e.1 > e.0
        })
        .collect()
}

/// Keys of the messages of `group` in `messages` (for the first comparison of a file).
pub(super) fn keys_of_group(
    messages: &Messages,
    members: &[Member],
    pending: &[(GroupId, String, i64, i64)],
    group: GroupId,
) -> Vec<u64> {
    (0..messages.len())
        .filter(|&i| messages.group[i] == group)
        .map(|i| {
            let sender = stored_sender(members, pending, messages.sender[i]);
            key(messages.time[i], messages.kind[i], sender, messages.text(i))
        })
        .collect()
}
