//! Slack workspace export (`.zip`): `users.json` (ids → names), `channels.json` /
//! `groups.json` / `mpims.json` / `dms.json` (conversation ids and names), and one folder per
//! conversation with a JSON array of messages per day (`YYYY-MM-DD.json`).
//!
//! Messages: `ts` is both the id and the epoch time; `user` is the sender id (`bot_id` /
//! `username` for bots); `subtype` `channel_join` (optional `inviter`) / `channel_leave` are
//! membership events, `channel_name` renames; a reply in a thread has `thread_ts != ts` and
//! becomes a quote of the thread's parent; `<@U…>` mentions resolve through `users.json`.

use std::collections::HashMap;
use std::io::Cursor;

use serde_json::Value;
use zip::ZipArchive;

use super::archive::{ArchiveError, Budget};
use super::{Context, SkipCode, Why};
use crate::model::{JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef, Platform, Quote};

const CONVERSATION_LISTS: [&str; 4] = ["channels.json", "groups.json", "mpims.json", "dms.json"];

/// A Slack export has `users.json` and `channels.json` side by side (at the root or in one
/// top folder, when the zip was re-packed from an unpacked folder).
pub(crate) fn is_slack_export(names: &[String]) -> bool {
    let prefix = root_prefix(names);
    names.iter().any(|n| *n == format!("{prefix}users.json"))
        && names.iter().any(|n| *n == format!("{prefix}channels.json"))
}

/// `""` or `"folder/"` where `users.json` lives.
fn root_prefix(names: &[String]) -> String {
    names
        .iter()
        .find_map(|n| n.strip_suffix("users.json").filter(|p| p.is_empty() || p.matches('/').count() == 1))
        .unwrap_or("")
        .to_string()
}

/// Reads the whole export.
pub(crate) fn ingest(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    names: &[String],
    budget: &mut Budget,
    cx: &mut Context<'_>,
) -> Result<(), ArchiveError> {
    let prefix = root_prefix(names);
    let users = read_json(archive, budget, &format!("{prefix}users.json"), cx)?;
    let users: HashMap<String, String> = users
        .as_array()
        .map(|list| list.iter().filter_map(|u| Some((u.get("id")?.as_str()?.to_string(), user_name(u)?))).collect())
        .unwrap_or_default();
    // Folder name -> (conversation id, display name).
    let mut conversations: HashMap<String, (String, String)> = HashMap::new();
    for list in CONVERSATION_LISTS {
        let path = format!("{prefix}{list}");
        if !names.contains(&path) {
            continue;
        }
        for c in read_json(archive, budget, &path, cx)?.as_array().into_iter().flatten() {
            let Some(id) = c.get("id").and_then(Value::as_str) else { continue };
            let name = c.get("name").and_then(Value::as_str).unwrap_or(id);
            // DMs are exported in folders named by id; channels by name.
            conversations.insert(name.to_string(), (id.to_string(), name.to_string()));
            conversations.insert(id.to_string(), (id.to_string(), name.to_string()));
        }
    }
    let mut days: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".json") && n[prefix.len()..].contains('/'))
        .collect();
    days.sort();
    for path in days {
        let folder = path[prefix.len()..].split('/').next().unwrap_or("");
        let (id, name) = conversations.get(folder).cloned().unwrap_or_else(|| (folder.to_string(), folder.to_string()));
        let group = cx.builder.group(Platform::Slack, &id, Some(&name));
        let value = read_json(archive, budget, path, cx)?;
        let Some(messages) = value.as_array() else {
            cx.skip(0, Why::new(SkipCode::UnexpectedShape, path, format!("{path}: expected a JSON array of messages")));
            continue;
        };
        for (i, m) in messages.iter().enumerate() {
            message(path, i + 1, m, group, &users, cx);
        }
    }
    Ok(())
}

fn read_json(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    budget: &mut Budget,
    path: &str,
    cx: &mut Context<'_>,
) -> Result<Value, ArchiveError> {
    let bytes = budget.read(archive, path)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(serde_json::from_str(text.trim_start_matches('\u{FEFF}')).unwrap_or_else(|e| {
        cx.skip(e.line() as u64, Why::new(SkipCode::NotJson, format!("{path}: {e}"), format!("{path}: not valid JSON: {e}")));
        Value::Null
    }))
}

