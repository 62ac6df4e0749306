//! Partial models: what one worker read, handed to another and merged exactly.
//!
//! A page with several workers parses files in parallel, each into its own [`ModelBuilder`];
//! the coordinator [`absorb`](ModelBuilder::absorb)s the others' [`Partial`]s. A partial is
//! *unresolved* (name-only references are still names), so the merged builder resolves
//! everything once, over all files — the same model as one builder reading every file, and
//! (reports being independent of load order) the same report byte for byte.

use serde::{Deserialize, Serialize};

use super::{
    dedup,
    Group, GroupId, Member, MemberId, Membership, MembershipEvent, Messages, ModelBuilder, PersonRef,
    Platform, PENDING, SYSTEM,
};

/// The columns of a hand-over, read a range of rows at a time ([`super::wire::open_with`]).
pub(crate) type RowSource = super::wire::RowReader<HandOverCopy>;

/// How a hand-over's bytes are copied out (`copy(offset, out)`): natively from bytes that a
/// piece may carry to another thread; in WebAssembly from a JS array, which stays on its own.
#[cfg(not(target_arch = "wasm32"))]
pub type HandOverCopy = Box<dyn FnMut(usize, &mut [u8]) + Send>;
/// How a hand-over's bytes are copied out (`copy(offset, out)`), from a JS array.
#[cfg(target_arch = "wasm32")]
pub type HandOverCopy = Box<dyn FnMut(usize, &mut [u8])>;

/// Rows read at a time from a [`RowSource`]: the scratch a piece's columns need while merged
/// (a thousand in this crate's tests, so that their pieces take several ranges).
const ROWS_AT_A_TIME: usize = if cfg!(test) { 1_000 } else { 1 << 18 };

/// A builder's content in a transferable form (`Analyzer::take_partial` hands it over: this
/// through serde, its messages as their own byte runs, see [`super::wire`]).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Partial {
    groups: Vec<Group>,
    members: Vec<Member>,
    /// Anonymous exporting accounts: `(platform, member)`.
    anonymous_selves: Vec<(Platform, MemberId)>,
    /// Name-only members: `(group, name, member)`.
    by_name: Vec<(GroupId, String, MemberId)>,
    /// `(group, name, first use, member)` for resolving name-only references.
    names_in_group: Vec<(GroupId, String, i64, MemberId)>,
    /// Taken out for a hand-over ([`Partial::take_messages`]) and sent beside the rest.
    #[serde(skip)]
    messages: Messages,
    /// A piece taken back from a hand-over keeps its columns there until they are merged, a
    /// range of rows at a time ([`Partial::put_rows`]); `messages` then holds the rest.
    #[serde(skip)]
    rows: Option<RowSource>,
    /// Unresolved name-only senders `(group, name, first, last)`; messages hold `PENDING | i`.
    pending_names: Vec<(GroupId, String, i64, i64)>,
    events: Vec<MembershipEvent>,
    listed: Vec<(GroupId, PersonRef, Option<String>, i64)>,
    memberships: Vec<Membership>,
    resolved_listed: Vec<(GroupId, MemberId)>,
    /// Per group: messages offered, repeats of overlapping exports included.
    offered: Vec<u64>,
    /// CRM / roster / SDR rows (they reference people by value, not by member id).
    business: super::Business,
    /// Group renames in reading order (applied only when the partial is a piece of the file
    /// being read: [`ModelBuilder::absorb_piece`]).
    renames: Vec<(GroupId, String)>,
}

impl ModelBuilder {
    /// Everything read so far, unresolved, for another builder to [`absorb`](Self::absorb).
    /// Ends the current file first.
    pub fn into_partial(mut self) -> Partial {
        self.end_file();
        let by_name = self
            .members
            .by_name
            .iter()
            .enumerate()
            .flat_map(|(g, names)| names.iter().map(move |(n, &id)| (g as GroupId, n.clone(), id)))
            .collect();
        let names_in_group = self
            .names_in_group
            .iter()
            .enumerate()
            .flat_map(|(g, names)| names.iter().map(move |(n, &(t, id))| (g as GroupId, n.clone(), t, id)))
            .collect();
        Partial {
            anonymous_selves: self.members.self_account.iter().map(|(&p, &id)| (p, id)).collect(),
            by_name,
            names_in_group,
            pending_names: std::mem::take(&mut self.pending_names.names),
            events: std::mem::take(&mut self.pending_events),
            listed: std::mem::take(&mut self.pending_listed),
            groups: std::mem::take(&mut self.model.groups),
            members: std::mem::take(&mut self.model.members),
            messages: std::mem::take(&mut self.model.messages),
            rows: None,
            memberships: std::mem::take(&mut self.model.memberships),
            resolved_listed: std::mem::take(&mut self.model.listed),
            offered: std::mem::take(&mut self.model.offered),
            business: std::mem::take(&mut self.model.business),
            renames: std::mem::take(&mut self.renames),
        }
    }

