//! Report section `activity`: messages per local day and an hour x weekday heatmap, overall
//! and per group. Only member messages count (system tips, recalls and pats do not).

use serde::Serialize;

use crate::model::{Model, SYSTEM};
use crate::time::{format_day, Zone};

/// Activity over time.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    /// All groups together.
    pub daily: DailySeries,
    /// `heatmap[weekday][hour]`: messages, weekday 0 = Monday, hours in the report's zone.
    pub heatmap: Vec<Vec<u64>>,
    /// The same per group (group id), in the order of the `groups` section.
    pub by_group: Vec<GroupActivity>,
}

/// Messages per day as a dense series: `messages[i]` is the count on `start + i days`.
#[derive(Clone, Debug, Serialize, Default)]
pub struct DailySeries {
    /// First day (`YYYY-MM-DD`), null when there are no messages.
    pub start: Option<String>,
    pub messages: Vec<u64>,
}

/// Activity of one group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupActivity {
    pub group: String,
    pub daily: DailySeries,
    pub heatmap: Vec<Vec<u64>>,
}

#[derive(Default)]
struct Acc {
    days: Vec<(i64, u32)>,
    heat: [[u64; 24]; 7],
}

impl Acc {
    fn series(&mut self) -> DailySeries {
        if self.days.is_empty() {
            return DailySeries::default();
        }
        self.days.sort_unstable();
        let first = self.days[0].0;
        let last = self.days[self.days.len() - 1].0;
        let mut messages = vec![0u64; (last - first + 1) as usize];
        for &(d, n) in &self.days {
            messages[(d - first) as usize] += n as u64;
        }
        DailySeries { start: Some(format_day(first)), messages }
    }

    fn heatmap(&self) -> Vec<Vec<u64>> {
        self.heat.iter().map(|row| row.to_vec()).collect()
    }

    fn add(&mut self, day: i64, weekday: u8, hour: u8) {
        match self.days.last_mut() {
            Some((d, n)) if *d == day => *n += 1,
            _ => self.days.push((day, 1)),
        }
        self.heat[weekday as usize % 7][hour as usize % 24] += 1;
    }
}

pub(super) fn build(model: &Model, zone: &Zone, group_order: &[String]) -> Activity {
    let mut all = Acc::default();
    let mut per: Vec<Acc> = (0..model.groups.len()).map(|_| Acc::default()).collect();
    let m = &model.messages;
    let mut cache = crate::time::LocalCache::default();
    for i in 0..m.len() {
        if m.sender[i] == SYSTEM || !m.kind[i].is_member_activity() {
            continue;
        }
        let l = zone.local_cached(m.time[i], &mut cache);
        all.add(l.days, l.weekday, l.hour);
        per[m.group[i] as usize].add(l.days, l.weekday, l.hour);
    }
    let ids: Vec<String> = model.groups.iter().map(super::group_id).collect();
    let mut by_group: Vec<GroupActivity> = per
        .iter_mut()
        .zip(ids)
        .map(|(acc, group)| GroupActivity { group, daily: acc.series(), heatmap: acc.heatmap() })
        .collect();
    let rank = super::groups::ranker(group_order);
    by_group.sort_by_key(|g| rank(&g.group));
    Activity { daily: all.series(), heatmap: all.heatmap(), by_group }
}
