//! ChatLab exchange format v0.0.2 (format notes §7), JSON and JSON Lines.
//!
//! * JSON: `{"chatlab":{…},"meta":{…},"members":[…],"messages":[…]}` — `meta` and `members`
//!   are read first, then `messages` is streamed one message at a time as the file arrives
//!   ([`super::json_records`]; a bad one is skipped with its 1-based index). A document whose
//!   `meta` comes after its messages is held and read when it ends.
//! * JSONL: one object per line with `_type` `header` (`chatlab` + `meta`), `member` or
//!   `message`; `#` comment lines and blank lines are ignored. Streamed line by line.
//!
//! `meta.platform` picks the [`Platform`] (`wechat` files merge with the other WeChat
//! exports of the same chatroom), `meta.groupId` (else `meta.name`) keys the group,
//! `meta.ownerId` is the exporting account. Members are listed in the group with their group
//! nickname (else account name); other names and `aliases` are kept as names they used.
//! Messages: `sender` platform id, `timestamp` seconds, numeric `type`, `content`,
//! `replyToMessageId` as the quote. System (80), recall (81) and poke (22) messages of a
//! WeChat file are WeChat grey text and go through [`wechat_sys`] (joins, invitations); on
//! other platforms a system message is kept as a system message and a recall / poke stays
//! with its sender.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::wechat_types::{shown, stored_text};
use super::json_records::{object_fields, RecordReader, RecordsParser};
use super::weflow_json::{file_stem, json_id, json_int, json_time, str_of, text, unusable_time};
use super::{wechat_sys, Context, FormatParser, LineSplitter, SkipCode, Why};
use crate::model::{GroupId, MessageKind, NewMessage, PersonRef, Platform, Quote};

/// ChatLab JSON (a `chatlab` object) or JSONL (first record line has a `_type`).
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let first = first_record_line(head);
    if !first.starts_with('{') {
        return false;
    }
    (first.contains("\"_type\"") && (head.contains("\"chatlab\"") || first.contains("\"header\"")))
        || (head.trim_start().starts_with('{')
            && head.contains("\"chatlab\"")
            && (head.contains("\"meta\"") || head.contains("\"messages\"")))
}

/// A parser for one file: JSON Lines when the first record line is a `_type` object.
pub fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(match is_lines(head) {
        true => Parser::Lines(LineSplitter::new(), Reader { chat: None }),
        false => Parser::Json(records()),
    })
}

fn records() -> RecordsParser<Reader> {
    RecordsParser::new(&["messages"], Reader { chat: None })
}

/// JSON Lines when the first record line is a `_type` object (whole, or cut by the head).
fn is_lines(head: &str) -> bool {
    let first = first_record_line(head);
    first.replace(char::is_whitespace, "").starts_with("{\"_type\"")
        || serde_json::from_str::<Value>(first).is_ok_and(|v| v.get("_type").is_some())
}

/// The first line that is neither blank nor a `#` comment.
fn first_record_line(head: &str) -> &str {
    head.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("")
}

/// A file: JSON Lines, or one JSON document whose messages are streamed.
enum Parser {
    Lines(LineSplitter, Reader),
    Json(RecordsParser<Reader>),
}

/// What both shapes read into.
struct Reader {
    chat: Option<Chat>,
}

/// The conversation a file holds, from its `meta`.
struct Chat {
    group: GroupId,
    platform: Platform,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        match self {
            Parser::Lines(lines, reader) => lines.feed(text, false, |n, line| reader.line(n, line, cx)),
            Parser::Json(json) => json.feed(text, cx),
        }
    }

    fn held_text(&mut self) -> Option<&mut String> {
        match self {
            Parser::Lines(..) => None,
            Parser::Json(json) => json.held_text(),
        }
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        match self {
            Parser::Lines(lines, reader) => lines.feed("", true, |n, line| reader.line(n, line, cx)),
            Parser::Json(json) => json.finish(cx),
        }
    }
}

impl RecordReader for Reader {
    const NOUN: &'static str = "message";

    /// The messages are read as they come when the `meta` came before them (as ChatLab
    /// writes it).
    fn ready(&self, before: &Map<String, Value>) -> bool {
        before.contains_key("meta")
    }

    fn begin(&mut self, members: &Map<String, Value>, cx: &mut Context<'_>) {
        if let Some(meta) = members.get("meta") {
            self.header(meta, cx);
        }
        self.end(members, cx);
    }

    fn record(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if let Some(m) = object_fields::<Self, Fields>(index, text, line, cx) {
            self.message(line, &m, cx);
        }
    }

