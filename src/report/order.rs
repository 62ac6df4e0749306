//! Canonical message orders shared by the sections: integer keys sorted first, then the rare
//! runs of equal keys by text, so the order never depends on the order files were read in
//! and the sort runs on plain integers (a comparator reading the columns was the largest part
//! of several sections on million-message imports).

use crate::model::Messages;

/// `(high, time, low)` as one integer that sorts like the tuple (`high` before `time`).
pub(crate) fn pack(high: u64, time: i64, low: u32) -> u128 {
    (high as u128) << 96 | (biased(time) as u128) << 32 | low as u128
}

/// A time as an unsigned integer in the same order.
pub(crate) fn biased(time: i64) -> u64 {
    time as u64 ^ (1 << 63)
}

/// The message indices of `keyed` (`(key, index)`) in key order; messages with equal keys in
/// text order, then index order.
pub(crate) fn by_key_then_text(msgs: &Messages, mut keyed: Vec<(u128, u32)>) -> Vec<u32> {
    keyed.sort_unstable();
    // Stable: equal texts keep index order.
    sort_ties(&keyed, |&a, &b| msgs.text(a as usize).cmp(msgs.text(b as usize)))
}

/// The indices of `keyed` (`(key, index)`, sorted) with each run of equal keys sorted by
/// `tie` (stable), for the canonical orders.
pub(crate) fn sort_ties<K: PartialEq>(keyed: &[(K, u32)], mut tie: impl FnMut(&u32, &u32) -> std::cmp::Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = keyed.iter().map(|k| k.1).collect();
    let mut start = 0;
    while start < keyed.len() {
        let end = start + keyed[start..].iter().take_while(|k| k.0 == keyed[start].0).count();
        if end - start > 1 {
            order[start..end].sort_by(&mut tie);
        }
        start = end;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_keys_sort_like_their_tuples() {
        let tuples = [(0u64, -5i64, 9u32), (0, -5, 10), (0, 3, 0), (1, i64::MIN, 0), (1, i64::MAX, u32::MAX), (2, 0, 1)];
        let mut packed: Vec<u128> = tuples.iter().map(|&(h, t, l)| pack(h, t, l)).collect();
        let before = packed.clone();
        packed.sort_unstable();
        assert_eq!(packed, before, "already in tuple order");
    }
}
