#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| qunlens_fuzz::chat(qunlens::ingest::Format::WeChatMsgCsv, data));
