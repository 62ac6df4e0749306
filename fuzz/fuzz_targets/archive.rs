#![no_main]
// Zip containers (WhatsApp iOS, Slack, zips of exports) and spreadsheets, through the pipeline.
libfuzzer_sys::fuzz_target!(|data: &[u8]| qunlens_fuzz::file("export.zip", &Default::default(), data));
