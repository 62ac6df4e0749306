//! Times one section alone on a file (roles by default, or health):
//! `cargo run --release --example roles_bench -- FILE [roles|health]`.
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let section = std::env::args().nth(2).unwrap_or_else(|| "roles".into());
    let bytes = std::fs::read(&path).expect("readable file");
    let mut zone = qunlens::time::Zone::new("Asia/Shanghai").expect("zone");
    let mut b = qunlens::model::ModelBuilder::new();
    let mut f = qunlens::ingest::FileIngest::new(&path, &b);
    for chunk in bytes.chunks(1 << 20) {
        f.push(chunk, &mut b, &mut zone);
    }
    f.finish(&mut b, &mut zone);
    let model = b.finish();
    let config = qunlens::Config::default();
    let as_of = model.messages.time.iter().copied().max();
    let order: Vec<String> = model.groups.iter().map(qunlens::report::group_id).collect();
    let t = Instant::now();
    let full = qunlens::report::build(&model, &[], &config, &zone);
    let full_time = t.elapsed();
    let mut best = std::time::Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        // The time order is shared by both sections in a report; timed here with the section.
        let by_time = qunlens::report::order::time_order(&model);
        let groups = match section.as_str() {
            "health" => qunlens::report::health::build(&model, &config, &zone, as_of, &order, &by_time).groups.len(),
            _ => qunlens::report::roles::build(&model, &config, &zone, as_of, &order, &by_time).groups.len(),
        };
        best = best.min(t.elapsed());
        assert_eq!(groups, full.roles.groups.len());
    }
    println!("{} messages: full report {full_time:?}, {section} section (best of 3) {best:?}", model.messages.len());
}
