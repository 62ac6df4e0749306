//! Synthetic paths for benchmarks (the CLI example and the page's worker run the same), so the
//! models' speed is measured on the same million people natively and in the browser.

use super::{markov, Heuristic, Paths};

/// `persons` people with 1..=`max_touches` touches each over `keys` keys (low ids touched more
/// often), a touch every few days; one in ten converts, with a value.
pub fn paths(persons: usize, max_touches: usize, keys: usize, seed: u64) -> Paths {
    let mut rng = crate::xorshift::Xorshift::new(seed | 1);
    let mut next = move || rng.next_u64();
    let mut p = Paths::default();
    for k in 0..keys.max(1) {
        p.key_id(&format!("k{k}"));
    }
    let mut touches = Vec::with_capacity(max_touches);
    for _ in 0..persons {
        touches.clear();
        let n = 1 + (next() % max_touches.max(1) as u64) as usize;
        let mut t = 1_700_000_000 + (next() % 10_000_000) as i64;
        for _ in 0..n {
            // The smaller of two draws: low ids more popular.
            let k = (next() % keys.max(1) as u64).min(next() % keys.max(1) as u64) as u32;
            touches.push((t, k));
            t += (next() % (5 * 86_400)) as i64;
        }
        if next() % 10 == 0 {
            p.push(&touches, 1.0, 0.0, (next() % 50_000) as f64, t, [touches[0].0, i64::MIN]);
        } else {
            p.push(&touches, 0.0, 1.0, 0.0, i64::MAX, [i64::MIN; 2]);
        }
    }
    p
}

/// Milliseconds per model on `paths` (`now()` in ms): every heuristic, then Markov order 1.
pub fn time_models(paths: &Paths, now: &dyn Fn() -> f64) -> Vec<(&'static str, f64)> {
    let models: [(&str, Heuristic); 8] = [
        ("first_touch", Heuristic::FirstTouch),
        ("last_touch", Heuristic::LastTouch),
        ("last_non_direct", Heuristic::LastNonDirect),
        ("linear", Heuristic::Linear),
        ("position_based", Heuristic::PositionBased { first: 0.4, last: 0.4 }),
        ("w_shaped", Heuristic::WShaped { first: 0.3, lead: 0.3, deal: 0.3 }),
        ("time_decay", Heuristic::TimeDecay { half_life_s: 7.0 * 86_400.0 }),
        ("shapley", Heuristic::Shapley),
    ];
    let direct = vec![false; paths.keys.len()];
    let mut out = Vec::new();
    for (name, model) in models {
        let t0 = now();
        std::hint::black_box(model.credit(paths, &direct));
        out.push((name, now() - t0));
    }
    let t0 = now();
    std::hint::black_box(markov::removal_effects(paths, 1, true));
    out.push(("markov", now() - t0));
    out
}
