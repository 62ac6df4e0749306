//! No input may panic the module: every format's real-shaped file, cut at arbitrary points,
//! with bytes flipped, or in a foreign encoding, loads what it can and reports the rest.

use qunlens::sample::{generate, SampleSpec};
use qunlens::{Analyzer, Config};

fn small_sample() -> Vec<qunlens::sample::SampleFile> {
    generate(&SampleSpec { messages: 1_400, people: 200, ..SampleSpec::default() })
}

/// Deterministic pseudo-random positions.
fn positions(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % len.max(1) as u64) as usize
        })
        .collect()
}

fn load(name: &str, bytes: &[u8]) -> qunlens::report::Report {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(name, bytes);
    a.report()
}

#[test]
fn every_sample_format_is_recognised_and_loads_without_skips() {
    for f in small_sample() {
        let r = load(&f.name, &f.bytes);
        let input = &r.inputs[0];
        assert!(input.error.is_none(), "{}: {:?}", f.name, input.error);
        assert_eq!(input.skipped_count, 0, "{}: {:?}", f.name, input.skipped);
        assert!(input.rows > 0, "{}", f.name);
    }
}

#[test]
fn truncated_files_never_panic_and_keep_earlier_rows() {
    for f in small_sample() {
        let full = load(&f.name, &f.bytes).inputs[0].messages;
        for cut in positions(f.bytes.len(), 12, 0x5EED ^ f.bytes.len() as u64) {
            let r = load(&f.name, &f.bytes[..cut]);
            assert!(r.inputs[0].messages <= full, "{} cut at {cut}", f.name);
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    for f in small_sample() {
        for (k, seed) in [3u64, 17, 99].into_iter().enumerate() {
            let mut bytes = f.bytes.clone();
            for p in positions(bytes.len(), 40, seed * 7919 + k as u64) {
                bytes[p] = bytes[p].wrapping_add(0x5B);
            }
            let r = load(&f.name, &bytes);
            assert_eq!(r.inputs.len(), 1);
        }
    }
}

#[test]
fn utf16_copies_read_the_same_as_utf8() {
    for f in small_sample().into_iter().filter(|f| std::str::from_utf8(&f.bytes).is_ok()) {
        let text = std::str::from_utf8(&f.bytes).unwrap().trim_start_matches('\u{FEFF}');
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let a = load(&f.name, &f.bytes);
        let b = load(&f.name, &le);
        assert_eq!(b.inputs[0].encoding.as_deref(), Some("utf-16le"), "{}", f.name);
        assert_eq!(a.inputs[0].messages, b.inputs[0].messages, "{}", f.name);
        assert_eq!(serde_json::to_string(&a.groups).unwrap(), serde_json::to_string(&b.groups).unwrap());
    }
}

#[test]
fn one_bad_file_does_not_lose_the_others() {
    let files = small_sample();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("garbage.csv", &[0xFF, 0x00, 0x13, 0x37, 0x00, 0x00, 0x42]);
    a.add_file(&files[0].name, &files[0].bytes);
    let r = a.report();
    assert!(r.inputs[0].error.is_some());
    assert!(r.inputs[1].messages > 0);
    assert_eq!(r.groups.len(), 1);
}

/// Inputs the fuzz targets (fuzz/README.md) found crashing, kept as regressions.
#[test]
fn fuzz_finds_stay_fixed() {
    // config: a time zone offset whose minutes overflowed (`["+1:+531488901"]` is read as a
    // config whose first field, timezone, is that string).
    let config = Config::from_json(r#"["+1:+531488901"]"#).unwrap();
    assert!(Analyzer::new(config).is_err());
}

#[test]
fn fuzz_find_a_partial_whose_join_names_the_system_reports_without_panicking() {
    // partial: a worker's partial model whose membership event is about "the system" (no
    // person) became a membership of member u32::MAX, and the health section indexed with it.
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz/partial-system-member.bin")).unwrap();
    let mut a = Analyzer::new(Config::default()).unwrap();
    assert!(a.absorb(&bytes).expect("the partial passes the range checks"));
    let report = a.report();
    assert!(report.health.groups.iter().all(|g| g.silent_members <= g.members));
}
