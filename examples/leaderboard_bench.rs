//! Leaderboard re-rank benchmark: loads the files once, then times the first leaderboard
//! (which classifies every message) and re-ranks after rule changes (which must not).
//!
//! ```text
//! cargo run --release --example leaderboard_bench -- /tmp/b/benchmark_1000000_utf8.csv
//! ```

use std::time::Instant;

use qunlens::{Analyzer, Config};

fn main() -> Result<(), String> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: leaderboard_bench FILE...".into());
    }
    let mut a = Analyzer::new(Config::default())?;
    let start = Instant::now();
    for p in &paths {
        let bytes = std::fs::read(p).map_err(|e| format!("{p}: {e}"))?;
        a.add_file(p, &bytes);
    }
    println!("load: {} messages in {:.0} ms", a.message_count(), ms(start));
    let t = Instant::now();
    let first = a.report();
    println!("first full report (resolves the model, classifies for the leaderboard): {:.0} ms, {} entries", ms(t), first.leaderboard.entries.len());
    let t = Instant::now();
    a.report();
    println!("full report again (leaderboard classification cached): {:.0} ms", ms(t));
    a.set_config(Config { leaderboard: qunlens::report::leaderboard::LeaderboardConfig { conversation_gap_s: 1_799, ..Default::default() }, ..Config::default() })?;
    let t = Instant::now();
    a.leaderboard(a.config().clone())?;
    println!("leaderboard with a new conversation gap (classifies again): {:.0} ms", ms(t));
    a.leaderboard(Config::default())?; // back to the default gap (classifies once more)
    let mut times = Vec::new();
    for i in 0..10u32 {
        let mut c = Config::default();
        c.leaderboard.points.discussion = 5 + i;
        c.leaderboard.cooldown_s = 30 + 10 * i as i64;
        c.leaderboard.window = if i % 2 == 0 { "month".into() } else { "all".into() };
        let t = Instant::now();
        let r = a.leaderboard(c)?;
        let json = serde_json::to_string(&r).map_err(|e| e.to_string())?;
        times.push(ms(t));
        if i == 0 {
            println!("re-rank JSON: {} bytes, top: {:?}", json.len(), r.entries.first().map(|e| (&e.name, e.points)));
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("re-rank after a rule change (10 runs): median {:.1} ms, max {:.1} ms", times[5], times[9]);
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
