//! The rule-independent first pass: every message classified once (question? answer? share?
//! duplicate? which conversation?) plus the passive events (being quoted, invites), sorted
//! into one canonical time order. The result is cached by the [`crate::Analyzer`], so editing
//! point values, cooldowns, caps, windows or the group filter only re-runs the tight loop in
//! [`super::score`]. Only the two structural settings (`conversation_gap_s`,
//! `answer_window_s`) are part of the cache key (local days are computed when scoring, in the
//! zone in force).

use std::collections::VecDeque;
use std::hash::BuildHasher;

use crate::report::membership_index::MembershipIndex;
use crate::report::order;

type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

use crate::model::{MemberId, MessageKind, Model, PersonRef, SYSTEM};
use crate::text::push_dedupe_key;

/// Event flags (bits of [`Event::flags`]).
pub mod flag {
    /// A message the member sent (cooldown applies); otherwise a passive event.
    pub const MSG: u16 = 1;
    /// A text message: the minimum meaningful length applies to it.
    pub const TEXT: u16 = 1 << 1;
    pub const QUESTION: u16 = 1 << 2;
    pub const ANSWER: u16 = 1 << 3;
    pub const SHARE: u16 = 1 << 4;
    pub const CHECKIN: u16 = 1 << 5;
    pub const STICKER: u16 = 1 << 6;
    pub const RED_PACKET: u16 = 1 << 7;
    /// The same text (dedupe key) was sent before in the group, or by the same member anywhere.
    pub const DUP: u16 = 1 << 8;
    /// Passive: the member's message was quoted by someone else.
    pub const REPLIED: u16 = 1 << 9;
    /// Passive: the member invited someone who joined.
    pub const INVITE: u16 = 1 << 10;
    /// Passive: someone the member invited spoke in the group after joining.
    pub const INVITE_ACTIVE: u16 = 1 << 11;
}

/// What the cache was computed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    pub messages: usize,
    pub memberships: usize,
    pub conversation_gap_s: i64,
    pub answer_window_s: i64,
}

/// Classified events in canonical order (time, then group id, then position in the group's
/// canonical order). One vector of events, not one column per field: the rows are sorted in
/// place and kept, so the classification of a 14-million-message export holds one copy.
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub events: Vec<Event>,
    /// Number of (group, member) slots ([`Event::slot`]).
    pub slots: usize,
    /// Report member id of every member (as the `members` section writes it).
    pub ids: Vec<String>,
}

impl Features {
    pub fn len(&self) -> usize {
        self.events.len()
    }
}

/// One classified event.
#[derive(Clone, Debug)]
pub struct Event {
    pub time: i64,
    pub group: u32,
    /// Position of the message in the canonical order (`u32::MAX` for invites): the tie-break
    /// of the final sort.
    seq: u32,
    /// The member who earns (the sender; the quoted member; the inviter).
    pub member: u32,
    /// Dense index of (group, member), for "once per conversation per group".
    pub slot: u32,
    /// Global conversation number (messages of a group with gaps below the gap setting).
    pub conv: u32,
    /// Meaningful length, saturated at 32,767.
    pub len: u16,
    pub flags: u16,
}

