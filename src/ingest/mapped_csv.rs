//! Any other CSV of messages, read through a user's column mapping (config `column_maps`):
//! which column holds the time (and in which order its date is written), the sender (and
//! optionally a stable sender id), the text, and optionally the group, the message id and
//! the id of the message it replies to. A mapping applies to a file whose header has every
//! column it names, when no known format matched. The page builds mappings from a preview
//! ([`preview`]) and keeps them in the browser; the CLI takes them in `--config`.
//!
//! ```
//! use qunlens::ingest::mapped_csv::{ColumnMap, DateOrder};
//! let map: ColumnMap = serde_json::from_str(
//!     r#"{"name":"crm chat","time":"时间","date_order":"dmy","sender":"发送人","text":"内容"}"#,
//! ).unwrap(); // ok: doc example, not runtime code
//! assert_eq!(map.date_order, DateOrder::Dmy);
//! ```

use serde::{Deserialize, Serialize};

use super::split::sniff_delimiter;
use super::{Context, CsvSplitter, FormatParser, SkipCode, Why};
use crate::decode::{sniff_encoding, StreamDecoder};
use crate::model::{MessageKind, NewMessage, PersonRef, Platform, Quote};
use crate::time::{epoch_to_seconds, parse_local, parse_rfc3339};

/// How dates in the time column are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Year first (`2024-03-01 10:00`, `2024/3/1 10:00`), RFC 3339, or epoch seconds/ms.
    #[default]
    Ymd,
    /// `01/03/2024 10:00` (day first).
    Dmy,
    /// `03/01/2024 10:00 PM` (month first).
    Mdy,
}

/// A mapping of one CSV layout's columns (by header name) to message fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnMap {
    /// A label for the mapping (shown in the page).
    pub name: String,
    pub time: String,
    pub date_order: DateOrder,
    pub sender: String,
    /// Optional column with a stable sender id (merges people across groups).
    pub sender_id: Option<String>,
    pub text: String,
    /// Optional group column; without it the file name is the group.
    pub group: Option<String>,
    pub message_id: Option<String>,
    pub reply_to: Option<String>,
    /// Set for a business file instead of messages: a CRM export, roster or SDR log whose
    /// headers no preset knows. `time` / `sender` / `text` are then unused.
    pub kind: Option<BusinessKind>,
    /// For a business mapping: field -> column header (`{"phone": "联系方式", "owner": "跟进销售"}`).
    /// Fields: crm `id name first_name last_name phone email platform_id remark nickname company
    /// owner source campaign created stage lead_status amount currency close_date`; roster
    /// `member name group tag inviter channel join_time phone email remark`; sdr_log `sdr date
    /// calls invitations invited phone`.
    pub fields: std::collections::BTreeMap<String, String>,
}

/// What a business column mapping describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessKind {
    Crm,
    Roster,
    SdrLog,
}

impl ColumnMap {
    /// Column indexes of this mapping in `header`, if it has every named column.
    fn resolve(&self, header: &[String]) -> Option<Columns> {
        let find = |name: &str| header.iter().position(|h| h == name.trim());
        let optional = |name: &Option<String>| match name {
            Some(n) if !n.trim().is_empty() => find(n).map(Some),
            _ => Some(None),
        };
        Some(Columns {
            time: find(&self.time)?,
            sender: find(&self.sender)?,
            text: find(&self.text)?,
            sender_id: optional(&self.sender_id)?,
            group: optional(&self.group)?,
            message_id: optional(&self.message_id)?,
            reply_to: optional(&self.reply_to)?,
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct Columns {
    time: usize,
    sender: usize,
    text: usize,
    sender_id: Option<usize>,
    group: Option<usize>,
    message_id: Option<usize>,
    reply_to: Option<usize>,
}

/// The header of a CSV head, cleaned (BOM and spaces trimmed); `None` if it has one column.
pub(crate) fn header_of(head: &str) -> Option<Vec<String>> {
    header_split(head, b',')
}

/// The header row of `head` split on `delim` (at least two columns).
pub(crate) fn header_split(head: &str, delim: u8) -> Option<Vec<String>> {
    let mut splitter = CsvSplitter::with_delimiter(delim);
    let mut header = None;
    let first_line_end = head.find('\n').map_or(head.len(), |i| i + 1);
    splitter.feed(&head[..first_line_end], true, |_, r| {
        header.get_or_insert_with(|| r.iter().map(|f| f.trim_start_matches('\u{FEFF}').trim().to_string()).collect());
    });
    header.filter(|h: &Vec<String>| h.len() >= 2)
}

/// The first mapping that fits the file's header.
pub(crate) fn find_map<'m>(head: &str, maps: &'m [ColumnMap]) -> Option<&'m ColumnMap> {
    let header = header_split(head, sniff_delimiter(head))?;
    maps.iter().filter(|m| m.kind.is_none()).find(|m| m.resolve(&header).is_some())
}

/// A parser for a file whose header fits `map`.
pub(crate) fn parser(map: ColumnMap, head: &str, file_name: &str) -> Box<dyn FormatParser> {
    let stem = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_string();
    Box::new(Parser { map, columns: None, splitter: CsvSplitter::with_delimiter(sniff_delimiter(head)), default_group: stem })
}

struct Parser {
    map: ColumnMap,
    columns: Option<Columns>,
    splitter: CsvSplitter,
    default_group: String,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        self.split(text, false, cx);
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        self.split("", true, cx);
    }
}

impl Parser {
    fn split(&mut self, text: &str, last: bool, cx: &mut Context<'_>) {
        let Parser { map, columns, splitter, default_group } = self;
        splitter.feed(text, last, |line, r| {
            let Some(cols) = *columns else {
                let header: Vec<String> = r.iter().map(|f| f.trim_start_matches('\u{FEFF}').trim().to_string()).collect();
                *columns = map.resolve(&header);
                return;
            };
            let raw_time = r.field(cols.time).trim();
            let Some(time) = parse_time(raw_time, map.date_order, cx) else {
                let what = format!("{} {raw_time:?}", map.time);
                return cx.skip(line, Why::new(SkipCode::BadTime, &what, format!("{what} is not a {:?} time", map.date_order)));
            };
            let sender_name = r.field(cols.sender).trim();
            let sender_id = cols.sender_id.map(|c| r.field(c).trim()).filter(|s| !s.is_empty());
            let sender = match sender_id {
                Some(id) => PersonRef::Id(id.to_string()),
                None if sender_name.is_empty() => return cx.skip(line, Why::empty(&map.sender)),
                None => PersonRef::Name(sender_name.to_string()),
            };
            cx.row();
            let group_key = cols.group.map(|c| r.field(c).trim()).filter(|g| !g.is_empty()).unwrap_or(default_group);
            let group = cx.builder.group(Platform::Other, group_key, None);
            let quote = cols.reply_to.map(|c| r.field(c).trim()).filter(|q| !q.is_empty()).map(|q| Quote {
                message_id: Some(q.to_string()),
                ..Quote::default()
            });
            let _ = cols.message_id;
            cx.builder.message(NewMessage {
                time,
                group,
                sender: &sender,
                sender_name: Some(sender_name).filter(|n| !n.is_empty()),
                kind: MessageKind::Text,
                text: r.field(cols.text),
                quote,
                mentions: Vec::new(),
            });
        });
    }
}

/// Reads a time cell in the mapped order; epoch numbers and RFC 3339 are accepted always.
fn parse_time(s: &str, order: DateOrder, cx: &mut Context<'_>) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(epoch_to_seconds(n));
    }
    if let Some(t) = parse_rfc3339(s) {
        return Some(t);
    }
    let local = match order {
        DateOrder::Ymd => parse_local(s)?,
        DateOrder::Dmy | DateOrder::Mdy => {
            let (date, time) = s.split_once([' ', 'T', ',']).unwrap_or((s, "00:00"));
            let mut parts = date.split(['/', '.', '-']).map(|p| p.trim().parse::<u32>().ok());
            let (a, b, y) = (parts.next()??, parts.next()??, parts.next()??);
            let (d, m) = if order == DateOrder::Dmy { (a, b) } else { (b, a) };
            let y = if y < 100 { 2000 + y } else { y };
            parse_local(&format!("{y:04}-{m:02}-{d:02} {}", time.trim()))?
        }
    };
    cx.zone.to_epoch(local)
}

