//! Rule-based models and the closed-form Shapley value: each gives every touch of a
//! converting path a weight, the weights of a path summing to 1.
//!
//! Conventions where vendors differ (stated in the README too):
//! - Weights are per *touch*: a key touched twice gets two shares.
//! - Position-based and W-shaped: roles that fall on one touch add up (the first touch that is
//!   also the lead-creation touch gets 30 % + 30 %); a role with no touch (a path of one or two
//!   touches has no middle; a deal never created has no deal touch) hands its share to the
//!   other roles in proportion, so 40/20/40 on two touches is 50/50 and one touch gets 100 %.
//! - Last non-direct: the last touch whose key is not direct; the last touch when all are.
//! - Time decay: `2^(-(T - t) / half-life)`, normalised, `T` the conversion time (the last
//!   touch when unknown).
//! - Shapley: the "simplified" game of Zhao et al. (2018), whose value is the conversions of
//!   paths whose key set lies inside the coalition; it reduces exactly to an equal split over the
//!   *distinct* keys of each converting path, so no 2^n loop is needed.

use super::{Credit, Paths};

/// A model that weighs each converting path on its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Heuristic {
    FirstTouch,
    LastTouch,
    LastNonDirect,
    Linear,
    /// U-shaped: `first` and `last` to the end touches, the rest evenly over the middle.
    PositionBased { first: f64, last: f64 },
    /// `first`, `lead` (last touch at or before lead creation) and `deal` (last touch at or
    /// before deal creation), the rest evenly over the other touches.
    WShaped { first: f64, lead: f64, deal: f64 },
    TimeDecay { half_life_s: f64 },
    /// Zhao's simplified Shapley value (see the module docs).
    Shapley,
}

impl Heuristic {
    /// Credits per key over every converting path; `direct[key]` marks keys the last-non-direct
    /// model skips (keys past its end are not direct).
    pub fn credit(&self, paths: &Paths, direct: &[bool]) -> Credit {
        let mut credit = Credit::zeros(paths.keys.len());
        let mut weights: Vec<f64> = Vec::new();
        let mut seen: Vec<u32> = vec![u32::MAX; paths.keys.len()];
        for i in 0..paths.len() {
            let (conversions, value) = (paths.conversions[i], paths.values[i]);
            if conversions <= 0.0 && value == 0.0 {
                continue;
            }
            let (keys, times) = paths.path(i);
            if keys.is_empty() {
                continue;
            }
            weights.clear();
            weights.resize(keys.len(), 0.0);
            self.weigh(keys, times, paths.conversion_time[i], paths.milestones[i], direct, &mut weights, &mut seen, i as u32);
            for (&k, &w) in keys.iter().zip(&weights) {
                if w != 0.0 {
                    credit.conversions[k as usize] += w * conversions;
                    credit.revenue[k as usize] += w * value;
                }
            }
        }
        credit
    }

    /// Fills `w` (zeroed, one per touch) so that it sums to 1.
    #[allow(clippy::too_many_arguments)]
    fn weigh(&self, keys: &[u32], times: &[i64], conversion_time: i64, milestones: [i64; 2], direct: &[bool], w: &mut [f64], seen: &mut [u32], stamp: u32) {
        let n = keys.len();
        match *self {
            Heuristic::FirstTouch => w[0] = 1.0,
            Heuristic::LastTouch => w[n - 1] = 1.0,
            Heuristic::LastNonDirect => {
                let is_direct = |k: u32| direct.get(k as usize).copied().unwrap_or(false);
                let at = keys.iter().rposition(|&k| !is_direct(k)).unwrap_or(n - 1);
                w[at] = 1.0;
            }
            Heuristic::Linear => w.fill(1.0 / n as f64),
            Heuristic::PositionBased { first, last } => anchored(w, &[(0, first), (n - 1, last)], 1.0 - first - last),
            Heuristic::WShaped { first, lead, deal } => {
                let last_at_or_before = |t: i64| (t != i64::MIN).then(|| times.partition_point(|&x| x <= t)).filter(|&c| c > 0).map(|c| c - 1);
                let mut anchors = vec![(0, first)];
                anchors.extend(last_at_or_before(milestones[0]).map(|i| (i, lead)));
                anchors.extend(last_at_or_before(milestones[1]).map(|i| (i, deal)));
                anchored(w, &anchors, 1.0 - first - lead - deal);
            }
            Heuristic::TimeDecay { half_life_s } => {
                let end = if conversion_time == i64::MAX { times[n - 1] } else { conversion_time };
                let h = half_life_s.max(1.0);
                for (x, &t) in w.iter_mut().zip(times) {
                    *x = (-((end - t).max(0) as f64) / h).exp2();
                }
                normalise(w);
            }
            Heuristic::Shapley => {
                let mut distinct = 0;
                for &k in keys {
                    if seen[k as usize] != stamp {
                        seen[k as usize] = stamp;
                        distinct += 1;
                    }
                }
                // One share per distinct key, on its first touch.
                for (x, &k) in w.iter_mut().zip(keys) {
                    if seen[k as usize] == stamp {
                        *x = 1.0 / distinct as f64;
                        seen[k as usize] = stamp.wrapping_sub(1);
                    }
                }
            }
        }
    }
}

/// Anchor shares added onto their touches, `rest` evenly over the touches that are no anchor;
/// then normalised so that a missing role's share goes to the others in proportion.
fn anchored(w: &mut [f64], anchors: &[(usize, f64)], rest: f64) {
    for &(i, share) in anchors {
        w[i] += share.max(0.0);
    }
    let others: Vec<usize> = (0..w.len()).filter(|i| !anchors.iter().any(|&(a, _)| a == *i)).collect();
    if rest > 0.0 {
        let each = rest / others.len().max(1) as f64;
        for i in others {
            w[i] = each;
        }
    }
    normalise(w);
}

fn normalise(w: &mut [f64]) {
    let sum: f64 = w.iter().sum();
    if sum > 0.0 {
        w.iter_mut().for_each(|x| *x /= sum);
    } else if let Some(last) = w.last_mut() {
        *last = 1.0;
    }
}
