//! What every fuzz target runs: a parser (or the whole pipeline) on arbitrary bytes, then the
//! report over what it read. Any panic, overflow or hang is a bug; crashes become regression
//! tests in `tests/robustness.rs`.

use qunlens::ingest::{read_as, Format};
use qunlens::{Analyzer, Config};

/// One chat format's parser, skipping detection. The first byte picks the chunk size, so
/// pieces split rows, quotes and characters at varied places.
pub fn chat(format: Format, data: &[u8]) {
    let (chunk, bytes) = split(data);
    if let Some((model, _)) = read_as(format, "fuzz.txt", bytes, chunk) {
        let zone = qunlens::time::Zone::new("Asia/Shanghai").expect("zone");
        let _ = qunlens::report::build(&model, &[], &Config::default(), &zone).to_json();
    }
}

/// The whole pipeline from bytes: detection, decoding, every parser, the report.
pub fn file(name: &str, config: &Config, data: &[u8]) {
    let (chunk, bytes) = split(data);
    let mut a = Analyzer::new(config.clone()).expect("config");
    a.begin_file(name);
    for piece in bytes.chunks(chunk) {
        a.push(piece);
    }
    a.end_file();
    let _ = a.report().to_json();
}

/// Arbitrary bytes as a partial model from another worker.
pub fn partial(data: &[u8]) {
    let mut a = Analyzer::new(Config::default()).expect("config");
    if a.absorb(data).is_ok() {
        let _ = a.report().to_json();
    }
}

fn split(data: &[u8]) -> (usize, &[u8]) {
    match data.split_first() {
        Some((&c, rest)) => (1 + c as usize * 37, rest),
        None => (1, data),
    }
}