    /// Merges a partial read elsewhere: groups by `(platform, key)`, people by platform id,
    /// name-only people by `(group, name)`; messages and events are appended with their ids
    /// renumbered. Name-only references stay pending until [`ModelBuilder::model`].
    pub fn absorb(&mut self, mut p: Partial) -> Result<(), String> {
        p.load_rows()?;
        p.check()?;
        self.end_file();
        self.merge(p);
        Ok(())
    }

    /// Merges the partial of the next piece of the file being read (read elsewhere from a
    /// record boundary, see `ingest::pieces`) as if this builder had read on: its messages
    /// continue the file (a repeat within the file stays; repeats of earlier files are dropped
    /// by the same rule as when reading), and its group renames apply in order. The file stays
    /// open.
    pub fn absorb_piece(&mut self, mut p: Partial) -> Result<(), String> {
        p.check()?;
        let rows = p.rows.take();
        self.merge_piece(p, rows);
        Ok(())
    }

    /// Merges the partial of other files (see [`ModelBuilder::absorb`]).
    fn merge(&mut self, mut p: Partial) {
        let remap = self.remap(&p);
        let (group, sender) = (|g| remap.group(g), |s| remap.sender(s));
        let keep = self.keep_absorbed(&p, &group);
        let mut m = std::mem::take(&mut p.messages);
        let out = &mut self.model.messages;
        let kept = keep.iter().filter(|&&k| k).count();
        let (all_kept, count, base) = (kept == m.len(), m.len(), out.len() as u32);

        // Old index -> new index for the messages kept, unless all are (then it is `base + i`).
        let mut index: Vec<Option<u32>> = Vec::new();
        if !all_kept {
            index = vec![None; m.len()];
            for (new, i) in (0..m.len()).filter(|&i| keep[i]).enumerate() {
                index[i] = Some(base + new as u32);
            }
        }
        append_columns(out, &m, &keep, &group, &sender);
        out.text_span.reserve(kept);
        // Then its texts: the blocks move in whole, and the spans shift.
        let appended = if all_kept { out.text_arena.append(&mut m.text_arena) } else { None };
        match appended {
            Some(offset) => out.text_span.extend(m.text_span.iter().map(|&(start, len)| if len == 0 { (0, 0) } else { (start + offset, len) })),
            None => {
                for i in (0..m.len()).filter(|&i| keep[i]) {
                    let moved = out.text_arena.push(m.text(i));
                    out.text_span.push(moved);
                }
            }
        }
        let moved = |i: u32| match all_kept {
            true => ((i as usize) < count).then(|| base + i),
            false => index.get(i as usize).copied().flatten(),
        };
        out.quotes.extend(m.quotes.into_iter().filter_map(|(i, q)| Some((moved(i)?, q))));
        out.mentions.extend(m.mentions.into_iter().filter_map(|(i, v)| Some((moved(i)?, v))));
        self.merge_rest(p, &remap, false);
    }

