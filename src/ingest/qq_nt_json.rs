//! QQ NT chats exported by qq-chat-exporter ("QCE", a NapCat plugin; format notes §9.3):
//! one JSON document `{metadata:{name:"QQChatExporter V5 …"}, chatInfo:{name,type,selfUin…},
//! statistics, messages:[…], exportOptions}`.
//!
//! Each message has `timestamp` in ms (the `time` string is local in some versions and UTC
//! in others, so it is never read), `sender {uid, uin, name, nickname, groupCard}`,
//! `content {text, elements[], mentions[]}`, `recalled`, `system` (V4 files: `isRecalled`,
//! `isSystemMessage`, ISO `timestamp`, `rawMessage {senderUin, sendMemberName, sendNickName}`).
//! People are keyed by QQ number (`uin`) when the export has it, else by the opaque NT
//! `uid`. The group is keyed by `chatInfo.name` (QCE writes no group number; a
//! `groupCode`/`groupId` is used if present), platform QQ, so a classic TXT export of the
//! same group name merges with it; `chatInfo.selfUin` marks the exporting account.
//!
//! Grey tips (`system`) are read from their sentence (`X加入了群聊`, `Y邀请X加入了群聊`,
//! `X通过Y分享的二维码加入了群聊` …, shared with the classic TXT parser); when the sentence
//! states no membership change (older TS builds write the placeholder `群聊更新`), from the
//! raw NT tip the exporter keeps in `elements[].data.originalData.groupElement`
//! (`memberAdd.showType` 0–7, type 3 = kicked). People in tips are named (resolved within
//! the group later), or numbered when the tip has a `uin`; their NT uids are not used.
//!
//! The `messages` array is streamed element by element as the file arrives
//! ([`super::json_records`]: memory holds one message, never the file), each element read
//! into all-optional structs, so a malformed message is skipped alone (its 1-based index is
//! the reported "line") and a cut-off file keeps what came before the cut.
//!
//! The chunked export (`manifest.json` + `chunks/c000001.jsonl` …) is read by
//! [`super::qq_nt_chunks`] with this module's message reader; its manifest, read here, adds
//! the chat and a note.
//!
//! Not read: QCE TXT/HTML/Excel, forwarded messages' inner messages.

use std::borrow::Cow;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::qq_txt::{file_stem, system_message};
use super::wechat_types::shown;
use super::json_records::{error_text, not_json, RecordReader, RecordsParser};
use super::{Context, FormatParser, SkipCode, Why};
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef, Platform, Quote,
};
use crate::time::{epoch_to_seconds, parse_local, parse_rfc3339};

/// Does the head look like a QCE JSON export?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    head.trim_start().starts_with('{')
        && (head.contains("\"QQChatExporter") || (head.contains("\"chatInfo\"") && head.contains("\"metadata\"")))
}

/// A parser for one file: the messages streamed one at a time.
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(records())
}

fn records() -> RecordsParser<Chat> {
    RecordsParser::new(&["messages"], Chat::default())
}

/// The chat: its `chatInfo` (written before `messages` in every QCE version) and, from the
/// first message on, its group.
#[derive(Default)]
struct Chat {
    info: Option<Value>,
    group: Option<GroupId>,
    /// The chunk files a chunked export's manifest lists (`chunked.chunks`).
    chunks: Option<u64>,
}

impl RecordReader for Chat {
    const NOUN: &'static str = "message";

    fn begin(&mut self, members: &Map<String, Value>, _cx: &mut Context<'_>) {
        self.info = members.get("chatInfo").cloned();
        self.chunks = super::qq_nt_chunks::listed_chunks(members).map(|c| c.len() as u64);
    }

    /// Read straight into [`Message`] (never a [`Value`]: half the reading time).
    fn record(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        let group = match self.group {
            Some(g) => g,
            None => *self.group.insert(chat_group(self.info.as_ref(), cx)),
        };
        read_message(index, text, line, group, cx);
    }

