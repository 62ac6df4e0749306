//! chatlog (sjzar/chatlog) HTTP API output (format notes §4), CSV and JSON.
//!
//! * CSV: `Time,SenderName,Sender,TalkerName,Talker,Content` (Go `encoding/csv`, `\n`), `Time`
//!   the server's local wall clock. There is no type column: `Content` is chatlog's rendered
//!   plain text (`![图片](…)`, `[链接|title](url)`, `[文件|…]`, `[红包]`, `[转账|…]`, …), which
//!   gives the kind back; a quote is rendered as `> ` lines (`name(wxid) 01-02 15:04:05`, then
//!   the quoted text) followed by the reply, and is split back into a [`Quote`].
//! * JSON: an array of `model.Message` (`seq`, `time` RFC 3339 with offset, `talker`,
//!   `talkerName`, `isChatRoom`, `sender`, `senderName`, `isSelf`, `type`, `subType`,
//!   `content`, `contents.refer` for a quote) — streamed one message at a time as the file
//!   arrives ([`super::json_records`]; a bad one is skipped with its 1-based index).
//!
//! `talker` (the `…@chatroom` id, or the peer's wxid) keys the group on [`Platform::WeChat`].
//! System messages (`sender` = `系统消息`) carry chatlog's rendered sysmsg text and go through
//! [`wechat_sys`].

use serde::Deserialize;
use serde_json::Value;

use super::wechat_types::{
    header_is, is_system_kind, kind_from_codes, looks_like_wxid, mentions, parse_int, parse_time, shown, stored_text,
    SelfId,
};
use super::weflow_json::{json_int, str_of, text, unusable_time};
use super::json_records::{object_fields, RecordReader, RecordsParser};
use super::{wechat_sys, Context, CsvRecord, CsvSplitter, FormatParser, SkipCode, Why};
use crate::model::{GroupId, MessageKind, NewMessage, PersonRef, Platform, Quote};
use crate::time::parse_rfc3339;

const COLUMNS: [&str; 6] = ["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"];
/// chatlog's sender for system messages.
const SYSTEM_SENDER: &str = "系统消息";

/// The exact CSV header, or a JSON array of chatlog messages.
pub fn sniff(head: &str, _file_name: &str) -> bool {
    if header_is(head, &COLUMNS) {
        return true;
    }
    head.trim_start().starts_with('[')
        && head.contains("\"talker\"")
        && head.contains("\"isChatRoom\"")
        && (head.contains("\"seq\"") || head.contains("\"senderName\""))
}

/// A fresh parser for one file.
pub fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    if header_is(head, &COLUMNS) {
        Box::new(CsvParser { splitter: CsvSplitter::new(), header_seen: false, chat: Chats::default() })
    } else {
        Box::new(json_records())
    }
}

fn json_records() -> RecordsParser<Chats> {
    RecordsParser::new(&["items", "messages", "data"], Chats::default())
}

/// The last conversation and its group (a file is nearly always one conversation), and who
/// the exporter is.
#[derive(Default)]
struct Chats {
    last: Option<(String, GroupId)>,
    self_id: SelfId,
}

