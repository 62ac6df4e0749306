#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = qunlens::ingest::workbook::preview(data);
});
