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

/// An in-house lead sheet no preset knows: 学员姓名 / 联系号码 / 归属顾问 / 意向等级 / 报名时间.
const HOUSE_CRM: &str = "学员姓名,联系号码,归属顾问,意向等级,报名时间,成为MQL时间\r\n\
                         周杰,139 0000 0011,顾问A,MQL,2024-03-05 10:20,2024-03-06 09:00\r\n\
                         ,,顾问A,新线索,2024-03-07,\r\n";

fn read_with(config: &str, name: &str, bytes: &[u8]) -> (Report, serde_json::Value) {
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    a.add_file(name, bytes);
    let r = a.report();
    let j = serde_json::from_str(&r.to_json()).unwrap();
    (r, j)
}

#[test]
fn unknown_business_headers_are_read_through_a_column_mapping() {
    // Without a mapping the sheet is not recognised.
    let (r, _) = read_with("{}", "house.csv", HOUSE_CRM.as_bytes());
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("unknown_format"));

    let config = r#"{"column_maps": [{"name": "house leads", "kind": "crm",
        "fields": {"name": "学员姓名", "phone": "联系号码", "owner": "归属顾问", "stage": "意向等级", "created": "报名时间", "colour": "学员姓名"}}]}"#;
    let (r, j) = read_with(config, "house.csv", HOUSE_CRM.as_bytes());
    let input = &r.inputs[0];
    assert_eq!((input.format.as_deref(), input.rows, input.skipped_count), (Some("crm-csv"), 1, 1), "line 3 names nobody");
    let notes: Vec<(&str, u64)> = input.notes.iter().map(|n| (n.code.as_str(), n.count)).collect();
    assert_eq!(notes, [("column_map", 1), ("unknown_map_fields", 1)]);
    assert!(input.notes[0].message.contains("house leads") && input.notes[1].message.contains("colour"));
    let rec = &j["identity"]["crm_records"][0];
    assert_eq!((rec["vendor"].as_str(), rec["name"].as_str(), rec["owner"].as_str()), (Some("generic"), Some("周杰"), Some("顾问A")));
    // The unmapped 成为MQL时间 column still gives the MQL time.
    assert_eq!(
        rec["stages"],
        serde_json::json!([{"stage": "lead", "time": "2024-03-05T10:20:00+08:00"}, {"stage": "mql", "time": "2024-03-06T09:00:00+08:00"}])
    );
}

#[test]
fn a_mapping_supplies_the_column_a_preset_misses_and_reads_rosters() {
    // 纷享销客-like, but the phone column has a name no preset knows: refused with the
    // missing columns, read once the mapping names it.
    let csv = "公司名称,线索来源,负责人,创建时间,联系号码\n某某,官网,SDR小周,2024-03-01,13800000001\n";
    let (r, _) = read_with("{}", "fx.csv", csv.as_bytes());
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("missing_columns"));
    let config = r#"{"column_maps": [{"name": "fx", "kind": "crm", "fields": {"phone": "联系号码", "owner": "负责人", "created": "创建时间"}}]}"#;
    let (r, _) = read_with(config, "fx.csv", csv.as_bytes());
    assert_eq!((r.inputs[0].format.as_deref(), r.inputs[0].rows), (Some("crm-csv"), 1));

    // A roster whose columns no preset knows; a mapping for another layout does not apply.
    let roster = "成员,所属社群,身份\n老王,财税交流群,群主\n阿花,财税交流群,KOL\n";
    let config = r#"{"column_maps": [
        {"name": "other", "kind": "roster", "fields": {"name": "昵称", "group": "群"}},
        {"name": "club roster", "kind": "roster", "fields": {"name": "成员", "group": "所属社群", "tag": "身份"}}]}"#;
    let (r, j) = read_with(config, "club.csv", roster.as_bytes());
    assert_eq!((r.inputs[0].format.as_deref(), r.inputs[0].rows), (Some("roster-csv"), 2));
    assert!(r.inputs[0].notes[0].message.contains("club roster"));
    let roster_counts = j["identity"]["sources"].as_array().unwrap().iter().find(|s| s["source"] == "roster").cloned().unwrap();
    assert_eq!(roster_counts["records"], 2);
}

/// The mapping used by the page test (tests/page/identity-map.test.mjs) on `house_leads.csv`.
const HOUSE_MAP: &str = r#"{"column_maps": [{"name": "house_leads.csv", "kind": "crm",
    "fields": {"name": "学员姓名", "platform_id": "微信", "phone": "联系号码", "owner": "归属顾问", "stage": "意向等级", "created": "报名时间"}}]}"#;

#[test]
fn mapped_crm_file_joins_the_chats() {
    let mut a = Analyzer::new(Config::from_json(HOUSE_MAP).unwrap()).unwrap();
    for f in ["财税交流群_utf8.csv", "产品交流群_utf8.csv", "house_leads.csv"] {
        a.add_file(f, &std::fs::read(format!("{}/tests/fixtures/crm/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap());
    }
    let j: serde_json::Value = serde_json::from_str(&a.report().to_json()).unwrap();
    let id = &j["identity"];
    let crm = id["sources"].as_array().unwrap().iter().find(|s| s["source"] == "crm").cloned().unwrap();
    // 张伟 by WeChat id (one person in both groups), 刘洋 by name; 小李 is two people (one
    // per group): ambiguous; 路人乙 is in no chat.
    assert_eq!((crm["records"].as_u64(), crm["matched"].as_u64(), crm["ambiguous"].as_u64(), crm["unmatched"].as_u64()), (Some(4), Some(2), Some(1), Some(1)));
    let matched: Vec<(&str, &str, &str)> =
        id["matched"].as_array().unwrap().iter().map(|m| (m["label"].as_str().unwrap(), m["member"]["id"].as_str().unwrap(), m["key"].as_str().unwrap())).collect();
    assert_eq!(matched, [("张伟", "wechat:wxid_zhang", "platform_id"), ("刘洋", "wechat:wxid_liu", "nickname")]);
    let zhang = j["members"].as_array().unwrap().iter().find(|m| m["id"] == "wechat:wxid_zhang").unwrap();
    assert_eq!((zhang["crm_record"].as_str(), zhang["crm_match_key"].as_str(), zhang["crm_match_confidence"].as_f64()), (Some("house_leads.csv#2"), Some("platform_id"), Some(1.0)));
    assert_eq!(id["ambiguous"][0]["label"], "小李");
    assert_eq!(id["unmatched"][0]["label"], "路人乙");
}
