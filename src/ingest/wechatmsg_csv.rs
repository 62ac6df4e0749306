//! WeChatMsg / MemoTrace (留痕) CSV, every generation (format notes §2.1, §2.2).
//!
//! Header `localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime`
//! `+ ,Remark,NickName,Sender`. The exporter changed what the rows hold several times:
//!
//! * ≤ 2023-12-24: 9-column header over raw database rows of 11–12 values, the extras being
//!   `MsgSvrID` and Python `b'…'` reprs of `BytesExtra` / `CompressContent`; the sender's
//!   wxid is read out of the `BytesExtra` repr;
//! * ≈ 2023-12-30: 12-column header, still raw rows (the `Remark…Sender` columns hold
//!   `MsgSvrID` and reprs) — detected per row and read like the above;
//! * 2024-01 → 02: private chats have ragged 9-value rows under the 12-column header (no
//!   sender columns: the other side is the chat itself);
//! * ≥ 2024-02-27: 12 values everywhere.
//!
//! Per-chat files (`<备注>_utf8.csv`, `<备注>(<wxid>)/<备注>.csv`) are one conversation, named
//! by the file. The "export all" `messages.csv` has the same header with other meanings —
//! `Remark`/`NickName` are the *conversation*, `Sender` a display name (`我` = self) — and is
//! told apart by content, then grouped by conversation with name-only members.

use std::collections::HashMap;

use super::wechat_types::{
    kind_from_codes, looks_like_wxid, mentions, parse_int, parse_time, shown, stored_text, SelfId,
};
use super::{pieces::ParserSeed, wechat_sys, Context, CsvRecord, CsvSplitter, FormatParser, SkipCode, Why};
use crate::model::{GroupId, MessageKind, ModelBuilder, NewMessage, PersonRef, Platform};

const COLUMNS: [&str; 12] = [
    "localId",
    "TalkerId",
    "Type",
    "SubType",
    "IsSender",
    "CreateTime",
    "Status",
    "StrContent",
    "StrTime",
    "Remark",
    "NickName",
    "Sender",
];
/// Columns every generation has (`localId` … `StrTime`).
const BASE_COLUMNS: usize = 9;

const TALKER: usize = 1;
const TYPE: usize = 2;
const SUB_TYPE: usize = 3;
const IS_SENDER: usize = 4;
const CREATE_TIME: usize = 5;
const CONTENT: usize = 7;
const STR_TIME: usize = 8;
const REMARK: usize = 9;
const NICK_NAME: usize = 10;
const SENDER: usize = 11;
/// In raw-row generations, column 10 holds the `BytesExtra` repr.
const RAW_BYTES_EXTRA: usize = 10;

/// Does the decoded head start with a WeChatMsg header (12 or the old 9 columns)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    super::wechat_types::header_is(head, &COLUMNS)
        || super::wechat_types::header_is(head, &COLUMNS[..BASE_COLUMNS])
}

/// A fresh parser for one file; the head tells a per-chat file from an "export all".
pub fn parser(head: &str, file_name: &str) -> Box<dyn FormatParser> {
    let chats = if is_export_all(head, file_name) {
        Chats::All { last: None }
    } else {
        let (key, name) = chat_from_file_name(file_name);
        Chats::One { key, name, group: None }
    };
    Box::new(Parser {
        splitter: CsvSplitter::new(),
        rows: Rows { chats, columns: None, self_id: SelfId::default(), nicks: HashMap::new(), sender_id: PersonRef::Id(String::new()) },
    })
}

/// What a reader continuing a file from a record boundary needs (see `ingest::pieces`): the
/// header width, which chat(s) the rows belong to and the exporter's id. Only the header
/// width and the exporter are carried over; every other piece of state is per row.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Seed {
    columns: usize,
    /// `Some((key, name))` for a per-chat file, `None` for an "export all".
    chat: Option<(String, String)>,
    /// The exporter's wxid (a per-chat file is only continued once a row told it).
    self_id: Option<String>,
}

