#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| qunlens_fuzz::file("export.csv", &Default::default(), data));
