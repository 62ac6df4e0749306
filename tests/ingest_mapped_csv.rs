//! Any other CSV, read through a column mapping given in the config JSON (as the CLI's
//! `--config` and the page's saved mappings give it).

use qunlens::{Analyzer, Config};

/// A CRM tool's chat log re-saved by Excel: GBK, day-first dates, a group column, one bad date.
fn gbk_log() -> Vec<u8> {
    let text = "时间,群,发送人,内容,回复\r\n\
                01/03/2024 10:00,华东客户群,小王,大家好,\r\n\
                01/03/2024 10:05,华东客户群,Amy,\"你好, 欢迎\",\r\n\
                13/03/2024 9:00,华东客户群,小王,请问发票怎么开？,\r\n\
                32/03/2024 9:00,华东客户群,小王,坏日期,\r\n\
                02/04/2024 21:30,华南客户群,老李,收到,m1\r\n";
    encoding_rs::GBK.encode(text).0.into_owned()
}

const CONFIG: &str = r#"{"column_maps": [
    {"name": "CRM 聊天记录", "time": "时间", "date_order": "dmy", "sender": "发送人", "text": "内容",
     "group": "群", "reply_to": "回复"}
]}"#;

#[test]
fn a_mapped_csv_reads_groups_senders_and_day_first_dates() {
    let mut a = Analyzer::new(Config::from_json(CONFIG).unwrap()).unwrap();
    a.add_file("crm_chat.csv", &gbk_log());
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("mapped-csv"));
    assert_eq!(input.encoding.as_deref(), Some("gb18030"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (4, 4, 1));
    assert_eq!(input.skipped[0].line, 5);
    assert!(input.skipped[0].reason.contains("\"32/03/2024 9:00\""), "{}", input.skipped[0].reason);
    let east = r.groups.iter().find(|g| g.name == "华东客户群").unwrap();
    assert_eq!((east.messages, east.speakers), (3, 2));
    assert_eq!(east.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(east.last_message.as_deref(), Some("2024-03-13T09:00:00+08:00"), "day first: 13/03");
    let south = r.groups.iter().find(|g| g.name == "华南客户群").unwrap();
    assert_eq!(south.last_message.as_deref(), Some("2024-04-02T21:30:00+08:00"));
}

#[test]
fn without_a_mapping_the_error_names_the_columns_to_map() {
    let mut a = Analyzer::new(Config::default()).unwrap();
    a.add_file("crm_chat.csv", &gbk_log());
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.error_code.as_deref(), Some("unknown_format"));
    let err = input.error.as_deref().unwrap();
    assert!(err.contains("columns 时间, 群, 发送人, 内容, 回复"), "{err}");
}

/// A real .xlsx (written by openpyxl, as Excel writes it): date cells, a group name merged down
/// its rows, a second sheet of notes. The same mapping reads it like the CSV.
#[test]
fn an_xlsx_is_read_through_the_same_mapping() {
    let config = r#"{"column_maps": [{"name": "CRM 聊天记录", "time": "时间", "sender": "发送人",
        "text": "内容", "group": "群", "reply_to": "回复"}]}"#;
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xlsx/crm_chat_log.xlsx")).unwrap();
    let mut a = Analyzer::new(Config::from_json(config).unwrap()).unwrap();
    a.add_file("crm_chat_log.xlsx", &bytes);
    let r = a.report();
    let input = &r.inputs[0];
    assert_eq!(input.format.as_deref(), Some("mapped-csv"));
    assert_eq!((input.rows, input.messages, input.skipped_count), (4, 4, 1));
    assert_eq!(input.skipped[0].line, 5);
    assert!(input.skipped[0].reason.starts_with("聊天记录: 时间 \"坏日期\""), "{}", input.skipped[0].reason);
    let east = r.groups.iter().find(|g| g.name == "华东客户群").unwrap();
    assert_eq!((east.messages, east.speakers), (3, 2), "the merged group cell covers its rows");
    assert_eq!(east.first_message.as_deref(), Some("2024-03-01T10:00:00+08:00"));
    assert_eq!(east.last_message.as_deref(), Some("2024-03-13T09:00:00+08:00"));

    // Without a mapping the workbook is reported as unknown, naming its sheets.
    let mut plain = Analyzer::new(Config::default()).unwrap();
    plain.add_file("crm_chat_log.xlsx", &bytes);
    let r = plain.report();
    assert_eq!(r.inputs[0].error_code.as_deref(), Some("unknown_format"));
    assert!(r.inputs[0].error.as_deref().unwrap().contains("聊天记录, 说明"));
}