/// A parser continuing a file at a record boundary from `seed`.
pub(crate) fn continue_from(seed: &Seed, builder: &mut ModelBuilder) -> Box<dyn FormatParser> {
    let (chats, self_id) = match (&seed.chat, &seed.self_id) {
        (Some((key, name)), Some(id)) => {
            let group = builder.group(Platform::WeChat, key, Some(name.as_str()));
            builder.identify_self(group, id);
            (Chats::One { key: key.clone(), name: name.clone(), group: Some(group) }, SelfId::known(id))
        }
        (Some((key, name)), None) => (Chats::One { key: key.clone(), name: name.clone(), group: None }, SelfId::default()),
        (None, _) => (Chats::All { last: None }, SelfId::default()),
    };
    Box::new(Parser {
        splitter: CsvSplitter::new(),
        rows: Rows { chats, columns: Some(seed.columns), self_id, nicks: HashMap::new(), sender_id: PersonRef::Id(String::new()) },
    })
}

struct Parser {
    splitter: CsvSplitter,
    rows: Rows,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let rows = &mut self.rows;
        self.splitter.feed(text, false, |line, rec| rows.record(line, rec, cx));
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let rows = &mut self.rows;
        self.splitter.feed("", true, |line, rec| rows.record(line, rec, cx));
        rows.note_last_nicknames(cx);
    }

    fn at_boundary(&mut self, cx: &mut Context<'_>) -> Option<u64> {
        let rows = &mut self.rows;
        let lines = self.splitter.at_boundary(|line, rec| rows.record(line, rec, cx));
        // A piece ends here: its nicknames' last sightings are part of what it read.
        if lines.is_some() {
            rows.note_last_nicknames(cx);
        }
        lines
    }

    fn skip_lines(&mut self, lines: u64) {
        self.splitter.skip_lines(lines);
    }

    fn seed(&self) -> Option<ParserSeed> {
        let rows = &self.rows;
        let chat = match &rows.chats {
            // A continued per-chat file must know its exporter: rows before the id is told are
            // the anonymous exporter's until the file ends, which a piece cannot see.
            Chats::One { key, name, .. } => Some((key.clone(), name.clone())).filter(|_| rows.self_id.id().is_some()),
            Chats::All { .. } => None,
        };
        if matches!(rows.chats, Chats::One { .. }) && chat.is_none() {
            return None;
        }
        Some(ParserSeed::WeChatMsg(Seed { columns: rows.columns?, chat, self_id: rows.self_id.id().map(str::to_string) }))
    }
}

/// Which conversation rows belong to.
enum Chats {
    /// A per-chat file: every row is the chat the file is named after.
    One { key: String, name: String, group: Option<GroupId> },
    /// `messages.csv`: the conversation is in each row; the last one is cached.
    All { last: Option<(String, String, GroupId)> },
}

