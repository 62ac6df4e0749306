//! Markov-chain removal effect, solved exactly (no simulation).
//!
//! The variant (the standard definition, as in ChannelAttribution's `markov_model`):
//! - **Chain.** Repeated consecutive touches of one key collapse (`a > a > b` is `a > b`). A
//!   state is the last `order` keys of a path (the first states of a path are shorter tuples).
//!   A path converting `c` times and not converting `n` times adds `c + n` to `start → s1` and
//!   every `s_i → s_i+1`, `c` to `last → conversion` and `n` to `last → null`; transition
//!   probabilities are these counts normalised per state.
//! - **Null paths** (people who never converted) are included by default; without them every
//!   path converts and the effect becomes the share of conversions that passed through a key.
//! - **Removal effect** of key k: `RE_k = 1 - P_-k(conversion) / P(conversion)`, where `P_-k`
//!   sends every state containing k to null. Probabilities are absorption probabilities of the
//!   chain (ChannelAttribution estimates the same quantity by random walks, capped at the
//!   longest observed path + 1 steps).
//! - **Solving.** Order 1 with up to [`DENSE_STATES`] states: the fundamental matrix
//!   `N = (I - Q)^-1` once; a walk converts through k with probability `h_k x_k` (reach k, then
//!   convert from it; `h_k = N(start, k) / N(k, k)`), so `P_-k = P - h_k x_k` for every k from
//!   one inversion. Otherwise (higher orders remove several states per key) each removal is
//!   solved by Gauss–Seidel to 1e-15 over the states that can reach a removed one.
//! - **Many keys.** A chain keeps the most touched keys as their own states (999 at order 1,
//!   [`HIGHER_ORDER_KEYS`] above); the rest share one `(other)` state, whose credit is split
//!   among them in proportion to their touches on converting paths (revenue: value-weighted).
//!   `merged_keys` says how many keys were merged.
//! - **Normalisation.** Credited conversions are `RE_k / Σ RE × total conversions`. Revenue uses
//!   the value-weighted chain: reaching conversion from state l is worth the mean value of the
//!   conversions of paths ending in l; `RE^v_k` likewise, and revenue is
//!   `RE^v_k / Σ RE^v × total value`.

use super::{Credit, Paths};
use crate::model::HashMap;

/// The model's output.
#[derive(Clone, Debug, Default)]
pub struct Markov {
    pub credit: Credit,
    /// Per key: `RE_k` and `RE^v_k`.
    pub removal_effects: Vec<f64>,
    pub removal_effects_value: Vec<f64>,
    /// Probability that a journey from the start converts.
    pub p_conversion: f64,
    /// Transient states of the chain.
    pub states: usize,
    /// Keys beyond the chain's key limit, merged into one state (see the module docs).
    pub merged_keys: usize,
}

/// Largest order-1 chain solved through its fundamental matrix (8 MB of f64, about a second in the browser at 1,000).
pub const DENSE_STATES: usize = 1000;

/// The chain's transient states with their outgoing probabilities.
struct Chain {
    /// Per state: keys it contains (CSR).
    state_keys_offsets: Vec<u32>,
    state_keys: Vec<u32>,
    start: Vec<(u32, f64)>,
    out_offsets: Vec<u32>,
    out: Vec<(u32, f64)>,
    /// Per state: probability of converting next, and that times the mean conversion value.
    conv: Vec<f64>,
    conv_value: Vec<f64>,
    /// The largest mean conversion value (value convergence is measured relative to it).
    value_scale: f64,
    /// States in solving order (latest in paths first, so that one sweep nearly settles a
    /// chain without loops).
    order: Vec<u32>,
    /// Reverse edges (CSR): who leads to each state.
    into_offsets: Vec<u32>,
    into: Vec<u32>,
}

/// Keys kept as their own states by chains of order 2 and up.
pub const HIGHER_ORDER_KEYS: usize = 100;

/// Credits by removal effect over `paths`, with chain `order` (≥ 1).
pub fn removal_effects(paths: &Paths, order: usize, with_nulls: bool) -> Markov {
    let limit = if order <= 1 { DENSE_STATES - 1 } else { HIGHER_ORDER_KEYS };
    if paths.keys.len() > limit {
        merged(paths, order, with_nulls, limit)
    } else {
        exact(paths, order, with_nulls)
    }
}

