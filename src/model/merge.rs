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
    pub fn absorb(&mut self, p: Partial) -> Result<(), String> {
        p.check()?;
        self.end_file();
        self.merge(p, false);
        Ok(())
    }

    /// Merges the partial of the next piece of the file being read (read elsewhere from a
    /// record boundary, see `ingest::pieces`) as if this builder had read on: its messages
    /// continue the file (a repeat within the file stays; repeats of earlier files are dropped
    /// by the same rule as when reading), and its group renames apply in order. The file stays
    /// open.
    pub fn absorb_piece(&mut self, p: Partial) -> Result<(), String> {
        p.check()?;
        self.merge(p, true);
        Ok(())
    }

    fn merge(&mut self, p: Partial, same_file: bool) {
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
        let sender = |s: MemberId| match s {
            SYSTEM => SYSTEM,
            s if s & PENDING != 0 => pending.get((s & !PENDING) as usize).copied().unwrap_or(SYSTEM),
            s => member(s),
        };
        let keep = if same_file { self.keep_continued(&p, &group, &sender) } else { self.keep_absorbed(&p, &group) };
        let mut m = p.messages;
        let out = &mut self.model.messages;
        let kept = keep.iter().filter(|&&k| k).count();
        let (all_kept, count, base) = (kept == m.len(), m.len(), out.len() as u32);
        // Old index -> new index for the messages kept, unless all are (then it is `base + i`).
        let mut index: Vec<Option<u32>> = Vec::new();
        if all_kept {
            // A piece of a file, or a file no other overlaps: whole columns at once.
            out.time.extend_from_slice(&m.time);
            out.group.extend(m.group.iter().map(|&g| group(g)));
            out.sender.extend(m.sender.iter().map(|&s| sender(s)));
            out.kind.extend_from_slice(&m.kind);
            out.flags.extend_from_slice(&m.flags);
        } else {
            index = vec![None; m.len()];
            out.time.reserve(kept);
            out.group.reserve(kept);
            out.sender.reserve(kept);
            out.kind.reserve(kept);
            out.flags.reserve(kept);
            for i in (0..m.len()).filter(|&i| keep[i]) {
                index[i] = Some(out.len() as u32);
                out.time.push(m.time[i]);
                out.group.push(group(m.group[i]));
                out.sender.push(sender(m.sender[i]));
                out.kind.push(m.kind[i]);
                out.flags.push(m.flags[i]);
            }
        }
        out.text_span.reserve(kept);
        // A piece's texts: its blocks move in whole, and its spans shift.
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
    fn keep_continued(&mut self, p: &Partial, group: &impl Fn(GroupId) -> GroupId, sender: &impl Fn(MemberId) -> MemberId) -> Vec<bool> {
        let m = &p.messages;
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
        self.messages.len()
    }

    /// Members in the partial.
    pub fn member_count(&self) -> usize {
        self.members.len()
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

    /// Every index in range and every column the same length, so a damaged or foreign
    /// partial is refused whole instead of corrupting the model.
    fn check(&self) -> Result<(), String> {
        let m = &self.messages;
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
}


