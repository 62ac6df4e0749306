//! Attribution models: who gets the credit for a conversion.
//!
//! Pure functions over [`Paths`] — time-ordered touchpoints (keys of one dimension: groups,
//! SDRs, channels or content items) per person, each path converting or not, with a value
//! (revenue). The report ([`crate::report::attribution`]) builds the paths from the chats and
//! the CRM; the models know nothing about either.
//!
//! Every model conserves credit: over a dimension, the credited conversions sum to the
//! converting paths' conversions and the credited revenue to their value.
//!
//! ```
//! use qunlens::attribution::{Paths, Heuristic};
//! let mut paths = Paths::default();
//! // a > b converted once with value 100; b alone did not convert.
//! paths.push_named(&["a", "b"], 1.0, 0.0, 100.0);
//! paths.push_named(&["b"], 0.0, 1.0, 0.0);
//! let linear = Heuristic::Linear.credit(&paths, &[]);
//! assert_eq!(linear.conversions, vec![0.5, 0.5]);
//! assert_eq!(linear.revenue, vec![50.0, 50.0]);
//! ```

mod heuristics;
pub mod markov;
pub mod synthetic;

pub use heuristics::Heuristic;

use crate::model::HashMap;

/// Touchpoint paths of one dimension, stored as columns (a million people would otherwise be
/// a million small vectors).
#[derive(Clone, Debug, Default)]
pub struct Paths {
    /// Key names; a touch's key is an index into this.
    pub keys: Vec<String>,
    key_ids: HashMap<String, u32>,
    offsets: Vec<u32>,
    touch_key: Vec<u32>,
    touch_time: Vec<i64>,
    /// Per path: conversions (0 for a null path; counts when paths are aggregated rows).
    pub conversions: Vec<f64>,
    /// Per path: non-converting journeys with this path (Markov null paths).
    pub nulls: Vec<f64>,
    /// Per path: revenue of its conversions.
    pub values: Vec<f64>,
    /// Per path: when it converted (`i64::MAX` when unknown or not converted): time decay
    /// measures from here.
    pub conversion_time: Vec<i64>,
    /// Per path: the times of the lead-creation and deal-creation milestones (`i64::MIN` =
    /// none), for the W-shaped model.
    pub milestones: Vec<[i64; 2]>,
}

/// Credit per key (indexed like [`Paths::keys`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Credit {
    pub conversions: Vec<f64>,
    pub revenue: Vec<f64>,
}

impl Credit {
    fn zeros(keys: usize) -> Credit {
        Credit { conversions: vec![0.0; keys], revenue: vec![0.0; keys] }
    }
}

impl Paths {
    /// The id of a key, adding it when new.
    pub fn key_id(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.key_ids.get(key) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(key.to_string());
        self.key_ids.insert(key.to_string(), id);
        id
    }

    /// Adds a path of `(time, key id)` touches in time order.
    pub fn push(&mut self, touches: &[(i64, u32)], conversions: f64, nulls: f64, value: f64, conversion_time: i64, milestones: [i64; 2]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for &(t, k) in touches {
            self.touch_time.push(t);
            self.touch_key.push(k);
        }
        self.offsets.push(self.touch_key.len() as u32);
        self.conversions.push(conversions);
        self.nulls.push(nulls);
        self.values.push(value);
        self.conversion_time.push(conversion_time);
        self.milestones.push(milestones);
    }

    /// Adds a path of named touches with no times (aggregated rows, as ChannelAttribution
    /// takes them: `a > b > c` converting `conversions` times, not converting `nulls` times).
    pub fn push_named(&mut self, keys: &[&str], conversions: f64, nulls: f64, value: f64) {
        let touches: Vec<(i64, u32)> = keys.iter().enumerate().map(|(i, k)| (i as i64, self.key_id(k))).collect();
        self.push(&touches, conversions, nulls, value, i64::MAX, [i64::MIN; 2]);
    }

    pub fn len(&self) -> usize {
        self.conversions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conversions.is_empty()
    }

    /// Number of touches over all paths.
    pub fn touch_count(&self) -> usize {
        self.touch_key.len()
    }

    /// Path `i`'s keys and times.
    pub fn path(&self, i: usize) -> (&[u32], &[i64]) {
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        (&self.touch_key[a..b], &self.touch_time[a..b])
    }

    /// Total conversions and value over all paths.
    pub fn totals(&self) -> (f64, f64) {
        (self.conversions.iter().sum(), self.values.iter().sum())
    }
}
