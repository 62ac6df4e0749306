//! WeCom customer-group details (`externalcontact/groupchat/get`): the only WeCom source of
//! who is in a group, when and how they joined (`join_scene` 1 invite, 2 link, 3 QR code) and
//! who invited them (`invitor.userid`). Session archives carry none of this.
//!
//! Accepted shapes: one API response `{"errcode":0, "group_chat":{…}}`, an array of responses
//! or of bare `group_chat` objects, concatenated objects or JSON lines of them (operators dump
//! one per group). Groups are keyed by `chat_id`, the same id as the archive's `roomid`, so the
//! two files merge. The API lists current members only: leavers are not visible here.
//!
//! Not read (yet): `owner` and `admin_list` — the model has no roles, and the owner is also a
//! listed member, so nothing is lost for counts; a role field on the model would be the place
//! to add them. The `change_external_chat` callback XML (add/del member events) and the
//! internal-group `msgaudit/groupchat/get` shape (`roomname`, `members[{memberid,jointime}]`)
//! are not accepted.

use serde_json::Value;

use super::json_records::{value, RecordReader, RecordsParser};
use super::{Context, FormatParser, SkipCode, Why};
use crate::model::{JoinMethod, MembershipEvent, MembershipKind, PersonRef, Platform};

/// Does the head look like `groupchat/get` output?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let t = head.trim_start();
    (t.starts_with('{') || t.starts_with('['))
        && (head.contains("\"group_chat\"")
            || (head.contains("\"member_list\"") && (head.contains("\"chat_id\"") || head.contains("\"join_scene\""))))
}

/// A parser for one file: the responses streamed one at a time.
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(records())
}

fn records() -> RecordsParser<Responses> {
    RecordsParser::new(&["group_chat_list", "items"], Responses)
}

/// The responses of a document (an array, an envelope, concatenated objects).
struct Responses;

impl RecordReader for Responses {
    const NOUN: &'static str = "response";

    fn record(&mut self, position: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if let Some(v) = value::<Self>(position, text, line, cx) {
            response(line, &v, cx);
        }
    }
}

/// One response (or bare `group_chat` object).
fn response(line: u64, v: &Value, cx: &mut Context<'_>) {
    if let Some(code) = v.get("errcode").and_then(Value::as_i64).filter(|&c| c != 0) {
        let msg = v.get("errmsg").and_then(Value::as_str).unwrap_or("");
        return cx.skip(line, Why::new(SkipCode::ApiError, format!("{code} ({msg})"), format!("the API answered errcode {code} ({msg}); no group in this response")));
    }
    let chat = v.get("group_chat").unwrap_or(v);
    let Some(chat_id) = chat.get("chat_id").and_then(Value::as_str).filter(|s| !s.is_empty()) else {
        return cx.skip(line, Why::new(SkipCode::UnexpectedShape, "group_chat.chat_id", "expected a group_chat with a chat_id"));
    };
    let name = chat.get("name").and_then(Value::as_str);
    let group = cx.builder.group(Platform::WeCom, chat_id, name);
    if let Some(name) = name {
        cx.builder.rename_group(group, name);
    }
    let members = chat.get("member_list").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    for (i, m) in members.iter().enumerate() {
        let Some(userid) = m.get("userid").and_then(Value::as_str).filter(|s| !s.is_empty()) else {
            let which = format!("{chat_id}: member_list[{i}]");
            cx.skip(line, Why::new(SkipCode::NoIdentity, format!("{which}: userid"), format!("{which} has no userid")));
            continue;
        };
        cx.row();
        let person = PersonRef::Id(userid.to_string());
        let display = ["group_nickname", "name"]
            .iter()
            .filter_map(|k| m.get(*k).and_then(Value::as_str))
            .map(str::trim)
            .find(|s| !s.is_empty())
            .map(str::to_string);
        let joined = m.get("join_time").and_then(Value::as_i64).filter(|&t| t > 0);
        cx.builder.listed_member(group, person.clone(), display, joined.unwrap_or(0));
        if let Some(time) = joined {
            let actor = m
                .get("invitor")
                .and_then(|inv| inv.get("userid"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(|s| PersonRef::Id(s.to_string()));
            cx.builder.membership(MembershipEvent {
                time,
                group,
                member: person,
                kind: MembershipKind::Join,
                method: Some(join_method(m.get("join_scene").and_then(Value::as_i64))),
                actor,
            });
        }
    }
}

/// `join_scene`: 1 direct invitation, 2 invite link, 3 scanned the group QR code.
fn join_method(scene: Option<i64>) -> JoinMethod {
    match scene {
        Some(1) => JoinMethod::Invite,
        Some(2) => JoinMethod::Link,
        Some(3) => JoinMethod::QrCode,
        _ => JoinMethod::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_responses_read_as_the_held_document_does() {
        let text = include_str!("../../tests/fixtures/wecom/groupchat.json");
        crate::ingest::json_records::assert_streamed_as_held(text, parser, records);
    }

    #[test]
    fn sniffs_member_lists_only() {
        assert!(sniff(r#"{"errcode":0,"errmsg":"ok","group_chat":{"chat_id":"wr1"}}"#, "x.json"));
        assert!(sniff(r#"[{"chat_id":"wr1","member_list":[]}]"#, "x.json"));
        assert!(!sniff(r#"{"msgid":"1","action":"send"}"#, "x.json"));
    }

    #[test]
    fn scenes_map_to_methods() {
        assert_eq!(join_method(Some(3)), JoinMethod::QrCode);
        assert_eq!(join_method(Some(2)), JoinMethod::Link);
        assert_eq!(join_method(None), JoinMethod::Unknown);
    }
}
