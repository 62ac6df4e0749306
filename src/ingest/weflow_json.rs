//! WeChat 4.x desktop exporters' JSON (format notes §5): WeFlow (`weflow` + `session` +
//! `messages`) and EchoTrace (`session` + `messages` with `senderUsername`, no `weflow`).
//!
//! `session.wxid` (older EchoTrace: `session.username`) is the conversation id — the
//! `…@chatroom` id of a group, the peer's wxid in a private chat — and keys the group on
//! [`Platform::WeChat`], so a WeFlow export merges with WeChatMsg / PyWxDump / chatlog files of
//! the same chatroom. Per message: `createTime` (epoch seconds), the Chinese `type` label
//! (preferred: ChatLab notes `localType` is unreliable) with the 64-bit v4 `localType` as the
//! fallback, `content`, `isSend`, `senderUsername` / `senderDisplayName`, and WeFlow's
//! `replyToMessageId` / `quotedSender` (a display name) / `quotedContent` as the quote. System
//! messages (label 系统消息, code 10000/10002, a `<sysmsg>` body, or a sender that is the
//! chatroom itself) go through [`wechat_sys`]. EchoTrace's optional `groupMembers` lists
//! members even when they never speak.
//!
//! The `messages` array is streamed one message at a time as the file arrives
//! ([`super::json_records`]) once the `session` came before it, as both tools write it (else
//! the document is held and read when it ends); a bad message is skipped with its 1-based
//! index and a cut-off file keeps the messages before the cut.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::wechat_types::{
    epoch_time, is_sysmsg_xml, is_system_kind, kind_from_export_label, kind_from_local_type, mentions,
    parse_time, shown, split_sender_prefix, stored_text, SelfId,
};
use super::json_records::{object_fields, RecordReader, RecordsParser};
use super::{wechat_sys, Context, FormatParser, SkipCode, Why};
use crate::model::{GroupId, MessageKind, NewMessage, PersonRef, Platform, Quote};
use crate::time::Zone;

/// A JSON object with a `session` and WeFlow's header or EchoTrace's message fields, and none
/// of the ChatLab keys (WeFlow also writes ChatLab files, which [`super::chatlab`] reads).
pub fn sniff(head: &str, _file_name: &str) -> bool {
    head.trim_start().starts_with('{')
        && head.contains("\"session\"")
        && !head.contains("\"chatlab\"")
        && !head.contains("\"_type\"")
        && (head.contains("\"weflow\"")
            || head.contains("\"senderUsername\"")
            || (head.contains("\"localType\"") && head.contains("\"createTime\"")))
}

/// A fresh parser for one file: the messages streamed one at a time.
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(records())
}

fn records() -> RecordsParser<Export> {
    RecordsParser::new(&["messages"], Export::default())
}

/// The export: its chat, from `session`, once the messages begin.
#[derive(Default)]
struct Export {
    chat: Option<Chat>,
}

impl RecordReader for Export {
    const NOUN: &'static str = "message";

    /// The messages are read as they come when the `session` came before them (as WeFlow and
    /// EchoTrace write it).
    fn ready(&self, before: &Map<String, Value>) -> bool {
        before.contains_key("session")
    }

    fn begin(&mut self, members: &Map<String, Value>, cx: &mut Context<'_>) {
        let session = members.get("session").unwrap_or(&Value::Null);
        let key = ["wxid", "username", "userName", "talker"]
            .iter()
            .map(|k| str_of(session, k).trim())
            .find(|s| !s.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| file_stem(cx.file_name).to_string());
        let name =
            ["displayName", "remark", "nickname"].iter().map(|k| str_of(session, k).trim()).find(|s| !s.is_empty());
        let group = cx.builder.group(Platform::WeChat, &key, name);
        let is_group = key.ends_with("@chatroom") || str_of(session, "type") == "群聊";
        self.chat = Some(Chat { group, key, is_group, self_id: SelfId::default() });
        self.end(members, cx);
    }

    fn record(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        let Some(chat) = &mut self.chat else { return };
        if let Some(m) = object_fields::<Self, Fields>(index, text, line, cx) {
            chat.message(line, &m, cx);
        }
    }

    /// A document without a `messages` array: nothing to read.
    fn lone(&mut self, _line: u64, _text: &str, _cx: &mut Context<'_>) {}

    /// EchoTrace writes its `groupMembers` after the messages.
    fn end(&mut self, members: &Map<String, Value>, cx: &mut Context<'_>) {
        if let (Some(chat), Some(list)) = (&self.chat, members.get("groupMembers")) {
            list_members(list, chat.group, cx);
        }
    }
}

/// The fields of a message the reader uses (see [`object_fields`]); null reads as missing.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Fields {
    create_time: Option<Value>,
    formatted_time: Option<Value>,
    #[serde(rename = "type")]
    label: Option<Value>,
    local_type: Option<Value>,
    content: Option<Value>,
    sender_username: Option<Value>,
    sender_display_name: Option<Value>,
    is_send: Option<Value>,
    reply_to_message_id: Option<Value>,
    quoted_sender: Option<Value>,
    quoted_content: Option<Value>,
}