    /// A document without a `messages` array: nothing to read.
    fn lone(&mut self, _line: u64, _text: &str, _cx: &mut Context<'_>) {}

    /// The `members` list, when it comes after the messages.
    fn end(&mut self, members: &Map<String, Value>, cx: &mut Context<'_>) {
        if let Some(Value::Array(list)) = members.get("members") {
            for m in list {
                self.member(m, cx);
            }
        }
    }
}

impl Reader {
    fn line(&mut self, n: u64, line: &str, cx: &mut Context<'_>) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        let v = match serde_json::from_str::<Value>(line) {
            Ok(v) => v,
            Err(e) => return cx.skip(n, Why::new(SkipCode::NotJson, e.to_string(), format!("expected a JSON object (one ChatLab record per line): {e}"))),
        };
        match v.get("_type").and_then(Value::as_str) {
            Some("header") => self.header(v.get("meta").unwrap_or(&Value::Null), cx),
            Some("member") => self.member(&v, cx),
            // (The line's value moved into the fields, not copied.)
            Some("message") => self.message(n, &Fields::deserialize(v).unwrap_or_default(), cx),
            Some(other) => {
                let what = format!("_type {}", shown(other));
                cx.skip(n, Why::new(SkipCode::UnexpectedShape, &what, format!("unknown {what} (expected header, member or message)")))
            }
            None => cx.skip(n, Why::new(SkipCode::UnexpectedShape, "_type", "record has no _type (header, member or message)")),
        }
    }

    /// Opens the conversation `meta` describes (only the first header counts).
    fn header(&mut self, meta: &Value, cx: &mut Context<'_>) {
        if self.chat.is_some() {
            return;
        }
        let platform = platform_of(str_of(meta, "platform"));
        let name = str_of(meta, "name").trim();
        let key = json_id(meta.get("groupId"))
            .or_else(|| (!name.is_empty()).then(|| name.to_string()))
            .unwrap_or_else(|| file_stem(cx.file_name).to_string());
        let group = cx.builder.group(platform, &key, Some(name));
        if let Some(owner) = json_id(meta.get("ownerId")) {
            cx.builder.identify_self(group, &owner);
        }
        self.chat = Some(Chat { group, platform });
    }

    /// The conversation, named after the file when no header came first.
    fn chat(&mut self, cx: &mut Context<'_>) -> (GroupId, Platform) {
        if self.chat.is_none() {
            let key = file_stem(cx.file_name).to_string();
            let group = cx.builder.group(Platform::Other, &key, None);
            self.chat = Some(Chat { group, platform: Platform::Other });
        }
        let chat = self.chat.as_ref().map(|c| (c.group, c.platform));
        chat.unwrap_or((0, Platform::Other))
    }

    fn member(&mut self, m: &Value, cx: &mut Context<'_>) {
        let Some(id) = json_id(m.get("platformId")) else { return };
        let (group, _) = self.chat(cx);
        let account = str_of(m, "accountName").trim();
        let nick = str_of(m, "groupNickname").trim();
        let shown_name = [nick, account].into_iter().find(|n| !n.is_empty());
        let person = PersonRef::Id(id);
        let aliases = m.get("aliases").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        for other in std::iter::once(account).chain(aliases).map(str::trim) {
            if !other.is_empty() && Some(other) != shown_name {
                cx.builder.name_hint(group, &person, other, 0);
            }
        }
        cx.builder.listed_member(group, person, shown_name.map(str::to_string), 0);
    }

    fn message(&mut self, line: u64, m: &Fields, cx: &mut Context<'_>) {
        let (group, platform) = self.chat(cx);
        let Some(time) = json_time(m.timestamp.as_ref(), cx.zone) else {
            return cx.skip(line, unusable_time("timestamp", m.timestamp.as_ref(), "a time in seconds"));
        };
        let code = json_int(m.code.as_ref());
        let kind = code.map_or(MessageKind::Other, kind_of);
        let content = text(&m.content);
        if platform == Platform::WeChat && matches!(code, Some(22 | 80 | 81)) {
            cx.row();
            return wechat_sys::record(cx.builder, group, time, content, kind);
        }
        let name = [&m.group_nickname, &m.account_name].into_iter().map(|f| text(f).trim()).find(|s| !s.is_empty());
        let sender = if code == Some(80) {
            PersonRef::System
        } else if let Some(id) = json_id(m.sender.as_ref()) {
            PersonRef::Id(id)
        } else if let Some(name) = name {
            PersonRef::Name(name.to_string())
        } else {
            return cx.skip(line, Why::new(SkipCode::NoSender, "", "message has no sender"));
        };
        cx.row();
        let quote = json_id(m.reply_to_message_id.as_ref()).map(|id| Quote { message_id: Some(id), ..Quote::default() });
        let text = stored_text(kind, content);
        let mentions = match platform {
            Platform::WeChat => super::wechat_types::mentions,
            _ => super::wecom_archive::mentions,
        };
        let sender_name = if matches!(sender, PersonRef::System) { None } else { name };
        cx.builder.message_mentioning(NewMessage { time, group, sender: &sender, sender_name, kind, text, quote, mentions: Vec::new() }, mentions);
    }
}

