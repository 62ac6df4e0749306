//! One pass over the messages (in time order) collecting what the role rules need, per
//! membership (group × member), per month and per member: messages, active days, replies /
//! quotes / @mentions received, long-form shares, and the staff-like habits (fixed posting
//! times, welcomes, first message of the day). Rules then run on these small tallies, so a
//! config change re-runs the pass once (O(messages)) and the rules in O(memberships).

use crate::report::membership_index::MembershipIndex;
use crate::model::{GroupId, HashMap, MemberId, MembershipKind, MessageKind, Model, PersonRef, Platform, SYSTEM};
use crate::time::Zone;

use super::settings::RolesConfig;

/// Tallies of one membership (one member in one group), up to `as_of`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// Messages sent (system tips, recalls and pats excluded).
    pub messages: u32,
    /// Distinct local days with a message in the active window.
    pub active_days: u32,
    /// Replies / quotes of their messages by others.
    pub replies: u32,
    /// @mentions by others.
    pub mentions: u32,
    /// Distinct members who @mentioned them.
    pub mentioners: u32,
    /// Long-form shares delivered.
    pub shares: u32,
}

impl Evidence {
    /// Replies, quotes and mentions received.
    pub fn received(&self) -> u32 {
        self.replies + self.mentions
    }
}

/// Per-month deltas of one membership (month = months since year 0 in the report's zone).
#[derive(Clone, Copy, Debug, Default)]
pub struct MonthDelta {
    pub messages: u32,
    /// Distinct days with a message in this month.
    pub days: u32,
    pub replies: u32,
    pub mentions: u32,
    /// New distinct mentioners this month.
    pub mentioners: u32,
    pub shares: u32,
}

impl MonthDelta {
    fn add(&mut self, o: &MonthDelta) {
        self.messages += o.messages;
        self.days += o.days;
        self.replies += o.replies;
        self.mentions += o.mentions;
        self.mentioners += o.mentioners;
        self.shares += o.shares;
    }
}

/// Staff-like habits of a member, summed over their groups.
#[derive(Clone, Debug, Default)]
pub struct Habits {
    /// Distinct local days with a message (any group).
    pub days: u32,
    /// Best half hour of the day: (bucket 0..48, distinct days with a message in it).
    pub fixed_slot: (u8, u32),
    /// Welcomes within an hour after someone joined.
    pub welcomes: u32,
    /// People they invited.
    pub invites: u32,
    /// Best group by first-message-of-the-day: (days first, that group's days with messages).
    pub first_of_day: (u32, u32),
}

/// Everything the rules need.
#[derive(Debug, Default)]
pub struct Features {
    /// Memberships, in first-seen order: `(group, member)`.
    pub slots: Vec<(GroupId, MemberId)>,
    pub evidence: Vec<Evidence>,
    /// The membership ended (last event a leave or removal).
    pub departed: Vec<bool>,
    /// Month the membership was first seen (a message, a join, a member list: first month).
    pub first_month: Vec<i32>,
    /// Month it ended, when departed.
    pub departed_month: Vec<Option<i32>>,
    /// `(slot, month)` deltas, sorted by month then slot.
    pub months: Vec<(i32, u32, MonthDelta)>,
    /// First and last month with data (None without messages).
    pub month_range: Option<(i32, i32)>,
    pub habits: Vec<Habits>,
}


/// `YYYY-MM` of a month number.
pub fn format_month(month: i32) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// A long-form share in progress for one membership.
#[derive(Clone, Copy, Default)]
struct Run {
    start: i64,
    long: u32,
    file: bool,
    talk: u32,
    counted: bool,
}

/// Memberships interned as dense slot numbers, with their per-slot state.
struct Slots {
    index: MembershipIndex,
    keys: Vec<(GroupId, MemberId)>,
    evidence: Vec<Evidence>,
    first_month: Vec<i32>,
    runs: Vec<Run>,
    last_day: Vec<i64>,
    /// The month being tallied per slot (messages come in time order, so a slot's month only
    /// grows): finished months move to `done`, so there is no hash lookup per message.
    current: Vec<(i32, MonthDelta)>,
    done: Vec<(i32, u32, MonthDelta)>,
}

impl Slots {
    fn new(members: usize) -> Self {
        Slots {
            index: MembershipIndex::new(members),
            keys: Vec::new(),
            evidence: Vec::new(),
            first_month: Vec::new(),
            runs: Vec::new(),
            last_day: Vec::new(),
            current: Vec::new(),
            done: Vec::new(),
        }
    }