struct Chat {
    group: GroupId,
    /// The conversation id (the peer's wxid in a private chat).
    key: String,
    is_group: bool,
    self_id: SelfId,
}

/// Why a message's time `field` (its JSON `value`) gives no time: it is missing, or it is not
/// `a_time` ("a time", "a date"…). For the JSON exports that share these helpers.
pub(super) fn unusable_time(field: &str, value: Option<&Value>, a_time: &str) -> Why {
    match value {
        None | Some(Value::Null) => Why::new(SkipCode::NoTime, field, format!("message has no {field}")),
        Some(t) => {
            let raw = shown(&t.to_string());
            Why::new(SkipCode::BadTime, format!("{field} {raw}"), format!("{field} {raw} is not {a_time}"))
        }
    }
}

impl Chat {
    fn message(&mut self, line: u64, m: &Fields, cx: &mut Context<'_>) {
        let Some(time) = json_time(m.create_time.as_ref(), cx.zone)
            .or_else(|| m.formatted_time.as_ref().and_then(|t| json_time(Some(t), cx.zone)))
        else {
            return cx.skip(line, unusable_time("createTime", m.create_time.as_ref(), "a time"));
        };
        let label = text(&m.label);
        let local_type = json_int(m.local_type.as_ref());
        let kind = kind_from_export_label(label)
            .or_else(|| local_type.map(kind_from_local_type))
            .unwrap_or(MessageKind::Other);
        let content = text(&m.content);
        let username = text(&m.sender_username).trim();
        let low_type = local_type.map(|t| t & 0xFFFF_FFFF);
        let is_system = is_system_kind(kind)
            || matches!(low_type, Some(10000 | 10002))
            || username.ends_with("@chatroom")
            || is_sysmsg_xml(content);
        if is_system {
            cx.row();
            let code_kind = if is_system_kind(kind) { kind } else { MessageKind::System };
            return wechat_sys::record(cx.builder, self.group, time, content, code_kind);
        }
        let display = text(&m.sender_display_name).trim();
        let (prefixed, content) = match split_sender_prefix(content) {
            Some((id, rest)) if self.is_group && (username.is_empty() || id == username) => (Some(id), rest),
            _ => (None, content),
        };
        let is_send = json_int(m.is_send.as_ref()) == Some(1) || m.is_send == Some(Value::Bool(true));
        let mut trusted_name = true;
        let sender = if is_send {
            if !username.is_empty() {
                trusted_name = self.self_id.own(username, cx.builder, self.group);
            }
            self.self_id.person()
        } else if let Some(id) = Some(username).filter(|u| !u.is_empty()).or(prefixed) {
            self.self_id.other(id);
            PersonRef::Id(id.to_string())
        } else if !self.is_group {
            PersonRef::Id(self.key.clone())
        } else if !display.is_empty() {
            PersonRef::Name(display.to_string())
        } else {
            return cx.skip(line, Why::new(SkipCode::NoSender, "senderUsername, senderDisplayName", "message has no sender (senderUsername and senderDisplayName are empty)"));
        };
        cx.row();
        let sender_name = Some(display).filter(|d| trusted_name && !d.is_empty() && *d != username);
        let text = stored_text(kind, content);
        let quote = weflow_quote(m);
        let msg = NewMessage { time, group: self.group, sender: &sender, sender_name, kind, text, quote, mentions: Vec::new() };
        cx.builder.message_mentioning(msg, mentions);
    }
}

/// WeFlow's reply fields: `replyToMessageId` (server id of the quoted message),
/// `quotedSender` (the quoted person's display name), `quotedContent` (a preview).
fn weflow_quote(m: &Fields) -> Option<Quote> {
    let message_id = json_id(m.reply_to_message_id.as_ref());
    let sender = text(&m.quoted_sender).trim();
    let text = text(&m.quoted_content);
    if message_id.is_none() && sender.is_empty() && text.is_empty() {
        return None;
    }
    Some(Quote {
        message_id,
        sender: (!sender.is_empty()).then(|| person_named(sender)),
        text: (!text.is_empty()).then(|| text.to_string()),
    })
}

/// A person an export names in a free-form field: an account id when it is unmistakably one
/// (`wxid_…`, `…@openim`), otherwise a display name.
pub(crate) fn person_named(s: &str) -> PersonRef {
    if s.starts_with("wxid_") || s.ends_with("@openim") {
        PersonRef::Id(s.to_string())
    } else {
        PersonRef::Name(s.to_string())
    }
}

