//! More CRM vendor presets, each file read on its own: a 销售易 export (UTF-8 with BOM,
//! 年月日 dates, a row naming nobody), an SCRM customer list saved by Excel as "Unicode
//! Text" (UTF-16LE, tabs, epoch seconds) and a Salesforce Data Loader export (API names, ISO
//! UTC times, `\N` nulls). Fixtures are made by `tests/fixtures/crm/make_fixtures.py`; every
//! expectation is worked out by hand from them.

use qunlens::report::Report;
use qunlens::{Analyzer, Config};

fn read_one(name: &str) -> (Report, serde_json::Value) {
    let bytes = std::fs::read(format!("{}/tests/fixtures/crm/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file(name, &bytes);
    let r = a.report();
    let j = serde_json::from_str(&r.to_json()).unwrap();
    (r, j)
}

fn records(j: &serde_json::Value) -> Vec<serde_json::Value> {
    j["identity"]["crm_records"].as_array().unwrap().clone()
}

#[test]
fn neocrm_export_with_chinese_labels() {
    let (r, j) = read_one("neocrm_leads.csv");
    let input = &r.inputs[0];
    assert_eq!((input.format.as_deref(), input.encoding.as_deref()), (Some("crm-csv"), Some("utf-8-bom")));
    assert!(input.notes[0].message.contains("销售易"));
    assert_eq!((input.rows, input.skipped_count, input.skipped[0].line), (2, 1, 4), "line 4 names only a company");
    let recs = records(&j);
    let (zhou, wu) = (&recs[0], &recs[1]);
    assert_eq!((zhou["vendor"].as_str(), zhou["name"].as_str(), zhou["owner"].as_str()), (Some("neocrm"), Some("周杰"), Some("销售小林")));
    // 已转化 (converted) is the opportunity rung; the rungs below count as passed, the first
    // one at the 年月日 creation time.
    assert_eq!((zhou["stage"].as_str(), zhou["created"].as_str()), (Some("opportunity"), Some("2024-03-05T10:20:00+08:00")));
    let rungs: Vec<&str> = zhou["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(rungs, ["lead", "mql", "sql", "opportunity"]);
    // 无效线索 is the lost dead end: lead (created) then lost, nothing between.
    assert_eq!(wu["stage"], "lost");
    assert_eq!(wu["stages"], serde_json::json!([{"stage": "lead", "time": "2024-03-06T00:00:00+08:00"}, {"stage": "lost", "time": null}]));
}

#[test]
fn scrm_unicode_text_export_is_tab_separated_utf16() {
    let (r, j) = read_one("scrm_customers.txt");
    let input = &r.inputs[0];
    assert_eq!((input.format.as_deref(), input.encoding.as_deref(), input.rows), (Some("crm-csv"), Some("utf-16le"), 2));
    assert!(input.notes[0].message.contains("SCRM"));
    let recs = records(&j);
    // 客户名称 is the customer's WeChat name in an SCRM list; 渠道活码 is the campaign.
    assert_eq!((recs[0]["name"].as_str(), recs[0]["campaign"].as_str(), recs[0]["stage"].as_str()), (Some("阿花🌼"), Some("直播间活码"), Some("lead")));
    assert_eq!(recs[0]["created"], "2024-03-01T10:00:00+08:00");
    // Epoch seconds 1709344800 = 2024-03-02 02:00 UTC; 已成交 is won.
    assert_eq!((recs[1]["created"].as_str(), recs[1]["stage"].as_str()), (Some("2024-03-02T10:00:00+08:00"), Some("won")));
}

#[test]
fn salesforce_data_loader_export_with_api_names() {
    let (r, j) = read_one("salesforce_api_leads.csv");
    let input = &r.inputs[0];
    assert!(input.notes[0].message.contains("Salesforce"));
    assert_eq!((input.rows, input.skipped_count, input.skipped[0].line), (1, 1, 3), "line 3 is all \\N but the company");
    let mei = &records(&j)[0];
    assert_eq!((mei["id"].as_str(), mei["name"].as_str(), mei["owner"].as_str()), (Some("00Q5g00000XyZaA"), Some("Mei Han"), Some("0055g00000Own01")));
    // 14:43:32 UTC is 22:43:32 in Shanghai.
    assert_eq!((mei["created"].as_str(), mei["stage"].as_str()), (Some("2024-05-02T22:43:32+08:00"), Some("lead")));
}