impl Chats {
    fn group(&mut self, talker: &str, name: &str, cx: &mut Context<'_>) -> GroupId {
        match &self.last {
            Some((t, g)) if t == talker => *g,
            _ => {
                let g = cx.builder.group(Platform::WeChat, talker, Some(name.trim()));
                self.last = Some((talker.to_string(), g));
                g
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV

struct CsvParser {
    splitter: CsvSplitter,
    header_seen: bool,
    chat: Chats,
}

impl FormatParser for CsvParser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let (seen, chat) = (&mut self.header_seen, &mut self.chat);
        self.splitter.feed(text, false, |line, rec| csv_record(seen, chat, line, rec, cx));
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let (seen, chat) = (&mut self.header_seen, &mut self.chat);
        self.splitter.feed("", true, |line, rec| csv_record(seen, chat, line, rec, cx));
    }
}

fn csv_record(header_seen: &mut bool, chat: &mut Chats, line: u64, rec: &CsvRecord<'_>, cx: &mut Context<'_>) {
    if !*header_seen {
        *header_seen = true;
        return;
    }
    if rec.len() < COLUMNS.len() {
        return cx.skip(line, Why::columns(rec.len(), COLUMNS.len()));
    }
    let talker = rec.field(4).trim();
    if talker.is_empty() {
        return cx.skip(line, Why::empty("Talker"));
    }
    let Some(time) = parse_time(rec.field(0), cx.zone) else {
        let raw = shown(rec.field(0));
        return cx.skip(line, Why::new(SkipCode::BadTime, format!("Time {raw}"), format!("Time {raw} is not a date")));
    };
    let sender = rec.field(2).trim();
    let content = rec.field(5);
    let group = chat.group(talker, rec.field(3), cx);
    if sender == SYSTEM_SENDER {
        cx.row();
        return wechat_sys::record(cx.builder, group, time, content, MessageKind::System);
    }
    let name = rec.field(1).trim();
    let sender = if !sender.is_empty() {
        PersonRef::Id(sender.to_string())
    } else if !talker.ends_with("@chatroom") {
        PersonRef::Id(talker.to_string())
    } else if !name.is_empty() {
        PersonRef::Name(name.to_string())
    } else {
        return cx.skip(line, Why::new(SkipCode::NoSender, "Sender, SenderName", "Sender and SenderName are empty"));
    };
    cx.row();
    let (kind, text, quote) = rendered(content);
    let text = stored_text(kind, text);
    let sender_name = Some(name).filter(|n| !n.is_empty());
    cx.builder.message_mentioning(NewMessage { time, group, sender: &sender, sender_name, kind, text, quote, mentions: Vec::new() }, mentions);
}

/// Kind, reply text and quote of chatlog's rendered `Content` (`PlainTextContent`).
fn rendered(content: &str) -> (MessageKind, &str, Option<Quote>) {
    use MessageKind::*;
    if content.starts_with("> ") {
        let (text, quote) = split_rendered_quote(content);
        return (Text, text, Some(quote));
    }
    let c = content.trim();
    let kind = match c {
        "[语音]" => Voice,
        "[名片]" => Card,
        "[动画表情]" | "[GIF表情]" => Sticker,
        "[合并转发]" => Forward,
        "[小程序]" => MiniProgram,
        "[视频号]" => Link,
        "[红包]" | "[红包封面]" => RedPacket,
        "[语音通话]" => Call,
        "[群公告]" | "[引用]" => Text,
        "[分享]" => Other,
        _ if c.starts_with("![图片](") => Image,
        _ if c.starts_with("![视频](") => Video,
        _ if c.starts_with("[语音](") => Voice,
        _ if c.starts_with("[链接|") || c.starts_with("[分享|") || c.starts_with("[视频号|") => Link,
        _ if c.starts_with("[文件|") => File,
        _ if c.starts_with("[小程序|") => MiniProgram,
        _ if c.starts_with("[转账|") => Transfer,
        _ => match c.strip_prefix("Type: ").and_then(|r| r.split_once(' ')).and_then(|(n, _)| parse_int(n)) {
            Some(code) => kind_from_codes(code, 0),
            None => Text,
        },
    };
    (kind, content, None)
}

/// `> 小王(wxid_a) 03-01 10:00:00\n> 原文\n回复` → (`回复`, quote of wxid_a saying `原文`).
fn split_rendered_quote(content: &str) -> (&str, Quote) {
    let mut quoted: Vec<&str> = Vec::new();
    let mut rest = content;
    while let Some(line) = rest.strip_prefix("> ") {
        let (this, next) = line.split_once('\n').unwrap_or((line, ""));
        quoted.push(this);
        rest = next;
    }
    let mut quote = Quote::default();
    let mut body = quoted.as_slice();
    if let Some((first, more)) = quoted.split_first() {
        if *first == "[引用]" {
            body = more;
        } else if let Some(who) = quote_header(first) {
            quote.sender = Some(who);
            body = more;
        }
    }
    if !body.is_empty() {
        quote.text = Some(body.join("\n"));
    }
    (rest, quote)
}

/// The `name(wxid) 01-02 15:04:05` (or `wxid 01-02 15:04:05`) line chatlog writes above
/// quoted text.
fn quote_header(line: &str) -> Option<PersonRef> {
    let (who, time) = line.rsplit_once(' ')?;
    let (who, date) = who.rsplit_once(' ')?;
    let is_time = time.len() == 8 && time.as_bytes()[2] == b':' && date.len() == 5 && date.as_bytes()[2] == b'-';
    if !is_time {
        return None;
    }
    let who = who.trim();
    match who.strip_suffix(')').and_then(|w| w.rsplit_once('(')) {
        Some((_, id)) if looks_like_wxid(id) || id == "我" => Some(PersonRef::Id(id.to_string())),
        Some((name, _)) => Some(PersonRef::Name(name.to_string())),
        None if looks_like_wxid(who) => Some(PersonRef::Id(who.to_string())),
        None if !who.is_empty() => Some(PersonRef::Name(who.to_string())),
        None => None,
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// The messages of a JSON document (streamed one at a time).
impl RecordReader for Chats {
    const NOUN: &'static str = "message";

    fn record(&mut self, position: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if let Some(m) = object_fields::<Self, Fields>(position, text, line, cx) {
            json_message(self, line, &m, cx);
        }
    }
}

/// The fields of a message the reader uses (see [`object_fields`]); null reads as missing.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Fields {
    talker: Option<Value>,
    talker_name: Option<Value>,
    time: Option<Value>,
    seq: Option<Value>,
    #[serde(rename = "type")]
    code: Option<Value>,
    sub_type: Option<Value>,
    sender: Option<Value>,
    sender_name: Option<Value>,
    content: Option<Value>,
    contents: Option<Value>,
    is_chat_room: Option<Value>,
    is_self: Option<Value>,
}

fn json_message(chat: &mut Chats, line: u64, m: &Fields, cx: &mut Context<'_>) {
    let talker = text(&m.talker).trim();
    if talker.is_empty() {
        return cx.skip(line, Why::new(SkipCode::EmptyField, "talker", "message has no talker (conversation id)"));
    }
    let Some(time) = message_time(m, cx) else {
        return cx.skip(line, unusable_time("time", m.time.as_ref(), "a date"));
    };
    let group = chat.group(talker, text(&m.talker_name), cx);
    let ty = json_int(m.code.as_ref()).unwrap_or(0);
    let sub = json_int(m.sub_type.as_ref()).unwrap_or(0);
    let kind = kind_from_codes(ty, sub);
    let sender = text(&m.sender).trim();
    let content = text(&m.content);
    if sender == SYSTEM_SENDER || is_system_kind(kind) {
        cx.row();
        let code_kind = if is_system_kind(kind) { kind } else { MessageKind::System };
        return wechat_sys::record(cx.builder, group, time, content, code_kind);
    }
    let name = text(&m.sender_name).trim();
    let is_chat_room = m.is_chat_room.as_ref().and_then(Value::as_bool).unwrap_or(talker.ends_with("@chatroom"));
    let mut trusted_name = true;
    let person = if m.is_self.as_ref().and_then(Value::as_bool) == Some(true) {
        if !sender.is_empty() {
            trusted_name = chat.self_id.own(sender, cx.builder, group);
        }
        chat.self_id.person()
    } else if !sender.is_empty() {
        chat.self_id.other(sender);
        PersonRef::Id(sender.to_string())
    } else if !is_chat_room {
        PersonRef::Id(talker.to_string())
    } else if !name.is_empty() {
        PersonRef::Name(name.to_string())
    } else {
        return cx.skip(line, Why::new(SkipCode::NoSender, "", "message has no sender"));
    };
    cx.row();
    let contents = m.contents.as_ref();
    // Cards carry no `content`; their title is in `contents`.
    let text = match content {
        "" => contents.map(|c| str_of(c, "title")).unwrap_or(""),
        c => c,
    };
    let text = stored_text(kind, text);
    let quote = contents.and_then(|c| c.get("refer")).filter(|r| r.is_object()).map(refer_quote);
    let sender_name = Some(name).filter(|n| trusted_name && !n.is_empty());
    cx.builder.message_mentioning(NewMessage { time, group, sender: &person, sender_name, kind, text, quote, mentions: Vec::new() }, mentions);
}

/// `time` (RFC 3339 with offset; a local string from hand-edited files), else `seq`
/// (a 10-digit timestamp and a 3-digit sequence number).
fn message_time(m: &Fields, cx: &mut Context<'_>) -> Option<i64> {
    let s = text(&m.time);
    parse_rfc3339(s)
        .or_else(|| parse_time(s, cx.zone))
        .or_else(|| json_int(m.seq.as_ref()).and_then(|seq| super::wechat_types::epoch_time(seq / 1000)))
}

/// `contents.refer`: the quoted message (chatlog keeps its sender, name and content; no
/// server id).
fn refer_quote(refer: &Value) -> Quote {
    let sender = str_of(refer, "sender").trim();
    let name = str_of(refer, "senderName").trim();
    let content = str_of(refer, "content");
    let sender = if !sender.is_empty() {
        Some(PersonRef::Id(sender.to_string()))
    } else {
        (!name.is_empty()).then(|| PersonRef::Name(name.to_string()))
    };
    let message_id = super::weflow_json::json_id(refer.get("seq")).filter(|s| s != "0");
    Quote { message_id, sender, text: (!content.is_empty()).then(|| content.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_values_read_as_their_fields_say_and_a_bad_message_is_skipped_alone() {
        let text = include_str!("../../tests/fixtures/wechat4/chatlog_odd_values.json");
        let skips = [
            (3, "expected a message object, found \"7\""),
            (6, "time \"{\\\"x\\\":1}\" is not a date"),
            (7, "message has no talker (conversation id)"),
            (10, "message has no sender"),
            (14, "message #13 is not valid JSON: invalid escape; skipped"),
        ];
        crate::ingest::json_records::assert_reads(text, parser, json_records, (9, &skips, &["seq time", "local time", "mine2", "reply", "a card", "private", "after"]));
    }

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        let text = include_str!("../../tests/fixtures/wechat4/chatlog_group.json");
        crate::ingest::json_records::assert_streamed_as_held(text, parser, json_records);
    }

    #[test]
    fn sniffs_the_header_and_the_json_array() {
        assert!(sniff("Time,SenderName,Sender,TalkerName,Talker,Content\n", "a.csv"));
        assert!(sniff(r#"[{"seq":1709258400000,"time":"2024-03-01T10:00:00+08:00","talker":"1@chatroom","isChatRoom":true}]"#, "a.json"));
        assert!(!sniff("Time,Sender,Content\n", "a.csv"));
        assert!(!sniff(r#"[{"msgid":"1","action":"send","msgtime":1,"roomid":"r"}]"#, "w.json"));
        assert!(!sniff(r#"{"guild":{},"channel":{},"messages":[{"author":{}}]}"#, "d.json"));
    }

    #[test]
    fn rendered_content_gives_the_kind() {
        use MessageKind::*;
        for (c, want) in [
            ("![图片](http://127.0.0.1:5030/image/abc)", Image),
            ("![视频](http://h/video/abc)", Video),
            ("[语音](http://h/voice/1)", Voice),
            ("[链接|标题](https://x)", Link),
            ("[文件|报价.xlsx](http://h/file/m)", File),
            ("[转账|发送 ￥200.00](房租)", Transfer),
            ("[红包]", RedPacket),
            ("[动画表情]", Sticker),
            ("Type: 48 Content: <msg/>", Location),
            ("大家好", Text),
        ] {
            assert_eq!(rendered(c).0, want, "{c}");
        }
    }

    #[test]
    fn rendered_quotes_split_into_reply_and_original() {
        let (text, q) = split_rendered_quote("> 群主老王(wxid_owner01) 03-01 10:01:00\n> 欢迎新朋友\n> 第二行\n谢谢");
        assert_eq!(text, "谢谢");
        assert_eq!(q.sender, Some(PersonRef::Id("wxid_owner01".into())));
        assert_eq!(q.text.as_deref(), Some("欢迎新朋友\n第二行"));
        let (text, q) = split_rendered_quote("> [引用]\n好的");
        assert_eq!((text, q.sender, q.text), ("好的", None, None));
        let (_, q) = split_rendered_quote("> 小王 03-01 10:01:00\n> 原文\n回复");
        assert_eq!(q.sender, Some(PersonRef::Name("小王".into())));
    }
}