    /// Merges the partial of a piece of the file being read (see
    /// [`ModelBuilder::absorb_piece`]). A piece taken back from a hand-over has its columns
    /// still there (`rows`): they are read a range of rows at a time, so that they never sit
    /// whole beside the model (of a 2 GB file's second half, 190 MB of wasm memory); a piece
    /// read in this process is one range.
    fn merge_piece(&mut self, mut p: Partial, mut rows: Option<RowSource>) {
        let remap = self.remap(&p);
        let (group, sender) = (|g| remap.group(g), |s| remap.sender(s));
        let mut piece = std::mem::take(&mut p.messages);
        let n = rows.as_ref().map_or(piece.len(), |r| r.len());
        let base = self.model.messages.len();
        // Rows repeated from earlier files are dropped (rare): their piece indices, ascending.
        let mut dropped: Vec<u32> = Vec::new();
        for start in (0..n).step_by(ROWS_AT_A_TIME) {
            let mut chunk = match rows.as_mut() {
                // Checked whole by `Partial::check` before anything was merged.
                Some(rows) => match rows.rows(start..start + ROWS_AT_A_TIME) {
                    Ok(chunk) => chunk,
                    Err(_) => break,
                },
                None if start == 0 => Messages {
                    time: std::mem::take(&mut piece.time),
                    group: std::mem::take(&mut piece.group),
                    sender: std::mem::take(&mut piece.sender),
                    kind: std::mem::take(&mut piece.kind),
                    flags: std::mem::take(&mut piece.flags),
                    text_span: std::mem::take(&mut piece.text_span),
                    ..Default::default()
                },
                None => break,
            };
            chunk.text_arena = std::mem::take(&mut piece.text_arena);
            let keep = self.keep_continued(&chunk, &group, &sender);
            let out = &mut self.model.messages;
            append_columns(out, &chunk, &keep, &group, &sender);
            out.text_span.extend(chunk.text_span.iter().zip(&keep).filter(|&(_, &k)| k).map(|(&span, _)| span));
            dropped.extend(keep.iter().enumerate().filter(|(_, &k)| !k).map(|(i, _)| (start + i) as u32));
            piece.text_arena = chunk.text_arena;
        }
        let out = &mut self.model.messages;
        // The spans appended are the piece's own: its blocks move in whole when every row was
        // kept, else the texts kept are copied (as `merge` does).
        let appended = if dropped.is_empty() { out.text_arena.append(&mut piece.text_arena) } else { None };
        for span in &mut out.text_span[base..] {
            *span = match appended {
                Some(offset) => if span.1 == 0 { (0, 0) } else { (span.0 + offset, span.1) },
                None => out.text_arena.push(piece.text_arena.get(*span)),
            };
        }
        let kept_before = |i: u32| dropped.partition_point(|&d| d < i) as u32;
        let moved = |i: u32| ((i as usize) < n && dropped.binary_search(&i).is_err()).then(|| (base as u32) + i - kept_before(i));
        out.quotes.extend(std::mem::take(&mut piece.quotes).into_iter().filter_map(|(i, q)| Some((moved(i)?, q))));
        out.mentions.extend(std::mem::take(&mut piece.mentions).into_iter().filter_map(|(i, v)| Some((moved(i)?, v))));
        self.merge_rest(p, &remap, true);
    }

    /// Merges everything of a partial but its messages (see [`ModelBuilder::merge`]).
    fn merge_rest(&mut self, p: Partial, remap: &Remap, same_file: bool) {
        let (group, member) = (|g| remap.group(g), |id| remap.member(id));
        for (g, &n) in p.offered.iter().enumerate() {
            let target = group(g as GroupId) as usize;
            if self.model.offered.len() <= target {
                self.model.offered.resize(target + 1, 0);
            }
            self.model.offered[target] += n;
        }

        self.pending_events.extend(p.events.into_iter().map(|mut e| {
            e.group = group(e.group);
            e
        }));
        self.pending_listed.extend(p.listed.into_iter().map(|(g, person, name, time)| (group(g), person, name, time)));
        self.model.memberships.extend(p.memberships.into_iter().map(|mut e| {
            e.group = group(e.group);
            e.member = member(e.member);
            e.actor = e.actor.map(member);
            e
        }));
        self.model.listed.extend(p.resolved_listed.into_iter().map(|(g, id)| (group(g), member(id))));
        self.model.business.extend(p.business);
        if same_file {
            for (g, name) in p.renames {
                self.rename_group(group(g), &name);
            }
        }
    }
}

/// Appends the time, group, sender, kind and flags of the rows of `from` that `keep` marks to
/// `out`, ids mapped (texts are the caller's). When every row is kept (a file or piece no
/// earlier file overlaps: nearly always) the columns go at once rather than row by row.
fn append_columns(out: &mut Messages, from: &Messages, keep: &[bool], group: &impl Fn(GroupId) -> GroupId, sender: &impl Fn(MemberId) -> MemberId) {
    if keep.iter().all(|&k| k) {
        out.time.extend_from_slice(&from.time);
        out.group.extend(from.group.iter().map(|&g| group(g)));
        out.sender.extend(from.sender.iter().map(|&s| sender(s)));
        out.kind.extend_from_slice(&from.kind);
        out.flags.extend_from_slice(&from.flags);
        return;
    }
    let kept = keep.iter().filter(|&&k| k).count();
    out.time.reserve(kept);
    out.group.reserve(kept);
    out.sender.reserve(kept);
    out.kind.reserve(kept);
    out.flags.reserve(kept);
    for i in (0..from.len()).filter(|&i| keep[i]) {
        out.time.push(from.time[i]);
        out.group.push(group(from.group[i]));
        out.sender.push(sender(from.sender[i]));
        out.kind.push(from.kind[i]);
        out.flags.push(from.flags[i]);
    }
}

