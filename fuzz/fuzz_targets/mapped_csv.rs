#![no_main]
use std::sync::OnceLock;

/// A mapping with every optional column, so all of the mapped reader is reachable.
fn config() -> &'static qunlens::Config {
    static CONFIG: OnceLock<qunlens::Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        qunlens::Config::from_json(
            r#"{"column_maps":[{"name":"fuzz","time":"time","date_order":"dmy","sender":"sender","text":"text",
                "group":"group","sender_id":"id","reply_to":"reply"}]}"#,
        )
        .expect("config")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| qunlens_fuzz::file("mapped.csv", config(), data));