    /// The slot of `(g, m)`, created (first seen in `month`) when new.
    fn get(&mut self, g: GroupId, m: MemberId, month: i32) -> u32 {
        let (id, new) = self.index.number(g, m);
        if new {
            self.keys.push((g, m));
            self.evidence.push(Evidence::default());
            self.first_month.push(month);
            self.runs.push(Run::default());
            self.last_day.push(i64::MIN);
            self.current.push((month, MonthDelta::default()));
        }
        self.first_month[id as usize] = self.first_month[id as usize].min(month);
        id
    }

    /// The running tally of slot `s` for `month`.
    fn month(&mut self, s: u32, month: i32) -> &mut MonthDelta {
        let cur = &mut self.current[s as usize];
        if cur.0 != month {
            let old = std::mem::replace(cur, (month, MonthDelta::default()));
            self.done.push((old.0, s, old.1));
        }
        &mut cur.1
    }
}

/// Per member: the day being tallied and the half hours (bits) they posted in that day.
#[derive(Clone, Copy)]
struct Today {
    day: i64,
    mask: u64,
}

fn flush_today(member: MemberId, today: &Today, counts: &mut HashMap<(MemberId, u8), u32>) {
    let mut mask = today.mask;
    while mask != 0 {
        let bucket = mask.trailing_zeros() as u8;
        *counts.entry((member, bucket)).or_default() += 1;
        mask &= mask - 1;
    }
}