/// EchoTrace's `groupMembers`: an array of member objects (or bare ids), or an object keyed
/// by wxid whose values are names or member objects.
fn list_members(list: &Value, group: GroupId, cx: &mut Context<'_>) {
    const IDS: [&str; 5] = ["username", "wxid", "userName", "platformId", "id"];
    const NAMES: [&str; 8] =
        ["groupNickname", "displayName", "remark", "nickname", "nickName", "accountName", "name", "alias"];
    let name_of = |m: &Value| NAMES.iter().map(|k| str_of(m, k).trim()).find(|s| !s.is_empty()).map(str::to_string);
    let add = |id: &str, name: Option<String>, cx: &mut Context<'_>| {
        let id = id.trim();
        if !id.is_empty() && !id.ends_with("@chatroom") {
            cx.builder.listed_member(group, PersonRef::Id(id.to_string()), name, 0);
        }
    };
    match list {
        Value::Array(items) => {
            for m in items {
                match m {
                    Value::String(id) => add(id, None, cx),
                    Value::Object(_) => {
                        let id = IDS.iter().map(|k| str_of(m, k)).find(|s| !s.trim().is_empty()).unwrap_or("");
                        add(id, name_of(m), cx);
                    }
                    _ => {}
                }
            }
        }
        Value::Object(map) => {
            for (id, m) in map {
                let name = match m {
                    Value::String(n) => Some(n.trim().to_string()).filter(|n| !n.is_empty()),
                    other => name_of(other),
                };
                add(id, name, cx);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// JSON helpers shared by the WeChat 4.x JSON readers (WeFlow/EchoTrace, ChatLab, chatlog).

/// A field read by [`object_fields`] as a string (`""` when missing or not a string).
pub(crate) fn text(v: &Option<Value>) -> &str {
    v.as_ref().and_then(Value::as_str).unwrap_or("")
}

/// A string field (`""` when missing, null or not a string).
pub(crate) fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An integer given as a number or a numeric string.
pub(crate) fn json_int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => super::wechat_types::parse_int(s),
        _ => None,
    }
}

/// An id given as a string or a number (64-bit server ids are kept as text); `None` when empty.
pub(crate) fn json_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Epoch seconds of a time field: epoch seconds or milliseconds (number or numeric string),
/// or a local wall-clock string of the exporting PC.
pub(crate) fn json_time(v: Option<&Value>, zone: &mut Zone) -> Option<i64> {
    match v? {
        Value::Number(_) => json_int(v).and_then(epoch_time),
        Value::String(s) => parse_time(s, zone),
        _ => None,
    }
}

/// The file name without folders and extension (the conversation when a file has no id).
pub(crate) fn file_stem(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_values_read_as_their_fields_say_and_a_bad_message_is_skipped_alone() {
        let text = include_str!("../../tests/fixtures/wechat4/weflow_odd_values.json");
        // A key written twice: the last counts. After the bad escape, message #16 and the
        // members listed after the messages are read.
        let skips = [
            (4, "expected a message object, found \"42\""),
            (5, "expected a message object, found \"\\\"a string\\\"\""),
            (6, "expected a message object, found \"[1,2,3]\""),
            (9, "message has no createTime"),
            (10, "createTime \"{\\\"x\\\":1}\" is not a time"),
            (17, "message #15 is not valid JSON: invalid escape; skipped"),
        ];
        let model = crate::ingest::json_records::assert_reads(text, parser, records, (10, &skips, &["dup2", "after bad"]));
        assert!(format!("{model:?}").contains("wxid_z"), "the member who never spoke is listed");
    }

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        for text in [include_str!("../../tests/fixtures/wechat4/weflow_group.json"), include_str!("../../tests/fixtures/wechat4/echotrace_group.json")] {
            crate::ingest::json_records::assert_streamed_as_held(text, parser, records);
        }
    }

    #[test]
    fn sniffs_weflow_and_echotrace_but_not_other_json() {
        assert!(sniff(r#"{"weflow":{"version":"1.0.3"},"session":{"wxid":"1@chatroom"},"messages":[]}"#, "a.json"));
        assert!(sniff(
            r#"{"session":{"wxid":"1@chatroom"},"messages":[{"createTime":1,"senderUsername":"wxid_a"}]}"#,
            "a.json"
        ));
        assert!(!sniff(r#"{"chatlab":{"version":"0.0.2"},"meta":{},"session":1,"messages":[]}"#, "a.json"));
        assert!(!sniff(r#"{"name":"Chat","type":"private_group","id":1,"messages":[]}"#, "result.json"));
        assert!(!sniff(r#"{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[]}"#, "d.json"));
        assert!(!sniff(r#"{"metadata":{"name":"QQChatExporter V5"},"chatInfo":{},"messages":[]}"#, "q.json"));
        assert!(!sniff(r#"[{"msgid":"1","action":"send","msgtime":1}]"#, "w.json"));
    }

    #[test]
    fn json_scalars() {
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        assert_eq!(json_time(Some(&Value::from(1709258400)), &mut z), Some(1709258400));
        assert_eq!(json_time(Some(&Value::from("2024-03-01 10:00:00")), &mut z), Some(1709258400));
        assert_eq!(json_time(Some(&Value::from(0)), &mut z), None);
        assert_eq!(json_id(Some(&Value::from(7594861486645126963u64))).as_deref(), Some("7594861486645126963"));
        assert_eq!(json_int(Some(&Value::from("42"))), Some(42));
        assert_eq!(file_stem("a/b/群聊.json"), "群聊");
        assert_eq!(person_named("wxid_a"), PersonRef::Id("wxid_a".into()));
        assert_eq!(person_named("群主老王"), PersonRef::Name("群主老王".into()));
    }
}
