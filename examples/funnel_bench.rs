//! Funnel recompute benchmark: N people (default 1,000,000) in WeChatMsg CSV chats — each
//! invited by a system join message, speaking on 1–5 days — and a CRM export matching 20% of
//! them by WeChat id with stage dates. Loads once, builds the report once, then times
//! `Analyzer::funnel` for 5-step configs that change step order and window (the page's
//! "recompute without re-parsing").
//!
//!   cargo run --release --example funnel_bench -- [PEOPLE] [--out DIR]
//!
//! With `--out DIR` it also writes the generated files, for the page benchmark
//! (`node tests/page/funnel-bench.mjs DIR/*`).

use std::fmt::Write as _;
use std::time::Instant;

use qunlens::{Analyzer, Config};

const HEADER: &str = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n";
const UNCAPPED: &str = r#"{"limits": {"max_members": 0}}"#;
const UNCAPPED_KEY: &str = r#""limits": {"max_members": 0}"#;
const START: i64 = 1_704_067_200; // 2024-01-01 08:00 +08:00

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let people: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1)).cloned();
    let (chats, crm) = generate(people);
    let bytes: usize = chats.iter().map(|(_, c)| c.len()).sum::<usize>() + crm.len();
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).expect("output directory"); // ok: benchmark tool
        for (name, text) in &chats {
            std::fs::write(format!("{dir}/{name}"), text).expect("write"); // ok: benchmark tool
        }
        std::fs::write(format!("{dir}/线索导出.csv"), &crm).expect("write"); // ok: benchmark tool
    }
    // No cap on people: the default (500,000) protects the browser's full report, not this bench.
    let mut a = Analyzer::new(Config::from_json(UNCAPPED).expect("config")).expect("config"); // ok: benchmark tool
    let t = Instant::now();
    for (name, text) in &chats {
        a.add_file(name, text.as_bytes());
    }
    a.add_file("线索导出.csv", crm.as_bytes());
    let read = t.elapsed();
    let t = Instant::now();
    let report = a.report();
    let full = t.elapsed();
    println!(
        "{people} people, {} MB: read {:.2} s, full report {:.2} s (journeys built once), funnel people {}",
        bytes / 1_000_000,
        read.as_secs_f64(),
        full.as_secs_f64(),
        report.funnel.people
    );
    let configs = [
        r#"{"funnel": {"steps": ["invited", "joined", "active", "lead", "won"]}}"#,
        r#"{"funnel": {"steps": ["joined", "first_message", "active", "lead", "won"], "window_days": 30}}"#,
        r#"{"funnel": {"steps": ["invited", "joined", "lead", "mql", "won"], "mode": "any_order"}}"#,
        r#"{"funnel": {"steps": ["joined", "active", "lead", "sql", "won"], "from": "2024-02-01"}}"#,
    ];
    let mut times = Vec::new();
    for round in 0..3 {
        for c in configs {
            let t = Instant::now();
            let full = format!("{{{UNCAPPED_KEY}, {}", &c[1..]);
            let f = a.funnel(Config::from_json(&full).expect("config")).expect("funnel"); // ok: benchmark tool
            let json = serde_json::to_string(&f).expect("json"); // ok: benchmark tool
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            times.push(ms);
            if round == 0 {
                let counts: Vec<u64> = f.steps.iter().map(|s| s.count).collect();
                println!("  {c}: {counts:?} in {ms:.0} ms ({} KB JSON)", json.len() / 1000);
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("funnel recompute (5 steps, incl. JSON): median {:.0} ms, max {:.0} ms over {} runs", times[times.len() / 2], times[times.len() - 1], times.len());
}

/// Ten groups of chats and one CRM export; deterministic.
fn generate(people: usize) -> (Vec<(String, String)>, String) {
    let groups = 10;
    let mut chats: Vec<String> = vec![HEADER.to_string(); groups];
    let mut ids = vec![0u64; groups];
    let mut crm = String::from("姓名,微信号,线索状态,负责人,线索来源,创建时间,成为MQL时间,成为SQL时间,赢单时间,成交金额\n");
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let local = |t: i64| {
        let t = t + 8 * 3600;
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        let (y, m, d) = civil(days);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    };
    for p in 0..people {
        let g = p % groups;
        let joined = START + (next() % (300 * 86_400)) as i64;
        let chat = &mut chats[g];
        ids[g] += 1;
        let _ = writeln!(chat, "{},{g},10000,0,0,{joined},,\"\"\"运营{}\"\"邀请\"\"成员{p}\"\"加入了群聊\",{},,,", ids[g], g, local(joined));
        let days = 1 + next() % 5;
        for d in 0..days {
            let t = joined + 3600 + d as i64 * 86_400 + (next() % 7200) as i64;
            ids[g] += 1;
            let _ = writeln!(chat, "{},{g},1,0,0,{t},,\"第{d}天的消息\",{},成员{p},成员{p},wxid_p{p}", ids[g], local(t));
        }
        if p % 5 == 0 {
            let created = joined + (next() % (20 * 86_400)) as i64;
            let stage = ["线索", "MQL", "SQL", "赢单"][(next() % 4) as usize];
            let mql = if stage != "线索" { local(created + 5 * 86_400) } else { String::new() };
            let sql = if stage == "SQL" || stage == "赢单" { local(created + 12 * 86_400) } else { String::new() };
            let won = if stage == "赢单" { local(created + 30 * 86_400) } else { String::new() };
            let _ = writeln!(crm, "成员{p},wxid_p{p},{stage},SDR{},海报,{},{mql},{sql},{won},", p % 30, local(created));
        }
    }
    let chats = chats.into_iter().enumerate().map(|(g, c)| (format!("bench群{g}_utf8.csv"), c)).collect();
    (chats, crm)
}

fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}