    /// A document without a `messages` array: nothing to read, unless it is the manifest of
    /// a chunked export (its messages are in the chunk files it lists, read on their own).
    fn lone(&mut self, _line: u64, _text: &str, cx: &mut Context<'_>) {
        let Some(chunks) = self.chunks else { return };
        chat_group(self.info.as_ref(), cx);
        let name = self.info.as_ref().and_then(|i| i.get("name")).and_then(Value::as_str).unwrap_or("").trim().to_string();
        // Each chunk listed is a record of this file: a manifest is not a file without rows.
        cx.stats.rows += chunks;
        let message = format!("the manifest of a chunked export of \"{name}\": its {chunks} chunk files hold the messages");
        cx.note_detail("chunk_manifest", chunks, name, message);
    }
}

/// Reads message `index`, the JSON `text` starting at `line`, into `group`: skipped alone when
/// it is not JSON or not the exporter's shape. Shared by single-file and chunked exports.
pub(super) fn read_message(index: u64, text: &str, line: u64, group: GroupId, cx: &mut Context<'_>) {
    match serde_json::from_str::<Message>(text) {
        Ok(m) => message(index, line, m, group, cx),
        Err(e) if e.is_data() => {
            let error = error_text(&e);
            let reason = format!("message #{index} does not have the exporter's shape: {error}");
            cx.skip(line + e.line().saturating_sub(1) as u64, Why::new(SkipCode::UnexpectedShape, format!("#{index}: {error}"), reason));
        }
        Err(e) => cx.skip(line + e.line().saturating_sub(1) as u64, not_json::<Chat>(index, &e)),
    }
}

/// The group from `chatInfo`, else the file name; also tells the builder which QQ number is
/// the exporting account.
pub(super) fn chat_group(info: Option<&Value>, cx: &mut Context<'_>) -> GroupId {
    let field = |k: &str| info.and_then(|i| i.get(k)).and_then(scalar_text).filter(|s| !s.trim().is_empty());
    let name = field("name");
    let key = field("groupCode").or_else(|| field("groupId")).or_else(|| name.clone());
    let key = key.unwrap_or_else(|| Cow::Owned(file_stem(cx.file_name).to_string()));
    let group = cx.builder.group(Platform::QQ, key.trim(), name.as_deref().map(str::trim));
    if let Some(uin) = field("selfUin").filter(|u| u != "0") {
        cx.builder.identify_self(group, uin.trim());
    }
    group
}

/// A JSON string or number as text.
fn scalar_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// Reads element `index` of `messages`, starting at `line`.
fn message(index: u64, line: u64, m: Message<'_>, group: GroupId, cx: &mut Context<'_>) {
    let Some(time) = m.time(cx) else {
        let raw = m.timestamp.as_ref().map(|t| shown(t.as_str()));
        let reason = format!("message #{index} has no usable timestamp {}", raw.as_deref().map_or_else(|| shown("(missing)"), str::to_string));
        return cx.skip(line, Why::time(&format!("#{index}"), "timestamp", raw.as_deref(), reason));
    };
    let content = m.content.unwrap_or_default();
    let mut sender = m.sender.unwrap_or_default();
    if let Some(raw) = m.raw_message {
        sender.fill_from(raw);
    }
    if m.system.or(m.is_system_message).unwrap_or(false) || sender.is_system() {
        cx.row();
        if !system_message(cx, group, time, content.system_text().trim()) {
            if let Some(tip) = content.element_data("system").find_map(|d| d.original_data.as_ref()) {
                grey_tip_membership(tip, group, time, cx);
            }
        }
        return;
    }
    let Some(person) = sender.person() else {
        return cx.skip(line, Why::new(SkipCode::NoSender, format!("#{index}: uin, uid, name"), format!("message #{index} has no sender uin, uid or name")));
    };
    cx.row();
    let recalled = m.recalled.or(m.is_recalled).unwrap_or(false);
    let text = content.own_text();
    let kind = if recalled { MessageKind::Recall } else { content.kind(text, m.kind.as_ref()) };
    let name = match person {
        PersonRef::Name(_) => None,
        _ => sender.display(),
    };
    cx.builder.message(NewMessage {
        time,
        group,
        sender: &person,
        sender_name: name,
        kind,
        text,
        quote: content.quote(),
        mentions: content.mentions(),
    });
}

