//! WeCom 会话内容存档 (session archive): decrypted `GetChatData` records.
//!
//! Accepted shapes, as customers dump them:
//! - JSON Lines, one record per line (streamed line by line, and large files read in parallel
//!   pieces: archives reach gigabytes);
//! - a JSON array of records, concatenated objects, or an envelope object whose `chatdata`,
//!   `msgs`, `messages` or `data` array holds them (arrays streamed one record at a time as
//!   the file arrives, [`super::json_records`], so a cut-off file keeps the records before
//!   the cut; concatenated objects held and read at the end);
//! - envelope items that wrap the decrypted record as `{"seq":…,"msgid":…,"decrypted":{…}}`
//!   (also `message` / `msg`). Still-encrypted items (`encrypt_chat_msg` only) have no
//!   sender and are skipped with that reason.
//!
//! A record is `{msgid, action, from, tolist, roomid, msgtime (ms), msgtype, <body>}`; the body
//! key is the msgtype except `docmsg`→`doc`, `markdown`/`news`→`info`,
//! `external_redpacket`→`redpacket`. `switch` records (no sender) count as rows, not messages.
//! An empty `roomid` is a one-to-one chat, kept as a "group" keyed by its two participants.
//! The archive has no joins, no names and no reply structure; names and joins come from the
//! customer-group member list (`wecom_members`), which shares the `roomid` key.
//! Not read: the newer 数据与智能专区 `fetch_msg` shape (`sender{type,id}`, numeric msgtype).

mod record;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use record::{Body, Field, Record};

use super::wechat_types::shown;
use super::json_records::{value, RecordReader, RecordsParser};
use super::{pieces::ParserSeed, Context, FormatParser, LineSplitter, SkipCode, Why};
use crate::model::{MessageKind, NewMessage, PersonRef, Platform};
use crate::time::epoch_to_seconds;

/// Does the head look like archive records (and not a member list)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let t = head.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && ((head.contains("\"msgid\"") && (head.contains("\"msgtime\"") || head.contains("\"action\"")))
            || head.contains("\"chatdata\""))
}

/// A parser for one file: JSON Lines when the first line is a whole record, else a JSON document.
pub fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    let first = head.trim_start().lines().next().unwrap_or("");
    let is_lines = first.trim_end().ends_with('}')
        && serde_json::from_str::<Value>(first).is_ok_and(|v| v.get("msgid").is_some() || v.get("action").is_some());
    Box::new(Parser { lines: is_lines.then(LineSplitter::new), json: records() })
}

/// A JSON Lines parser continuing a file at a line that starts a record (see `pieces`).
pub(crate) fn continue_lines() -> Box<dyn FormatParser> {
    Box::new(Parser { lines: Some(LineSplitter::new()), json: records() })
}

struct Parser {
    /// `Some` in JSON Lines mode.
    lines: Option<LineSplitter>,
    /// The records otherwise.
    json: RecordsParser<Archive>,
}

fn records() -> RecordsParser<Archive> {
    RecordsParser::new(&["chatdata", "msgs", "messages", "data"], Archive)
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        match &mut self.lines {
            Some(lines) => lines.feed(text, false, |n, line| record_line(n, line, cx)),
            None => self.json.feed(text, cx),
        }
    }

    fn held_text(&mut self) -> Option<&mut String> {
        match self.lines {
            Some(_) => None,
            None => self.json.held_text(),
        }
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        match &mut self.lines {
            Some(lines) => lines.feed("", true, |n, line| record_line(n, line, cx)),
            None => self.json.finish(cx),
        }
    }

    // JSON Lines can be read in pieces: each line is a record of its own.
    fn at_boundary(&mut self, _cx: &mut Context<'_>) -> Option<u64> {
        self.lines.as_ref()?.lines_at_line_start()
    }

    fn skip_lines(&mut self, lines: u64) {
        if let Some(l) = self.lines.as_mut() {
            l.skip_lines(lines);
        }
    }

    fn seed(&self) -> Option<ParserSeed> {
        self.lines.as_ref().map(|_| ParserSeed::WeComArchive)
    }
}

fn record_line(line: u64, text: &str, cx: &mut Context<'_>) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if borrowed_record(line, text, cx) {
        return;
    }
    // Not an object (or one with a key twice): read as a `Value`, as a JSON document's are.
    match serde_json::from_str::<Value>(text) {
        Ok(v) => record_value(line, &v, cx),
        Err(e) => cx.skip(line, Why::new(SkipCode::NotJson, e.to_string(), format!("expected a JSON object (one archive record per line): {e}"))),
    }
}