/// [`exact`] on paths whose keys past the `limit` most touched share one state; the shared
/// state's credit split by their touches on converting paths.
fn merged(paths: &Paths, order: usize, with_nulls: bool, limit: usize) -> Markov {
    let keys = paths.keys.len();
    let mut weight = vec![0.0; keys];
    let mut converting = vec![0.0; keys];
    let mut valued = vec![0.0; keys];
    for i in 0..paths.len() {
        let w = paths.conversions[i] + if with_nulls { paths.nulls[i] } else { 0.0 };
        for &k in paths.path(i).0 {
            weight[k as usize] += w;
            converting[k as usize] += paths.conversions[i];
            valued[k as usize] += paths.values[i];
        }
    }
    let mut by_weight: Vec<usize> = (0..keys).collect();
    by_weight.sort_by(|&a, &b| weight[b].total_cmp(&weight[a]).then(a.cmp(&b)));
    let other = limit as u32;
    let mut to = vec![other; keys];
    let mut reduced = Paths::default();
    for (new, &k) in by_weight.iter().take(limit).enumerate() {
        to[k] = new as u32;
        reduced.key_id(&paths.keys[k]);
    }
    reduced.key_id("\u{0}(other)");
    let mut buf = Vec::new();
    for i in 0..paths.len() {
        let (ks, ts) = paths.path(i);
        buf.clear();
        buf.extend(ts.iter().zip(ks).map(|(&t, &k)| (t, to[k as usize])));
        reduced.push(&buf, paths.conversions[i], paths.nulls[i], paths.values[i], paths.conversion_time[i], paths.milestones[i]);
    }
    let m = exact(&reduced, order, with_nulls);
    let o = other as usize;
    let (sum_c, sum_v): (f64, f64) = (0..keys).filter(|&k| to[k] == other).fold((0.0, 0.0), |(c, v), k| (c + converting[k], v + valued[k]));
    let mut out = Markov { credit: Credit::zeros(keys), removal_effects: vec![0.0; keys], removal_effects_value: vec![0.0; keys], p_conversion: m.p_conversion, states: m.states, merged_keys: keys - limit };
    for k in 0..keys {
        let r = to[k] as usize;
        let (c_share, v_share) = if r == o { (if sum_c > 0.0 { converting[k] / sum_c } else { 0.0 }, if sum_v > 0.0 { valued[k] / sum_v } else { 0.0 }) } else { (1.0, 1.0) };
        out.credit.conversions[k] = m.credit.conversions[r] * c_share;
        out.credit.revenue[k] = m.credit.revenue[r] * v_share;
        out.removal_effects[k] = m.removal_effects[r];
        out.removal_effects_value[k] = m.removal_effects_value[r];
    }
    out
}

/// The chain over every key of `paths`.
fn exact(paths: &Paths, order: usize, with_nulls: bool) -> Markov {
    let keys = paths.keys.len();
    let (total_conversions, total_value) = converting_totals(paths);
    let Some(chain) = Chain::build(paths, order.max(1), with_nulls) else {
        return Markov { credit: Credit::zeros(keys), removal_effects: vec![0.0; keys], removal_effects_value: vec![0.0; keys], ..Default::default() };
    };
    let n = chain.conv.len();
    if order <= 1 && n <= DENSE_STATES {
        let (re, re_v, p) = chain.removal_by_hitting(keys);
        return normalised(re, re_v, (total_conversions, total_value), p, n);
    }
    let mut x = vec![0.0; n];
    let mut xv = vec![0.0; n];
    let killed = vec![false; n];
    let all: Vec<u32> = chain.order.clone();
    chain.solve(&all, &killed, &mut x, &mut xv);
    let (p, pv) = chain.from_start(&x, &xv);

    // States containing each key.
    let mut states_of: Vec<Vec<u32>> = vec![Vec::new(); keys];
    for s in 0..n {
        for &k in chain.keys_of(s) {
            if states_of[k as usize].last() != Some(&(s as u32)) {
                states_of[k as usize].push(s as u32);
            }
        }
    }
    let mut re = vec![0.0; keys];
    let mut re_v = vec![0.0; keys];
    let mut killed = killed;
    let (mut xk, mut xvk) = (x.clone(), xv.clone());
    let mut rank = vec![0u32; n];
    for (i, &s) in chain.order.iter().enumerate() {
        rank[s as usize] = i as u32;
    }
    for k in 0..keys {
        let removed = &states_of[k];
        if removed.is_empty() {
            continue;
        }
        for &s in removed {
            killed[s as usize] = true;
            xk[s as usize] = 0.0;
            xvk[s as usize] = 0.0;
        }
        // Only states that can reach a removed one change.
        let mut affected = chain.ancestors(removed, &killed);
        affected.sort_unstable_by_key(|&s| rank[s as usize]);
        chain.solve(&affected, &killed, &mut xk, &mut xvk);
        let (pk, pvk) = chain.from_start(&xk, &xvk);
        re[k] = if p > 0.0 { (1.0 - pk / p).max(0.0) } else { 0.0 };
        re_v[k] = if pv > 0.0 { (1.0 - pvk / pv).max(0.0) } else { 0.0 };
        for &s in removed.iter().chain(&affected) {
            killed[s as usize] = false;
            xk[s as usize] = x[s as usize];
            xvk[s as usize] = xv[s as usize];
        }
    }
    normalised(re, re_v, (total_conversions, total_value), p, n)
}

