//! PyWxDump CSV (format notes §3.1, §3.2).
//!
//! * ≥ v3.1 (2024-04): `id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`;
//! * ≤ v3.0: `id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime`, where
//!   `content` is the JSON `{"src": …, "msg": …}`.
//!
//! `room_name` is the conversation id (`…@chatroom`, or the peer's wxid for a private chat)
//! and keys the group; `talker` is the sender's wxid (`我` or empty for the exporter,
//! `系统`/`未知` when PyWxDump could not tell). `CreateTime` is local wall-clock time, often
//! re-saved by Excel as `2024/10/4 11:42`. There are no display names: members are wxids.
//! Quotes are flattened to `回复\n\n[引用](time)name:original`, which is split back into the
//! reply text and a [`Quote`].

use std::borrow::Cow;

use super::wechat_types::{
    header_is, is_sysmsg_xml, is_system_kind, kind_from_type_name, mentions, parse_time, shown, stored_text, SelfId,
};
use super::{wechat_sys, Context, CsvRecord, CsvSplitter, FormatParser, SkipCode, Why};
use crate::model::{GroupId, MessageKind, NewMessage, PersonRef, Platform, Quote};

const V31: [&str; 9] =
    ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"];
const V30: [&str; 8] =
    ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "content", "CreateTime"];

const TYPE_NAME: usize = 2;
const IS_SENDER: usize = 3;
const TALKER: usize = 4;
const ROOM: usize = 5;
/// `msg` (v3.1) or the JSON `content` (v3.0).
const BODY: usize = 6;

/// Does the decoded head start with a PyWxDump header (either generation)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    header_is(head, &V31) || header_is(head, &V30)
}

/// A fresh parser for one file (the header row picks the generation).
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Parser { splitter: CsvSplitter::new(), rows: Rows::default() })
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
    }
}

/// Column layout, from the header row.
#[derive(Clone, Copy)]
struct Layout {
    columns: usize,
    /// v3.0: the body is JSON.
    json_body: bool,
    time: usize,
}

#[derive(Default)]
struct Rows {
    layout: Option<Layout>,
    /// The last room and its group (files are one room, so this is nearly always a hit).
    room: Option<(String, GroupId)>,
    self_id: SelfId,
}

impl Rows {
    fn record(&mut self, line: u64, rec: &CsvRecord<'_>, cx: &mut Context<'_>) {
        let Some(layout) = self.layout else {
            let json_body = rec.field(BODY).trim() == "content";
            self.layout = Some(Layout { columns: rec.len(), json_body, time: if json_body { 7 } else { 8 } });
            return;
        };
        if rec.len() < layout.columns {
            return cx.skip(line, Why::columns(rec.len(), layout.columns));
        }
        let room = rec.field(ROOM).trim_ascii();
        if room.is_empty() {
            return cx.skip(line, Why::empty("room_name"));
        }
        let Some(time) = parse_time(rec.field(layout.time), cx.zone) else {
            let raw = shown(rec.field(layout.time));
            return cx.skip(line, Why::new(SkipCode::BadTime, format!("CreateTime {raw}"), format!("CreateTime {raw} is not a date")));
        };
        cx.row();
        let group = self.group(room, cx);
        let body = rec.field(BODY);
        let msg = if layout.json_body { json_msg(body) } else { Cow::Borrowed(body) };
        let kind = kind_from_type_name(rec.field(TYPE_NAME)).unwrap_or(MessageKind::Other);
        if is_system_kind(kind) || (kind == MessageKind::Other && is_sysmsg_xml(&msg)) {
            let kind = if kind == MessageKind::Other { MessageKind::System } else { kind };
            return wechat_sys::record(cx.builder, group, time, &msg, kind);
        }
        let sender = self.sender(rec, room, group, cx);
        let (text, quote) = match rec.field(TYPE_NAME).trim() {
            "引用回复" | "带有引用的文本消息" => split_quote(&msg),
            _ if kind == MessageKind::Link => (stored_text(kind, link_text(&msg)), None),
            _ => (stored_text(kind, &msg), None),
        };
        cx.builder.message_mentioning(
            NewMessage { time, group, sender: &sender, sender_name: None, kind, text, quote, mentions: Vec::new() },
            mentions,
        );
    }

    fn group(&mut self, room: &str, cx: &mut Context<'_>) -> GroupId {
        match &self.room {
            Some((r, g)) if r == room => *g,
            _ => {
                let g = cx.builder.group(Platform::WeChat, room, None);
                self.room = Some((room.to_string(), g));
                g
            }
        }
    }

