//! Every person's touchpoints per dimension, gathered once per loaded data set (kept in the
//! journeys cache): attribution settings only re-cut these.
//!
//! - `group`: each group joined (join event, roster row) or first spoken in.
//! - `sdr` (SDRs and other inviters): an SDR log row naming the person, a join someone brought
//!   them into (`"A"邀请"B"加入了群聊`, a QR code A shared), a roster row's inviter, and the CRM
//!   owner, touching when the record became a lead.
//! - `channel`: the person's entry channel (CRM source or campaign, else roster channel, else
//!   how they joined), at their first invitation, join or CRM stage.
//! - `content`: links and files the person engaged with — shared themselves, or posted in a
//!   group they then spoke in within 24 hours (the latest few before each message count).
//!
//! Keys are numbered in key order and people are walked in report-id order, so nothing
//! depends on the order files were read.

use crate::journey::{Journeys, StageTime};
use crate::model::{HashMap, MembershipKind, MessageKind, Model, SYSTEM};

/// Dimension names, in report order.
pub const DIMENSIONS: [&str; 4] = ["group", "sdr", "channel", "content"];
pub const SDR: usize = 1;

/// How long after a post speaking in its group counts as engaging with it.
const ENGAGE_WINDOW_S: i64 = 24 * 3600;
/// Posts per message considered (a group posting fifty links a day is not fifty touches).
const ENGAGE_RECENT_POSTS: usize = 5;
/// Longest content key kept (titles and URLs can be long).
const CONTENT_KEY_CHARS: usize = 120;

/// One dimension's touches per person, time-ordered, as columns.
#[derive(Clone, Debug, Default)]
pub struct DimensionTouches {
    /// Key ids -> report key and display label, in key order.
    pub keys: Vec<String>,
    pub labels: Vec<String>,
    offsets: Vec<u32>,
    times: Vec<i64>,
    key_of: Vec<u32>,
}

impl DimensionTouches {
    /// `(person, time, key id)` touches; keys are renumbered in key order. Returns the new id
    /// of each old one too.
    fn new(persons: usize, keys: Vec<String>, labels: Vec<String>, mut touches: Vec<(u32, i64, u32)>) -> (DimensionTouches, Vec<u32>) {
        let mut by_key: Vec<usize> = (0..keys.len()).collect();
        by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        let mut new_id = vec![0u32; keys.len()];
        for (new, &old) in by_key.iter().enumerate() {
            new_id[old] = new as u32;
        }
        let sorted_keys = by_key.iter().map(|&i| keys[i].clone()).collect();
        let sorted_labels = by_key.iter().map(|&i| labels[i].clone()).collect();
        for t in &mut touches {
            t.2 = new_id[t.2 as usize];
        }
        touches.sort_unstable();
        touches.dedup();
        let mut offsets = vec![0u32; persons + 1];
        for &(p, _, _) in &touches {
            offsets[p as usize + 1] += 1;
        }
        for i in 0..persons {
            offsets[i + 1] += offsets[i];
        }
        let dim = DimensionTouches {
            keys: sorted_keys,
            labels: sorted_labels,
            offsets,
            times: touches.iter().map(|t| t.1).collect(),
            key_of: touches.iter().map(|t| t.2).collect(),
        };
        (dim, new_id)
    }

    /// A person's touches: times and key ids, in time order.
    pub fn of(&self, person: usize) -> (&[i64], &[u32]) {
        match (self.offsets.get(person), self.offsets.get(person + 1)) {
            (Some(&a), Some(&b)) => (&self.times[a as usize..b as usize], &self.key_of[a as usize..b as usize]),
            _ => (&[], &[]),
        }
    }

    pub fn len(&self) -> usize {
        self.key_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.key_of.is_empty()
    }
}

/// All dimensions, plus who invited and who converts each person (the SDR credit rule).
#[derive(Clone, Debug, Default)]
pub struct Touches {
    pub dims: Vec<DimensionTouches>,
    /// Per person: the `sdr` key of their first inviter, and of their CRM owner.
    pub inviter: Vec<Option<u32>>,
    pub converter: Vec<Option<u32>>,
    /// Per `sdr` key: an SDR (named by the SDR log or owning CRM records), not a member who
    /// invited a friend.
    pub is_sdr: Vec<bool>,
    /// Persons by report id: attribution walks people in this order.
    pub order: Vec<u32>,
}

