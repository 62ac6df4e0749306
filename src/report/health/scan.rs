//! The health section's single pass over the data: membership events, then every message in
//! time order (linear for already-sorted data). Everything config-independent per message is
//! constant work (a hash lookup, counters); questions and answers use bounded queues, so the
//! pass is O(messages) whatever the shape of the groups.

use std::collections::{BTreeMap, VecDeque};

use super::series::{month_of, week_of, week_of_day, WeekMembership, WeekMessages};
use super::HealthConfig;
use crate::model::{GroupId, HashMap, MemberId, MembershipKind, Model, SYSTEM};
use crate::report::membership_index::MembershipIndex;
use crate::report::roles::Resolver;
use crate::time::Zone;

/// One member in one group.
pub struct Slot {
    pub group: GroupId,
    pub member: MemberId,
    /// Last message at or before `as_of`.
    pub last: Option<i64>,
    /// First join time, when a join was seen.
    pub joined: Option<i64>,
    pub departed: bool,
    /// Spoke in join month + 1, + 2, + 3.
    pub after_join: [bool; 3],
    /// Last week / month this member was counted as a speaker in.
    week: i64,
    month: i64,
}

/// A question and what became of it.
pub struct Question {
    pub message: u32,
    pub time: i64,
    pub asker: MemberId,
    pub answered: bool,
}

/// Per-group totals.
#[derive(Default)]
pub struct GroupAcc {
    pub last: Option<i64>,
    pub member_messages: u64,
    pub staff_messages: u64,
    /// Member / staff messages in the 28 days up to `as_of` (the "solo" test).
    pub recent_member: u64,
    pub recent_staff: u64,
    /// Messages and speakers per week, weeks ascending.
    pub weeks: Vec<(i64, WeekMessages)>,
    pub membership_weeks: BTreeMap<i64, WeekMembership>,
    /// Joins per inviter (`None`: none stated) and how many of those joiners have left.
    pub inviters: BTreeMap<Option<MemberId>, (u64, u64)>,
    pub questions: u64,
    pub answered: u64,
    pub answered_by_members: u64,
    pub accepted: u64,
    /// First-response delays in seconds.
    pub delays: Vec<i64>,
}

/// What the pass found.
pub struct Scan {
    pub slots: Vec<Slot>,
    pub groups: Vec<GroupAcc>,
    pub questions: Vec<Question>,
}

/// Per-group question state while scanning.
#[derive(Default)]
struct Pending {
    /// Questions of the last `response_window_s`, oldest first (any message by someone else
    /// answers them).
    recent: VecDeque<u32>,
    /// Questions of the last `reply_window_s`, oldest first (a quote or mention can answer them).
    replyable: VecDeque<u32>,
    /// Unanswered questions per asker (a quote of or mention of the asker answers them).
    by_asker: HashMap<MemberId, Vec<u32>>,
    /// Answers awaiting the asker's thanks: (asker, answer time), oldest first.
    awaiting: VecDeque<(MemberId, i64)>,
}

