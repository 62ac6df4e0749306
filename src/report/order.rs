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

/// The message indices of `keyed` (`(key, index)` in index order, from [`pack`]ed keys; at
/// most one per message of `msgs`) in key order; messages with equal keys in text order, then
/// index order.
///
/// Exports are nearly always in time order already, so this avoids a full sort: a stable
/// counting sort by `high` (a group rank or id: a few hundred buckets), then each bucket is
/// sorted only if its times are not already in order, then only the runs sharing one
/// `(high, time)` (messages in the same second, rare) are ordered by `low` and text. Linear on
/// time-ordered input, whatever the number of groups interleaved in it.
pub(crate) fn by_key_then_text(msgs: &Messages, keyed: impl Iterator<Item = (u128, u32)>) -> Vec<u32> {
    // Sized once: a filtered iterator's `collect` grows by doubling, copying tens of MB.
    let mut all = Vec::with_capacity(msgs.len());
    all.extend(keyed);
    let keyed = all;
    let high = |k: u128| (k >> 96) as usize;
    let mut keyed = match keyed.iter().map(|k| high(k.0)).max() {
        Some(max) if max < keyed.len().max(1 << 16) => bucket_by_high(keyed, max + 1, high),
        _ => keyed,
    };
    let coarse = |k: u128| k >> 32;
    let mut start = 0;
    while start < keyed.len() {
        let h = high(keyed[start].0);
        let end = start + keyed[start..].iter().take_while(|k| high(k.0) == h).count();
        let bucket = &mut keyed[start..end];
        if bucket.windows(2).any(|w| coarse(w[1].0) < coarse(w[0].0)) {
            // Ties on the whole key stay in index order, which the text order below keeps.
            bucket.sort_unstable();
        }
        start = end;
    }
    // Stable: equal keys and texts keep index order.
    sort_runs(&mut keyed, |&a, &b| coarse(a) == coarse(b), |a, b| {
        a.0.cmp(&b.0).then_with(|| msgs.text(a.1 as usize).cmp(msgs.text(b.1 as usize)))
    });
    keyed.into_iter().map(|k| k.1).collect()
}

/// `keyed` stably reordered by `high(key)` (all below `buckets`).
fn bucket_by_high(keyed: Vec<(u128, u32)>, buckets: usize, high: impl Fn(u128) -> usize) -> Vec<(u128, u32)> {
    let mut starts = vec![0usize; buckets + 1];
    for k in &keyed {
        starts[high(k.0) + 1] += 1;
    }
    if starts.iter().filter(|&&n| n > 0).count() <= 1 {
        return keyed; // one group: nothing to move
    }
    for b in 1..=buckets {
        starts[b] += starts[b - 1];
    }
    let mut out = vec![(0u128, 0u32); keyed.len()];
    for k in keyed {
        let slot = &mut starts[high(k.0)];
        out[*slot] = k;
        *slot += 1;
    }
    out
}

/// Sorts (stably, by `cmp`) each run of adjacent entries whose keys are `same`.
pub(crate) fn sort_runs<K>(
    keyed: &mut [(K, u32)],
    same: impl Fn(&K, &K) -> bool,
    mut cmp: impl FnMut(&(K, u32), &(K, u32)) -> std::cmp::Ordering,
) {
    let mut start = 0;
    while start < keyed.len() {
        let end = start + 1 + keyed[start + 1..].iter().take_while(|k| same(&k.0, &keyed[start].0)).count();
        if end - start > 1 {
            keyed[start..end].sort_by(&mut cmp);
        }
        start = end;
    }
}

/// The indices of `keyed` (`(key, index)`, sorted) with each run of equal keys sorted by
/// `tie` (stable), for the canonical orders.
pub(crate) fn sort_ties<K: PartialEq>(mut keyed: Vec<(K, u32)>, mut tie: impl FnMut(&u32, &u32) -> std::cmp::Ordering) -> Vec<u32> {
    sort_runs(&mut keyed, |a, b| a == b, |a, b| tie(&a.1, &b.1));
    keyed.into_iter().map(|k| k.1).collect()
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

    /// The fast paths (buckets by group, already-sorted buckets, same-second runs) give the
    /// plain definition's order: key, then text, then index.
    #[test]
    fn canonical_order_matches_its_definition() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        for case in 0..60 {
            let n = 1 + next(400) as usize;
            let mut msgs = Messages::default();
            let groups = 1 + next(4);
            let mut keyed = Vec::new();
            let mut time = 0i64;
            for i in 0..n {
                // Half the cases in time order (the fast path), half shuffled; many ties.
                time = if case % 2 == 0 { time + next(3) as i64 } else { next(40) as i64 - 20 };
                msgs.text_span.push(msgs.text_arena.push(["a", "b", "", "ab"][next(4) as usize]));
                keyed.push((pack(next(groups), time, next(3) as u32), i as u32));
            }
            let mut expected = keyed.clone();
            expected.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| msgs.text(a.1 as usize).cmp(msgs.text(b.1 as usize))).then(a.1.cmp(&b.1)));
            let expected: Vec<u32> = expected.into_iter().map(|k| k.1).collect();
            assert_eq!(by_key_then_text(&msgs, keyed.into_iter()), expected, "case {case}");
        }
    }
}