/// Dense ids for names.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, name: &str) -> Option<u32> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if let Some(&id) = self.ids.get(name) {
            return Some(id);
        }
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), self.names.len() as u32 - 1);
        Some(self.names.len() as u32 - 1)
    }
}

/// The earliest time a person reached any CRM stage.
fn first_stage_time(j: &Journeys, p: usize) -> Option<i64> {
    j.stages
        .iter()
        .filter_map(|s| match s[p] {
            StageTime::Known(t) | StageTime::NoLaterThan(t) => Some(t),
            _ => None,
        })
        .min()
}

impl Touches {
    pub fn build(model: &Model, j: &Journeys) -> Touches {
        let n = j.persons.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&j.persons[a as usize], &j.persons[b as usize]);
            pa.id.cmp(&pb.id).then_with(|| pa.name.cmp(&pb.name)).then(a.cmp(&b))
        });
        let (sdrs, inviter, converter, is_sdr) = sdr_touches(model, j);
        Touches { dims: vec![group_touches(model, j), sdrs, channel_touches(j), content_touches(model, j)], inviter, converter, is_sdr, order }
    }
}

/// Groups: the first join or message per (person, group), and roster joins.
fn group_touches(model: &Model, j: &Journeys) -> DimensionTouches {
    let mut first = crate::journey::EarliestInGroup::new(j.persons.len());
    for e in model.memberships.iter().filter(|e| e.kind == MembershipKind::Join) {
        if let Some(p) = j.person_of_member.get(e.member as usize).copied().flatten() {
            first.note(p, e.group, e.time);
        }
    }
    let m = &model.messages;
    for i in 0..m.len() {
        if m.sender[i] == SYSTEM || !m.kind[i].is_member_activity() {
            continue;
        }
        if let Some(p) = j.person_of_member.get(m.sender[i] as usize).copied().flatten() {
            first.note(p, m.group[i], m.time[i]);
        }
    }
    for (row, p) in model.business.roster.iter().zip(&j.person_of_roster_row) {
        let (Some(p), Some(t), Some(g)) = (p, row.join_time, row.group.as_deref()) else { continue };
        if let Some(&g) = crate::report::roles::groups_named(model, g).first() {
            first.note(*p, g, t);
        }
    }
    DimensionTouches::new(
        j.persons.len(),
        model.groups.iter().map(crate::report::group_id).collect(),
        model.groups.iter().map(|g| g.name.clone()).collect(),
        first.into_pairs().map(|((p, g), t)| (p, t, g)).collect(),
    )
    .0
}

/// SDRs and inviters: touches, each person's first inviter and CRM owner, and which names are
/// SDRs.
fn sdr_touches(model: &Model, j: &Journeys) -> (DimensionTouches, Vec<Option<u32>>, Vec<Option<u32>>, Vec<bool>) {
    let n = j.persons.len();
    let b = &model.business;
    let mut names = Names::default();
    let mut touches: Vec<(u32, i64, u32)> = Vec::new();
    let mut invites: Vec<(u32, i64, u32)> = Vec::new();
    let mut named_sdrs: Vec<u32> = Vec::new();
    for (row, p) in b.sdr_log.iter().zip(&j.person_of_sdr_row) {
        let Some(who) = names.id(&row.sdr) else { continue };
        named_sdrs.push(who);
        if let Some(p) = p {
            invites.push((*p, row.date, who));
        }
    }
    for e in model.memberships.iter().filter(|e| e.kind == MembershipKind::Join) {
        let Some(actor) = e.actor.filter(|&a| a != e.member) else { continue };
        let Some(p) = j.person_of_member.get(e.member as usize).copied().flatten() else { continue };
        let Some(member) = model.members.get(actor as usize) else { continue };
        if let Some(who) = names.id(&crate::report::members::latest_name(member)) {
            invites.push((p, e.time, who));
        }
    }
    for (row, p) in b.roster.iter().zip(&j.person_of_roster_row) {
        let (Some(p), Some(name)) = (p, row.inviter.as_deref()) else { continue };
        let Some(t) = row.join_time.or_else(|| j.joined.of(*p as usize).first().copied()) else { continue };
        if let Some(who) = names.id(name) {
            invites.push((*p, t, who));
        }
    }
    let mut converter: Vec<Option<u32>> = vec![None; n];
    for p in 0..n {
        if !j.in_crm[p] || j.owner_of[p] == 0 {
            continue;
        }
        let Some(who) = names.id(&j.owner_names[j.owner_of[p] as usize]) else { continue };
        named_sdrs.push(who);
        converter[p] = Some(who);
        if let Some(t) = first_stage_time(j, p) {
            touches.push((p as u32, t, who));
        }
    }
    touches.extend_from_slice(&invites);
    let (dim, new_id) = DimensionTouches::new(n, names.names.clone(), names.names, touches);
    // The first inviter: earliest, ties by name (= new id order).
    let mut inviter: Vec<Option<(i64, u32)>> = vec![None; n];
    for (p, t, who) in invites {
        let who = new_id[who as usize];
        let slot = &mut inviter[p as usize];
        if slot.is_none_or(|first| (t, who) < first) {
            *slot = Some((t, who));
        }
    }
    let mut is_sdr = vec![false; dim.keys.len()];
    for who in named_sdrs {
        is_sdr[new_id[who as usize] as usize] = true;
    }
    let converter = converter.into_iter().map(|c| c.map(|w| new_id[w as usize])).collect();
    (dim, inviter.into_iter().map(|i| i.map(|(_, w)| w)).collect(), converter, is_sdr)
}