/// A partial's group and member ids in the builder that absorbs it.
struct Remap {
    groups: Vec<GroupId>,
    members: Vec<MemberId>,
    /// Pending name-only senders' markers.
    pending: Vec<u32>,
}

impl Remap {
    fn group(&self, g: GroupId) -> GroupId {
        self.groups.get(g as usize).copied().unwrap_or(g)
    }

    fn member(&self, id: MemberId) -> MemberId {
        self.members.get(id as usize).copied().unwrap_or(id)
    }

    fn sender(&self, s: MemberId) -> MemberId {
        match s {
            SYSTEM => SYSTEM,
            s if s & PENDING != 0 => self.pending.get((s & !PENDING) as usize).copied().unwrap_or(SYSTEM),
            s => self.member(s),
        }
    }
}

impl ModelBuilder {
    /// Interns a partial's groups, members and pending names here (names noted and offered
    /// as if read here) and returns where its ids went.
    fn remap(&mut self, p: &Partial) -> Remap {
        let groups: Vec<GroupId> = p.groups.iter().map(|g| self.group(g.platform, &g.key, Some(&g.name))).collect();
        let group = |g: GroupId| groups.get(g as usize).copied().unwrap_or(g);
        let mut members: Vec<MemberId> = vec![SYSTEM; p.members.len()];
        for &(platform, id) in &p.anonymous_selves {
            if let Some(slot) = members.get_mut(id as usize) {
                *slot = self.anonymous_self(platform);
            }
        }
        for (g, name, id) in &p.by_name {
            if let Some(slot) = members.get_mut(*id as usize) {
                *slot = self.member_for(group(*g), &PersonRef::Name(name.clone()), None, 0);
            }
        }
        for (i, m) in p.members.iter().enumerate() {
            if members[i] == SYSTEM {
                members[i] = match &m.platform_id {
                    Some(pid) => self.id_member(m.platform, pid),
                    // A member neither id-keyed, anonymous self nor listed by name cannot
                    // exist; keep it rather than lose its messages.
                    None => self.new_member(m.platform, None, m.is_self),
                };
            }
            let target = members[i];
            self.model.members[target as usize].is_self |= m.is_self;
            for n in &m.names {
                self.note_name(target, &n.name, n.first_seen);
                self.note_name(target, &n.name, n.last_seen);
            }
        }
        let member = |id: MemberId| members.get(id as usize).copied().unwrap_or(id);
        for (g, name, time, id) in &p.names_in_group {
            self.offer_name(group(*g), name, *time, member(*id));
        }

        // Pending name-only senders: re-interned here, so equal names merge across partials.
        let offset = self.model.messages.len();
        let pending: Vec<u32> = p
            .pending_names
            .iter()
            .map(|(g, name, first, last)| {
                let marker = self.pending_names.intern(group(*g), name, *first, offset);
                self.pending_names.intern(group(*g), name, *last, offset);
                marker
            })
            .collect();
        Remap { groups, members, pending }
    }
}

impl ModelBuilder {
    /// Which of a partial's messages to keep: in groups this builder already has messages
    /// for, repeats of overlapping exports are dropped by the same rule as between files.
    fn keep_absorbed(&self, p: &Partial, group: &impl Fn(GroupId) -> GroupId) -> Vec<bool> {
        let m = &p.messages;
        let mut keep = vec![true; m.len()];
        let mut by_group: std::collections::BTreeMap<GroupId, Vec<usize>> = Default::default();
        for i in 0..m.len() {
            by_group.entry(m.group[i]).or_default().push(i);
        }
        let mine = &self.model.messages;
        for (g, rows) in by_group {
            let target = group(g);
            if !mine.group.contains(&target) {
                continue;
            }
            let existing = dedup::keys_of_group(mine, &self.model.members, &self.pending_names.names, target);
            let incoming: Vec<u64> = rows
                .iter()
                .map(|&i| {
                    let sender = dedup::stored_sender(&p.members, &p.pending_names, m.sender[i]);
                    dedup::key(m.time[i], m.kind[i], sender, m.text(i))
                })
                .collect();
            for (&i, k) in rows.iter().zip(dedup::keep_mask(&existing, &incoming)) {
                keep[i] = k;
            }
        }
        keep
    }
}

