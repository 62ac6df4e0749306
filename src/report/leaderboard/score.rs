//! The rule-dependent pass: one loop over the cached [`Features`] applying point values,
//! the cooldown, minimum length, duplicates and daily caps. Everything it touches is indexed
//! by member or (member, group) slot, so a million events take milliseconds.

use super::features::{flag, Features};
use super::{Rule, RULES};

/// Rule settings as the loop needs them.
pub struct Params<'a> {
    pub values: [u32; RULES],
    pub cooldown_s: i64,
    pub daily_cap_per_rule: u32,
    pub daily_cap: u32,
    pub min_len: u16,
    pub long_share_len: u16,
    /// `excluded[member]`: earns nothing (staff unless included).
    pub excluded: &'a [bool],
    pub group: Option<u32>,
    /// Window [start, end) in epoch seconds.
    pub window: (i64, i64),
    /// The report's zone, for each event's local day.
    pub zone: &'a crate::time::Zone,
}

/// Per-member totals inside the window.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub count: [u32; RULES],
    pub points: [u64; RULES],
    pub capped: [u64; RULES],
    pub skipped_cooldown: u32,
    pub skipped_duplicate: u32,
    pub skipped_short: u32,
}

impl Tally {
    pub fn total(&self) -> u64 {
        self.points.iter().sum()
    }
    fn touched(&self) -> bool {
        self.count.iter().any(|&c| c > 0) || self.skipped_cooldown + self.skipped_duplicate + self.skipped_short > 0
    }
}

/// Result of [`run`]: window tallies by member (sparse) and per-month accumulations.
pub struct Outcome {
    pub tallies: Vec<(u32, Tally)>,
    /// Per month, per member: (points, invites, answers), members sparse.
    pub months: Vec<(i32, Vec<(u32, [u64; 3])>)>,
}

#[derive(Clone, Copy)]
struct Day {
    day: i32,
    total: u32,
    per_rule: [u32; RULES],
}

/// Applies the rules to every event (all of time, so caps and cooldowns never depend on the
/// window), tallying the window and every month.
pub fn run(f: &Features, members: usize, month_of: impl Fn(i32) -> i32, p: &Params) -> Outcome {
    let mut last_earn = vec![i64::MIN; members];
    let mut last_conv = vec![u32::MAX; f.slots];
    let mut days = vec![Day { day: i32::MIN, total: 0, per_rule: [0; RULES] }; members];
    let mut tally: Vec<Tally> = vec![Tally::default(); members];
    let mut month_acc: Vec<[u64; 3]> = vec![[0; 3]; members];
    let mut month_touched: Vec<u32> = Vec::new();
    let mut month_mark = vec![i32::MIN; members];
    let mut months = Vec::new();
    let mut current_month = i32::MIN;
    let mut month_day = (i32::MIN, i32::MIN);
    let mut local_cache = crate::time::LocalCache::default();
    let cap = |c: u32| if c == 0 { u32::MAX } else { c };
    let (rule_cap, day_cap) = (cap(p.daily_cap_per_rule), cap(p.daily_cap));
    let mut earned: [Option<Rule>; RULES] = [None; RULES];
    for e in &f.events {
        let (g, m) = (e.group, e.member as usize);
        if p.group.is_some_and(|want| want != g) || m >= members || p.excluded[m] {
            continue;
        }
        let (t, fl) = (e.time, e.flags);
        let in_window = t >= p.window.0 && t < p.window.1;
        let day = p.zone.local_cached(t, &mut local_cache).days as i32;
        if day != month_day.0 {
            month_day = (day, month_of(day));
        }
        let month = month_day.1;
        if month != current_month {
            flush(&mut months, current_month, &mut month_acc, &mut month_touched);
            current_month = month;
        }
        let mut n = 0;
        if fl & flag::MSG != 0 {
            if fl & flag::DUP != 0 {
                if in_window {
                    tally[m].skipped_duplicate += 1;
                }
                continue;
            }
            let long_enough = fl & flag::TEXT == 0 || e.len >= p.min_len;
            let mut push = |r: Rule, on: bool| {
                if on && p.values[r as usize] > 0 {
                    earned[n] = Some(r);
                    n += 1;
                }
            };
            let sticker_like = fl & (flag::STICKER | flag::RED_PACKET) != 0;
            let new_conv = last_conv[e.slot as usize] != e.conv;
            push(Rule::Discussion, long_enough && !sticker_like && new_conv);
            push(Rule::Question, long_enough && fl & flag::QUESTION != 0);
            push(Rule::Answer, long_enough && fl & flag::ANSWER != 0);
            push(Rule::Share, fl & flag::SHARE != 0);
            push(Rule::LongShare, fl & flag::TEXT != 0 && e.len >= p.long_share_len);
            push(Rule::Checkin, fl & flag::CHECKIN != 0);
            push(Rule::Sticker, fl & flag::STICKER != 0);
            push(Rule::RedPacket, fl & flag::RED_PACKET != 0);
            if n == 0 {
                if in_window && !long_enough {
                    tally[m].skipped_short += 1;
                }
                continue;
            }
            if t.saturating_sub(last_earn[m]) < p.cooldown_s {
                if in_window {
                    tally[m].skipped_cooldown += 1;
                }
                continue;
            }
            last_earn[m] = t;
            if earned[..n].contains(&Some(Rule::Discussion)) {
                last_conv[e.slot as usize] = e.conv;
            }
        } else {
            let r = if fl & flag::REPLIED != 0 {
                Rule::Replied
            } else if fl & flag::INVITE != 0 {
                Rule::Invite
            } else {
                Rule::InviteActive
            };
            if p.values[r as usize] == 0 && r != Rule::Invite {
                continue;
            }
            earned[0] = Some(r);
            n = 1;
        }
        let d = &mut days[m];
        if d.day != day {
            *d = Day { day, total: 0, per_rule: [0; RULES] };
        }
        if month_mark[m] != month {
            month_mark[m] = month;
            month_touched.push(m as u32);
        }
        let acc = &mut month_acc[m];
        for r in earned[..n].iter().flatten().copied() {
            let value = p.values[r as usize];
            let allowed = value.min(rule_cap - d.per_rule[r as usize]).min(day_cap - d.total);
            d.per_rule[r as usize] += allowed;
            d.total += allowed;
            acc[0] += allowed as u64;
            match r {
                Rule::Invite => acc[1] += 1,
                Rule::Answer => acc[2] += 1,
                _ => {}
            }
            if in_window {
                let tl = &mut tally[m];
                tl.count[r as usize] += 1;
                tl.points[r as usize] += allowed as u64;
                tl.capped[r as usize] += (value - allowed) as u64;
            }
        }
    }
    flush(&mut months, current_month, &mut month_acc, &mut month_touched);
    let tallies = tally.into_iter().enumerate().filter(|(_, t)| t.touched()).map(|(m, t)| (m as u32, t)).collect();
    Outcome { tallies, months }
}

fn flush(months: &mut Vec<(i32, Vec<(u32, [u64; 3])>)>, month: i32, acc: &mut [[u64; 3]], touched: &mut Vec<u32>) {
    if month == i32::MIN || touched.is_empty() {
        touched.clear();
        return;
    }
    let rows = touched.drain(..).map(|m| (m, std::mem::take(&mut acc[m as usize]))).collect();
    months.push((month, rows));
}