/// The name people see: display name, else real name, else the handle.
fn user_name(u: &Value) -> Option<String> {
    let profile = u.get("profile");
    [profile.and_then(|p| p.get("display_name")), profile.and_then(|p| p.get("real_name")), u.get("real_name"), u.get("name")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

fn message(path: &str, index: usize, m: &Value, group: u32, users: &HashMap<String, String>, cx: &mut Context<'_>) {
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
    let Some(time) = parse_ts(s("ts")) else {
        let raw = format!("{:?}", s("ts"));
        // (Line 0: the day's file was read whole into a `Value`, without lines; the reason says which.)
        return cx.skip(0, Why::new(SkipCode::BadTime, format!("{path}: #{index}: ts {raw}"), format!("{path}: message {index} has no valid ts ({raw})")));
    };
    cx.row();
    // Old exports keep a file comment's author in `comment.user`.
    let comment_user = m.get("comment").and_then(|c| c.get("user")).and_then(Value::as_str);
    let user = Some(s("user")).filter(|u| !u.is_empty()).or(comment_user).unwrap_or("");
    let person = if !user.is_empty() {
        PersonRef::Id(user.to_string())
    } else if !s("bot_id").is_empty() {
        PersonRef::Id(s("bot_id").to_string())
    } else {
        PersonRef::System
    };
    let name = users.get(user).map(String::as_str).or_else(|| {
        m.get("user_profile").and_then(|p| p.get("display_name").or(p.get("real_name"))).and_then(Value::as_str)
    });
    let name = name.or(Some(s("username")).filter(|n| !n.is_empty()));
    match s("subtype") {
        "channel_join" | "group_join" => {
            let inviter = Some(s("inviter")).filter(|i| !i.is_empty()).map(|i| PersonRef::Id(i.to_string()));
            if let Some(n) = name {
                cx.builder.name_hint(group, &person, n, time);
            }
            let method = if inviter.is_some() { JoinMethod::Invite } else { JoinMethod::Unknown };
            cx.builder.membership(MembershipEvent {
                time,
                group,
                member: person,
                kind: MembershipKind::Join,
                method: Some(method),
                actor: inviter,
            });
            return system(cx, group, time, s("text"));
        }
        "channel_leave" | "group_leave" => {
            cx.builder.membership(MembershipEvent {
                time,
                group,
                member: person,
                kind: MembershipKind::Leave,
                method: None,
                actor: None,
            });
            return system(cx, group, time, s("text"));
        }
        "channel_name" | "group_name" => {
            if let Some(new) = m.get("name").and_then(Value::as_str) {
                cx.builder.rename_group(group, new);
            }
            return system(cx, group, time, s("text"));
        }
        "channel_topic" | "channel_purpose" | "channel_archive" | "bot_add" | "pinned_item" | "tombstone" => {
            return system(cx, group, time, s("text"));
        }
        _ => {}
    }
    let kind = if s("subtype") == "file_share" || m.get("files").is_some_and(|f| f.as_array().is_some_and(|a| !a.is_empty())) {
        MessageKind::File
    } else {
        MessageKind::Text
    };
    let ts = s("ts");
    let thread = s("thread_ts");
    let quote = (!thread.is_empty() && thread != ts).then(|| Quote {
        message_id: Some(thread.to_string()),
        sender: Some(s("parent_user_id")).filter(|p| !p.is_empty()).map(|p| PersonRef::Id(p.to_string())),
        text: None,
    });
    let text = s("text");
    let mentions = slack_mentions(text).into_iter().map(|id| users.get(id).cloned().unwrap_or_else(|| id.to_string())).collect();
    cx.builder.message(NewMessage { time, group, sender: &person, sender_name: name, kind, text, quote, mentions });
}

fn system(cx: &mut Context<'_>, group: u32, time: i64, text: &str) {
    cx.builder.system_message(group, time, text);
}

/// `"1452837318.000002"` → 1452837318.
fn parse_ts(ts: &str) -> Option<i64> {
    let secs = ts.split('.').next()?.parse::<i64>().ok()?;
    (secs > 0).then_some(secs)
}

/// User ids mentioned as `<@U123>` or `<@U123|name>`.
fn slack_mentions(text: &str) -> Vec<&str> {
    text.match_indices("<@")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            let end = rest.find('>')?;
            Some(rest[..end].split('|').next().unwrap_or(""))
        })
        .filter(|id| !id.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_and_mentions() {
        assert_eq!(parse_ts("1452837318.000002"), Some(1452837318));
        assert_eq!(parse_ts("x"), None);
        assert_eq!(slack_mentions("<@U1>: hi <@U2|bob> and <#C1>"), vec!["U1", "U2"]);
    }

    #[test]
    fn detects_exports_at_the_root_or_one_folder_down() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_slack_export(&names(&["users.json", "channels.json", "general/2016-01-01.json"])));
        assert!(is_slack_export(&names(&["export/users.json", "export/channels.json"])));
        assert!(!is_slack_export(&names(&["_chat.txt"])));
    }
}