/// Collects [`Features`] for messages up to `as_of`.
/// `by_time` is [`crate::report::order::time_order`].
pub fn collect(model: &Model, zone: &Zone, as_of: i64, cfg: &RolesConfig, by_time: &[u32]) -> Features {
    let m = &model.messages;
    let mut slots = Slots::new(model.members.len());
    let window_start = as_of.saturating_sub(cfg.active_window_days as i64 * 86400);
    let span = cfg.lecture_span_minutes as i64 * 60;
    let n_members = model.members.len();
    let n_groups = model.groups.len();

    let mut months: HashMap<(i32, u32), MonthDelta> = HashMap::default();
    let mut month_range: Option<(i32, i32)> = None;
    let mut habits = vec![Habits::default(); n_members];
    let mut member_last_day = vec![i64::MIN; n_members];
    // (member, half-hour bucket) -> (distinct days, last day)
    let mut buckets: HashMap<(MemberId, u8), u32> = HashMap::default();
    let mut today = vec![Today { day: i64::MIN, mask: 0 }; n_members];
    let mut group_last_day = vec![i64::MIN; n_groups];
    let mut group_days = vec![0u32; n_groups];
    let mut first_of_day: HashMap<u32, u32> = HashMap::default();
    let mut group_last_join = vec![i64::MIN; n_groups];
    let mut join_cursor = 0;
    let mut local_cache = crate::time::LocalCache::default();
    let mut month_of_day = crate::time::MonthOfDay::default();

    for &i in by_time {
        let i = i as usize;
        let t = m.time[i];
        if t > as_of {
            continue;
        }
        while let Some(e) = model.memberships.get(join_cursor).filter(|e| e.time <= t) {
            if e.kind == MembershipKind::Join {
                group_last_join[e.group as usize] = e.time;
            }
            join_cursor += 1;
        }
        let g = m.group[i];
        let sender = m.sender[i];
        let local = zone.local_cached(t, &mut local_cache);
        let day = local.days;
        let month = month_of_day.get(day) as i32;
        month_range = Some(month_range.map_or((month, month), |(a, b)| (a.min(month), b.max(month))));
        let new_group_day = group_last_day[g as usize] != day;
        if new_group_day {
            group_last_day[g as usize] = day;
            group_days[g as usize] += 1;
        }
        if sender == SYSTEM || !m.kind[i].is_member_activity() {
            continue;
        }
        let s = slots.get(g, sender, month);
        let su = s as usize;
        if new_group_day {
            *first_of_day.entry(s).or_default() += 1;
        }
        let ev = &mut slots.evidence[su];
        ev.messages += 1;
        let new_day = slots.last_day[su] != day;
        if new_day {
            slots.last_day[su] = day;
            if t > window_start {
                ev.active_days += 1;
            }
        }
        // Staff-like habits.
        let h = &mut habits[sender as usize];
        if member_last_day[sender as usize] != day {
            member_last_day[sender as usize] = day;
            h.days += 1;
        }
        let bucket = ((t + local.offset_seconds as i64).rem_euclid(86400) / 1800) as u8;
        let td = &mut today[sender as usize];
        if td.day != day {
            flush_today(sender, td, &mut buckets);
            *td = Today { day, mask: 0 };
        }
        td.mask |= 1 << bucket;
        let text = m.text(i);
        if m.kind[i] == MessageKind::Text && t.saturating_sub(group_last_join[g as usize]) <= 3600 && is_welcome(text) {
            h.welcomes += 1;
        }
        // Long-form shares: many long messages within the span, or a file then talk.
        let mut shared = false;
        let run = &mut slots.runs[su];
        match m.kind[i] {
            MessageKind::File => *run = Run { start: t, file: true, ..Run::default() },
            _ => {
                if t.saturating_sub(run.start) > span {
                    *run = Run { start: t, ..Run::default() };
                }
                if run.file {
                    run.talk += 1;
                }
                // A character is at least a byte: short texts skip the character scan.
                let min = cfg.lecture_min_chars as usize;
                if text.len() >= min && crate::text::meaningful_len(text) >= min {
                    run.long += 1;
                }
                let done = run.long >= cfg.lecture_min_messages.max(1) || (run.file && run.talk >= cfg.lecture_file_talk.max(1));
                if done && !run.counted {
                    run.counted = true;
                    slots.evidence[su].shares += 1;
                    shared = true;
                }
            }
        }
        let delta = slots.month(s, month);
        delta.messages += 1;
        delta.days += new_day as u32;
        delta.shares += shared as u32;
    }

    // Memberships seen only through joins, leaves, invitations and member lists.
    let first = month_range.map_or(0, |r| r.0);
    let mut departed_at: HashMap<u32, Option<i32>> = HashMap::default();
    for e in model.memberships.iter().filter(|e| e.time <= as_of) {
        let month = month_of_day.get(zone.local_cached(e.time, &mut local_cache).days) as i32;
        for (who, is_subject) in std::iter::once((e.member, true)).chain(e.actor.map(|a| (a, false))) {
            if who == SYSTEM {
                continue;
            }
            let s = slots.get(e.group, who, month);
            if is_subject {
                let left = matches!(e.kind, MembershipKind::Leave | MembershipKind::Removed);
                departed_at.insert(s, left.then_some(month));
            }
        }
        if e.kind == MembershipKind::Join {
            if let Some(actor) = e.actor.filter(|&a| a != SYSTEM) {
                if let Some(h) = habits.get_mut(actor as usize) {
                    h.invites += 1;
                }
            }
        }
    }
    for &(g, member) in &model.listed {
        if member != SYSTEM {
            slots.get(g, member, first);
        }
    }

    // Replies / quotes and @mentions received, resolved within the group.
    let resolver = Resolver::new(model, &slots.keys);
    let evidence = &mut slots.evidence;
    let mut mentioner_seen: HashMap<(u32, MemberId), ()> = HashMap::default();
    let mut received = |i: usize, target: Option<MemberId>, mention: bool, months: &mut HashMap<(i32, u32), MonthDelta>| {
        let (t, g, from) = (m.time[i], m.group[i], m.sender[i]);
        let Some(target) = target.filter(|&x| x != from && x != SYSTEM) else { return };
        if t > as_of {
            return;
        }
        let Some(s) = slots.index.get(g, target) else { return };
        let month = month_of_day.get(zone.local_cached(t, &mut local_cache).days) as i32;
        let delta = months.entry((month, s)).or_default();
        let ev = &mut evidence[s as usize];
        if mention {
            ev.mentions += 1;
            delta.mentions += 1;
            if from != SYSTEM && mentioner_seen.insert((s, from), ()).is_none() {
                ev.mentioners += 1;
                delta.mentioners += 1;
            }
        } else {
            ev.replies += 1;
            delta.replies += 1;
        }
    };
    let mut quoted: Vec<(&u32, &crate::model::Quote)> = m.quotes.iter().collect();
    quoted.sort_unstable_by_key(|(i, _)| (m.time[**i as usize], **i));
    for (&i, q) in quoted {
        let i = i as usize;
        let target = q.sender.as_ref().and_then(|p| resolver.person(m.group[i], p));
        received(i, target, false, &mut months);
    }
    let mut mentioned: Vec<(&u32, &Vec<String>)> = m.mentions.iter().collect();
    mentioned.sort_unstable_by_key(|(i, _)| (m.time[**i as usize], **i));
    for (&i, names) in mentioned {
        let i = i as usize;
        let mut targets: Vec<MemberId> = names.iter().filter_map(|n| resolver.name(m.group[i], n)).collect();
        targets.sort_unstable();
        targets.dedup();
        for target in targets {
            received(i, Some(target), true, &mut months);
        }
    }

    // Habits that need the whole pass.
    for (member, td) in today.iter().enumerate() {
        flush_today(member as MemberId, td, &mut buckets);
    }
    for ((member, bucket), days) in buckets {
        let h = &mut habits[member as usize];
        if days > h.fixed_slot.1 || (days == h.fixed_slot.1 && bucket < h.fixed_slot.0) {
            h.fixed_slot = (bucket, days);
        }
    }
    for (s, n) in first_of_day {
        let (g, member) = slots.keys[s as usize];
        let h = &mut habits[member as usize];
        // Best share of the group's days; ties by count (independent of hash order).
        let days = group_days[g as usize];
        let (best_n, best_days) = h.first_of_day;
        if (n as u64 * best_days as u64, n) > (best_n as u64 * days as u64, best_n) || best_days == 0 {
            h.first_of_day = (n, days);
        }
    }

    let n = slots.keys.len();
    let mut departed = vec![false; n];
    let mut departed_month = vec![None; n];
    for (s, at) in departed_at {
        departed[s as usize] = at.is_some();
        departed_month[s as usize] = at;
    }
    let mut all = std::mem::take(&mut slots.done);
    all.extend(slots.current.iter().enumerate().map(|(s, &(mo, d))| (mo, s as u32, d)));
    all.extend(months.into_iter().map(|((mo, s), d)| (mo, s, d)));
    all.sort_unstable_by_key(|&(mo, s, _)| (mo, s));
    let mut months: Vec<(i32, u32, MonthDelta)> = Vec::with_capacity(all.len());
    for (mo, s, d) in all {
        match months.last_mut() {
            Some(last) if (last.0, last.1) == (mo, s) => last.2.add(&d),
            _ => months.push((mo, s, d)),
        }
    }
    Features {
        slots: slots.keys,
        evidence: slots.evidence,
        departed,
        first_month: slots.first_month,
        departed_month,
        months,
        month_range,
        habits,
    }
}