/// Classifies the model's messages and membership events (see the module docs).
pub fn classify(model: &Model, conversation_gap_s: i64, answer_window_s: i64) -> Features {
    let msgs = &model.messages;
    let ids = super::super::members::member_ids(model, &super::super::members::member_groups(model));
    let group_rank = ranks(model.groups.iter().map(super::super::group_id).collect());
    let member_rank = ranks(ids.clone());
    let rank_of = |s: MemberId| member_rank.get(s as usize).copied().unwrap_or(u32::MAX);
    // Canonical order: group id, time, member id, then text — never load order.
    let wanted = (0..msgs.len()).filter(|&i| msgs.sender[i] != SYSTEM && msgs.kind[i].is_member_activity()).map(|i| i as u32);
    let order = order::by_key_then_text(msgs, wanted, |i| {
        let i = i as usize;
        (group_rank.get(msgs.group[i] as usize).copied().unwrap_or(u32::MAX), msgs.time[i], rank_of(msgs.sender[i]))
    });
    let lookup = Lookup::new(model);
    let texts = text_traits(msgs, &order);
    let (meaningful_len, duplicate) = (|traits: u16| traits & !TEXT_DUP, |traits: u16| traits & TEXT_DUP != 0);
    // One event per message, one per quote (the quoted member's), up to two per join.
    let mut rows: Vec<Event> = Vec::with_capacity(order.len() + msgs.quotes.len() + 2 * model.memberships.len());
    // Questions of the group being scanned within the window, for quotes and @mentions:
    // (time, asker, message).
    let mut open: VecDeque<(i64, MemberId, usize)> = VecDeque::new();
    // Questions nobody else has followed yet: (time, asker). All share one asker (the first
    // message by anyone else takes them all), so this stays tiny.
    let mut unfollowed: Vec<(i64, MemberId)> = Vec::new();
    let (mut group, mut last_time, mut conv) = (u32::MAX, i64::MIN, 0u32);
    // (group, member) pairs, numbered densely, and each pair's first and last message time
    // (for the invite bonus): one hash lookup per message serves both.
    let mut pairs = Pairs::new(model.members.len());
    for (seq, &i) in order.iter().enumerate() {
        let i = i as usize;
        let (g, t, s, kind) = (msgs.group[i], msgs.time[i], msgs.sender[i], msgs.kind[i]);
        if g != group {
            group = g;
            conv += 1;
            open.clear();
            unfollowed.clear();
        } else if t - last_time >= conversation_gap_s {
            conv += 1;
        }
        last_time = t;
        let slot = pairs.slot(g, s);
        let span = pairs.spoke[slot as usize].get_or_insert((t, t)); // ok: slot() pushed it
        span.1 = t;
        let traits = texts.get(seq).copied().unwrap_or_default();
        let mut flags = flag::MSG;
        match kind {
            MessageKind::Text => flags |= flag::TEXT,
            MessageKind::File | MessageKind::Link | MessageKind::MiniProgram => flags |= flag::SHARE,
            MessageKind::Sticker => flags |= flag::STICKER,
            MessageKind::RedPacket => flags |= flag::RED_PACKET,
            _ => {}
        }
        if duplicate(traits) {
            flags |= flag::DUP;
        }
        if msgs.is_checkin(i) {
            flags |= flag::CHECKIN;
        }
        // Answers: a quote / @mention of an open question's asker, or the first message by
        // someone else after the question, within the window. Never the asker's own.
        while open.front().is_some_and(|q| t - q.0 > answer_window_s) {
            open.pop_front();
        }
        let quoted = msgs.quote(i);
        let quoted_member = quoted.and_then(|q| lookup.quoted(q));
        let mentions = msgs.mentions_in(i);
        unfollowed.retain(|q| t - q.0 <= answer_window_s);
        let mut answers = unfollowed.iter().any(|q| q.1 != s);
        if answers {
            unfollowed.retain(|q| q.1 == s);
        }
        if !answers && (quoted.is_some() || mentions.is_some()) {
            answers = open.iter().filter(|q| q.1 != s).any(|q| {
                quoted_member == Some(q.1)
                    || quoted.and_then(|x| x.text.as_deref()).is_some_and(|x| !x.is_empty() && msgs.text(q.2).starts_with(x))
                    || mentions.is_some_and(|ms| ms.iter().any(|n| lookup.names(model, q.1, n.trim_start_matches('@'))))
            });
        }
        if answers {
            flags |= flag::ANSWER;
        }
        if msgs.is_question(i) {
            flags |= flag::QUESTION;
            open.push_back((t, s, i));
            unfollowed.push((t, s));
        }
        rows.push(Event { time: t, group: g, seq: seq as u32, member: s, slot, conv, len: meaningful_len(traits), flags });
        if let Some(q) = quoted_member.filter(|&q| q != s) {
            let slot = pairs.slot(g, q);
            rows.push(Event { time: t, group: g, seq: seq as u32, member: q, slot, conv, len: 0, flags: flag::REPLIED });
        }
    }
    // What the sort in `finish` must not hold beside the events (at 14 million messages these
    // are hundreds of MB of the browser's memory budget).
    drop((order, texts, open, lookup));
    invites(model, &mut pairs, &mut rows);
    let mut f = finish(rows, &group_rank);
    f.slots = pairs.spoke.len();
    f.ids = ids;
    f
}

