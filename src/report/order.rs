//! Canonical message orders shared by the sections: integer keys sorted first, then the rare
//! runs of equal keys by text, so the order never depends on the order files were read in
//! and the sort runs on plain integers (a comparator reading the columns was the largest part
//! of several sections on million-message imports).

use crate::model::{GroupId, MemberId, Messages, Model};

/// A message's place in a canonical order: `(high, time, low)`, compared as a tuple (`high`
/// is a group rank or id, `low` e.g. a member rank).
pub(crate) type Key = (u32, i64, u32);

/// `messages` (indices of `msgs`, in index order, each at most once) in the order of their
/// `key`; messages with equal keys in text order, then index order.
///
/// Exports are nearly always in time order already, so this avoids a full sort: a stable
/// counting sort by `high` (a few hundred buckets), then each bucket is sorted only if its
/// times are not already in order, then only the runs sharing one `(high, time)` (messages in
/// the same second, rare) are ordered by `low` and text. Linear on time-ordered input, whatever
/// the number of groups interleaved in it. It moves message indices only (8 bytes per message
/// at its peak, not the 64 of sorting packed keys): a 14-million-message export must fit in
/// the browser's memory budget with the model beside it.
pub(crate) fn by_key_then_text(msgs: &Messages, messages: impl Iterator<Item = u32>, key: impl Fn(u32) -> Key) -> Vec<u32> {
    // Sized once: a filtered iterator's `collect` grows by doubling, copying tens of MB.
    let mut order = Vec::with_capacity(msgs.len());
    order.extend(messages);
    let high = |i: u32| key(i).0;
    let max = order.iter().map(|&i| high(i)).max().unwrap_or(0) as usize;
    if max < order.len().max(1 << 16) {
        order = bucket_by_high(order, max + 1, |i| high(i) as usize);
    } else {
        order.sort_by_key(|&i| high(i));
    }
    let mut start = 0;
    while start < order.len() {
        let h = high(order[start]);
        let end = start + order[start..].iter().take_while(|&&i| high(i) == h).count();
        let bucket = &mut order[start..end];
        if bucket.windows(2).any(|w| key(w[1]).1 < key(w[0]).1) {
            // Stable: equal times keep index order, which the runs' sort below keeps.
            bucket.sort_by_key(|&i| key(i).1);
        }
        start = end;
    }
    let coarse = |i: u32| {
        let (high, time, _) = key(i);
        (high, time)
    };
    // Stable: equal `low` and text keep index order.
    sort_runs(&mut order, |&a, &b| coarse(a) == coarse(b), |&a, &b| {
        key(a).2.cmp(&key(b).2).then_with(|| msgs.text(a as usize).cmp(msgs.text(b as usize)))
    });
    order
}

/// `order` stably reordered by `high(index)` (all below `buckets`).
fn bucket_by_high(order: Vec<u32>, buckets: usize, high: impl Fn(u32) -> usize) -> Vec<u32> {
    let mut starts = vec![0usize; buckets + 1];
    for &i in &order {
        starts[high(i) + 1] += 1;
    }
    if starts.iter().filter(|&&n| n > 0).count() <= 1 {
        return order; // one group: nothing to move
    }
    for b in 1..=buckets {
        starts[b] += starts[b - 1];
    }
    let mut out = vec![0u32; order.len()];
    for i in order {
        let slot = &mut starts[high(i)];
        out[*slot] = i;
        *slot += 1;
    }
    out
}

/// `ranks[i]`: the place of `keys[i]` among the distinct keys in order (equal keys, equal
/// ranks). Sorting by these ranks gives the order sorting by the keys gives, with an integer
/// comparison instead of a string one: sorting 85,000 members' memberships by group id
/// compared strings millions of times.
pub(crate) fn dense_ranks<T: Ord>(keys: &[T]) -> Vec<u32> {
    let mut by_key: Vec<u32> = (0..keys.len() as u32).collect();
    by_key.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
    let mut ranks = vec![0u32; keys.len()];
    let mut rank = 0u32;
    for (k, pair) in by_key.iter().enumerate() {
        if k > 0 && keys[by_key[k - 1] as usize] != keys[*pair as usize] {
            rank += 1;
        }
        ranks[*pair as usize] = rank;
    }
    ranks
}

/// Sorts (stably, by `cmp`) each run of adjacent entries that are `same`.
pub(crate) fn sort_runs<T>(entries: &mut [T], same: impl Fn(&T, &T) -> bool, mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering) {
    let mut start = 0;
    while start < entries.len() {
        let end = start + 1 + entries[start + 1..].iter().take_while(|e| same(e, &entries[start])).count();
        if end - start > 1 {
            entries[start..end].sort_by(&mut cmp);
        }
        start = end;
    }
}

