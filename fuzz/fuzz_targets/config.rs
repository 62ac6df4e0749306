#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(config) = qunlens::Config::from_json(text) {
            let _ = qunlens::Analyzer::new(config);
        }
    }
});