// ---------------------------------------------------------------------------------------
// The exporter's message shape. Every field is optional: versions differ, and a missing
// field must not cost the whole message.

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Message<'a> {
    #[serde(borrow)]
    timestamp: Option<Text<'a>>,
    #[serde(borrow)]
    sender: Option<Sender<'a>>,
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    content: Option<Content<'a>>,
    recalled: Option<bool>,
    is_recalled: Option<bool>,
    system: Option<bool>,
    is_system_message: Option<bool>,
    #[serde(borrow)]
    raw_message: Option<RawMessage<'a>>,
}

/// The NT message V4 files carry beside the cleaned one: ids and names when `sender` lacks them.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawMessage<'a> {
    #[serde(borrow)]
    sender_uin: Option<Text<'a>>,
    #[serde(borrow)]
    sender_uid: Option<Text<'a>>,
    #[serde(borrow)]
    send_member_name: Option<Text<'a>>,
    #[serde(borrow)]
    send_nick_name: Option<Text<'a>>,
}

impl Message<'_> {
    /// `timestamp`: ms (or s) as a number or numeric string; ISO 8601 in V4 files.
    fn time(&self, cx: &mut Context<'_>) -> Option<i64> {
        let raw = self.timestamp.as_ref()?.as_str().trim();
        if let Ok(n) = raw.parse::<f64>() {
            let n = n as i64;
            return (n > 0).then(|| epoch_to_seconds(n));
        }
        parse_rfc3339(raw).or_else(|| parse_local(raw).and_then(|c| cx.zone.to_epoch(c)))
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Sender<'a> {
    #[serde(borrow)]
    uid: Option<Text<'a>>,
    #[serde(borrow)]
    uin: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    nickname: Option<Text<'a>>,
    #[serde(borrow)]
    group_card: Option<Text<'a>>,
    #[serde(borrow)]
    remark: Option<Text<'a>>,
}

