//! Business files (CRM exports per vendor preset, roster, SDR log) and identity resolution,
//! against hand-made fixtures in `tests/fixtures/crm/` (made by `make_fixtures.py`): two
//! WeChat groups, a 纷享销客 GBK CSV, a HubSpot CSV, a Salesforce report CSV with its footer, a
//! real WeCom customer-list .xlsx, a roster and an SDR log. Every expectation is worked out
//! by hand from those files.

mod common;

use qunlens::identity::{IdentityOverride, Source};
use qunlens::report::Report;
use qunlens::{Analyzer, Config};

const FILES: &[&str] = &[
    "财税交流群_utf8.csv",
    "产品交流群_utf8.csv",
    "fxiaoke_leads_gbk.csv",
    "hubspot_contacts.csv",
    "salesforce_leads.csv",
    "wecom_customers.xlsx",
    "roster.csv",
    "sdr_log.csv",
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/crm/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn report_with(config: Config, files: &[&str]) -> Report {
    let mut a = Analyzer::new(config).unwrap();
    for f in files {
        a.add_file(f, &fixture(f));
    }
    a.report()
}

fn report() -> Report {
    report_with(Config::default(), FILES)
}

fn input<'a>(r: &'a Report, file: &str) -> &'a qunlens::report::InputReport {
    r.inputs.iter().find(|i| i.file == file).unwrap()
}

fn json(r: &Report) -> serde_json::Value {
    serde_json::from_str(&r.to_json()).unwrap()
}

#[test]
fn each_vendor_preset_reads_its_export() {
    let r = report();
    let j = json(&r);
    let fx = input(&r, "fxiaoke_leads_gbk.csv");
    assert_eq!((fx.format.as_deref(), fx.encoding.as_deref()), (Some("crm-csv"), Some("gb18030")));
    assert_eq!((fx.rows, fx.skipped_count), (7, 1));
    assert_eq!(fx.skipped[0].line, 8, "the row with only a company");
    let notes: Vec<&str> = fx.notes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(notes, ["preset", "unreadable_values"]);
    assert!(fx.notes[0].message.contains("纷享销客"));
    assert!(fx.notes[1].message.contains("创建时间") && fx.notes[1].message.contains("下周一"));

    let hs = input(&r, "hubspot_contacts.csv");
    assert_eq!((hs.rows, hs.notes[0].message.contains("HubSpot")), (2, true));
    let sf = input(&r, "salesforce_leads.csv");
    assert_eq!((sf.rows, sf.skipped_count), (2, 0), "the report footer is not rows");
    assert_eq!(sf.notes.iter().find(|n| n.code == "footer_lines").map(|n| n.count), Some(4));
    let wc = input(&r, "wecom_customers.xlsx");
    assert_eq!((wc.format.as_deref(), wc.rows), (Some("crm-csv"), 2));
    assert!(wc.notes[0].message.contains("企业微信客户列表"));
    assert_eq!(input(&r, "roster.csv").format.as_deref(), Some("roster-csv"));
    assert_eq!(input(&r, "sdr_log.csv").format.as_deref(), Some("sdr-log-csv"));

    let recs = j["identity"]["crm_records"].as_array().unwrap();
    assert_eq!(recs.len(), 13);
    let rec = |id: &str| recs.iter().find(|x| x["id"] == id).unwrap_or_else(|| panic!("{id}"));
    // 纷享销客: record ids are file#line (no id column); GBK, ￥ amount, Chinese stage.
    let won = rec("fxiaoke_leads_gbk.csv#3");
    assert_eq!((won["vendor"].as_str(), won["stage"].as_str(), won["stage_label"].as_str()), (Some("fxiaoke"), Some("won"), Some("赢单")));
    assert_eq!((won["amount"].as_f64(), won["currency"].as_str()), (Some(12800.0), Some("CNY")));
    assert_eq!(won["owner"], "SDR小周");
    assert_eq!(won["source"], "海报裂变");
    // HubSpot: the "Became a … Date" columns give each stage's time.
    let amy = rec("501");
    assert_eq!(amy["name"], "Amy Li");
    assert_eq!(
        amy["stages"],
        serde_json::json!([
            {"stage": "lead", "time": "2024-02-01T09:00:00+08:00"},
            {"stage": "mql", "time": "2024-02-10T12:00:00+08:00"},
            {"stage": "sql", "time": "2024-03-05T16:30:00+08:00"}
        ])
    );
    assert_eq!(rec("502")["stage"], "won", "HubSpot internal value `customer`");
    // Salesforce: US dates, "Closed - Converted" is past opportunity conversion.
    let sf1 = rec("00Q5g00000AbCdE");
    assert_eq!((sf1["vendor"].as_str(), sf1["stage"].as_str()), (Some("salesforce"), Some("opportunity")));
    assert_eq!(sf1["created"], "2024-03-01T14:30:00+08:00");
    assert_eq!(sf1["name"], "Lei Zhao");
    // WeCom .xlsx: the Excel date cell and the merged 添加人 cell.
    let wc2 = rec("wecom_customers.xlsx/客户列表#3");
    assert_eq!((wc2["created"].as_str(), wc2["owner"].as_str()), (Some("2024-02-29T09:05:00+08:00"), Some("SDR小周")));
    assert_eq!(wc2["name"], "赵六", "客户名称 is the WeChat name in a WeCom list");
}