/// The bit of a [`text_traits`] value that says the text is a duplicate; the rest is the
/// meaningful length (saturated at 32,767: far above any length rule).
const TEXT_DUP: u16 = 1 << 15;

/// Per message of `order`: its meaningful length, and [`TEXT_DUP`] when its text (dedupe key)
/// was sent before in the group, or by the same member anywhere. A pass of its own, before
/// the events are made: the two sets of text hashes take up to ≈ 40 bytes a message when
/// every text differs, and the events 32, so the two never add up (a 12-million-message
/// export of long, distinct texts peaked 0.33 GB lower; two bytes a message in exchange).
fn text_traits(msgs: &crate::model::Messages, order: &[u32]) -> Vec<u16> {
    // Texts seen per group and per member, as one 64-bit hash of (group or member, text): half
    // the memory of a (u32, u64) pair, and a collision is as unlikely as one of the text hashes.
    let mut seen_in_group: HashSet<u64> = HashSet::default();
    let mut seen_by_member: HashSet<u64> = HashSet::default();
    let scoped = |owner: u32, text: u64| text ^ (owner as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // The dedupe key of the message at hand (one buffer for all).
    let mut key = String::new();
    order
        .iter()
        .map(|&i| {
            let i = i as usize;
            key.clear();
            let meaningful = push_dedupe_key(msgs.text(i), &mut key).min((TEXT_DUP - 1) as usize) as u16;
            let duplicate = !key.is_empty() && {
                let h = hash(&key);
                let in_group = !seen_in_group.insert(scoped(msgs.group[i], h));
                let by_member = !seen_by_member.insert(scoped(msgs.sender[i], h));
                in_group || by_member
            };
            if duplicate {
                meaningful | TEXT_DUP
            } else {
                meaningful
            }
        })
        .collect()
}

/// Invite events (join with an inviter other than the invitee; once per invitee and group)
/// and the bonus when the invitee spoke in the group after joining (at that first message,
/// or at the join when they had spoken before it too).
fn invites(model: &Model, pairs: &mut Pairs, rows: &mut Vec<Event>) {
    let mut counted: HashSet<(u32, MemberId)> = HashSet::default();
    for e in &model.memberships {
        let Some(actor) = e.actor else { continue };
        if e.kind != crate::model::MembershipKind::Join || actor == e.member || actor == SYSTEM || e.member == SYSTEM {
            continue;
        }
        if !counted.insert((e.group, e.member)) {
            continue;
        }
        let slot = pairs.slot(e.group, actor);
        let row = |time, flags| Event { time, group: e.group, seq: u32::MAX, member: actor, slot, conv: 0, len: 0, flags };
        rows.push(row(e.time, flag::INVITE));
        if let Some((first, last)) = pairs.spoken(e.group, e.member) {
            if last >= e.time {
                rows.push(row(first.max(e.time), flag::INVITE_ACTIVE));
            }
        }
    }
}

/// Sorts the events canonically: the features.
fn finish(mut rows: Vec<Event>, group_rank: &[u32]) -> Features {
    let rank = |g: u32| group_rank.get(g as usize).copied().unwrap_or(u32::MAX);
    // The room reserved for quote and invite events is not needed any more.
    rows.shrink_to_fit();
    // By time, group rank, message, then flags and member. Compared field by field, with the
    // group rank looked up only for events at the same second: a comparison nearly always
    // ends at the times (a packed 128-bit key cost twice as much in WebAssembly).
    let order = |a: &Event, b: &Event| {
        a.time.cmp(&b.time).then_with(|| (rank(a.group), a.seq, a.flags, a.member).cmp(&(rank(b.group), b.seq, b.flags, b.member)))
    };
    // Events in the same place of this order are equal in every field (slot follows from
    // group and member, conv and len from the message), so a stable and an unstable sort give
    // one order. The stable one merges the runs the rows come in (group order, each group in
    // time order) and is faster; but it takes half the events again as scratch, which a very
    // large load cannot spare in the browser's memory budget: that one sorts in place.
    if rows.len() > super::KEEP_MAX_EVENTS {
        rows.sort_unstable_by(order);
    } else {
        rows.sort_by(order);
    }
    Features { events: rows, ..Default::default() }
}

/// (group, member) pairs numbered in order of first use, with the pair's first and last
/// message time (`None`: the member never spoke in the group).
struct Pairs {
    index: MembershipIndex,
    spoke: Vec<Option<(i64, i64)>>,
}

impl Pairs {
    fn new(members: usize) -> Self {
        Pairs { index: MembershipIndex::new(members), spoke: Vec::new() }
    }

    fn slot(&mut self, group: u32, member: MemberId) -> u32 {
        let (slot, new) = self.index.number(group, member);
        if new {
            self.spoke.push(None);
        }
        slot
    }

    fn spoken(&self, group: u32, member: MemberId) -> Option<(i64, i64)> {
        self.index.get(group, member).and_then(|p| self.spoke.get(p as usize).copied().flatten())
    }
}

/// `ranks[i]` = position of `keys[i]` in sorted order.
fn ranks(keys: Vec<String>) -> Vec<u32> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut out = vec![0; keys.len()];
    for (r, i) in idx.into_iter().enumerate() {
        out[i] = r as u32;
    }
    out
}