/// Who sent a row, as far as its sender columns tell.
enum SenderCols<'a> {
    /// Current generation: wxid plus the names beside it.
    Named { id: &'a str, remark: &'a str, nick: &'a str },
    /// Raw database row: the wxid found in the `BytesExtra` repr.
    Raw(&'a str),
    /// Ragged private-chat row without sender columns.
    Ragged,
    /// No sender recorded (a raw row without a sender entry, a bare 9-value row).
    Unknown,
}

struct Rows {
    chats: Chats,
    /// Header width, once the header row has been read.
    columns: Option<usize>,
    self_id: SelfId,
    /// Nicknames seen beside a sender's remark: (wxid, nickname) -> (group, first and last
    /// time). Recorded at the first sighting and, when the file ends, at the last, so the
    /// name's first/last seen are the same however the file is read (whole or in pieces).
    nicks: HashMap<String, Vec<(String, GroupId, i64, i64)>>,
    /// The sender of the row being read when it is an id: one buffer for every row (a
    /// `PersonRef` per message was an allocation per message).
    sender_id: PersonRef,
}

/// A row's sender: its id column as read, or another reference.
enum Who<'r> {
    Id(&'r str),
    Other(PersonRef),
}

impl Rows {
    fn record(&mut self, line: u64, rec: &CsvRecord<'_>, cx: &mut Context<'_>) {
        let Some(columns) = self.columns else {
            self.columns = Some(rec.len());
            return;
        };
        if rec.len() < BASE_COLUMNS {
            return cx.skip(line, Why::columns(rec.len(), columns));
        }
        let Some(ty) = parse_int(rec.field(TYPE)) else {
            return cx.skip(line, Why::not_a_number(format!("Type {}", shown(rec.field(TYPE)))));
        };
        let sub = match rec.field(SUB_TYPE).trim_ascii() {
            "" => 0,
            s => match parse_int(s) {
                Some(v) => v,
                None => return cx.skip(line, Why::not_a_number(format!("SubType {}", shown(s)))),
            },
        };
        let Some(time) =
            parse_time(rec.field(CREATE_TIME), cx.zone).or_else(|| parse_time(rec.field(STR_TIME), cx.zone))
        else {
            let (c, s) = (shown(rec.field(CREATE_TIME)), shown(rec.field(STR_TIME)));
            return cx.skip(line, Why::new(SkipCode::BadTime, format!("CreateTime {c}, StrTime {s}"), format!("CreateTime {c} and StrTime {s} are not times")));
        };
        cx.row();
        let kind = kind_from_codes(ty, sub);
        let group = self.group(rec, cx);
        let content = rec.field(CONTENT);
        if ty == 10000 || ty == 10002 || kind == MessageKind::System {
            return wechat_sys::record(cx.builder, group, time, content, kind);
        }
        let is_self = rec.field(IS_SENDER).trim_ascii() == "1";
        let (who, sender_name) = match self.chats {
            Chats::All { .. } => {
                let (person, name) = export_all_sender(rec, is_self);
                (Who::Other(person), name)
            }
            Chats::One { .. } => self.per_chat_sender(rec, columns, is_self, group, time, cx),
        };
        let other;
        let sender = match who {
            Who::Id(id) => {
                if let PersonRef::Id(buffer) = &mut self.sender_id {
                    buffer.clear();
                    buffer.push_str(id);
                }
                &self.sender_id
            }
            Who::Other(person) => {
                other = person;
                &other
            }
        };
        let text = stored_text(kind, content);
        cx.builder.message_mentioning(
            NewMessage { time, group, sender, sender_name, kind, text, quote: None, mentions: Vec::new() },
            mentions,
        );
    }

    fn group(&mut self, rec: &CsvRecord<'_>, cx: &mut Context<'_>) -> GroupId {
        match &mut self.chats {
            Chats::One { key, name, group } => {
                *group.get_or_insert_with(|| cx.builder.group(Platform::WeChat, key, Some(name.as_str())))
            }
            Chats::All { last } => {
                let (talker, nick, remark) =
                    (rec.field(TALKER).trim(), rec.field(NICK_NAME), rec.field(REMARK));
                if let Some((t, n, g)) = last {
                    if t == talker && n == nick {
                        return *g;
                    }
                }
                let key = format!("{talker}:{nick}");
                let name = if remark.trim().is_empty() { nick } else { remark };
                let g = cx.builder.group(Platform::WeChat, &key, Some(name.trim()));
                *last = Some((talker.to_string(), nick.to_string(), g));
                g
            }
        }
    }

    /// Sender of a per-chat row. `IsSender=1` is trusted over the sender columns (a
    /// downstream fixture shows the peer's wxid on the exporter's own rows).
    fn per_chat_sender<'r>(
        &mut self,
        rec: &CsvRecord<'r>,
        columns: usize,
        is_self: bool,
        group: GroupId,
        time: i64,
        cx: &mut Context<'_>,
    ) -> (Who<'r>, Option<&'r str>) {
        let cols = sender_columns(rec, columns);
        if is_self {
            let trusted = match cols {
                SenderCols::Named { id, .. } => self.self_id.own(id, cx.builder, group),
                _ => false,
            };
            let name = match cols {
                SenderCols::Named { id, remark, nick } if trusted => display_name(id, remark, nick),
                _ => None,
            };
            return (Who::Other(self.self_id.person()), name);
        }
        match cols {
            SenderCols::Named { id, remark, nick } if !id.is_empty() => {
                self.self_id.other(id);
                let name = display_name(id, remark, nick);
                self.note_nickname(id, nick, name, group, time, cx);
                (Who::Id(id), name)
            }
            SenderCols::Raw(id) => {
                self.self_id.other(id);
                (Who::Id(id), None)
            }
            // A ragged row is a private chat: the other side is the chat itself.
            SenderCols::Ragged => (Who::Other(self.other_side(false)), None),
            _ => (Who::Other(self.other_side(true)), None),
        }
    }

    /// Who wrote a received row that names no sender. Group rows always carry one (WeChatMsg
    /// reads it from `BytesExtra`), so outside a chat known to be a group it is the other side
    /// of a private chat; in a group it is counted but credited to nobody.
    fn other_side(&self, may_be_group: bool) -> PersonRef {
        match &self.chats {
            Chats::One { key, .. } if may_be_group && key.ends_with("@chatroom") => PersonRef::System,
            Chats::One { name, .. } => PersonRef::Name(name.clone()),
            Chats::All { .. } => PersonRef::System,
        }
    }

    /// Records a sender's WeChat nickname once when the row's display name is the (sanitised)
    /// remark, so plain-text system messages naming them by nickname still find them.
    fn note_nickname(
        &mut self,
        id: &str,
        nick: &str,
        display: Option<&str>,
        group: GroupId,
        time: i64,
        cx: &mut Context<'_>,
    ) {
        let nick = crate::text::trim(nick);
        if nick.is_empty() || nick == id || Some(nick) == display {
            return;
        }
        if !self.nicks.contains_key(id) {
            self.nicks.insert(id.to_string(), Vec::new());
        }
        let Some(seen) = self.nicks.get_mut(id) else { return };
        if let Some(n) = seen.iter_mut().find(|n| n.0 == nick && n.1 == group) {
            n.3 = n.3.max(time);
            return;
        }
        seen.push((nick.to_string(), group, time, time));
        cx.builder.name_hint(group, &PersonRef::Id(id.to_string()), nick, time);
    }

    /// Records each nickname's last sighting (the first was recorded when seen).
    fn note_last_nicknames(&mut self, cx: &mut Context<'_>) {
        for (id, seen) in self.nicks.drain() {
            let person = PersonRef::Id(id);
            for (nick, group, first, last) in seen {
                if last > first {
                    cx.builder.name_hint(group, &person, &nick, last);
                }
            }
        }
    }
}