/// Credits `RE_k / Σ RE × total` (conversions, and revenue from the value effects).
fn normalised(re: Vec<f64>, re_v: Vec<f64>, (conversions, value): (f64, f64), p: f64, states: usize) -> Markov {
    let share = |effects: &[f64], total: f64| -> Vec<f64> {
        let sum: f64 = effects.iter().sum();
        effects.iter().map(|e| if sum > 0.0 { e / sum * total } else { 0.0 }).collect()
    };
    Markov {
        credit: Credit { conversions: share(&re, conversions), revenue: share(&re_v, value) },
        removal_effects: re,
        removal_effects_value: re_v,
        p_conversion: p,
        states,
        merged_keys: 0,
    }
}

/// Conversions and value of the paths that have touches (paths with none credit no key).
fn converting_totals(paths: &Paths) -> (f64, f64) {
    (0..paths.len()).filter(|&i| !paths.path(i).0.is_empty()).fold((0.0, 0.0), |(c, v), i| (c + paths.conversions[i], v + paths.values[i]))
}

impl Chain {
    fn build(paths: &Paths, order: usize, with_nulls: bool) -> Option<Chain> {
        let keys = paths.keys.len();
        let mut state_ids: HashMap<Vec<u32>, u32> = HashMap::default();
        let mut state_keys_offsets = vec![0u32];
        let mut state_keys: Vec<u32> = Vec::new();
        if order == 1 {
            for k in 0..keys as u32 {
                state_keys.push(k);
                state_keys_offsets.push(k + 1);
            }
        }
        let dense = order == 1 && keys <= 1024;
        let mut dense_w = if dense { vec![0.0; keys * keys] } else { Vec::new() };
        let mut sparse_w: HashMap<u64, f64> = HashMap::default();
        let mut start_w: HashMap<u32, f64> = HashMap::default();
        let (mut conv_w, mut null_w, mut value_w) = (Vec::new(), Vec::new(), Vec::new());
        let (mut position_sum, mut position_n): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        let mut seq: Vec<u32> = Vec::new();
        let mut states: Vec<u32> = Vec::new();
        for i in 0..paths.len() {
            let c = paths.conversions[i].max(0.0);
            let nn = if with_nulls { paths.nulls[i].max(0.0) } else { 0.0 };
            let w = c + nn;
            let (path, _) = paths.path(i);
            if w <= 0.0 || path.is_empty() {
                continue;
            }
            seq.clear();
            for &k in path {
                if seq.last() != Some(&k) {
                    seq.push(k);
                }
            }
            states.clear();
            for j in 0..seq.len() {
                let s = if order == 1 {
                    seq[j]
                } else {
                    let tuple = &seq[j.saturating_sub(order - 1)..=j];
                    match state_ids.get(tuple) {
                        Some(&s) => s,
                        None => {
                            let s = state_ids.len() as u32;
                            state_ids.insert(tuple.to_vec(), s);
                            state_keys.extend_from_slice(tuple);
                            state_keys_offsets.push(state_keys.len() as u32);
                            s
                        }
                    }
                };
                states.push(s);
            }
            let n_states = state_keys_offsets.len() - 1;
            for v in [&mut conv_w, &mut null_w, &mut value_w, &mut position_sum, &mut position_n] {
                if v.len() < n_states {
                    v.resize(n_states, 0.0);
                }
            }
            *start_w.entry(states[0]).or_default() += w;
            for (j, pair) in states.windows(2).enumerate() {
                let (a, b) = (pair[0], pair[1]);
                if dense {
                    dense_w[a as usize * keys + b as usize] += w;
                } else {
                    *sparse_w.entry((a as u64) << 32 | b as u64).or_default() += w;
                }
                position_sum[a as usize] += j as f64 * w;
                position_n[a as usize] += w;
            }
            let last = *states.last()? as usize;
            position_sum[last] += (states.len() - 1) as f64 * w;
            position_n[last] += w;
            conv_w[last] += c;
            null_w[last] += nn;
            value_w[last] += paths.values[i] * if c > 0.0 { 1.0 } else { 0.0 };
        }
        let n = state_keys_offsets.len() - 1;
        if start_w.is_empty() || n == 0 {
            return None;
        }
        for v in [&mut conv_w, &mut null_w, &mut value_w, &mut position_sum, &mut position_n] {
            v.resize(n, 0.0);
        }
        // Edges grouped by source.
        let mut edges: Vec<(u32, u32, f64)> = if dense {
            (0..keys).flat_map(|a| (0..keys).map(move |b| (a, b))).filter_map(|(a, b)| {
                let w = dense_w[a * keys + b];
                (w > 0.0).then_some((a as u32, b as u32, w))
            }).collect()
        } else {
            sparse_w.into_iter().map(|(ab, w)| ((ab >> 32) as u32, ab as u32, w)).collect()
        };
        edges.sort_unstable_by_key(|e| (e.0, e.1));
        let mut total = vec![0.0; n];
        for &(a, _, w) in &edges {
            total[a as usize] += w;
        }
        for s in 0..n {
            total[s] += conv_w[s] + null_w[s];
        }
        let mut out_offsets = vec![0u32; n + 1];
        for &(a, _, _) in &edges {
            out_offsets[a as usize + 1] += 1;
        }
        for s in 0..n {
            out_offsets[s + 1] += out_offsets[s];
        }
        let out: Vec<(u32, f64)> = edges.iter().map(|&(a, b, w)| (b, w / total[a as usize])).collect();
        let mut into_offsets = vec![0u32; n + 1];
        for &(_, b, _) in &edges {
            into_offsets[b as usize + 1] += 1;
        }
        for s in 0..n {
            into_offsets[s + 1] += into_offsets[s];
        }
        let mut fill = into_offsets.clone();
        let mut into = vec![0u32; edges.len()];
        for &(a, b, _) in &edges {
            into[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
        let conv: Vec<f64> = (0..n).map(|s| if total[s] > 0.0 { conv_w[s] / total[s] } else { 0.0 }).collect();
        // Mean value per conversion ending here, times the chance to convert next.
        let conv_value: Vec<f64> = (0..n).map(|s| if total[s] > 0.0 { value_w[s] / total[s] } else { 0.0 }).collect();
        let value_scale = (0..n).filter(|&s| conv_w[s] > 0.0).map(|s| value_w[s] / conv_w[s]).fold(1.0, f64::max);
        let start_total: f64 = start_w.values().sum();
        let mut start: Vec<(u32, f64)> = start_w.into_iter().map(|(s, w)| (s, w / start_total)).collect();
        start.sort_unstable_by_key(|e| e.0);
        let mean_position = |s: usize| if position_n[s] > 0.0 { position_sum[s] / position_n[s] } else { 0.0 };
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| mean_position(b as usize).total_cmp(&mean_position(a as usize)).then(a.cmp(&b)));
        Some(Chain { state_keys_offsets, state_keys, start, out_offsets, out, conv, conv_value, value_scale, order, into_offsets, into })
    }

    /// Order 1 (state = key): every key's removal effect from the fundamental matrix.
    /// Returns the removal effects, their value versions and P(conversion).
    fn removal_by_hitting(&self, keys: usize) -> (Vec<f64>, Vec<f64>, f64) {
        let n = self.conv.len();
        // A = I - Q, inverted in place by Gauss-Jordan (A is a nonsingular M-matrix: every state
        // reaches absorption, so no pivoting is needed).
        let mut a = vec![0.0; n * n];
        for s in 0..n {
            a[s * n + s] = 1.0;
            for &(t, q) in &self.out[self.out_offsets[s] as usize..self.out_offsets[s + 1] as usize] {
                a[s * n + t as usize] -= q;
            }
        }
        invert(&mut a, n);
        let mut x = vec![0.0; n];
        let mut xv = vec![0.0; n];
        for s in 0..n {
            let row = &a[s * n..(s + 1) * n];
            x[s] = row.iter().zip(&self.conv).map(|(m, r)| m * r).sum();
            xv[s] = row.iter().zip(&self.conv_value).map(|(m, r)| m * r).sum();
        }
        let mut visits_from_start = vec![0.0; n];
        for &(s, w) in &self.start {
            for (v, m) in visits_from_start.iter_mut().zip(&a[s as usize * n..(s as usize + 1) * n]) {
                *v += w * m;
            }
        }
        let (p, pv) = self.from_start(&x, &xv);
        let mut re = vec![0.0; keys];
        let mut re_v = vec![0.0; keys];
        for k in 0..n.min(keys) {
            let diagonal = a[k * n + k];
            if diagonal <= 0.0 {
                continue;
            }
            let hit = visits_from_start[k] / diagonal;
            re[k] = if p > 0.0 { (hit * x[k] / p).clamp(0.0, 1.0) } else { 0.0 };
            re_v[k] = if pv > 0.0 { (hit * xv[k] / pv).clamp(0.0, 1.0) } else { 0.0 };
        }
        (re, re_v, p)
    }

    fn keys_of(&self, s: usize) -> &[u32] {
        &self.state_keys[self.state_keys_offsets[s] as usize..self.state_keys_offsets[s + 1] as usize]
    }

    /// States (not removed) from which a removed state can be reached.
    fn ancestors(&self, removed: &[u32], killed: &[bool]) -> Vec<u32> {
        let mut seen = vec![false; self.conv.len()];
        let mut stack: Vec<u32> = removed.to_vec();
        let mut found = Vec::new();
        while let Some(s) = stack.pop() {
            for &a in &self.into[self.into_offsets[s as usize] as usize..self.into_offsets[s as usize + 1] as usize] {
                if !seen[a as usize] && !killed[a as usize] {
                    seen[a as usize] = true;
                    found.push(a);
                    stack.push(a);
                }
            }
        }
        found
    }

    /// Gauss–Seidel over `states` for `x = conv + Q x` (and the value version), removed states
    /// held at 0; the other states keep their values in `x`.
    fn solve(&self, states: &[u32], killed: &[bool], x: &mut [f64], xv: &mut [f64]) {
        for _sweep in 0..100_000 {
            let mut change: f64 = 0.0;
            for &s in states {
                let s = s as usize;
                if killed[s] {
                    continue;
                }
                let (mut a, mut b) = (self.conv[s], self.conv_value[s]);
                for &(t, p) in &self.out[self.out_offsets[s] as usize..self.out_offsets[s + 1] as usize] {
                    a += p * x[t as usize];
                    b += p * xv[t as usize];
                }
                change = change.max((a - x[s]).abs()).max((b - xv[s]).abs() / self.value_scale);
                x[s] = a;
                xv[s] = b;
            }
            if change < 1e-15 {
                break;
            }
        }
    }

    fn from_start(&self, x: &[f64], xv: &[f64]) -> (f64, f64) {
        self.start.iter().fold((0.0, 0.0), |(p, pv), &(s, w)| (p + w * x[s as usize], pv + w * xv[s as usize]))
    }
}

/// Inverts the row-major `n`×`n` matrix `a` in place (Gauss–Jordan without pivoting, for
/// diagonally dominant M-matrices).
fn invert(a: &mut [f64], n: usize) {
    let mut pivot_row = vec![0.0; n];
    for k in 0..n {
        let pivot = a[k * n + k];
        let inv = 1.0 / pivot;
        // Row k becomes row k / pivot, with column k holding 1 / pivot.
        a[k * n + k] = 1.0;
        for v in &mut a[k * n..(k + 1) * n] {
            *v *= inv;
        }
        pivot_row.copy_from_slice(&a[k * n..(k + 1) * n]);
        for i in 0..n {
            if i == k {
                continue;
            }
            let f = a[i * n + k];
            if f == 0.0 {
                continue;
            }
            a[i * n + k] = 0.0;
            for (v, p) in a[i * n..(i + 1) * n].iter_mut().zip(&pivot_row) {
                *v -= f * p;
            }
        }
    }
}