/// The first rows of an unrecognised CSV, for the page's mapping dialog.
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    pub encoding: String,
    pub columns: Vec<String>,
    /// Up to 8 data rows.
    pub rows: Vec<Vec<String>>,
}

/// Decodes the start of a file and returns its header and first rows (`None` if it does not
/// look like a CSV with at least two columns).
pub fn preview(bytes: &[u8]) -> Option<Preview> {
    let head = &bytes[..bytes.len().min(256 * 1024)];
    let encoding = sniff_encoding(head, head.len() == bytes.len());
    let mut text = String::new();
    StreamDecoder::new(encoding).decode(head, &mut text, head.len() == bytes.len());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut splitter = CsvSplitter::with_delimiter(sniff_delimiter(&text));
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => &text[..],
    };
    splitter.feed(complete, true, |_, r| {
        if rows.len() < 9 {
            rows.push(r.iter().map(|f| f.trim_start_matches('\u{FEFF}').to_string()).collect());
        }
    });
    let mut rows = rows.into_iter();
    let columns: Vec<String> = rows.next()?.into_iter().map(|c| c.trim().to_string()).collect();
    (columns.len() >= 2).then(|| Preview { encoding: encoding.label().to_string(), columns, rows: rows.collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_header_and_rows_in_any_encoding() {
        let text = "时间,发送人,内容\n01/03/2024 10:00,小王,你好\n02/03/2024 11:00,Amy,\"a, b\"\n";
        let gbk = encoding_rs::GBK.encode(text).0.into_owned();
        let p = preview(&gbk).unwrap();
        assert_eq!(p.encoding, "gb18030");
        assert_eq!(p.columns, ["时间", "发送人", "内容"]);
        assert_eq!(p.rows[1], ["02/03/2024 11:00", "Amy", "a, b"]);
        assert!(preview(b"just one column\nx\n").is_none());
        // Excel "Unicode Text": UTF-16LE with BOM, tab-separated.
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("时间\t发送人\t内容\r\nx\ty\ta, b\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let p = preview(&utf16).unwrap();
        assert_eq!((p.columns.len(), p.rows[0][2].as_str()), (3, "a, b"));
    }

    #[test]
    fn a_mapping_fits_only_headers_with_its_columns() {
        let map = ColumnMap { time: "时间".into(), sender: "发送人".into(), text: "内容".into(), ..Default::default() };
        let maps = [map];
        assert!(find_map("\u{FEFF}时间,发送人,内容\n", &maps).is_some());
        assert!(find_map("时间,作者,内容\n", &maps).is_none());
        assert!(find_map("时间\t发送人\t内容\n", &maps).is_some(), "tab-separated");
        let business = ColumnMap { kind: Some(BusinessKind::Crm), ..maps[0].clone() };
        assert!(find_map("时间,发送人,内容\n", &[business]).is_none(), "a business mapping never reads messages");
        let with_group = ColumnMap { group: Some("群".into()), ..maps[0].clone() };
        assert!(find_map("时间,发送人,内容\n", &[with_group]).is_none());
    }
}