impl ModelBuilder {
    /// Which of a piece's messages to keep: each goes through the current file's duplicate
    /// check in order, exactly as if this builder had read it. `sender` maps the piece's
    /// sender ids to this builder's.
    fn keep_continued(&mut self, m: &Messages, group: &impl Fn(GroupId) -> GroupId, sender: &impl Fn(MemberId) -> MemberId) -> Vec<bool> {
        (0..m.len())
            .map(|i| {
                let g = group(m.group[i]);
                let s = sender(m.sender[i]);
                let (messages, members, pending) = (&self.model.messages, &self.model.members, &self.pending_names.names);
                let key = || dedup::key(m.time[i], m.kind[i], dedup::stored_sender(members, pending, s), m.text(i));
                self.dedup.keep(g, key, || dedup::keys_of_group(messages, members, pending, g))
            })
            .collect()
    }
}

impl Partial {
    /// Messages in the partial.
    pub fn message_count(&self) -> usize {
        self.rows.as_ref().map_or(self.messages.len(), |rows| rows.len())
    }

    /// Members in the partial.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// What the partial holds, as the caps of config `limits` weigh it (a piece from a
    /// hand-over has its texts in `messages` too).
    pub fn loaded(&self) -> crate::config::Loaded {
        crate::config::Loaded {
            file_bytes: 0,
            messages: self.message_count(),
            members: self.member_count(),
            text_bytes: self.messages.text_arena.len(),
            ..Default::default()
        }
    }

    /// Its messages, taken out: a hand-over sends them as their own byte runs
    /// ([`super::wire::runs_with`]) beside the rest.
    pub(crate) fn take_messages(&mut self) -> Messages {
        std::mem::take(&mut self.messages)
    }

    /// Puts back the messages of a hand-over read back.
    pub(crate) fn put_messages(&mut self, messages: Messages) {
        self.messages = messages;
    }

    /// Puts back the messages of a hand-over opened for reading its rows in ranges: its
    /// texts, quotes and mentions, and where its columns are.
    pub(crate) fn put_rows(&mut self, messages: Messages, rows: RowSource) {
        self.messages = messages;
        self.rows = Some(rows);
    }

    /// Reads the columns still in a hand-over whole (a partial merged other than as a piece).
    fn load_rows(&mut self) -> Result<(), String> {
        if let Some(mut rows) = self.rows.take() {
            let all = rows.rows(0..rows.len())?;
            let m = &mut self.messages;
            (m.time, m.group, m.sender, m.kind, m.flags, m.text_span) = (all.time, all.group, all.sender, all.kind, all.flags, all.text_span);
        }
        Ok(())
    }

    /// Every index in range and every column the same length, so a damaged or foreign
    /// partial is refused whole instead of corrupting the model.
    fn check(&mut self) -> Result<(), String> {
        let bad = |what: &str| Err(format!("partial model: {what}"));
        let n = self.message_count();
        match self.rows.take() {
            None => self.check_rows(&self.messages)?,
            // Read once here, a range at a time, before anything is merged.
            Some(mut rows) => {
                for start in (0..n).step_by(ROWS_AT_A_TIME) {
                    let mut chunk = rows.rows(start..start + ROWS_AT_A_TIME)?;
                    chunk.text_arena = std::mem::take(&mut self.messages.text_arena);
                    let checked = self.check_rows(&chunk);
                    self.messages.text_arena = chunk.text_arena;
                    checked?;
                }
                self.rows = Some(rows);
            }
        }
        let m = &self.messages;
        let groups = self.groups.len() as u32;
        let members = self.members.len() as u32;
        if m.quotes.keys().chain(m.mentions.keys()).any(|&i| i as usize >= n) {
            return bad("a quote or mention belongs to no message");
        }
        let group_ok = |g: GroupId| g < groups;
        let member_ok = |id: MemberId| id < members;
        let ok = self.anonymous_selves.iter().all(|&(_, id)| member_ok(id))
            && self.by_name.iter().all(|(g, _, id)| group_ok(*g) && member_ok(*id))
            && self.names_in_group.iter().all(|(g, _, _, id)| group_ok(*g) && member_ok(*id))
            && self.pending_names.iter().all(|(g, ..)| group_ok(*g))
            && self.events.iter().all(|e| group_ok(e.group))
            && self.listed.iter().all(|(g, ..)| group_ok(*g))
            && self.memberships.iter().all(|e| group_ok(e.group) && member_ok(e.member) && e.actor.is_none_or(member_ok))
            && self.resolved_listed.iter().all(|&(g, id)| group_ok(g) && member_ok(id))
            && self.renames.iter().all(|(g, _)| group_ok(*g));
        if ok { Ok(()) } else { bad("a group or member reference is out of range") }
    }