/// `by_time`: every message index in time order ([`crate::report::order::time_order`]).
pub fn scan(model: &Model, cfg: &HealthConfig, zone: &Zone, as_of: i64, staff: &[bool], by_time: &[u32]) -> Scan {
    let is_staff = |m: MemberId| super::super::staff::is_staff(staff, m);
    let mut index = MembershipIndex::new(model.members.len());
    let mut slots: Vec<Slot> = Vec::new();
    let mut slot_of = |g: GroupId, m: MemberId, slots: &mut Vec<Slot>| -> usize {
        let (n, new) = index.number(g, m);
        if new {
            slots.push(Slot {
                group: g,
                member: m,
                last: None,
                joined: None,
                departed: false,
                after_join: [false; 3],
                week: i64::MIN,
                month: i64::MIN,
            });
        }
        n as usize
    };
    let mut groups: Vec<GroupAcc> = (0..model.groups.len()).map(|_| GroupAcc::default()).collect();

    // Membership in time order (ties by content, so load order never matters).
    let mut events: Vec<&crate::model::Membership> = model.memberships.iter().collect();
    events.sort_by_key(|e| (e.time, e.group, e.member, e.kind as u8, e.actor));
    let mut invited_by: HashMap<usize, Option<MemberId>> = HashMap::default();
    for e in events {
        let Some(acc) = groups.get_mut(e.group as usize) else { continue };
        // An inviter or remover is in the group too (as the groups section counts them).
        if let Some(actor) = e.actor {
            slot_of(e.group, actor, &mut slots);
        }
        let s = slot_of(e.group, e.member, &mut slots);
        let week = acc.membership_weeks.entry(week_of(zone, e.time)).or_default();
        match e.kind {
            MembershipKind::Join => {
                slots[s].departed = false;
                week.joins += 1;
                let inviter = e.actor.filter(|&a| a != e.member);
                *week.by_inviter.entry(inviter).or_default() += 1;
                if slots[s].joined.is_none() {
                    slots[s].joined = Some(e.time);
                    invited_by.insert(s, inviter);
                    acc.inviters.entry(inviter).or_default().0 += 1;
                }
            }
            MembershipKind::Leave | MembershipKind::Removed => {
                slots[s].departed = true;
                week.leaves += 1;
            }
        }
    }
    for (s, inviter) in &invited_by {
        if slots[*s].departed {
            if let Some(row) = groups[slots[*s].group as usize].inviters.get_mut(inviter) {
                row.1 += 1;
            }
        }
    }
    for &(g, m) in &model.listed {
        slot_of(g, m, &mut slots);
    }
    let join_month: Vec<Option<i64>> = slots.iter().map(|s| s.joined.map(|t| month_of(zone, t))).collect();

    // Every sender's slot, first, so quotes and mentions can name anyone in the group.
    let msgs = &model.messages;
    let msg_slot: Vec<u32> = (0..msgs.len())
        .map(|i| match msgs.sender[i] {
            SYSTEM => u32::MAX,
            s => slot_of(msgs.group[i], s, &mut slots) as u32,
        })
        .collect();
    let resolver = (!msgs.quotes.is_empty() || !msgs.mentions.is_empty()).then(|| Resolver::new(model, &slot_pairs(&slots)));

    // Messages in time order.
    let window = cfg.response_window_s.max(0);
    let reply_window = cfg.reply_window_s.max(window);
    let mut questions: Vec<Question> = Vec::new();
    let mut pending: Vec<Pending> = (0..model.groups.len()).map(|_| Pending::default()).collect();
    // Questions by text, for quotes that carry the quoted text (only kept when the data has quotes).
    let quotable = !msgs.quotes.is_empty();
    let mut by_text: HashMap<(GroupId, &str), Vec<u32>> = HashMap::default();
    let mut local_cache = crate::time::LocalCache::default();
    let mut month_of_day = crate::time::MonthOfDay::default();
    for &i in by_time {
        let i = i as usize;
        let (g, t, s, kind) = (msgs.group[i], msgs.time[i], msgs.sender[i], msgs.kind[i]);
        if s == SYSTEM || !kind.is_member_activity() || t > as_of {
            continue;
        }
        let Some(a) = groups.get_mut(g as usize) else { continue };
        let staff_sender = is_staff(s);
        a.last = Some(t);
        if staff_sender {
            a.staff_messages += 1;
        } else {
            a.member_messages += 1;
        }
        if t > as_of - 28 * 86_400 {
            if staff_sender {
                a.recent_staff += 1;
            } else {
                a.recent_member += 1;
            }
        }
        let day = zone.local_cached(t, &mut local_cache).days;
        let (week, month) = (week_of_day(day), month_of_day.get(day));
        if a.weeks.last().is_none_or(|w| w.0 != week) {
            a.weeks.push((week, WeekMessages::default()));
        }
        let w = a.weeks.last_mut().map(|w| &mut w.1);
        let slot_ix = msg_slot[i] as usize;
        let Some(slot) = slots.get_mut(slot_ix) else { continue };
        slot.last = Some(t);
        if let Some(w) = w {
            w.messages += 1;
            if slot.week != week {
                slot.week = week;
                w.speakers += 1;
            }
        }
        if slot.month != month {
            slot.month = month;
            if let Some(k) = join_month.get(slot_ix).copied().flatten().map(|j| month - j).filter(|k| (1..=3).contains(k)) {
                slot.after_join[k as usize - 1] = true;
            }
        }

        // Questions and answers.
        let p = &mut pending[g as usize];
        while p.recent.front().is_some_and(|&q| t - questions[q as usize].time > window) {
            p.recent.pop_front();
        }
        while p.replyable.front().is_some_and(|&q| t - questions[q as usize].time > reply_window) {
            p.replyable.pop_front();
        }
        while p.awaiting.front().is_some_and(|&(_, at)| t - at > window) {
            p.awaiting.pop_front();
        }
        // The message's flag first: the answers awaiting thanks within the hour can be many.
        if msgs.is_thanks(i) && p.awaiting.iter().any(|&(asker, _)| asker == s) {
            a.accepted += p.awaiting.iter().filter(|&&(asker, _)| asker == s).count() as u64;
            p.awaiting.retain(|&(asker, _)| asker != s);
        }
        let mut answer = |q: u32, questions: &mut Vec<Question>, p: &mut Pending| {
            let question = &mut questions[q as usize];
            if question.answered || question.asker == s || t - question.time > reply_window {
                return;
            }
            question.answered = true;
            a.answered += 1;
            a.delays.push(t - question.time);
            a.answered_by_members += !staff_sender as u64;
            p.awaiting.push_back((question.asker, t));
        };
        // Any message by someone else answers the questions of the response window.
        for k in 0..p.recent.len() {
            answer(p.recent[k], &mut questions, p);
        }
        p.recent.retain(|&q| !questions[q as usize].answered);
        // A quote of the question or its asker, or an @mention of the asker, answers later.
        let quote = msgs.quote(i);
        let mentions = msgs.mentions_in(i);
        if let Some(r) = resolver.as_ref().filter(|_| quote.is_some() || mentions.is_some()) {
            let quoted = quote.and_then(|q| q.sender.as_ref()).and_then(|p| r.person(g, p));
            let mentioned = mentions.into_iter().flatten().filter_map(|n| r.name(g, n));
            for asker in quoted.into_iter().chain(mentioned) {
                for q in p.by_asker.remove(&asker).unwrap_or_default() {
                    answer(q, &mut questions, p);
                }
            }
            // A quote of a question's text answers it, whoever the quote names (a truncated quote,
            // ending in … or ..., matches by prefix among the group's recent questions).
            if let Some(quoted_text) = quote.and_then(|q| q.text.as_deref()).map(str::trim).filter(|t| !t.is_empty()) {
                for q in by_text.remove(&(g, quoted_text)).unwrap_or_default() {
                    answer(q, &mut questions, p);
                }
                let cut = quoted_text.trim_end_matches(['…', '.']);
                if cut.len() < quoted_text.len() && !cut.is_empty() {
                    for k in 0..p.replyable.len() {
                        let q = p.replyable[k];
                        if !questions[q as usize].answered && msgs.text(questions[q as usize].message as usize).starts_with(cut) {
                            answer(q, &mut questions, p);
                        }
                    }
                }
            }
        }
        if !staff_sender && model.messages.is_question(i) {
            let q = questions.len() as u32;
            questions.push(Question { message: i as u32, time: t, asker: s, answered: false });
            a.questions += 1;
            p.recent.push_back(q);
            p.replyable.push_back(q);
            if quotable {
                by_text.entry((g, msgs.text(i).trim())).or_default().push(q);
            }
            let mine = p.by_asker.entry(s).or_default();
            // Only questions still within the reply window can be answered by a reply.
            mine.retain(|&old| !questions[old as usize].answered && t - questions[old as usize].time <= reply_window);
            mine.push(q);
        }
    }
    Scan { slots, groups, questions }
}

/// The (group, member) pairs a quote or mention may name.
fn slot_pairs(slots: &[Slot]) -> Vec<(GroupId, MemberId)> {
    slots.iter().map(|s| (s.group, s.member)).collect()
}
