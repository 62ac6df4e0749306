//! WeCom 会话内容存档 (session archive): decrypted `GetChatData` records.
//!
//! Accepted shapes, as customers dump them:
//! - JSON Lines, one record per line (streamed line by line: archives reach gigabytes);
//! - a JSON array of records, concatenated objects, or an envelope object whose `chatdata`,
//!   `msgs`, `messages` or `data` array holds them (buffered, parsed at the end).
//!
//! A record is `{msgid, action, from, tolist, roomid, msgtime (ms), msgtype, <body>}`; the body
//! key is the msgtype except `docmsg`→`doc`, `markdown`/`news`→`info`,
//! `external_redpacket`→`redpacket`. `switch` records (no sender) count as rows, not messages.
//! An empty `roomid` is a one-to-one chat, kept as a "group" keyed by its two participants.
//! The archive has no joins, no names and no reply structure; names and joins come from the
//! customer-group member list (`wecom_members`), which shares the `roomid` key.

use serde_json::Value;

use super::wechat_types::shown;
use super::{Context, FormatParser, LineSplitter};
use crate::model::{MessageKind, NewMessage, PersonRef, Platform};
use crate::time::epoch_to_seconds;

/// Does the head look like archive records (and not a member list)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let t = head.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && head.contains("\"msgid\"")
        && (head.contains("\"msgtime\"") || head.contains("\"action\""))
}

/// A parser for one file: JSON Lines when the first line is a whole record, else buffered.
pub fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    let first = head.trim_start().lines().next().unwrap_or("");
    let is_lines = first.trim_end().ends_with('}')
        && serde_json::from_str::<Value>(first).is_ok_and(|v| v.get("msgid").is_some() || v.get("action").is_some());
    Box::new(Parser { lines: is_lines.then(LineSplitter::new), buffer: String::new() })
}

struct Parser {
    /// `Some` in JSON Lines mode.
    lines: Option<LineSplitter>,
    /// The whole text in buffered mode.
    buffer: String,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        match &mut self.lines {
            Some(lines) => lines.feed(text, false, |n, line| record_line(n, line, cx)),
            None => self.buffer.push_str(text),
        }
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        match &mut self.lines {
            Some(lines) => lines.feed("", true, |n, line| record_line(n, line, cx)),
            None => {
                let text = std::mem::take(&mut self.buffer);
                for_each_json_record(&text, &["chatdata", "msgs", "messages", "data"], cx, record);
            }
        }
    }
}

fn record_line(line: u64, text: &str, cx: &mut Context<'_>) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v) => record(line, &v, cx),
        Err(e) => cx.skip(line, format!("expected a JSON object (one archive record per line): {e}")),
    }
}

/// Calls `each(position, record)` for every record of a buffered JSON text: top-level
/// objects (one or concatenated), arrays of them, or envelopes holding them under one of
/// `envelope_keys`. Positions are 1-based lines of the value, or its index in an array.
pub(crate) fn for_each_json_record(
    text: &str,
    envelope_keys: &[&str],
    cx: &mut Context<'_>,
    mut each: impl FnMut(u64, &Value, &mut Context<'_>),
) {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let (mut counted_to, mut line) = (0, 1u64);
    loop {
        let start = stream.byte_offset();
        let value = match stream.next() {
            None => break,
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                cx.skip(e.line() as u64, format!("not valid JSON: {e}"));
                break;
            }
        };
        let start = start.min(text.len());
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..start]).count() as u64;
        counted_to = start;
        let inner = envelope_keys.iter().find_map(|k| value.get(*k)).and_then(Value::as_array);
        match (&value, inner) {
            (_, Some(items)) | (Value::Array(items), None) => {
                for (i, item) in items.iter().enumerate() {
                    each(i as u64 + 1, item, cx);
                }
            }
            _ => each(line, &value, cx),
        }
    }
}

