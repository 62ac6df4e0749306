//! Attribution models on a million synthetic people (paths of up to 20 touches):
//!
//!     cargo run --release --example attribution_bench -- [PERSONS] [MAX_TOUCHES] [KEYS]
//!
//! The page measures the same in the browser: `node tests/page/attribution-bench.mjs`.
use qunlens::attribution::synthetic;
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let persons = args.first().copied().unwrap_or(1_000_000);
    let max_touches = args.get(1).copied().unwrap_or(20);
    let keys = args.get(2).copied().unwrap_or(800);
    let start = Instant::now();
    let paths = synthetic::paths(persons, max_touches, keys, 7);
    println!("{persons} persons, {} touches, {keys} keys: generated in {:.0} ms", paths.touch_count(), start.elapsed().as_secs_f64() * 1e3);
    let origin = Instant::now();
    let now = || origin.elapsed().as_secs_f64() * 1e3;
    for round in 0..3 {
        let times = synthetic::time_models(&paths, &now);
        let heuristics: f64 = times.iter().filter(|(n, _)| *n != "markov").map(|t| t.1).sum();
        let line: Vec<String> = times.iter().map(|(n, ms)| format!("{n} {ms:.0}")).collect();
        println!("round {round}: heuristics together {heuristics:.0} ms; {}", line.join(", "));
    }
}