impl<'a> Sender<'a> {
    /// Fills what `sender` lacks from V4's `rawMessage` (group card before QQ nickname).
    fn fill_from(&mut self, raw: RawMessage<'a>) {
        fn fill<'a>(slot: &mut Option<Text<'a>>, from: Option<Text<'a>>) {
            if present(slot).is_none() && present(&from).is_some() {
                *slot = from;
            }
        }
        fill(&mut self.uin, raw.sender_uin);
        fill(&mut self.uid, raw.sender_uid);
        fill(&mut self.group_card, raw.send_member_name);
        fill(&mut self.nickname, raw.send_nick_name);
    }

    fn uin(&self) -> Option<&str> {
        present(&self.uin).filter(|u| *u != "0")
    }

    /// The NT uid; the exporter writes `未知` when it has none.
    fn uid(&self) -> Option<&str> {
        present(&self.uid).filter(|u| *u != "未知")
    }

    /// QQ number, else NT uid, else the name alone.
    fn person(&self) -> Option<PersonRef> {
        if let Some(id) = self.uin().or_else(|| self.uid()) {
            return Some(PersonRef::Id(id.to_string()));
        }
        self.display().map(|n| PersonRef::Name(n.to_string()))
    }

    /// The name shown in the group (the exporter falls back to the uid; that is no name).
    fn display(&self) -> Option<&str> {
        [&self.name, &self.group_card, &self.nickname, &self.remark]
            .into_iter()
            .filter_map(present)
            .find(|n| Some(*n) != self.uid() && Some(*n) != self.uin())
    }

    /// Anonymous grey tips: `{"uid":"未知","name":"系统消息"}`.
    fn is_system(&self) -> bool {
        self.uin().is_none() && self.uid().is_none() && present(&self.name) == Some("系统消息")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Content<'a> {
    #[serde(borrow)]
    text: Option<Text<'a>>,
    #[serde(borrow)]
    elements: Option<Vec<Element<'a>>>,
    /// `[{type:"image", filename…}]`: the media kind when a (V4) message has no elements.
    #[serde(borrow)]
    resources: Option<Vec<Element<'a>>>,
    #[serde(borrow)]
    mentions: Option<Vec<Mention<'a>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Element<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    data: Option<ElementData<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ElementData<'a> {
    #[serde(borrow)]
    text: Option<Text<'a>>,
    #[serde(borrow)]
    summary: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    uid: Option<Text<'a>>,
    #[serde(borrow)]
    content: Option<Text<'a>>,
    #[serde(borrow)]
    message_id: Option<Text<'a>>,
    #[serde(borrow)]
    referenced_message_id: Option<Text<'a>>,
    #[serde(borrow)]
    sender_uin: Option<Text<'a>>,
    #[serde(borrow)]
    sender_name: Option<Text<'a>>,
    /// `image`: `sticker` for a custom sticker sent as a picture.
    #[serde(borrow)]
    sub_type: Option<Text<'a>>,
    /// `system`: the raw NT grey tip.
    original_data: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Mention<'a> {
    #[serde(borrow)]
    uid: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
}

impl<'a> Content<'a> {
    fn elements(&self) -> &[Element<'a>] {
        self.elements.as_deref().unwrap_or(&[])
    }

    fn element_data<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s ElementData<'a>> + 's {
        self.elements().iter().filter(move |e| present(&e.kind) == Some(kind)).filter_map(|e| e.data.as_ref())
    }

    /// The message's own words: `content.text` without the `[回复 …]` line a reply starts with.
    fn own_text(&self) -> &str {
        let text = present(&self.text).unwrap_or("");
        if self.element_data("reply").next().is_none() || !text.starts_with("[回复") {
            return text;
        }
        let cut = text.find("]\n").map(|i| i + 2).or_else(|| text.find(']').map(|i| i + 1)).unwrap_or(0);
        text.get(cut..).unwrap_or("").trim_start()
    }

    /// The sentence of a grey tip: `content.text`, else the system element's text.
    fn system_text(&self) -> &str {
        present(&self.text)
            .or_else(|| self.element_data("system").find_map(|d| present(&d.text).or(present(&d.summary))))
            .unwrap_or("")
    }

    /// Text when the message has words of its own (placeholders such as `[图片: a.png]`
    /// or `[表情178]` are not words); otherwise the kind of its first media element.
    fn kind(&self, text: &str, type_name: Option<&Text<'_>>) -> MessageKind {
        let resources = self.resources.as_deref().unwrap_or(&[]);
        let media = self.elements().iter().chain(resources).find_map(|e| {
            let kind = present(&e.kind).and_then(element_kind)?;
            let sticker = e.data.as_ref().and_then(|d| present(&d.sub_type)) == Some("sticker");
            Some(if kind == MessageKind::Image && sticker { MessageKind::Sticker } else { kind })
        });
        match media {
            Some(kind) if !has_words(text) => kind,
            Some(_) => MessageKind::Text,
            None if !text.trim().is_empty() => MessageKind::Text,
            None => type_name.map_or(MessageKind::Other, |t| kind_from_type(t.as_str())),
        }
    }

    /// The replied-to message, from the `reply` element.
    fn quote(&self) -> Option<Quote> {
        let d = self.element_data("reply").next()?;
        let message_id = present(&d.referenced_message_id).or(present(&d.message_id)).map(str::to_string);
        let sender = match (present(&d.sender_uin).filter(|u| *u != "0"), present(&d.sender_name)) {
            (Some(uin), _) => Some(PersonRef::Id(uin.to_string())),
            (None, Some(name)) => Some(PersonRef::Name(name.to_string())),
            (None, None) => None,
        };
        // "原消息" is the exporter's stand-in when it could not find the quoted message.
        let text = present(&d.content).filter(|t| *t != "原消息").map(str::to_string);
        Some(Quote { message_id, sender, text })
    }

    /// Names of the people @-mentioned (`@全体成员` is not a person).
    fn mentions(&self) -> Vec<String> {
        let listed: Vec<(Option<&str>, Option<&str>, Option<&str>)> = match &self.mentions {
            Some(m) if !m.is_empty() => {
                m.iter().map(|m| (present(&m.uid), present(&m.name), present(&m.kind))).collect()
            }
            _ => self.element_data("at").map(|d| (present(&d.uid), present(&d.name), None)).collect(),
        };
        listed
            .into_iter()
            .filter(|(uid, _, kind)| *uid != Some("all") && *kind != Some("all"))
            .filter_map(|(_, name, _)| name.map(|n| n.trim_start_matches('@').trim()))
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The membership change a raw NT grey tip states (`groupElement`: type 1 member added,
/// with `memberAdd.showType` telling how; type 3 member kicked). People are named as the
/// tip names them (nickname, resolved within the group; "you" is the exporting account).
fn grey_tip_membership(tip: &Value, group: GroupId, time: i64, cx: &mut Context<'_>) {
    let Some(ge) = tip.get("groupElement") else { return };
    let number = |v: Option<&Value>| v.and_then(scalar_text).and_then(|t| t.trim().parse::<i64>().ok());
    let event = |member, kind, method, actor| MembershipEvent { time, group, member, kind, method, actor };
    let you = || Some(PersonRef::SelfAccount);
    let e = match number(ge.get("type")) {
        Some(1) => {
            let add = ge.get("memberAdd").filter(|a| a.is_object());
            let part = |key: &str| add.and_then(|a| a.get(key));
            let pair = |key: &str| {
                (
                    tip_person(part(key).and_then(|p| p.get("invited"))),
                    tip_person(part(key).and_then(|p| p.get("inviter"))),
                )
            };
            let (member, method, actor) = match add.and_then(|a| number(a.get("showType"))) {
                Some(0) => (tip_person(part("otherAdd")), JoinMethod::Unknown, None),
                Some(1) => (you(), JoinMethod::Unknown, None),
                Some(2) => {
                    let (invited, inviter) = pair("otherAddByOtherQRCode");
                    (invited, JoinMethod::QrCode, inviter)
                }
                Some(3) => (tip_person(part("otherAddByYourQRCode")), JoinMethod::QrCode, you()),
                Some(4) => (you(), JoinMethod::QrCode, tip_person(part("youAddByOtherQRCode"))),
                Some(5) => {
                    let (invited, inviter) = pair("otherInviteOther");
                    (invited, JoinMethod::Invite, inviter)
                }
                Some(6) => (you(), JoinMethod::Invite, tip_person(part("otherInviteYou"))),
                Some(7) => (tip_person(part("youInviteOther")), JoinMethod::Invite, you()),
                Some(_) => return, // 8: "you are already a member"
                None => (tip_person(Some(ge)), JoinMethod::Unknown, None),
            };
            member.map(|m| event(m, MembershipKind::Join, Some(method), actor))
        }
        Some(3) => tip_person(Some(ge)).map(|m| event(m, MembershipKind::Removed, None, tip_admin(ge))),
        _ => None,
    };
    if let Some(e) = e {
        cx.builder.membership(e);
    }
}

/// `{uid, name, uin?}` of a grey tip (or `memberNick`/`memberUin` of a `groupElement`).
fn tip_person(v: Option<&Value>) -> Option<PersonRef> {
    let v = v?;
    let text = |k: &str| v.get(k).and_then(scalar_text).map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    if let Some(uin) = text("uin").or_else(|| text("memberUin")).filter(|u| u != "0") {
        return Some(PersonRef::Id(uin));
    }
    text("name").or_else(|| text("memberNick")).map(PersonRef::Name)
}

/// The admin of a kick tip.
fn tip_admin(ge: &Value) -> Option<PersonRef> {
    let name = ge.get("adminNick").and_then(scalar_text)?;
    let name = name.trim();
    (!name.is_empty()).then(|| PersonRef::Name(name.to_string()))
}

/// The kind a non-text element gives a message; `None` for text-like ones (text, at, reply…).
fn element_kind(kind: &str) -> Option<MessageKind> {
    use MessageKind::*;
    Some(match kind {
        "image" => Image,
        "video" => Video,
        "audio" | "ptt" => Voice,
        "file" => File,
        "face" | "market_face" | "face_bubble" | "giphy" => Sticker,
        "forward" => Forward,
        "json" => Link,
        "location" => Location,
        "wallet" | "red_packet" | "redpacket" => RedPacket,
        "av_record" => Call,
        _ => return None,
    })
}

/// The message `type` when there are no elements: the Rust exporter's names. TS `type_N`
/// numbers mean different things in different versions, so they only say "some message".
fn kind_from_type(t: &str) -> MessageKind {
    match t {
        "text" | "reply" => MessageKind::Text,
        "file" => MessageKind::File,
        "video" => MessageKind::Video,
        "audio" => MessageKind::Voice,
        "forward" => MessageKind::Forward,
        "json" => MessageKind::Link,
        _ => MessageKind::Other,
    }
}

/// Are there characters outside `[…]` placeholders (nested `[[微笑]]` included)?
fn has_words(text: &str) -> bool {
    let mut depth = 0u32;
    text.chars().any(|c| match c {
        '[' => {
            depth += 1;
            false
        }
        ']' => {
            depth = depth.saturating_sub(1);
            false
        }
        c => depth == 0 && !c.is_whitespace(),
    })
}

/// A non-empty, trimmed text field.
fn present<'s>(t: &'s Option<Text<'_>>) -> Option<&'s str> {
    t.as_ref().map(|t| t.as_str().trim()).filter(|s| !s.is_empty())
}

/// A scalar read as text, borrowed from the document when possible. Numbers become their
/// digits (uins and ids are strings in one version, numbers in another); arrays and objects
/// where a scalar was expected are ignored rather than failing the message.
#[derive(Debug, Default)]
struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(if v { "true" } else { "false" })))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
        Ok(Text::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::qq_txt::run_parser;

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        let text = include_str!("../../tests/fixtures/qq/qce_group.json");
        crate::ingest::json_records::assert_streamed_as_held(text, parser, records);
    }

    #[test]
    fn the_golden_file_message_by_message() {
        let text = include_str!("../../tests/fixtures/qq/qce_group.json");
        let (m, stats) = run_parser(parser(text, "qce_group.json"), text, "qce_group.json");
        assert_eq!((stats.rows, stats.skipped_count), (10, 2));
        use MessageKind::*;
        assert_eq!(m.messages.kind, [Text, Image, Text, Text, File, Recall, System, System, Text, Text]);
        assert_eq!(m.messages.text(2), "谢谢群主", "the reply line is not the message's own text");
        let quote = m.messages.quotes.get(&2).unwrap();
        assert_eq!(quote.message_id.as_deref(), Some("m_1"));
        assert_eq!(quote.sender, Some(PersonRef::Id("10001".into())));
        assert_eq!(quote.text.as_deref(), Some("欢迎大家"));
        assert_eq!(m.messages.mentions.get(&3), Some(&vec!["小美(运营)".to_string()]));
        assert_eq!(m.messages.text(6), "小明通过小美(运营)分享的二维码加入了群聊");
    }

    fn content(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn placeholders_are_not_words() {
        assert!(!has_words("[图片: screenshot.png]"));
        assert!(!has_words(" [[微笑]] [表情178]"));
        assert!(has_words("Looking now [[微笑]]"));
        assert!(has_words("@Alice"));
    }

    #[test]
    fn media_with_placeholder_text_keeps_its_kind() {
        let v = content(
            r#"{"text":"[图片: a.png]","elements":[{"type":"text","data":{"text":"[图片: a.png]"}},{"type":"image","data":{"filename":"a.png"}}]}"#,
        );
        let c = Content::deserialize(&v).unwrap();
        assert_eq!(c.kind(c.own_text(), None), MessageKind::Image);
        let v = content(r#"{"text":"看这个 [图片: a.png]","elements":[{"type":"image","data":{}}]}"#);
        let c = Content::deserialize(&v).unwrap();
        assert_eq!(c.kind(c.own_text(), None), MessageKind::Text);
    }

    #[test]
    fn replies_lose_their_quote_line_and_become_quotes() {
        let v = content(
            r#"{"text":"[回复 : a]b]\nthanks","elements":[{"type":"reply","data":{"referencedMessageId":"m_1","senderUin":11111,"content":"a]b"}}]}"#,
        );
        let c = Content::deserialize(&v).unwrap();
        assert_eq!(c.own_text(), "thanks");
        let q = c.quote().unwrap();
        assert_eq!(q.message_id.as_deref(), Some("m_1"));
        assert_eq!(q.sender, Some(PersonRef::Id("11111".into())));
    }

    #[test]
    fn a_quote_the_exporter_could_not_find_has_no_text() {
        let v = content(
            r#"{"text":"[回复消息]好","elements":[{"type":"reply","data":{"senderUin":"0","senderName":"小王","content":"原消息"}}]}"#,
        );
        let q = Content::deserialize(&v).unwrap().quote().unwrap();
        assert_eq!((q.message_id, q.sender, q.text), (None, Some(PersonRef::Name("小王".into())), None));
    }

    #[test]
    fn raw_grey_tips_state_joins_and_removals() {
        let tips = [
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":0,"otherAdd":{"uid":"u_1","name":"甲"}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":1}}}"#,
            r#"{"groupElement":{"type":"1","memberAdd":{"showType":3,"otherAddByYourQRCode":{"uid":"u_2","name":"乙"}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":4,"youAddByOtherQRCode":{"uid":"u_3","name":"丙"}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":5,"otherInviteOther":{"inviter":{"name":"丁"},"invited":{"name":"戊","uin":"12345"}}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":6,"otherInviteYou":{"name":"己"}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":7,"youInviteOther":{"name":"庚"}}}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":8}}}"#,
            r#"{"groupElement":{"type":1,"memberNick":"辛"}}"#,
            r#"{"groupElement":{"type":3,"memberNick":"壬","adminNick":"癸"}}"#,
            r#"{"groupElement":{"type":8,"memberNick":"禁言的人"}}"#,
            r#"{"revokeElement":{}}"#,
            r#"{"groupElement":{"type":1,"memberAdd":{"showType":2,"otherAddByOtherQRCode":null}}}"#,
        ];
        let mut builder = crate::model::ModelBuilder::new();
        let mut zone = crate::time::Zone::new(crate::time::DEFAULT_TIMEZONE).unwrap();
        let mut stats = super::super::FileStats::default();
        let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name: "t" };
        let g = cx.builder.group(Platform::QQ, "g", None);
        for (i, tip) in tips.iter().enumerate() {
            grey_tip_membership(&content(tip), g, i as i64, &mut cx);
        }
        let m = builder.finish();
        let who = |id: u32| {
            let member = &m.members[id as usize];
            match (&member.platform_id, member.is_self) {
                (_, true) => "你".to_string(),
                (Some(id), _) => id.clone(),
                (None, _) => member.names[0].name.clone(),
            }
        };
        use crate::model::MembershipKind::*;
        use JoinMethod::*;
        let got: Vec<_> =
            m.memberships.iter().map(|e| (e.time, e.kind, e.method, who(e.member), e.actor.map(who))).collect();
        let you = || "你".to_string();
        let name = |n: &str| n.to_string();
        assert_eq!(
            got,
            [
                (0, Join, Some(Unknown), name("甲"), None),
                (1, Join, Some(Unknown), you(), None),
                (2, Join, Some(QrCode), name("乙"), Some(you())),
                (3, Join, Some(QrCode), you(), Some(name("丙"))),
                (4, Join, Some(Invite), name("12345"), Some(name("丁"))),
                (5, Join, Some(Invite), you(), Some(name("己"))),
                (6, Join, Some(Invite), name("庚"), Some(you())),
                (8, Join, Some(Unknown), name("辛"), None),
                (9, Removed, None, name("壬"), Some(name("癸"))),
            ]
        );
    }

    #[test]
    fn odd_field_types_do_not_fail_the_message() {
        let v =
            content(r#"{"timestamp":"2024-01-01T00:01:40.000Z","sender":{"uin":12345,"name":{"x":1}},"content":null}"#);
        let m = Message::deserialize(&v).unwrap();
        let s = m.sender.unwrap();
        assert_eq!(s.person(), Some(PersonRef::Id("12345".into())));
        assert_eq!(s.display(), None);
    }

    #[test]
    fn sniffs_exporter_documents() {
        assert!(sniff(r#"{"metadata":{"name":"QQChatExporter V5 / https://x"},"chatInfo":{}}"#, "a.json"));
        assert!(!sniff(r#"{"msgid":"1","msgtime":1}"#, "a.json"));
    }
}