/// The records of a JSON document (an array, an envelope, concatenated objects).
struct Archive;

impl RecordReader for Archive {
    const NOUN: &'static str = "record";

    fn record(&mut self, position: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if !borrowed_record(line, text, cx) {
            if let Some(v) = value::<Self>(position, text, line, cx) {
                record_value(line, &v, cx);
            }
        }
    }
}

/// Reads `text` into borrowed fields if it is an object (with no key twice): false when not.
fn borrowed_record(line: u64, text: &str, cx: &mut Context<'_>) -> bool {
    // (Read through `Obj`: a struct would also take an array as its fields in order.)
    match serde_json::from_str::<record::Obj<Record>>(text) {
        Ok(record::Obj(Some(r))) => {
            record(line, &r, cx);
            true
        }
        _ => false,
    }
}

/// A record that is not a plain object, read as a [`Value`].
fn record_value(line: u64, v: &Value, cx: &mut Context<'_>) {
    if !v.is_object() {
        let found = shown(&v.to_string());
        return cx.skip(line, Why::new(SkipCode::UnexpectedShape, &found, format!("expected an archive record object, found {found}")));
    }
    match Record::deserialize(v) {
        Ok(r) => record(line, &r, cx),
        Err(e) => cx.skip(line, Why::new(SkipCode::UnexpectedShape, e.to_string(), format!("expected an archive record object: {e}"))),
    }
}

fn record(line: u64, r: &Record<'_>, cx: &mut Context<'_>) {
    // Some dumps wrap each decrypted record: {"seq":…, "msgid":…, "decrypted": {…}}.
    let r = r.unwrapped();
    let action = r.action.str();
    // `switch` (the user changed corp) and `agree`/`disagree` (an external contact's consent
    // to archiving) are records of the archive, not things anyone said in a chat.
    if action == "switch" || matches!(r.msgtype.str(), "agree" | "disagree") {
        return cx.row();
    }
    let from = r.from.str();
    if from.is_empty() {
        let why = if r.encrypt_chat_msg.0 {
            Why::new(SkipCode::Encrypted, "", "record is still encrypted (encrypt_chat_msg): decrypt it with the WeCom Finance SDK first")
        } else {
            Why::new(SkipCode::NoSender, "from", "record has no \"from\" (sender)")
        };
        return cx.skip(line, why);
    }
    // `msgtime` in ms (some SDK wrappers write seconds, some a string, some `send_time`).
    let raw = if r.msgtime == Field::Missing { &r.send_time } else { &r.msgtime };
    let Some(time) = msgtime(raw) else {
        let why = match raw {
            Field::Missing => Why::new(SkipCode::NoTime, "msgtime", "record has no msgtime"),
            Field::Int(0) => Why::new(SkipCode::NoTime, "msgtime 0", "msgtime 0: the archive gives no time for this record"),
            Field::Other(json) if json == "null" => Why::new(SkipCode::NoTime, "msgtime null", "msgtime \"null\" is not a time in milliseconds"),
            t => {
                let raw = shown(&t.json());
                Why::new(SkipCode::BadTime, format!("msgtime {raw}"), format!("msgtime {raw} is not a time in milliseconds"))
            }
        };
        return cx.skip(line, why);
    };
    let msgtype = r.msgtype.str();
    let body = r.body(body_key(msgtype));
    let text = text_of(msgtype, body);
    let kind = match (action, msgtype) {
        ("recall", _) => MessageKind::Recall,
        // A mixed message without words counts as its first item (images only → image).
        ("mixed", _) if text.is_empty() => first_item_type(body).map_or(MessageKind::Other, kind_of),
        _ => kind_of(msgtype),
    };
    cx.row();
    let group = group_of(r, from, cx);
    let sender = PersonRef::Id(from.to_string());
    let msg = NewMessage { time, group, sender: &sender, sender_name: None, kind, text: &text, quote: None, mentions: Vec::new() };
    cx.builder.message_mentioning(msg, mentions);
}