/// Message indices in time order. Messages at the same second are ordered by content (group
/// key, sender, kind, text), never by load order, so the report is the same whatever order
/// the files were read in. Already-sorted data (the usual case) sorts in linear time.
/// Computed once per report and shared by the sections that walk messages in time order.
pub fn time_order(model: &Model) -> Vec<u32> {
    let m = &model.messages;
    let member_key = |id: MemberId| {
        model.members.get(id as usize).map(|x| (x.platform_id.as_deref(), x.names.iter().map(|n| n.name.as_str()).min()))
    };
    let group_key = |g: GroupId| model.groups.get(g as usize).map(|x| (x.platform, x.key.as_str()));
    let tie = |&a: &u32, &b: &u32| {
        let (a, b) = (a as usize, b as usize);
        group_key(m.group[a])
            .cmp(&group_key(m.group[b]))
            .then_with(|| member_key(m.sender[a]).cmp(&member_key(m.sender[b])))
            .then_with(|| (m.kind[a] as u8).cmp(&(m.kind[b] as u8)))
            .then_with(|| m.text(a).cmp(m.text(b)))
    };
    if m.time.is_sorted() {
        // The usual case: load order is time order but for same-second runs, ordered by
        // content in place (no keyed copy: this runs on the report's path for every load).
        let mut order: Vec<u32> = (0..m.time.len() as u32).collect();
        sort_runs(&mut order, |&a, &b| m.time[a as usize] == m.time[b as usize], tie);
        return order;
    }
    let mut keyed: Vec<(i64, u32)> = m.time.iter().enumerate().map(|(i, &t)| (t, i as u32)).collect();
    keyed.sort_unstable();
    // Same-second runs (rare) are ordered by content.
    sort_ties(keyed, tie)
}

/// The indices of `keyed` (`(key, index)`, sorted) with each run of equal keys sorted by
/// `tie` (stable), for the canonical orders.
pub(crate) fn sort_ties<K: PartialEq>(mut keyed: Vec<(K, u32)>, mut tie: impl FnMut(&u32, &u32) -> std::cmp::Ordering) -> Vec<u32> {
    sort_runs(&mut keyed, |a, b| a.0 == b.0, |a, b| tie(&a.1, &b.1));
    keyed.into_iter().map(|k| k.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal keys share a rank; ranks are dense and follow the keys' order.
    #[test]
    fn dense_ranks_follow_the_keys() {
        assert_eq!(dense_ranks(&["wechat:b", "wechat:a", "wechat:b", "qq:c", "wechat:a"]), vec![2, 1, 2, 0, 1]);
        assert_eq!(dense_ranks::<String>(&[]), Vec::<u32>::new());
    }

    /// Time order is the same whether the messages were loaded in time order (the in-place
    /// path) or shuffled: by time, then same-second messages by group, sender, kind and text.
    #[test]
    fn time_order_is_by_time_then_content_whatever_the_load_order() {
        use crate::model::{MessageKind, ModelBuilder, NewMessage, PersonRef, Platform};
        // (time, group, sender, text), in time order with same-second runs.
        let rows = [(5, "g1", "b", "x"), (5, "g1", "a", "y"), (5, "g0", "c", "z"), (7, "g1", "a", "b"), (7, "g1", "a", "a"), (9, "g0", "a", "q")];
        let want: Vec<(i64, &str)> = vec![(5, "z"), (5, "y"), (5, "x"), (7, "a"), (7, "b"), (9, "q")];
        for load in [vec![0, 1, 2, 3, 4, 5], vec![5, 3, 0, 4, 2, 1]] {
            let mut b = ModelBuilder::new();
            let g0 = b.group(Platform::WeChat, "g0", None);
            let g1 = b.group(Platform::WeChat, "g1", None);
            for &k in &load {
                let (time, group, who, text) = rows[k];
                b.message(NewMessage {
                    time: 1_700_000_000 + time,
                    group: if group == "g0" { g0 } else { g1 },
                    sender: &PersonRef::Id(who.to_string()),
                    sender_name: None,
                    kind: MessageKind::Text,
                    text,
                    quote: None,
                    mentions: Vec::new(),
                });
            }
            let model = b.finish();
            let got: Vec<(i64, &str)> = time_order(&model).iter().map(|&i| (model.messages.time[i as usize] - 1_700_000_000, model.messages.text(i as usize))).collect();
            assert_eq!(got, want, "load order {load:?}");
        }
    }

    /// The fast paths (buckets by group, already-sorted buckets, same-second runs) give the
    /// plain definition's order: key, then text, then index.
    #[test]
    fn canonical_order_matches_its_definition() {
        let mut rng = crate::xorshift::Xorshift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: u64| rng.below(n);
        for case in 0..60 {
            let n = 1 + next(400) as usize;
            let mut msgs = Messages::default();
            let groups = 1 + next(4);
            let mut keys: Vec<Key> = Vec::new();
            let mut time = 0i64;
            for _ in 0..n {
                // Half the cases in time order (the fast path), half shuffled; many ties.
                time = if case % 2 == 0 { time + next(3) as i64 } else { next(40) as i64 - 20 };
                msgs.text_span.push(msgs.text_arena.push(["a", "b", "", "ab"][next(4) as usize]));
                keys.push((next(groups) as u32, time, next(3) as u32));
            }
            let mut expected: Vec<u32> = (0..n as u32).collect();
            expected.sort_by(|&a, &b| {
                let text = |i: u32| msgs.text(i as usize);
                keys[a as usize].cmp(&keys[b as usize]).then_with(|| text(a).cmp(text(b))).then(a.cmp(&b))
            });
            assert_eq!(by_key_then_text(&msgs, 0..n as u32, |i| keys[i as usize]), expected, "case {case}");
        }
    }
}