/// Sender of an "export all" row: `我` is the exporter, other names are name-only members,
/// an empty name (member gone from the contact list, tip messages) is nobody.
fn export_all_sender<'r>(rec: &CsvRecord<'r>, is_self: bool) -> (PersonRef, Option<&'r str>) {
    let name = rec.field(SENDER).trim();
    if is_self || name == "我" {
        return (PersonRef::SelfAccount, None);
    }
    if name.is_empty() {
        return (PersonRef::System, None);
    }
    (PersonRef::Name(name.to_string()), None)
}

/// The remark (what the exporter calls them; sanitised by WeChatMsg), else the nickname;
/// never the wxid the exporter falls back to for departed members.
fn display_name<'r>(id: &str, remark: &'r str, nick: &'r str) -> Option<&'r str> {
    [remark, nick].into_iter().map(crate::text::trim).find(|n| !n.is_empty() && *n != id)
}

fn sender_columns<'r>(rec: &CsvRecord<'r>, columns: usize) -> SenderCols<'r> {
    // Under the old 9-column header every extra value is raw; under the 12-column one, raw
    // rows show a bytes repr or a MsgSvrID where the names should be.
    let extra = rec.field(RAW_BYTES_EXTRA);
    if columns <= BASE_COLUMNS || is_bytes_repr(extra) || is_server_id(rec.field(REMARK)) {
        return bytes_extra_sender(extra).map_or(SenderCols::Unknown, SenderCols::Raw);
    }
    if rec.len() <= REMARK {
        return SenderCols::Ragged;
    }
    SenderCols::Named {
        id: rec.field(SENDER).trim_ascii(),
        remark: rec.field(REMARK),
        nick: rec.field(NICK_NAME),
    }
}

fn is_bytes_repr(s: &str) -> bool {
    s.starts_with("b'") || s.starts_with("b\"")
}

/// A `MsgSvrID` (long number) where a raw row has it in the `Remark` column.
fn is_server_id(s: &str) -> bool {
    s.len() >= 15 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The sender wxid inside a Python `repr()` of the `BytesExtra` protobuf: entries of field 3
/// are `{1: kind, 2: value}` and kind 1 is the sender (WeChatMsg `parser_chatroom_message`),
/// so the bytes read `08 01 12 <len> <wxid>`. The last such entry wins, as in WeChatMsg.
fn bytes_extra_sender(repr: &str) -> Option<&str> {
    const MARK: &str = "\\x08\\x01\\x12";
    let mut found = None;
    let mut rest = repr;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let Some((len, body)) = repr_byte(rest) else { continue };
        if let Some(value) = body.get(..usize::from(len)) {
            // Some builds write `wxid:25319:1`.
            let id = value.split(':').next().unwrap_or("");
            if looks_like_wxid(id) {
                found = Some(id);
            }
        }
    }
    found
}