#[test]
fn identity_matches_ambiguities_and_misses() {
    let r = report();
    let j = json(&r);
    let id = &j["identity"];
    assert_eq!(
        id["sources"],
        serde_json::json!([
            {"source": "crm", "records": 13, "matched": 5, "ambiguous": 4, "unmatched": 4},
            {"source": "roster", "records": 6, "matched": 5, "ambiguous": 0, "unmatched": 1},
            {"source": "sdr_log", "records": 2, "matched": 2, "ambiguous": 0, "unmatched": 0}
        ])
    );
    let matched: Vec<(String, String, String)> = id["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["record"].as_str().unwrap().to_string(), m["member"]["id"].as_str().unwrap().to_string(), m["key"].as_str().unwrap().to_string()))
        .collect();
    let expect = [
        // wxid column.
        ("fxiaoke_leads_gbk.csv#2", "wechat:wxid_zhang", "platform_id"),
        // Phone written 138-0000-0002 in the CRM, 13800000002 in the roster that names her wxid.
        ("fxiaoke_leads_gbk.csv#3", "wechat:wxid_wangfang1", "phone"),
        ("fxiaoke_leads_gbk.csv#5", "wechat:wxid_liu", "nickname"),
        // Email in another case than the roster's.
        ("501", "wechat:wxid_amy", "email"),
        // "(+86) 138-0000-0007" = the roster's 13800000007.
        ("00Q5g00000AbCdE", "wechat:wxid_zhao", "phone"),
        ("wxid_owner01@财税交流群", "wechat:wxid_owner01", "platform_id"),
        ("wxid_wangfang1@财税交流群", "wechat:wxid_wangfang1", "platform_id"),
        ("wxid_amy@财税交流群", "wechat:wxid_amy", "platform_id"),
        ("wxid_zhao@财税交流群", "wechat:wxid_zhao", "platform_id"),
        // Two members are called 小李, but only one is in the roster row's group.
        ("roster.csv#6", "wechat:wxid_xiaoli1", "nickname"),
        // The nickname with its emoji.
        ("sdr_log.csv#2", "wechat:wxid_wangfang1", "nickname"),
        ("sdr_log.csv#4", "wechat:wxid_zhao", "phone"),
    ];
    let expect: Vec<(String, String, String)> = expect.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(matched, expect);

    let ambiguous: Vec<(String, Vec<String>)> = id["ambiguous"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["record"].as_str().unwrap().to_string(), a["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()))
        .collect();
    assert_eq!(
        ambiguous,
        [
            // A second 王芳 in the CRM: her name fits the member the first one matched by phone.
            ("fxiaoke_leads_gbk.csv#4".to_string(), vec!["wechat:wxid_wangfang1".to_string()]),
            // One nickname, two members.
            ("fxiaoke_leads_gbk.csv#6".to_string(), vec!["wechat:wxid_xiaoli1".to_string(), "wechat:wxid_xiaoli2".to_string()]),
            // One member, two records by name (纷享销客 and the WeCom list).
            ("fxiaoke_leads_gbk.csv#9".to_string(), vec!["wechat:wxid_chen".to_string()]),
            ("wecom_customers.xlsx/客户列表#2".to_string(), vec!["wechat:wxid_chen".to_string()]),
        ]
    );
    let unmatched: Vec<&str> = id["unmatched"].as_array().unwrap().iter().map(|u| u["record"].as_str().unwrap()).collect();
    assert_eq!(unmatched, ["fxiaoke_leads_gbk.csv#7", "502", "00Q5g00000AbCdF", "wecom_customers.xlsx/客户列表#3", "roster.csv#7"]);
    assert_eq!(id["members_matched"], 5);

    // Member rows carry their record, key and confidence; the ambiguous ones carry none.
    let m = common::member(&r, "wechat:wxid_wangfang1");
    assert_eq!(m.crm_record.as_deref(), Some("fxiaoke_leads_gbk.csv#3"));
    assert_eq!(m.crm_match_confidence, Some(0.95));
    assert_eq!(common::member(&r, "wechat:wxid_chen").crm_record, None);
    assert_eq!(common::member(&r, "wechat:wxid_xiaoli1").crm_record, None);
    // One person in two groups is one member.
    assert_eq!(common::member(&r, "wechat:wxid_zhang").groups, ["wechat:产品交流群", "wechat:财税交流群"]);
}

#[test]
fn overrides_settle_ambiguities_without_reading_again() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    for f in FILES {
        a.add_file(f, &fixture(f));
    }
    let mut config = Config::default();
    config.identity_overrides = vec![
        IdentityOverride { source: Source::Crm, record: "fxiaoke_leads_gbk.csv#6".into(), member: Some("wechat:wxid_xiaoli2".into()) },
        IdentityOverride { source: Source::Crm, record: "wecom_customers.xlsx/客户列表#2".into(), member: None },
        IdentityOverride { source: Source::Crm, record: "no-such-record".into(), member: Some("wechat:wxid_liu".into()) },
    ];
    assert!(!a.set_config(config).unwrap(), "overrides are a report setting");
    let r = a.report();
    let j = json(&r);
    assert_eq!(j["identity"]["sources"][0], serde_json::json!({"source": "crm", "records": 13, "matched": 6, "ambiguous": 2, "unmatched": 5}));
    assert_eq!(j["identity"]["overrides_applied"], 2);
    let m = common::member(&r, "wechat:wxid_xiaoli2");
    assert_eq!((m.crm_record.as_deref(), m.crm_match_confidence), (Some("fxiaoke_leads_gbk.csv#6"), Some(1.0)));
    let rejected = j["identity"]["unmatched"].as_array().unwrap().iter().find(|u| u["record"] == "wecom_customers.xlsx/客户列表#2").unwrap();
    assert_eq!(rejected["rejected"], true);
    // 陈静 is still claimed by name by the 纷享销客 row alone now… but that row stays
    // ambiguous until the user confirms it: a rejection is not a confirmation.
    assert!(j["identity"]["ambiguous"].as_array().unwrap().iter().any(|a| a["record"] == "fxiaoke_leads_gbk.csv#9"));
}

#[test]
fn roster_tags_feed_staff_and_roles() {
    let r = report();
    let j = json(&r);
    let staff: Vec<&str> = j["roles"]["staff"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(staff, ["wechat:wxid_owner01"], "群主 from the roster");
    let role_of = |id: &str| {
        j["roles"]["members"].as_array().unwrap().iter().find(|m| m["id"] == id).map(|m| m["role"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(role_of("wechat:wxid_amy").as_deref(), Some("kol"));
    assert_eq!(role_of("wechat:wxid_zhao").as_deref(), Some("lecturer"));
}

#[test]
fn bad_business_files_fail_alone_with_the_missing_columns() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("财税交流群_utf8.csv", &fixture("财税交流群_utf8.csv"));
    a.add_file("leads.csv", "公司名称,线索来源,负责人,创建时间\n某某,官网,小周,2024-03-01\n".as_bytes());
    a.add_file("roster_bad.csv", "群名,角色,邀请人\n财税交流群,KOL,小周\n".as_bytes());
    a.add_file("sdr.csv", "SDR,外呼数,邀约数\n小周,3,1\n".as_bytes());
    a.add_file("empty_crm.csv", "姓名,手机,负责人,线索来源\n".as_bytes());
    let r = a.report();
    let leads = input(&r, "leads.csv");
    assert_eq!(leads.error_code.as_deref(), Some("missing_columns"));
    let msg = leads.error.as_deref().unwrap();
    assert!(msg.contains("纷享销客") && msg.contains("负责人 → owner") && msg.contains("手机 / Phone"), "{msg}");
    assert!(input(&r, "roster_bad.csv").error.as_deref().unwrap().contains("no member column"));
    assert!(input(&r, "sdr.csv").error.as_deref().unwrap().contains("date column"));
    assert_eq!(input(&r, "empty_crm.csv").error.as_deref(), Some("the file has a header but no rows"));
    assert_eq!(r.groups[0].messages, 8, "the chat still loads");
}

#[test]
fn load_order_and_parallel_partials_do_not_change_the_report() {
    let one = report().to_json();
    let mut reversed: Vec<&str> = FILES.to_vec();
    reversed.reverse();
    assert_eq!(report_with(Config::default(), &reversed).to_json(), one);
    // Two workers' partials merged.
    let (left, right) = FILES.split_at(4);
    let mut a = Analyzer::new(Config::default()).unwrap();
    let mut b = Analyzer::new(Config::default()).unwrap();
    for f in left {
        a.add_file(f, &fixture(f));
    }
    for f in right {
        b.add_file(f, &fixture(f));
    }
    assert!(a.absorb(&b.take_partial().runs().unwrap().to_vec()).unwrap());
    assert_eq!(a.report().to_json(), one);
}