/// A fixed-seed hash of a dedupe key (the sets hold hashes, not a million strings).
fn hash(s: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x9e37_79b9).hash_one(s)
}

/// Finds the member a quote names: by platform id, else by a display name (unique among members).
struct Lookup<'m> {
    by_id: std::collections::HashMap<&'m str, MemberId>,
    by_name: std::collections::HashMap<&'m str, Option<MemberId>>,
}

impl<'m> Lookup<'m> {
    fn new(model: &'m Model) -> Self {
        let mut by_id = std::collections::HashMap::new();
        let mut by_name: std::collections::HashMap<&str, Option<MemberId>> = std::collections::HashMap::new();
        for (m, member) in model.members.iter().enumerate() {
            if let Some(id) = member.platform_id.as_deref() {
                by_id.insert(id, m as MemberId);
            }
            for n in &member.names {
                by_name.entry(n.name.as_str()).and_modify(|e| if *e != Some(m as MemberId) { *e = None }).or_insert(Some(m as MemberId));
            }
        }
        Lookup { by_id, by_name }
    }

    fn quoted(&self, q: &crate::model::Quote) -> Option<MemberId> {
        match q.sender.as_ref()? {
            PersonRef::Id(id) => self.by_id.get(id.as_str()).copied().or_else(|| self.by_name.get(id.as_str()).copied().flatten()),
            PersonRef::Name(n) => self.by_name.get(n.as_str()).copied().flatten(),
            _ => None,
        }
    }

    /// Is `who` (an @mention) one of `member`'s names or its id?
    fn names(&self, model: &Model, member: MemberId, who: &str) -> bool {
        model.members.get(member as usize).is_some_and(|m| {
            m.platform_id.as_deref() == Some(who) || m.names.iter().any(|n| n.name == who)
        })
    }
}