    /// `is_sender=1` is the exporter (its `talker` is its wxid, `我`, or empty). `is_sender`
    /// comes from the database while `talker` is PyWxDump's guess: the real sample has
    /// received rows whose `talker` is the exporter's own wxid, so in a private chat the other
    /// side is always the room (the peer's wxid). `系统`/`未知` are senders it could not resolve.
    fn sender(&mut self, rec: &CsvRecord<'_>, room: &str, group: GroupId, cx: &mut Context<'_>) -> PersonRef {
        let talker = rec.field(TALKER).trim_ascii();
        if rec.field(IS_SENDER).trim_ascii() == "1" {
            if !matches!(talker, "" | "我") {
                self.self_id.own(talker, cx.builder, group);
            }
            return self.self_id.person();
        }
        let talker = if room.ends_with("@chatroom") { talker } else { room };
        match talker {
            "" | "系统" | "未知" => PersonRef::System,
            "我" => self.self_id.person(),
            id => {
                self.self_id.other(id);
                PersonRef::Id(id.to_string())
            }
        }
    }
}

/// The `msg` of a v3.0 JSON `content` cell; the raw cell if it is not that JSON.
fn json_msg(cell: &str) -> Cow<'_, str> {
    #[derive(serde::Deserialize)]
    struct Content<'a> {
        #[serde(borrow, default)]
        msg: Cow<'a, str>,
    }
    match serde_json::from_str::<Content<'_>>(cell) {
        Ok(c) => c.msg,
        Err(_) => Cow::Borrowed(cell),
    }
}

/// A link card is rendered `title\ndes\n\n<a href="url" …>点击查看详情</a>`: keep title and
/// description, drop the anchor.
fn link_text(msg: &str) -> &str {
    match msg.find("\n\n<a href=") {
        Some(at) => &msg[..at],
        None => msg,
    }
}

/// Splits `回复\n\n[引用](2024-10-04 21:25:04)某人:原文` into the reply and the quote.
fn split_quote(msg: &str) -> (&str, Option<Quote>) {
    const MARK: &str = "\n\n[引用](";
    let Some(at) = msg.find(MARK) else { return (msg, None) };
    let quoted = &msg[at + MARK.len()..];
    let (name, text) = match quoted.split_once(')').and_then(|(_, rest)| rest.split_once(':')) {
        Some((name, text)) => (name.trim(), text),
        None => ("", quoted),
    };
    let quote = Quote {
        message_id: None,
        sender: (!name.is_empty()).then(|| PersonRef::Name(name.to_string())),
        text: Some(text.to_string()),
    };
    (&msg[..at], Some(quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_split_into_reply_and_original() {
        let (text, quote) = split_quote(
            "（我们两个人骑）\n\n[引用](2024-10-04 21:25:04)小虫:我之前租的时候 人家说这个没劲儿",
        );
        assert_eq!(text, "（我们两个人骑）");
        let quote = quote.unwrap();
        assert_eq!(quote.sender, Some(PersonRef::Name("小虫".into())));
        assert_eq!(quote.text.as_deref(), Some("我之前租的时候 人家说这个没劲儿"));
        assert_eq!(split_quote("没有引用"), ("没有引用", None));
        let (text, quote) = split_quote("回复\n\n[引用](坏掉");
        assert_eq!((text, quote.unwrap().sender), ("回复", None));
    }

    #[test]
    fn link_cards_lose_the_anchor() {
        let msg = "年终结账清单\n十个步骤\n\n<a href=\"https://mp.weixin.qq.com/s/abc\" target=\"_blank\">点击查看详情</a>";
        assert_eq!(link_text(msg), "年终结账清单\n十个步骤");
        assert_eq!(link_text("纯文本"), "纯文本");
    }

    #[test]
    fn v30_json_content() {
        assert_eq!(json_msg(r#"{"src": "", "msg": "哦吼"}"#), "哦吼");
        assert_eq!(json_msg(r#"{"src": "x", "msg": "a\nb"}"#), "a\nb");
        assert_eq!(json_msg("not json"), "not json");
    }

    #[test]
    fn sysmsg_xml_behind_a_chatroom_prefix() {
        assert!(is_sysmsg_xml("123@chatroom:\n<sysmsg type=\"pat\"></sysmsg>"));
        assert!(is_sysmsg_xml("<sysmsg type=\"revokemsg\"/>"));
        assert!(!is_sysmsg_xml("<msg><emoji/></msg>"));
    }
}