/// 欢迎 / welcome (a greeting to someone who just joined).
fn is_welcome(text: &str) -> bool {
    static HUAN_YING: crate::text::Needle = crate::text::Needle::new("欢迎");
    HUAN_YING.is_in(text) || crate::text::contains_ascii_nocase(text, "welcome")
}

/// Finds the member a quote or mention names, among the people of the same group.
pub(crate) struct Resolver<'a> {
    model: &'a Model,
    by_name: HashMap<(GroupId, &'a str), MemberId>,
    by_id: HashMap<(Platform, &'a str), MemberId>,
    selves: Vec<(Platform, MemberId)>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(model: &'a Model, slots: &[(GroupId, MemberId)]) -> Self {
        let mut by_name = HashMap::default();
        for &(g, member) in slots {
            for n in &model.members[member as usize].names {
                by_name.entry((g, n.name.as_str())).or_insert(member);
            }
        }
        let mut by_id = HashMap::default();
        for (i, member) in model.members.iter().enumerate() {
            if let Some(id) = member.platform_id.as_deref() {
                by_id.insert((member.platform, id), i as MemberId);
            }
        }
        let selves = model.members.iter().enumerate().filter(|(_, m)| m.is_self).map(|(i, m)| (m.platform, i as MemberId)).collect();
        Resolver { model, by_name, by_id, selves }
    }

    fn platform(&self, g: GroupId) -> Platform {
        self.model.groups.get(g as usize).map_or(Platform::Other, |x| x.platform)
    }

    pub(crate) fn person(&self, g: GroupId, p: &PersonRef) -> Option<MemberId> {
        match p {
            PersonRef::Id(id) => self.by_id.get(&(self.platform(g), id.as_str())).copied(),
            PersonRef::Name(n) => self.name(g, n),
            PersonRef::SelfAccount => {
                let platform = self.platform(g);
                self.selves.iter().find(|s| s.0 == platform).map(|s| s.1)
            }
            PersonRef::System => None,
        }
    }

    /// A display name (or, failing that, a platform id) in group `g`.
    pub(crate) fn name(&self, g: GroupId, name: &str) -> Option<MemberId> {
        let name = name.trim().trim_start_matches('@');
        self.by_name.get(&(g, name)).or_else(|| self.by_id.get(&(self.platform(g), name))).copied()
    }
}