/// One byte of a Python bytes repr: `\xNN`, `\t`, `\n`, `\r`, `\\`, `\'` or a printable
/// ASCII character; returns the byte and the rest.
fn repr_byte(s: &str) -> Option<(u8, &str)> {
    let b = s.as_bytes();
    match *b.first()? {
        b'\\' => {
            let (byte, width) = match *b.get(1)? {
                b'x' => (u8::from_str_radix(s.get(2..4)?, 16).ok()?, 4),
                b't' => (b'\t', 2),
                b'n' => (b'\n', 2),
                b'r' => (b'\r', 2),
                c @ (b'\\' | b'\'' | b'"') => (c, 2),
                _ => return None,
            };
            Some((byte, s.get(width..)?))
        }
        c if c.is_ascii() => Some((c, s.get(1..)?)),
        _ => None,
    }
}

/// Tells `messages.csv` from a per-chat file by its first rows: its `Sender` column holds
/// display names (`我` for the exporter) instead of wxids, and it mixes conversations.
fn is_export_all(head: &str, file_name: &str) -> bool {
    let mut splitter = CsvSplitter::new();
    let mut header = true;
    let mut first_talker: Option<String> = None;
    let mut mixed = false;
    let (mut me, mut ids, mut names) = (0u32, 0u32, 0u32);
    splitter.feed(head, false, |_, rec| {
        if std::mem::take(&mut header) || rec.len() <= SENDER || is_bytes_repr(rec.field(RAW_BYTES_EXTRA)) {
            return;
        }
        let talker = rec.field(TALKER).trim();
        match &first_talker {
            None => first_talker = Some(talker.to_string()),
            Some(t) => mixed |= t != talker,
        }
        match rec.field(SENDER).trim() {
            "" => {}
            "我" => me += 1,
            s if looks_like_wxid(s) => ids += 1,
            _ => names += 1,
        }
    });
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    me + names > ids && (me > 0 || mixed || base.eq_ignore_ascii_case("messages.csv"))
}

/// Group key and name of a per-chat file: the name is the file's stem without `_utf8` and
/// a `(<wxid>)` suffix; the key is a `…@chatroom` id found anywhere in the path (MemoTrace
/// folders are `<备注>(<id>)`), else the name.
fn chat_from_file_name(file_name: &str) -> (String, String) {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = strip_suffix_ci(base, ".csv");
    let stem = strip_suffix_ci(stem, "_utf8");
    let name = match stem.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
        Some((name, id)) if !name.trim().is_empty() && (looks_like_wxid(id) || id.ends_with("@chatroom")) => {
            name
        }
        _ => stem,
    };
    let name = if name.trim().is_empty() { file_name.trim() } else { name.trim() };
    let key = chatroom_id(file_name).unwrap_or(name);
    (key.to_string(), name.to_string())
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> &'a str {
    match s.len().checked_sub(suffix.len()) {
        Some(at) if s.is_char_boundary(at) && s[at..].eq_ignore_ascii_case(suffix) => &s[..at],
        _ => s,
    }
}

