//! Dense numbers for memberships — (group, member) pairs — looked up once per message by the
//! sections that keep per-membership state (roles, health) or count memberships (groups).

use crate::model::{GroupId, HashMap, MemberId};

/// Numbers (group, member) pairs 0, 1, 2… in first-seen order. Each member's last pair is
/// remembered, so a message from someone who spoke last in the same group (nearly every
/// message) skips the hash lookup.
pub(crate) struct MembershipIndex {
    index: HashMap<(GroupId, MemberId), u32>,
    /// Per member id: the group and number of the last pair looked up.
    recent: Vec<(GroupId, u32)>,
}

impl MembershipIndex {
    /// An empty index for member ids below `members` (others are looked up by hash only).
    pub(crate) fn new(members: usize) -> Self {
        MembershipIndex { index: HashMap::default(), recent: vec![(GroupId::MAX, 0); members] }
    }

    /// The pair's number, and whether it was just given (then it is the count before).
    pub(crate) fn number(&mut self, group: GroupId, member: MemberId) -> (u32, bool) {
        if let Some(&(g, n)) = self.recent.get(member as usize) {
            if g == group {
                return (n, false);
            }
        }
        let next = self.index.len() as u32;
        let n = *self.index.entry((group, member)).or_insert(next);
        if let Some(recent) = self.recent.get_mut(member as usize) {
            *recent = (group, n);
        }
        (n, n == next)
    }

    /// The pair's number if it has one.
    pub(crate) fn get(&self, group: GroupId, member: MemberId) -> Option<u32> {
        self.index.get(&(group, member)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_first_seen_order_whatever_the_cache_holds() {
        let mut index = MembershipIndex::new(3);
        // Member 1 alternates between groups; member 7 is beyond the cache.
        let looks = [(0, 1), (5, 1), (0, 1), (0, 2), (5, 1), (5, 7), (0, 7), (5, 7), (0, 2)];
        let got: Vec<(u32, bool)> = looks.iter().map(|&(g, m)| index.number(g, m)).collect();
        let want = [(0, true), (1, true), (0, false), (2, true), (1, false), (3, true), (4, true), (3, false), (2, false)];
        assert_eq!(got, want);
        assert_eq!(index.get(5, 7), Some(3));
        assert_eq!(index.get(9, 9), None);
    }
}
