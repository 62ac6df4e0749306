//! Calendar helpers of the health section: Monday weeks and months in the report's zone, the
//! dense weekly series, the declining-weeks trend, join-month cohorts and percentiles.

use std::collections::BTreeMap;

use super::{Cohort, InviterJoins, WeekPoint};
use crate::model::MemberId;
use crate::time::{format_day, Zone};
pub use crate::time::month_of_day;

/// Monday-start week number of a local time (weeks in the report's zone, e.g. UTC+8).
pub fn week_of(zone: &Zone, t: i64) -> i64 {
    week_of_day(zone.local(t).days)
}

/// Week number (Monday-based) of a local day number.
pub fn week_of_day(days: i64) -> i64 {
    // Day 0 (1970-01-01) was a Thursday; shifting by 3 puts Mondays at multiples of 7.
    (days + 3).div_euclid(7)
}

/// Calendar month number (`year * 12 + month - 1`) of a local time.
pub fn month_of(zone: &Zone, t: i64) -> i64 {
    month_of_day(zone.local(t).days)
}

/// `YYYY-MM` of a month number.
pub fn format_month(month: i64) -> String {
    format!("{:04}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// Messages and distinct speakers of one week (filled by the message pass, in time order).
#[derive(Clone, Copy, Default)]
pub struct WeekMessages {
    pub messages: u64,
    pub speakers: u64,
}

/// Joins and leaves of one week, joins by inviter (`None`: no inviter stated, not listed).
#[derive(Default)]
pub struct WeekMembership {
    pub joins: u64,
    pub leaves: u64,
    pub by_inviter: BTreeMap<Option<MemberId>, u64>,
}

/// A dense weekly series from the first week with data to `last_week` (or the last data week),
/// at most ten years long.
pub fn weekly_series(
    messages: &[(i64, WeekMessages)],
    membership: &BTreeMap<i64, WeekMembership>,
    last_week: Option<i64>,
    person: impl Fn(MemberId) -> (String, String),
) -> Vec<WeekPoint> {
    let firsts = [messages.first().map(|w| w.0), membership.keys().next().copied()];
    let lasts = [messages.last().map(|w| w.0), membership.keys().next_back().copied()];
    let (Some(first), Some(data_last)) = (firsts.iter().flatten().min().copied(), lasts.iter().flatten().max().copied()) else {
        return Vec::new();
    };
    let last = last_week.unwrap_or(data_last).max(data_last).min(first + 520);
    let mut msg = messages.iter().peekable();
    (first..=last)
        .map(|w| {
            while msg.next_if(|m| m.0 < w).is_some() {}
            let m = msg.next_if(|m| m.0 == w).map_or(WeekMessages::default(), |m| m.1);
            let j = membership.get(&w);
            WeekPoint {
                week: format_day(w * 7 - 3),
                messages: m.messages,
                speakers: m.speakers,
                joins: j.map_or(0, |j| j.joins),
                leaves: j.map_or(0, |j| j.leaves),
                joins_by_inviter: j.map_or_else(Vec::new, |j| {
                    let mut v: Vec<InviterJoins> = j
                        .by_inviter
                        .iter()
                        .filter_map(|(who, &joins)| who.map(|m| (person(m), joins)))
                        .map(|((inviter, name), joins)| InviterJoins { inviter, name, joins })
                        .collect();
                    // Most first, ties by report id: load order never matters.
                    v.sort_by(|a, b| b.joins.cmp(&a.joins).then_with(|| a.inviter.cmp(&b.inviter)));
                    v
                }),
            }
        })
        .collect()
}

/// Weeks at the end of the series each with fewer messages than the week before.
pub fn declining_weeks(weekly: &[WeekPoint]) -> u32 {
    weekly.windows(2).rev().take_while(|w| w[1].messages < w[0].messages).count() as u32
}

/// Join-month cohorts from `(join month, spoke in join month + 1, + 2, + 3)` per joiner.
pub fn cohorts(joiners: impl Iterator<Item = (i64, [bool; 3])>) -> Vec<Cohort> {
    let mut by_month: BTreeMap<i64, Cohort> = BTreeMap::new();
    for (month, after) in joiners {
        let c = by_month
            .entry(month)
            .or_insert_with(|| Cohort { month: format_month(month), joined: 0, speaking_after: [0; 3] });
        c.joined += 1;
        for (n, spoke) in c.speaking_after.iter_mut().zip(after) {
            *n += spoke as u64;
        }
    }
    by_month.into_values().collect()
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_at_local_midnight_in_utc_plus_8() {
        let zone = Zone::new("+08:00").expect("zone");
        // 2024-03-03 (Sunday) 23:59:59 +08:00 and 2024-03-04 (Monday) 00:00:00 +08:00.
        let sunday = 1_709_481_599;
        assert_eq!(format_day(week_of(&zone, sunday) * 7 - 3), "2024-02-26");
        assert_eq!(format_day(week_of(&zone, sunday + 1) * 7 - 3), "2024-03-04");
        // The same instant is still Sunday afternoon in UTC: same week as the Sunday above.
        let utc = Zone::new("UTC").expect("zone");
        assert_eq!(week_of(&utc, sunday + 1), week_of(&zone, sunday));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[10, 20, 30, 40], 50), Some(20));
        assert_eq!(percentile(&[10, 20, 30, 40], 90), Some(40));
        assert_eq!(percentile(&[7], 90), Some(7));
    }

    #[test]
    fn cohorts_count_speakers_per_following_month() {
        let jan = 2024 * 12;
        let c = cohorts([(jan, [true, false, true]), (jan, [true, true, false]), (jan + 1, [false; 3])].into_iter());
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].month.as_str(), c[0].joined, c[0].speaking_after), ("2024-01", 2, [2, 1, 1]));
        assert_eq!((c[1].month.as_str(), c[1].joined, c[1].speaking_after), ("2024-02", 1, [0, 0, 0]));
    }
}