    /// Every column of `m` the same length and every group, sender and text span in range.
    fn check_rows(&self, m: &Messages) -> Result<(), String> {
        let n = m.time.len();
        let bad = |what: &str| Err(format!("partial model: {what}"));
        if [m.group.len(), m.sender.len(), m.kind.len(), m.flags.len(), m.text_span.len()].iter().any(|&l| l != n) {
            return bad("message columns differ in length");
        }
        let groups = self.groups.len() as u32;
        let members = self.members.len() as u32;
        let pending = self.pending_names.len() as u32;
        if m.group.iter().any(|&g| g >= groups) {
            return bad("a message names a group that is not there");
        }
        let sender_ok = |s: MemberId| s == SYSTEM || if s & PENDING != 0 { s & !PENDING < pending } else { s < members };
        if !m.sender.iter().all(|&s| sender_ok(s)) {
            return bad("a message names a sender that is not there");
        }
        if !m.text_span.iter().all(|&span| m.text_arena.contains(span)) {
            return bad("a message text is outside the text arena");
        }
        Ok(())
    }
}



#[cfg(test)]
mod tests {
    use crate::{Analyzer, Config, PieceOutcome, PieceReader};

    /// The first record start at or after `at`: a line of the benchmark chat (`<id>,217,`).
    fn record_start(csv: &[u8], at: usize) -> usize {
        (at..csv.len())
            .find(|&i| csv[i - 1] == b'\n' && csv[i..].iter().position(|&b| !b.is_ascii_digit()).is_some_and(|d| d > 0 && csv[i + d..].starts_with(b",217,")))
            .expect("a record starts after the offset")
    }

    #[test]
    fn a_piece_merged_a_range_of_rows_at_a_time_gives_the_one_reader_report() {
        let mut csv = Vec::new();
        crate::sample::write_benchmark_csv(&crate::sample::SampleSpec::benchmark(12_000), &mut csv);
        // Mentions (kept beside the columns by message index, renumbered when rows are dropped).
        let csv = String::from_utf8(csv).unwrap().replace("这个价格包含实施吗", "@老黄\u{2005}这个价格包含实施吗").into_bytes();
        let size = csv.len();
        // An earlier export of part of the same chat (in another folder), loaded first: the
        // piece repeats its rows, which are dropped from it (so texts are copied and quotes
        // renumbered).
        let header = &csv[..record_start(&csv, 1)];
        let (from, to) = (record_start(&csv, size * 6 / 10), record_start(&csv, size * 3 / 4));
        let earlier = [header, &csv[from..to]].concat();

        let mut one = Analyzer::new(Config::default()).unwrap();
        one.add_file("2023/chat.csv", &earlier);
        one.add_file("chat.csv", &csv);
        let whole = one.report().to_json();

        let mut lead = Analyzer::new(Config::default()).unwrap();
        lead.add_file("2023/chat.csv", &earlier);
        lead.begin_file("chat.csv");
        let cut = size as u64 / 3;
        let mut continuation = None;
        for chunk in csv.chunks(64 * 1024) {
            if !lead.wants_more() {
                break;
            }
            lead.push(chunk);
            continuation = continuation.or_else(|| lead.continuation(cut));
        }
        let mut piece = PieceReader::new(&continuation.expect("the chat can be continued"), "Asia/Shanghai", cut, size as u64).unwrap();
        piece.push(&csv[PieceReader::first_byte(cut) as usize..]);
        let wire = piece.finish().into_wire().runs().unwrap().to_vec();
        let handed = PieceOutcome::from_bytes(&wire).unwrap();
        assert!(handed.loaded().messages > 5_000, "several ranges of rows: {}", handed.loaded().messages);
        assert!(lead.absorb_piece(handed));
        assert_eq!(lead.resume_offset(), None);
        lead.end_file();
        let report = lead.report();
        let rows: u64 = report.inputs.iter().map(|i| i.rows).sum();
        assert!((lead.message_count() as u64) < rows, "repeats of the earlier export were dropped: {} of {rows}", lead.message_count());
        assert!(lead.builder.model().messages.mentions.len() > 100);
        assert!(report.to_json() == whole, "the report differs from one reader's");
    }
}