/// `12345678901@chatroom` inside a path.
fn chatroom_id(path: &str) -> Option<&str> {
    let at = path.find("@chatroom")?;
    let start = path[..at].rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    (start < at).then(|| &path[start..at + "@chatroom".len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_chat_key_and_name() {
        let case = |f: &str| chat_from_file_name(f);
        assert_eq!(case("产品交流群_utf8.csv"), ("产品交流群".into(), "产品交流群".into()));
        assert_eq!(case("data/聊天记录/客户群/客户群_utf8.csv"), ("客户群".into(), "客户群".into()));
        assert_eq!(case("C:\\导出\\客户群.CSV"), ("客户群".into(), "客户群".into()));
        assert_eq!(
            case("财税群(24681357900@chatroom)/财税群.csv"),
            ("24681357900@chatroom".into(), "财税群".into())
        );
        assert_eq!(
            case("财税群(24681357900@chatroom).csv"),
            ("24681357900@chatroom".into(), "财税群".into())
        );
        assert_eq!(case("老王(wxid_abc123)/老王.csv"), ("老王".into(), "老王".into()));
        assert_eq!(case("(年会)筹备.csv"), ("(年会)筹备".into(), "(年会)筹备".into()));
        assert_eq!(case(".csv"), (".csv".into(), ".csv".into()));
    }

    #[test]
    fn sender_wxid_is_read_from_a_bytes_extra_repr() {
        let repr = "b'\\n\\x04\\x08\\x10\\x10\\x00\\x1a\\x17\\x08\\x01\\x12\\x13wxid_abcdefghijkl22\\x1a\\x0c\\x08\\x02\\x12\\x08<msgsrc>'";
        assert_eq!(bytes_extra_sender(repr), Some("wxid_abcdefghijkl22"));
        let custom = "b\"\\x1a\\x0f\\x08\\x01\\x12\\x0bqq123456789:25319:1'\"";
        assert_eq!(bytes_extra_sender(custom), Some("qq123456789"));
        // Length byte printed as a character (0x2a = '*'): a 42-byte value is no wxid.
        assert_eq!(bytes_extra_sender("b'\\x08\\x01\\x12*short'"), None);
        assert_eq!(bytes_extra_sender("b'\\x08\\x01\\x12"), None);
        assert_eq!(bytes_extra_sender("b''"), None);
    }

    /// Classifies the sender columns of one CSV line under a header of `columns` names.
    fn classify(line: &str, columns: usize) -> String {
        let mut out = String::new();
        CsvSplitter::new().feed(line, true, |_, rec| {
            out = match sender_columns(rec, columns) {
                SenderCols::Named { id, remark, nick } => format!("named {id} {remark} {nick}"),
                SenderCols::Raw(id) => format!("raw {id}"),
                SenderCols::Ragged => "ragged".into(),
                SenderCols::Unknown => "unknown".into(),
            }
        });
        out
    }

    #[test]
    fn sender_columns_by_generation() {
        let base = "1,3,1,0,0,1709258400,2,hi,2024-03-01 10:00:00";
        let extra = "b'\\x1a\\x0f\\x08\\x01\\x12\\x0bwxid_old_a1'";
        assert_eq!(classify(&format!("{base},小王,Wang,wxid_a"), 12), "named wxid_a 小王 Wang");
        assert_eq!(classify(base, 12), "ragged");
        assert_eq!(classify(base, 9), "unknown");
        assert_eq!(classify(&format!("{base},7000000000000000001,{extra},b''"), 9), "raw wxid_old_a1");
        assert_eq!(classify(&format!("{base},7000000000000000001,{extra},b''"), 12), "raw wxid_old_a1");
        assert_eq!(
            classify(&format!("{base},7000000000000000001,,b''"), 12),
            "unknown",
            "BytesExtra was NULL"
        );
        assert_eq!(classify(&format!("{base},123,,"), 9), "unknown", "extras under the old header are raw");
    }

    #[test]
    fn export_all_is_told_from_content() {
        let header = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n";
        let per_chat = format!(
            "{header}1,217,1,0,0,1709258400,,hi,2024-03-01 10:00:00,小王,小王,wxid_a\n2,217,1,0,1,1709258401,,ok,2024-03-01 10:00:01,我自己,我自己,wxid_me\n"
        );
        assert!(!is_export_all(&per_chat, "小王_utf8.csv"));
        let all = format!(
            "{header}1,217,1,0,0,1709258400,,hi,2024-03-01 10:00:00,客户群,客户群,小王\n2,9,1,0,1,1709258401,,ok,2024-03-01 10:00:01,老李,老李,我\n"
        );
        assert!(is_export_all(&all, "whatever.csv"));
        let one_chat = format!("{header}1,217,1,0,0,1709258400,,hi,2024-03-01 10:00:00,客户群,客户群,小王\n");
        assert!(is_export_all(&one_chat, "dir/messages.csv"));
        assert!(!is_export_all(&one_chat, "客户群_utf8.csv"));
    }
}
