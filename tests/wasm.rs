//! The wasm boundary in a real browser (headless Chromium via wasm-bindgen-test): bytes in,
//! report JSON out, errors thrown as JS errors. Everything else is tested natively.
#![cfg(target_arch = "wasm32")]

use qunlens::wasm::{analyze, sample_files, Analyzer};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A PyWxDump group CSV re-saved by Excel: GBK, dates without seconds.
fn gbk_csv() -> Vec<u8> {
    let text = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n\
                1,1,文本,0,wxid_a,123@chatroom,大家好,,2024/3/1 10:00\r\n\
                2,2,文本,0,wxid_b,123@chatroom,你好呀,,2024/3/1 10:05\r\n\
                3,3,系统通知,0,系统,123@chatroom,\"\"\"小王\"\"邀请\"\"小李\"\"加入了群聊\",,2024/3/2 9:00\r\n";
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn report(json: &str) -> Value {
    serde_json::from_str(json).expect("the report is JSON")
}

#[wasm_bindgen_test]
fn chunked_gbk_file_becomes_a_report() {
    let mut a = Analyzer::new("{}").expect("default config");
    a.begin_file("123@chatroom_0_5000.csv");
    for chunk in gbk_csv().chunks(5) {
        a.push(chunk);
    }
    a.end_file();
    let r = report(&a.report_json());
    let input = &r["inputs"][0];
    assert_eq!(input["format"], "pywxdump-csv");
    assert_eq!(input["encoding"], "gb18030");
    assert_eq!(input["messages"], 3);
    assert_eq!(r["groups"][0]["joins"], 1);
}

#[wasm_bindgen_test]
fn a_bad_config_throws_a_readable_error() {
    let err = Analyzer::new(r#"{"timezone": "Mars/Olympus"}"#).err().expect("rejected");
    let text = js_sys::Error::from(err).message().as_string().unwrap_or_default();
    assert!(text.contains("Mars/Olympus"), "{text}");
}

#[wasm_bindgen_test]
fn analyze_keeps_good_files_when_one_is_not_an_export() {
    let files = js_sys::Array::new();
    for (name, bytes) in [("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()), ("g.csv", gbk_csv())] {
        let file = js_sys::Object::new();
        js_sys::Reflect::set(&file, &"name".into(), &name.into()).unwrap();
        js_sys::Reflect::set(&file, &"bytes".into(), &js_sys::Uint8Array::from(&bytes[..]).into()).unwrap();
        files.push(&file);
    }
    let r = report(&analyze(files, "{}").expect("analyze"));
    // Inputs are listed by file name: g.csv, then photo.csv.
    assert_eq!((r["inputs"][0]["file"].as_str(), r["inputs"][1]["file"].as_str()), (Some("g.csv"), Some("photo.csv")));
    assert!(r["inputs"][1]["error"].as_str().unwrap().contains("PNG"));
    assert_eq!(r["inputs"][0]["messages"], 3);
}

#[wasm_bindgen_test]
fn sample_files_are_named_byte_arrays() {
    let files = sample_files();
    assert_eq!(files.length(), 11);
    let first = files.get(0);
    let name = js_sys::Reflect::get(&first, &JsValue::from_str("name")).unwrap();
    assert!(name.as_string().unwrap().ends_with(".csv"));
    let bytes = js_sys::Reflect::get(&first, &JsValue::from_str("bytes")).unwrap();
    assert!(js_sys::Uint8Array::from(bytes).length() > 10_000);
}

#[wasm_bindgen_test]
fn warm_up_runs_every_hand_over_without_error() {
    // The workers ignore a failed warm-up (it only costs speed), so a bug in it shows here.
    // The page's two sizes: the CSV alone, and with the WhatsApp text read in pieces too.
    for messages in [2_000, 8_000] {
        let ms = qunlens::wasm::warm_up(messages).expect("warm-up succeeds");
        assert!(ms > 0.0);
    }
}

#[wasm_bindgen_test]
fn model_bytes_go_into_a_spare_buffer_when_they_fit() {
    let mut a = Analyzer::new("{}").expect("default config");
    a.begin_file("123@chatroom_0_5000.csv");
    a.push(&gbk_csv());
    a.end_file();
    let fresh = a.model_bytes().expect("model bytes").to_vec();
    // Room to spare: a view of the spare buffer's first bytes, the same bytes.
    let spare = js_sys::Uint8Array::new_with_length(fresh.len() as u32 + 100);
    spare.fill(7, 0, spare.length());
    let into = a.model_bytes_into(Some(spare.clone())).expect("model bytes");
    assert_eq!(into.to_vec(), fresh);
    assert!(into.buffer() == spare.buffer(), "written into the spare buffer");
    // Too small: a new array, still the same bytes.
    let small = js_sys::Uint8Array::new_with_length(fresh.len() as u32 - 1);
    let new = a.model_bytes_into(Some(small.clone())).expect("model bytes");
    assert_eq!(new.to_vec(), fresh);
    assert!(new.buffer() != small.buffer(), "a new array");
    // Either is what the other worker reads.
    let board = qunlens::wasm::leaderboard_of_model(&into, "{}").expect("leaderboard");
    assert!(board.contains("\"entries\""), "{board}");
}

#[wasm_bindgen_test]
fn prepare_memory_grows_memory_and_survives_a_size_it_cannot_have() {
    use wasm_bindgen::JsCast;
    let bytes = || wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
    let before = bytes();
    qunlens::wasm::prepare_memory(f64::from(64u32 << 20));
    assert!(bytes() >= before + (60 << 20), "memory grew from {before} to {}", bytes());
    // More than wasm32 can address: nothing happens, and the instance still works.
    qunlens::wasm::prepare_memory(8e9);
    let mut a = Analyzer::new("{}").expect("default config");
    a.begin_file("123@chatroom_0_5000.csv");
    a.push(&gbk_csv());
    a.end_file();
    assert_eq!(report(&a.report_json())["inputs"][0]["messages"], 3);
}