/// The entry channel at entry: first invitation, join or CRM stage.
fn channel_touches(j: &Journeys) -> DimensionTouches {
    let mut touches = Vec::new();
    for p in 0..j.persons.len() {
        if j.channel_of[p] == 0 {
            continue;
        }
        let entry = [j.invited.of(p).first().copied(), j.joined.of(p).first().copied(), first_stage_time(j, p)].into_iter().flatten().min();
        if let Some(t) = entry {
            touches.push((p as u32, t, j.channel_of[p] - 1));
        }
    }
    let names: Vec<String> = j.channel_names[1..].to_vec();
    DimensionTouches::new(j.persons.len(), names.clone(), names, touches).0
}

/// Content engaged with (see the module docs).
fn content_touches(model: &Model, j: &Journeys) -> DimensionTouches {
    let m = &model.messages;
    let is_content = |k: MessageKind| matches!(k, MessageKind::Link | MessageKind::File);
    let wanted = (0..m.len())
        .filter(|&i| is_content(m.kind[i]) || (m.sender[i] != SYSTEM && m.kind[i].is_member_activity()))
        .map(|i| i as u32);
    let order = crate::report::order::by_key_then_text(m, wanted, |i| (m.group[i as usize], m.time[i as usize], 0));
    let mut names = Names::default();
    let mut touched: HashMap<(u32, u32), i64> = HashMap::default();
    // Posts within the window: (time, key, number). Posts are numbered in order from 1.
    let mut recent: Vec<(i64, u32, u32)> = Vec::new();
    let mut posts = 0u32;
    // The newest post each person was credited with: the posts up to it among the recent
    // ones were credited by that person's earlier message (or never will be, being older than
    // the newest few then), so a message only walks the posts since — not five hash lookups
    // per message, which were most of this dimension.
    let mut credited = vec![0u32; j.persons.len()];
    let mut group = u32::MAX;
    for &i in &order {
        let i = i as usize;
        if m.group[i] != group {
            group = m.group[i];
            recent.clear();
        }
        let t = m.time[i];
        let person = if m.sender[i] == SYSTEM { None } else { j.person_of_member.get(m.sender[i] as usize).copied().flatten() };
        if is_content(m.kind[i]) {
            let text: String = m.text(i).trim().chars().take(CONTENT_KEY_CHARS).collect();
            if let Some(key) = names.id(&text) {
                posts += 1;
                recent.push((t, key, posts));
                if let Some(p) = person {
                    touched.entry((p, key)).or_insert(t);
                }
            }
            continue;
        }
        let Some(p) = person else { continue };
        let from = recent.partition_point(|&(ct, _, _)| ct < t - ENGAGE_WINDOW_S);
        recent.drain(..from);
        let Some(seen) = credited.get_mut(p as usize) else { continue };
        for &(ct, key, _) in recent.iter().rev().take(ENGAGE_RECENT_POSTS).take_while(|&&(_, _, n)| n > *seen) {
            touched.entry((p, key)).or_insert(ct);
        }
        *seen = posts;
    }
    DimensionTouches::new(j.persons.len(), names.names.clone(), names.names, touched.into_iter().map(|((p, k), t)| (p, t, k)).collect()).0
}