/// A time in ms (or seconds) as a number or a string; 0 or none is no time.
fn msgtime(raw: &Field<'_>) -> Option<i64> {
    let n = match raw {
        Field::Int(n) => *n,
        Field::Str(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (n > 0).then(|| epoch_to_seconds(n))
}

/// The group a record belongs to: its room, or the pair of people in a one-to-one chat.
fn group_of(r: &Record<'_>, from: &str, cx: &mut Context<'_>) -> u32 {
    let room = r.roomid.str();
    if !room.is_empty() {
        return cx.builder.group(Platform::WeCom, room, None);
    }
    let to = r.tolist.0.str();
    let (a, b) = if from <= to { (from, to) } else { (to, from) };
    cx.builder.group(Platform::WeCom, &format!("{a}|{b}"), None)
}

fn body_key(msgtype: &str) -> &str {
    match msgtype {
        "docmsg" => "doc",
        "markdown" | "news" => "info",
        "external_redpacket" => "redpacket",
        other => other,
    }
}

fn kind_of(msgtype: &str) -> MessageKind {
    use MessageKind::*;
    match msgtype {
        "text" | "markdown" | "mixed" => Text,
        "image" => Image,
        "voice" => Voice,
        "video" | "sphfeed" => Video,
        "file" | "docmsg" | "voip_doc_share" => File,
        "link" | "news" => Link,
        "weapp" => MiniProgram,
        "emotion" => Sticker,
        "card" => Card,
        "location" => Location,
        "chatrecord" => Forward,
        "redpacket" | "external_redpacket" => RedPacket,
        "revoke" => Recall,
        "voiptext" | "meeting_voice_call" => Call,
        _ => Other,
    }
}

/// The `type` of the first item of a `mixed` body.
fn first_item_type<'b>(body: &'b Body<'_>) -> Option<&'b str> {
    body.item.0.first()?.0.as_ref().map(|item| item.kind.str())
}

/// Readable text of a body: the message for text-like types, the title for cards (borrowed
/// from the record but for a `mixed` message's joined items).
fn text_of<'b>(msgtype: &str, body: &'b Body<'_>) -> Cow<'b, str> {
    let s = |f: &'b Field<'_>| Cow::Borrowed(f.str());
    match msgtype {
        "text" | "markdown" => s(&body.content),
        "link" | "weapp" | "chatrecord" | "location" => {
            let t = s(&body.title);
            if t.is_empty() {
                s(&body.address)
            } else {
                t
            }
        }
        "file" => s(&body.filename),
        "docmsg" => s(&body.title),
        "redpacket" | "external_redpacket" => s(&body.wish),
        "news" => body.item.0.first().and_then(|i| i.0.as_ref()).map_or(Cow::Borrowed(""), |i| s(&i.title)),
        // Items carry their content as a JSON string inside the JSON: decode twice.
        "mixed" => body
            .item
            .0
            .iter()
            .filter_map(|i| i.0.as_ref())
            .filter(|i| i.kind.str() == "text")
            .filter_map(|i| serde_json::from_str::<Value>(i.content.str()).ok())
            .map(|c| c.get("content").and_then(Value::as_str).unwrap_or("").trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
            .into(),
        _ => Cow::Borrowed(""),
    }
}

/// `@name` mentions, ended by a space (WeCom, QQ) or U+2005 (WeChat clients); `a@b.com` is
/// not one. Shared with the QQ TXT parser.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // The readers that hand this to `ModelBuilder::message_mentioning` call it only for texts
    // with an '@'; Discord's calls it for every message, and most have none: a byte search
    // answers those before the character walk below.
    if !text.contains('@') {
        return out;
    }
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '@' && !prev.is_some_and(|p| p.is_ascii_alphanumeric()) {
            let rest = &text[i + 1..];
            let end = rest.find(|c: char| c.is_whitespace() || c == '\u{2005}' || c == '@').unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty() && name.chars().count() <= 32 {
                out.push(name.to_string());
            }
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_records_read_as_the_held_document_does() {
        let text = include_str!("../../tests/fixtures/wecom/archive_array.json");
        crate::ingest::json_records::assert_streamed_as_held(text, parser, records);
    }

    #[test]
    fn mentions_stop_at_spaces_and_skip_emails() {
        assert_eq!(mentions("@张三 你好 @李四\u{2005}看下"), vec!["张三", "李四"]);
        assert!(mentions("mail me: a@b.com").is_empty());
    }

    #[test]
    fn mixed_items_are_decoded_twice() {
        let body: Body = serde_json::from_str(
            r#"{"item":[{"type":"text","content":"{\"content\":\"你好[微笑]\\n\"}"},{"type":"image","content":"{}"}]}"#,
        )
        .unwrap();
        assert_eq!(text_of("mixed", &body), "你好[微笑]");
    }

    #[test]
    fn sniffs_records_not_member_lists() {
        assert!(sniff(r#"{"msgid":"1","action":"send","msgtime":1}"#, "a.jsonl"));
        assert!(!sniff(r#"{"errcode":0,"group_chat":{"chat_id":"wr1","member_list":[]}}"#, "g.json"));
    }
}