/// The fields of a message the reader uses (see [`object_fields`]); null reads as missing.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Fields {
    timestamp: Option<Value>,
    #[serde(rename = "type")]
    code: Option<Value>,
    content: Option<Value>,
    group_nickname: Option<Value>,
    account_name: Option<Value>,
    sender: Option<Value>,
    reply_to_message_id: Option<Value>,
}

/// `meta.platform` → [`Platform`].
fn platform_of(name: &str) -> Platform {
    match name.trim().to_ascii_lowercase().as_str() {
        "wechat" | "weixin" | "wx" => Platform::WeChat,
        "wecom" | "wework" | "wxwork" => Platform::WeCom,
        "qq" => Platform::QQ,
        "whatsapp" => Platform::WhatsApp,
        "telegram" => Platform::Telegram,
        "discord" => Platform::Discord,
        "slack" => Platform::Slack,
        _ => Platform::Other,
    }
}

/// ChatLab message type codes.
fn kind_of(code: i64) -> MessageKind {
    use MessageKind::*;
    match code {
        0 | 25 => Text,
        1 => Image,
        2 => Voice,
        3 => Video,
        4 => File,
        5 => Sticker,
        7 | 24 => Link,
        8 => Location,
        20 => RedPacket,
        21 => Transfer,
        22 => Pat,
        23 => Call,
        26 => Forward,
        27 => Card,
        80 => System,
        81 => Recall,
        _ => Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_values_read_as_their_fields_say_and_a_bad_message_is_skipped_alone() {
        let text = include_str!("../../tests/fixtures/wechat4/chatlab_odd_values.json");
        let skips = [
            (5, "expected a message object, found \"42\""),
            (6, "expected a message object, found \"[1,2]\""),
            (9, "message has no timestamp"),
            (10, "timestamp \"{\\\"a\\\":1}\" is not a time in seconds"),
            (13, "message has no sender"),
            (16, "message #13 is not valid JSON: invalid escape; skipped"),
        ];
        crate::ingest::json_records::assert_reads(text, parser, records, (8, &skips, &["string ts", "dup2", "name only", "reply", "after"]));
    }

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        let text = include_str!("../../tests/fixtures/wechat4/chatlab_group.json");
        crate::ingest::json_records::assert_streamed_as_held(text, parser, records);
    }

    #[test]
    fn sniffs_json_and_lines() {
        assert!(sniff(r#"{"chatlab":{"version":"0.0.2"},"meta":{"name":"g"},"messages":[]}"#, "a.json"));
        assert!(sniff("# exported\n{\"_type\":\"header\",\"chatlab\":{\"version\":\"0.0.2\"}}\n", "a.jsonl"));
        assert!(!sniff(r#"{"weflow":{},"session":{},"messages":[]}"#, "a.json"));
        assert!(!sniff(r#"{"name":"Chat","type":"personal_chat","id":1,"messages":[]}"#, "result.json"));
        assert!(!sniff(r#"[{"msgid":"1","action":"send","msgtime":1}]"#, "w.json"));
    }

    #[test]
    fn mode_follows_the_first_record_line() {
        let p = is_lines;
        assert!(p("{\"_type\": \"header\", \"chatlab\": {}}\n"));
        assert!(!p("{\n  \"chatlab\": {}\n}"));
        assert!(!p(r#"{"chatlab":{},"messages":[]}"#));
    }

    #[test]
    fn codes_and_platforms() {
        assert_eq!(kind_of(25), MessageKind::Text);
        assert_eq!(kind_of(20), MessageKind::RedPacket);
        assert_eq!(kind_of(81), MessageKind::Recall);
        assert_eq!(kind_of(6), MessageKind::Other);
        assert_eq!(platform_of("WeChat"), Platform::WeChat);
        assert_eq!(platform_of("qq"), Platform::QQ);
        assert_eq!(platform_of("line"), Platform::Other);
    }
}