fn record(line: u64, v: &Value, cx: &mut Context<'_>) {
    // Some dumps wrap each decrypted record: {"seq":…, "msgid":…, "decrypted": {…}}.
    let v = ["decrypted", "message", "msg"].iter().find_map(|k| v.get(*k).filter(|m| m.is_object())).unwrap_or(v);
    if !v.is_object() {
        return cx.skip(line, format!("expected an archive record object, found {}", shown(&v.to_string())));
    }
    let action = str_field(v, "action");
    if action == "switch" {
        return cx.row();
    }
    let from = str_field(v, "from");
    if from.is_empty() {
        return cx.skip(line, "record has no \"from\" (sender)");
    }
    let Some(time) = msgtime(v) else {
        let reason = match v.get("msgtime") {
            None => "record has no msgtime".to_string(),
            Some(t) if t.as_i64() == Some(0) => "msgtime 0: the archive gives no time for this record".to_string(),
            Some(t) => format!("msgtime {} is not a time in milliseconds", shown(&t.to_string())),
        };
        return cx.skip(line, reason);
    };
    let msgtype = str_field(v, "msgtype");
    let kind = if action == "recall" { MessageKind::Recall } else { kind_of(msgtype) };
    let body = v.get(body_key(msgtype));
    let text = body.map(|b| text_of(msgtype, b)).unwrap_or_default();
    cx.row();
    let group = group_of(v, from, cx);
    let mentions = if kind == MessageKind::Text { mentions(&text) } else { Vec::new() };
    cx.builder.message(NewMessage {
        time,
        group,
        sender: PersonRef::Id(from.to_string()),
        sender_name: None,
        kind,
        text: &text,
        quote: None,
        mentions,
    });
}

fn str_field<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `msgtime` in ms (some SDK wrappers write seconds, some a string); 0 or missing is no time.
fn msgtime(v: &Value) -> Option<i64> {
    let raw = v.get("msgtime").or_else(|| v.get("send_time"))?;
    let n = raw.as_i64().or_else(|| raw.as_str().and_then(|s| s.trim().parse().ok()))?;
    (n > 0).then(|| epoch_to_seconds(n))
}

/// The group a record belongs to: its room, or the pair of people in a one-to-one chat.
fn group_of(v: &Value, from: &str, cx: &mut Context<'_>) -> u32 {
    let room = str_field(v, "roomid");
    if !room.is_empty() {
        return cx.builder.group(Platform::WeCom, room, None);
    }
    let to = v.get("tolist").and_then(Value::as_array).and_then(|l| l.first()).and_then(Value::as_str).unwrap_or("");
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
        "voice" | "meeting_voice_call" => Voice,
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
        "voiptext" => Call,
        _ => Other,
    }
}

/// Readable text of a body: the message for text-like types, the title for cards.
fn text_of(msgtype: &str, body: &Value) -> String {
    let s = |k: &str| str_field(body, k).to_string();
    match msgtype {
        "text" | "markdown" => s("content"),
        "link" | "weapp" | "chatrecord" | "location" => {
            let t = s("title");
            if t.is_empty() { s("address") } else { t }
        }
        "file" => s("filename"),
        "docmsg" => s("title"),
        "redpacket" | "external_redpacket" => s("wish"),
        "news" => body
            .get("item")
            .and_then(Value::as_array)
            .and_then(|items| items.first())
            .map(|i| str_field(i, "title").to_string())
            .unwrap_or_default(),
        // Items carry their content as a JSON string inside the JSON: decode twice.
        "mixed" => body
            .get("item")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter(|i| str_field(i, "type") == "text")
                    .filter_map(|i| serde_json::from_str::<Value>(str_field(i, "content")).ok())
                    .map(|c| str_field(&c, "content").trim_end().to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `@name` mentions, ended by a space (WeCom) or U+2005 (WeChat clients); `a@b.com` is not one.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
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
    fn mentions_stop_at_spaces_and_skip_emails() {
        assert_eq!(mentions("@张三 你好 @李四\u{2005}看下"), vec!["张三", "李四"]);
        assert!(mentions("mail me: a@b.com").is_empty());
    }

    #[test]
    fn mixed_items_are_decoded_twice() {
        let body: Value = serde_json::from_str(
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
