//! Telegram Desktop "Machine-readable JSON" exports (`result.json`, format notes §2.2):
//! a single chat `{name, type, id, messages:[…]}` or a whole account
//! `{about, personal_information, …, chats:{list:[chat…]}, left_chats:{list:[chat…]}}`.
//!
//! Every chat becomes one group keyed by its numeric `id` (platform Telegram; one-to-one
//! chats too), named by its `name`; a chat without an id is keyed by its name, else by the
//! file name. People are keyed by `from_id` / `actor_id` (`user123`, `channel123`; the bare
//! numbers of old exports become `user123`), named by `from` / `actor`; a message with only a
//! `from` name is name-only. The account's own `personal_information.user_id` marks the
//! exporting account. Times: `date_unixtime` (exports since 2022), else `date`, the exporting
//! computer's local time without offset, read in the configured zone.
//!
//! `text` is a string or an array of strings and `{type, text}` entities (joined as-is;
//! `mention` / `mention_name` entities are the mentions; `text_entities` when `text` is
//! missing). `reply_to_message_id` is the quote. Media keys give the kind: `photo` image,
//! `media_type` sticker / video_file, video_message, animation (video) / voice_message /
//! audio_file (file), `file` file, `contact_information` card, `location_information`
//! location, `poll` other (its question as text).
//!
//! Service messages (`type: "service"`, `actor`/`actor_id`, `action`) are system messages;
//! memberships come from `invite_members` (each named member joins, invited by the actor;
//! the actor adding themself is a join by themself: a public group), `join_group_by_link`
//! (the actor joins by link; `inviter` is a *name*), `join_group_by_request` (method
//! unknown), `remove_members` (removed by the actor; the actor removing themself left) and
//! `create_group` (its members join, invited by the creator). `members` and `inviter` are
//! display names, resolved within the group when the model is built; `null` names (deleted
//! accounts) are dropped. `create_group` / `edit_group_title` / `migrate_from_group` rename
//! the group, but the export's own `name` (the name at export time) wins at the end of the
//! chat. `phone_call` / `group_call` are call messages from the actor.
//!
//! **Lenient JSON.** tdesktop writes control characters as `\xNN`, which is not JSON; while
//! the text is buffered every invalid escape is repaired (`\xNN` → `\u00NN`, any other
//! invalid escape keeps its backslash literally) and the count is reported as one note
//! (`line` 0). The 4.1.1 bug of an unquoted `"document_id": path` is repaired per message
//! when that message does not parse, and counted the same way.
//!
//! The buffered text is walked by a small structural scanner ([`Json`], shared with the
//! Discord parser) instead of one serde tree: each chat's `messages` array is split into
//! elements and every element is deserialized on its own into borrowed, all-optional structs,
//! so a malformed message is skipped alone (with its line and 1-based index in its chat) and a
//! cut-off file keeps every message before the cut.
//!
//! Not read: `rich_message` (2026 exports), reactions, `forwarded_from` (the content keeps
//! its own kind), inline buttons, topics.

use std::borrow::Cow;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::qq_txt::file_stem;
use super::wechat_types::shown;
use super::json_scan::{After, Broken, Json, JsonStream, Step, Streamer, Take};
use super::{Context, FormatParser, SkipCode, Why};
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef,
    Platform, Quote,
};
use crate::time::{epoch_to_seconds, parse_local};

/// Does the decoded head look like a Telegram Desktop JSON export?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    if !head.trim_start().starts_with('{') {
        return false;
    }
    let has = |key: &str| has_key(head, key);
    // A whole-account export starts with the account's data; chats may be far beyond the head.
    if has("personal_information")
        && (has("chats") || has("contacts") || has("frequent_contacts") || has("sessions"))
    {
        return true;
    }
    if !has("messages")
        || has("guild")
        || has("chatInfo")
        || has("session")
        || has("chatlab")
        || has("msgid")
    {
        return false;
    }
    has("date_unixtime")
        || has("text_entities")
        || has("from_id")
        || has("actor_id")
        || (has("date") && (has_pair(head, "type", "message") || has_pair(head, "type", "service")))
}

/// `"key"` followed by a colon: a JSON key, not the same word inside a value.
pub(super) fn has_key(head: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    memchr::memmem::find_iter(head.as_bytes(), quoted.as_bytes())
        .any(|at| head[at + quoted.len()..].trim_start().starts_with(':'))
}

/// `"key": "value"` with any blanks around the colon.
fn has_pair(head: &str, key: &str, value: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let want = format!("\"{value}\"");
    memchr::memmem::find_iter(head.as_bytes(), quoted.as_bytes()).any(|at| {
        let rest = head[at + quoted.len()..].trim_start();
        rest.strip_prefix(':')
            .is_some_and(|r| r.trim_start().starts_with(&want))
    })
}

/// A parser for one file: messages streamed as they arrive (escapes repaired on the way in),
/// the envelope walked in `finish`.
pub fn parser(_head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Parser::default())
}

#[derive(Default)]
struct Parser {
    stream: JsonStream,
    repair: EscapeRepair,
    reader: Streamed,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let repair = &mut self.repair;
        self.stream.push_with(|buffer| repair.push(text, buffer), &mut self.reader, cx);
    }

    fn held_text(&mut self) -> Option<&mut String> {
        self.stream.held_messages()
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let repair = &mut self.repair;
        self.stream.push_with(|buffer| repair.flush(buffer), &mut self.reader, cx);
        let held = self.stream.finish(&mut self.reader, cx);
        self.repair.note(cx);
        let export = &mut self.reader.export;
        read_export(&held.json(), export, cx);
        // The exporting account, when its id came after chats whose messages were streamed.
        if let (Some(id), Some(g)) = (&export.self_id, self.reader.first_group) {
            cx.builder.identify_self(g, id);
        }
    }
}

/// What the stream's reader keeps between the chats whose messages it streams.
#[derive(Default)]
struct Streamed {
    export: Export,
    /// The root's members before its chats were looked at (for the exporting account).
    root_read: bool,
    /// The chat whose messages are being streamed.
    chat: Option<Chat>,
    /// The first group made from streamed messages.
    first_group: Option<GroupId>,
}

impl Streamer for Streamed {
    /// A chat's messages are streamed when the chat's id and name came before them (as Telegram
    /// Desktop writes them); otherwise the chat is held, read when the file ends.
    fn begins(&mut self, path: &[Step], envelope: &Json<'_>, object: Option<usize>, _cx: &mut Context<'_>) -> Take {
        let listed = |s: &Step| matches!(s, Step::Key(k) if k == "chats" || k == "left_chats");
        let key = |s: &Step, want: &str| matches!(s, Step::Key(k) if k == want);
        let chat = match path {
            [m] => key(m, "messages"),
            [c, l, Step::Index(_), m] => listed(c) && key(l, "list") && key(m, "messages"),
            [c, Step::Index(_), m] => listed(c) && key(m, "messages"),
            _ => false,
        };
        let (true, Some(object)) = (chat, object) else {
            return Take::Envelope;
        };
        if !self.root_read {
            self.root_read = true;
            envelope.members(envelope.ws(0), |key, vs, ve| {
                if key == "personal_information" {
                    self.export.note_account(envelope, vs, ve);
                }
            });
        }
        let mut info = ChatInfo::default();
        envelope.members(object, |key, vs, ve| info.note(envelope, key, vs, ve));
        if info.id.is_none() || info.name.is_none() {
            return Take::Hold;
        }
        self.chat = Some(Chat { info, number: 0, group: None });
        Take::Stream
    }

    fn element(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if let Some(chat) = &mut self.chat {
            message(text, line, index, chat, &mut self.export, cx);
        }
    }

    fn ends(&mut self, last: u64, broken: Option<(u64, &Broken)>, cx: &mut Context<'_>) {
        let Some(chat) = self.chat.take() else { return };
        chat.ends(cx);
        if let Some((line, b)) = broken {
            b.report_at(line, &chat.after(last), cx);
        }
        self.first_group = self.first_group.or(chat.group);
    }
}

// ---------------------------------------------------------------------------------------
// Escape repair.

/// Repairs invalid JSON escapes in text arriving in pieces: `\xNN` → `\u00NN`; any other
/// invalid escape (`\a`, `\x` without two hex digits) keeps its backslash as a literal `\\`.
/// Valid escapes are copied unchanged (`\\x41` stays the text `\x41`). An escape cut by a
/// piece boundary waits in `pending` (at most `\xN`).
#[derive(Default)]
pub(super) struct EscapeRepair {
    pending: String,
    /// Escapes repaired so far.
    pub(super) count: u64,
}

impl EscapeRepair {
    /// Appends `text` to `out`, repaired.
    pub(super) fn push(&mut self, text: &str, out: &mut String) {
        if self.pending.is_empty() {
            self.scan(text, out);
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.push_str(text);
            self.scan(&joined, out);
        }
    }

    /// Says how many escapes were repaired, if any.
    fn note(&self, cx: &mut Context<'_>) {
        if self.count > 0 {
            let n = self.count;
            cx.note(
                "repaired_escapes",
                n,
                format!(
                    "repaired {n} invalid \\xNN escape{} (Telegram Desktop writes control characters that way; \
                     nothing was lost)",
                    plural(n)
                ),
            );
        }
    }

    /// Ends the input: an escape cut off by the end of the file is copied as it is.
    pub(super) fn flush(&mut self, out: &mut String) {
        out.push_str(&std::mem::take(&mut self.pending));
    }

    fn scan(&mut self, s: &str, out: &mut String) {
        let b = s.as_bytes();
        let (mut copied, mut i) = (0, 0);
        while let Some(k) = memchr::memchr(b'\\', &b[i..]) {
            let j = i + k;
            let Some(&next) = b.get(j + 1) else {
                out.push_str(&s[copied..j]);
                self.pending.push_str(&s[j..]);
                return;
            };
            match next {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u' => i = j + 2,
                b'x' if j + 3 >= b.len() && b[j + 2..].iter().all(u8::is_ascii_hexdigit) => {
                    out.push_str(&s[copied..j]);
                    self.pending.push_str(&s[j..]);
                    return;
                }
                b'x' if b[j + 2].is_ascii_hexdigit() && b[j + 3].is_ascii_hexdigit() => {
                    out.push_str(&s[copied..j]);
                    out.push_str("\\u00");
                    out.push_str(&s[j + 2..j + 4]);
                    self.count += 1;
                    copied = j + 4;
                    i = j + 4;
                }
                _ => {
                    // Keep the backslash as a character; what follows is ordinary text.
                    out.push_str(&s[copied..j]);
                    out.push_str("\\\\");
                    self.count += 1;
                    copied = j + 1;
                    i = j + 1;
                }
            }
        }
        out.push_str(&s[copied..]);
    }
}

/// Quotes bare words where a JSON value should be (`"document_id": video_files/a.webm`, the
/// tdesktop 4.1.1 bug); `None` when there is nothing to quote.
pub(super) fn quote_bare_values(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let (mut copied, mut i, mut changed) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b':' => {
                let start = i + 1 + s[i + 1..].len() - s[i + 1..].trim_start().len();
                let word_end = s[start..]
                    .find([',', '}', ']', '\n', '\r'])
                    .map_or(s.len(), |e| start + e);
                let word = s[start..word_end].trim_end();
                let bare = match word.as_bytes().first() {
                    None => false,
                    Some(c) if b"\"{[-0123456789".contains(c) => false,
                    _ => !matches!(word, "true" | "false" | "null"),
                };
                if bare {
                    out.push_str(&s[copied..start]);
                    out.push_str(&serde_json::to_string(word).unwrap_or_default());
                    copied = start + word.len();
                    changed = true;
                    i = copied;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    if !changed {
        return None;
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    Some(out)
}

// ---------------------------------------------------------------------------------------
// The export.

/// What the walk knows beyond one chat.
#[derive(Default)]
struct Export {
    /// `user<id>` of the exporting account (whole-account exports).
    self_id: Option<String>,
    /// Chats seen, for keys of chats without id or name.
    chats: u64,
    /// Unquoted values quoted so a message could be read.
    bare_repaired: u64,
}

impl Export {
    /// Takes the exporting account from `personal_information` (the value at `vs..ve`).
    fn note_account(&mut self, json: &Json<'_>, vs: usize, ve: usize) {
        if let Some(id) = json.value(vs, ve).as_ref().and_then(|v| v.get("user_id")).and_then(scalar_string) {
            self.self_id = Some(person_id(&id));
        }
    }
}

/// Walks the held document: the chats whose messages were not streamed, and what breaks.
fn read_export(json: &Json<'_>, export: &mut Export, cx: &mut Context<'_>) {
    let start = json.ws(0);
    if json.byte(start) != Some(b'{') {
        let first: String = json.text[start..].chars().take(40).collect();
        let found = shown(&first);
        return cx.skip(
            json.line_of(start),
            Why::new(SkipCode::UnexpectedShape, &found, format!("expected a Telegram export object, found {found}")),
        );
    }
    if let Err(b) = read_chat(json, start, true, export, cx) {
        json.report(&b, &After::start(), cx);
    }
    if export.bare_repaired > 0 {
        let n = export.bare_repaired;
        cx.note(
            "repaired_values",
            n,
            format!("repaired {n} unquoted JSON value{} (Telegram Desktop 4.1 document_id bug)", plural(n)),
        );
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The envelope fields of one chat.
#[derive(Default)]
struct ChatInfo {
    name: Option<String>,
    kind: Option<String>,
    id: Option<String>,
}

impl ChatInfo {
    /// Takes the chat's member `key` (its value at `vs..ve`) if it is one of the fields.
    fn note(&mut self, json: &Json<'_>, key: &str, vs: usize, ve: usize) {
        let field = || json.value(vs, ve).as_ref().and_then(scalar_string).filter(|s| !s.trim().is_empty());
        match key {
            "name" => self.name = field(),
            "type" => self.kind = field(),
            "id" => self.id = field(),
            _ => {}
        }
    }
}

/// Reads a chat object (or the root object, which is a chat in a single-chat export and
/// holds `chats` / `left_chats` in an account export). Messages are read after the object's
/// other fields, whatever their order.
fn read_chat(
    json: &Json<'_>,
    p: usize,
    root: bool,
    export: &mut Export,
    cx: &mut Context<'_>,
) -> Result<usize, Broken> {
    let mut info = ChatInfo::default();
    let mut messages = None;
    let scanned = json.object(p, |key, vs| {
        let ve = match key {
            "chats" | "left_chats" if root => return read_chat_list(json, vs, export, cx),
            "messages" => {
                messages = Some(vs);
                return json.value_end(vs);
            }
            _ => json.value_end(vs)?,
        };
        match key {
            "personal_information" if root => export.note_account(json, vs, ve),
            _ => info.note(json, key, vs, ve),
        }
        Ok(ve)
    });
    if let Some(ms) = messages {
        export.chats += 1;
        read_messages(json, ms, info, export, cx)?;
    }
    scanned
}

/// `chats` / `left_chats`: `{about, list:[chat…]}` (or a bare list).
fn read_chat_list(
    json: &Json<'_>,
    p: usize,
    export: &mut Export,
    cx: &mut Context<'_>,
) -> Result<usize, Broken> {
    let list = |json: &Json<'_>, at: usize, export: &mut Export, cx: &mut Context<'_>| {
        json.elements(at, |_, s| match json.byte(s) {
            Some(b'{') => read_chat(json, s, false, export, cx),
            _ => json.value_end(s),
        })
    };
    match json.byte(p) {
        Some(b'[') => list(json, p, export, cx),
        Some(b'{') => json.object(p, |key, vs| match key {
            "list" => list(json, vs, export, cx),
            _ => json.value_end(vs),
        }),
        _ => json.value_end(p),
    }
}

/// A JSON string or number as text.
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `user123` / `channel123` as written; bare numbers (old exports) are users.
fn person_id(id: &str) -> String {
    let id = id.trim();
    if !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) {
        format!("user{id}")
    } else {
        id.to_string()
    }
}

/// One chat being read.
struct Chat {
    info: ChatInfo,
    /// Position of the chat in the file, for the key of a chat with neither id nor name.
    number: u64,
    group: Option<GroupId>,
}

impl Chat {
    fn group(&mut self, export: &Export, cx: &mut Context<'_>) -> GroupId {
        if let Some(g) = self.group {
            return g;
        }
        let key = match (&self.info.id, &self.info.name) {
            (Some(id), _) => id.trim().to_string(),
            (None, Some(name)) => name.trim().to_string(),
            (None, None) if self.number <= 1 => file_stem(cx.file_name).to_string(),
            (None, None) => format!("{}#{}", file_stem(cx.file_name), self.number),
        };
        let g = cx.builder.group(
            Platform::Telegram,
            &key,
            self.info.name.as_deref().map(str::trim),
        );
        if let Some(id) = &export.self_id {
            cx.builder.identify_self(g, id);
        }
        self.group = Some(g);
        g
    }

    /// The chat's messages were read: the name at export time wins over
    /// titles of rename messages read on the way.
    fn ends(&self, cx: &mut Context<'_>) {
        if let (Some(g), Some(name)) = (self.group, self.info.name.as_deref()) {
            cx.builder.rename_group(g, name.trim());
        }
    }

    /// The chat's name (else id), quoted, when the export names it.
    fn shown_name(&self) -> Option<String> {
        self.info.name.as_deref().or(self.info.id.as_deref()).map(shown)
    }

    /// ` of chat "name"` for skip reasons of account exports.
    fn label(&self) -> String {
        self.shown_name().map_or_else(String::new, |n| format!(" of chat {n}"))
    }

    /// Message `index` in a skip's reason: `#11 of chat "name"`.
    fn which(&self, index: u64) -> String {
        format!("#{index}{}", self.label())
    }

    /// Message `index` in a skip's detail, without words: `"name" #11`, or `#11`.
    fn mark(&self, index: u64) -> String {
        self.shown_name().map_or_else(|| format!("#{index}"), |n| format!("{n} #{index}"))
    }

    /// A break after message `last` of this chat.
    fn after(&self, last: u64) -> After {
        After::item("message", last, self.shown_name().as_deref())
    }
}

fn read_messages(
    json: &Json<'_>,
    p: usize,
    info: ChatInfo,
    export: &mut Export,
    cx: &mut Context<'_>,
) -> Result<(), Broken> {
    let mut chat = Chat {
        info,
        number: export.chats,
        group: None,
    };
    if json.byte(p) != Some(b'[') {
        cx.skip(
            json.line_of(p),
            Why::new(SkipCode::UnexpectedShape, chat.shown_name().map_or_else(|| "messages".to_string(), |n| format!("{n}: messages")), format!("\"messages\"{} is not an array", chat.label())),
        );
        return Ok(());
    }
    let mut last = 0;
    let result = json.array(p, |index, s, e| {
        last = index;
        message(&json.text[s..e], json.line_of(s), index, &mut chat, export, cx);
    });
    chat.ends(cx);
    match result {
        Ok(_) => Ok(()),
        Err(mut b) => {
            json.report(&b, &chat.after(last), cx);
            b.reported = true;
            Err(b)
        }
    }
}

/// Message `index` of a chat, its JSON `slice` starting at `line`.
fn message(slice: &str, line: u64, index: u64, chat: &mut Chat, export: &mut Export, cx: &mut Context<'_>) {
    match serde_json::from_str::<Message>(slice) {
        Ok(m) => read_message(m, index, line, chat, export, cx),
        Err(err) => {
            if let Some(fixed) = quote_bare_values(slice) {
                if let Ok(m) = serde_json::from_str::<Message>(&fixed) {
                    export.bare_repaired += 1;
                    return read_message(m, index, line, chat, export, cx);
                }
            }
            let at = line + err.line().saturating_sub(1) as u64;
            let which = chat.which(index);
            cx.skip(at, Why::new(SkipCode::NotJson, format!("{}: {err}", chat.mark(index)), format!("message {which} is not a valid JSON object: {err}")));
        }
    }
}

fn read_message(
    m: Message<'_>,
    index: u64,
    line: u64,
    chat: &mut Chat,
    export: &Export,
    cx: &mut Context<'_>,
) {
    let Some(time) = m.time(cx) else {
        let raw = present(&m.date_unixtime).or(present(&m.date)).map(shown);
        let which = chat.which(index);
        let reason = format!("message {which} has no usable date {}", raw.as_deref().map_or_else(|| shown("(missing)"), str::to_string));
        return cx.skip(line, Why::time(&chat.mark(index), "date", raw.as_deref(), reason));
    };
    match present(&m.kind).unwrap_or("message") {
        "service" => {
            let group = chat.group(export, cx);
            service(&m, time, group, cx);
        }
        kind => {
            let Some((sender, name)) = person(&m.from_id, &m.from) else {
                let which = chat.which(index);
                return cx.skip(
                    line,
                    Why::new(SkipCode::NoSender, format!("{}: from, from_id", chat.mark(index)), format!("message {which} has no sender (from / from_id)")),
                );
            };
            let group = chat.group(export, cx);
            cx.row();
            let (text, mentions) = rich_text(m.text.as_ref().or(m.text_entities.as_ref()));
            let mut kind = if kind == "unsupported" {
                MessageKind::Other
            } else {
                m.media_kind()
            };
            let text = match (&m.poll, text.is_empty()) {
                (Some(poll), true) => present(&poll.question).unwrap_or("").to_string(),
                _ => text,
            };
            if kind == MessageKind::Text && text.is_empty() && m.media_type.is_none() {
                kind = MessageKind::Other;
            }
            let quote = present(&m.reply_to_message_id).map(|id| Quote {
                message_id: Some(id.to_string()),
                ..Quote::default()
            });
            cx.builder.message(NewMessage {
                time,
                group,
                sender: &sender,
                sender_name: name,
                kind,
                text: &text,
                quote,
                mentions,
            });
        }
    }
}

/// A person from an id field and a name field: id-keyed when there is an id.
fn person<'m>(
    id: &Option<Str<'_>>,
    name: &'m Option<Str<'_>>,
) -> Option<(PersonRef, Option<&'m str>)> {
    let name = present(name);
    match present(id) {
        Some(id) => Some((PersonRef::Id(person_id(id)), name)),
        None => name.map(|n| (PersonRef::Name(n.to_string()), None)),
    }
}

/// A service message: a system message (a call from the actor) and its membership changes.
fn service(m: &Message<'_>, time: i64, group: GroupId, cx: &mut Context<'_>) {
    cx.row();
    let actor = person(&m.actor_id, &m.actor);
    let actor_name = present(&m.actor);
    if let Some((p @ PersonRef::Id(_), Some(name))) = &actor {
        cx.builder.name_hint(group, p, name, time);
    }
    let actor_ref = actor.as_ref().map(|(p, _)| p.clone());
    let action = present(&m.action).unwrap_or("");
    let members: Vec<&str> = m
        .members
        .iter()
        .flatten()
        .filter_map(|n| Some(n.as_str().trim()).filter(|n| !n.is_empty()))
        .collect();
    let title = present(&m.title);
    let mut event = |member: PersonRef,
                     kind: MembershipKind,
                     method: Option<JoinMethod>,
                     by: Option<PersonRef>| {
        cx.builder.membership(MembershipEvent {
            time,
            group,
            member,
            kind,
            method,
            actor: by,
        });
    };
    let is_actor = |name: &str| actor_name == Some(name);
    let who = actor_name.unwrap_or("someone");
    let listed = members.join(", ");
    let text = match action {
        "invite_members" => {
            for name in &members {
                match (&actor_ref, is_actor(name)) {
                    (Some(a), true) => event(
                        a.clone(),
                        MembershipKind::Join,
                        Some(JoinMethod::Unknown),
                        None,
                    ),
                    _ => event(
                        PersonRef::Name(name.to_string()),
                        MembershipKind::Join,
                        Some(JoinMethod::Invite),
                        actor_ref.clone(),
                    ),
                }
            }
            format!("{who} added {listed}")
        }
        "join_group_by_link" => {
            let inviter = present(&m.inviter);
            if let Some(a) = &actor_ref {
                let by = inviter.map(|n| PersonRef::Name(n.to_string()));
                event(a.clone(), MembershipKind::Join, Some(JoinMethod::Link), by);
            }
            match inviter {
                Some(i) => format!("{who} joined the group via invite link from {i}"),
                None => format!("{who} joined the group via invite link"),
            }
        }
        "join_group_by_request" => {
            if let Some(a) = &actor_ref {
                event(
                    a.clone(),
                    MembershipKind::Join,
                    Some(JoinMethod::Unknown),
                    None,
                );
            }
            format!("{who} was accepted into the group")
        }
        "remove_members" => {
            let mut left = false;
            for name in &members {
                match (&actor_ref, is_actor(name)) {
                    (Some(a), true) => {
                        left = true;
                        event(a.clone(), MembershipKind::Leave, None, None);
                    }
                    _ => event(
                        PersonRef::Name(name.to_string()),
                        MembershipKind::Removed,
                        None,
                        actor_ref.clone(),
                    ),
                }
            }
            if left && members.len() == 1 {
                format!("{who} left the group")
            } else {
                format!("{who} removed {listed}")
            }
        }
        "create_group" => {
            for name in members.iter().filter(|n| !is_actor(n)) {
                event(
                    PersonRef::Name(name.to_string()),
                    MembershipKind::Join,
                    Some(JoinMethod::Invite),
                    actor_ref.clone(),
                );
            }
            if let Some(t) = title {
                cx.builder.rename_group(group, t);
            }
            format!("{who} created the group {}", title.unwrap_or(""))
        }
        "edit_group_title" | "migrate_from_group" | "create_channel" => {
            if let Some(t) = title {
                cx.builder.rename_group(group, t);
            }
            format!("{who} changed the group name to {}", title.unwrap_or(""))
        }
        "" => format!("{who}: (service message)"),
        other => match title {
            Some(t) => format!("{who}: {other} {t}"),
            None => format!("{who}: {other}"),
        },
    };
    let is_call = matches!(action, "phone_call" | "group_call");
    let (sender, sender_name, kind) = match actor {
        Some((p, name)) if is_call => (p, name, MessageKind::Call),
        _ => (PersonRef::System, None, MessageKind::System),
    };
    cx.builder.message(NewMessage {
        time,
        group,
        sender: &sender,
        sender_name,
        kind,
        text: text.trim_end(),
        quote: None,
        mentions: Vec::new(),
    });
}

/// The text of a `text` / `text_entities` value and the names it mentions.
fn rich_text(v: Option<&Value>) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut mentions = Vec::new();
    match v {
        Some(Value::String(s)) => text.push_str(s),
        Some(Value::Array(parts)) => {
            for part in parts {
                match part {
                    Value::String(s) => text.push_str(s),
                    Value::Object(e) => {
                        let t = e.get("text").and_then(Value::as_str).unwrap_or("");
                        text.push_str(t);
                        match e.get("type").and_then(Value::as_str) {
                            Some("mention") => {
                                let name = t.trim().trim_start_matches('@');
                                if !name.is_empty() {
                                    mentions.push(name.to_string());
                                }
                            }
                            Some("mention_name") if !t.trim().is_empty() => {
                                mentions.push(t.trim().to_string())
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    (text, mentions)
}

// ---------------------------------------------------------------------------------------
// The message shape. Every field is optional: versions differ, and a missing field must not
// cost the whole message.

#[derive(Deserialize, Default)]
#[serde(default)]
struct Message<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    date: Option<Str<'a>>,
    #[serde(borrow)]
    date_unixtime: Option<Str<'a>>,
    #[serde(borrow)]
    from: Option<Str<'a>>,
    #[serde(borrow)]
    from_id: Option<Str<'a>>,
    #[serde(borrow)]
    actor: Option<Str<'a>>,
    #[serde(borrow)]
    actor_id: Option<Str<'a>>,
    #[serde(borrow)]
    action: Option<Str<'a>>,
    #[serde(borrow)]
    title: Option<Str<'a>>,
    #[serde(borrow)]
    members: Option<Vec<Str<'a>>>,
    #[serde(borrow)]
    inviter: Option<Str<'a>>,
    text: Option<Value>,
    text_entities: Option<Value>,
    #[serde(borrow)]
    reply_to_message_id: Option<Str<'a>>,
    photo: Option<IgnoredAny>,
    file: Option<IgnoredAny>,
    #[serde(borrow)]
    media_type: Option<Str<'a>>,
    contact_information: Option<IgnoredAny>,
    location_information: Option<IgnoredAny>,
    #[serde(borrow)]
    poll: Option<Poll<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Poll<'a> {
    #[serde(borrow)]
    question: Option<Str<'a>>,
}

impl Message<'_> {
    /// `date_unixtime` (seconds, a string), else `date` as local time in the configured zone.
    fn time(&self, cx: &mut Context<'_>) -> Option<i64> {
        if let Some(n) = present(&self.date_unixtime).and_then(|u| u.parse::<i64>().ok()) {
            return Some(epoch_to_seconds(n));
        }
        let date = present(&self.date)?;
        parse_local(date).and_then(|c| cx.zone.to_epoch(c))
    }

    fn media_kind(&self) -> MessageKind {
        use MessageKind::*;
        if self.photo.is_some() {
            return Image;
        }
        match present(&self.media_type) {
            Some("sticker") => return Sticker,
            Some("video_file" | "video_message" | "animation") => return Video,
            Some("voice_message") => return Voice,
            Some(_) => return File,
            None => {}
        }
        if self.file.is_some() {
            File
        } else if self.contact_information.is_some() {
            Card
        } else if self.location_information.is_some() {
            Location
        } else if self.poll.is_some() {
            Other
        } else {
            Text
        }
    }
}

/// A non-empty, trimmed text field.
pub(super) fn present<'s>(t: &'s Option<Str<'_>>) -> Option<&'s str> {
    t.as_ref()
        .map(|t| t.as_str().trim())
        .filter(|s| !s.is_empty())
}

/// A scalar read as text, borrowed from the document when possible. Numbers become their
/// digits; `null`, arrays and objects where a scalar was expected become empty text rather
/// than failing the message.
#[derive(Debug, Default)]
pub(super) struct Str<'a>(Cow<'a, str>);

impl Str<'_> {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Str<'de>, E> {
        Ok(Str(Cow::Borrowed(if v { "true" } else { "false" })))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(Str::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Str<'de>, E> {
        Ok(Str::default())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Str<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Str::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Str<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Str::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json_scan::testing;
    use crate::ingest::qq_txt::run_parser;

    fn repaired(pieces: &[&str]) -> (String, u64) {
        let mut r = EscapeRepair::default();
        let mut out = String::new();
        for p in pieces {
            r.push(p, &mut out);
        }
        r.flush(&mut out);
        (out, r.count)
    }

    #[test]
    fn escape_repair_handles_pieces_and_valid_escapes() {
        let src = r#"{"a":"x\x0Cy\\x41 \n \u0041 \q"}"#;
        let (whole, n) = repaired(&[src]);
        assert_eq!(whole, r#"{"a":"x\u000Cy\\x41 \n \u0041 \\q"}"#);
        assert_eq!(n, 2);
        let v: Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(v["a"], "x\u{c}y\\x41 \n A \\q");
        for cut in 0..src.len() {
            let (pieces, m) = repaired(&[&src[..cut], &src[cut..]]);
            assert_eq!((pieces.as_str(), m), (whole.as_str(), n), "cut at {cut}");
        }
        let bytes: Vec<String> = src.chars().map(String::from).collect();
        let refs: Vec<&str> = bytes.iter().map(String::as_str).collect();
        assert_eq!(repaired(&refs), (whole, n));
    }

    #[test]
    fn bare_values_are_quoted() {
        let fixed = quote_bare_values(
            r#"{"a": 1, "document_id": video_files/s.webm, "b": "x: y", "c": null}"#,
        )
        .unwrap();
        let v: Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(v["document_id"], "video_files/s.webm");
        assert_eq!(v["b"], "x: y");
        assert!(quote_bare_values(r#"{"a": [1, true], "b": {"c": -2}}"#).is_none());
    }

    #[test]
    fn scanner_finds_values() {
        let json = Json::new(r#" {"a": [1, {"b": "]}\""}], "c": tru } "#);
        let mut keys = Vec::new();
        let end = json
            .object(1, |k, vs| {
                keys.push(k.to_string());
                json.value_end(vs)
            })
            .unwrap();
        assert_eq!(keys, ["a", "c"]);
        assert_eq!(end, json.text.len() - 1);
        assert!(
            Json::new(r#"[1, "abc"#)
                .array(0, |_, _, _| {})
                .unwrap_err()
                .eof
        );
    }

    const EXPORT: &str = r#"{"name": "Group", "type": "private_supergroup", "id": 42, "messages": [
 {"id": 1, "type": "message", "date": "2024-03-01T09:00:00", "date_unixtime": "1709254800", "from": "Ann", "from_id": "user1",
  "text": ["hi ", {"type": "mention", "text": "@bob"}, " and ", {"type": "mention_name", "text": "Carl C", "user_id": 3}]},
 {"id": 2, "type": "message", "date": "2024-03-01T09:01:00", "from": "Bob", "from_id": "user2", "reply_to_message_id": 1,
  "photo": "(File not included. Change data exporting settings to download.)", "text": ""},
 {"id": 3, "type": "message", "date_unixtime": "1709254900", "from": null, "from_id": "user9", "media_type": "voice_message", "file": "x.ogg", "text": ""},
 {"id": 4, "type": "message", "date_unixtime": "1709254901", "from": "Ann", "from_id": "user1", "text": "a \u000C b", "custom": {"document_id": video_files/sticker.webm}},
 {"id": 5, "type": "message", "date_unixtime": "1709254902", "from": "Ann", "from_id": "user1", "poll": {"question": "Lunch?"}, "text": ""}
]}"#;

    #[test]
    fn messages_text_kinds_quotes_and_mentions() {
        let (m, stats) = run_parser(parser(EXPORT, "result.json"), EXPORT, "result.json");
        assert_eq!((stats.rows, stats.skipped_count), (5, 0), "{:?}", stats.skipped);
        assert_eq!((stats.notes[0].code.as_str(), stats.notes[0].count), ("repaired_values", 1));
        assert!(stats.notes[0].message.contains("repaired 1 unquoted"), "{:?}", stats.notes);
        use MessageKind::*;
        assert_eq!(m.messages.kind, [Text, Image, Voice, Text, Other]);
        assert_eq!(m.messages.text(0), "hi @bob and Carl C");
        assert_eq!(m.messages.text(3), "a \u{c} b");
        assert_eq!(m.messages.text(4), "Lunch?");
        assert_eq!(
            m.messages.mentions.get(&0),
            Some(&vec!["bob".to_string(), "Carl C".to_string()])
        );
        assert_eq!(
            m.messages
                .quotes
                .get(&1)
                .and_then(|q| q.message_id.as_deref()),
            Some("1")
        );
        // Message 2 has only the local `date`, 2024-03-01T09:01:00, read in Asia/Shanghai.
        assert_eq!(m.messages.time[1], 1709254800 + 60);
        assert_eq!(m.groups[0].key, "42");
        assert_eq!(m.groups[0].name, "Group");
        assert_eq!(
            m.members[m.messages.sender[2] as usize]
                .platform_id
                .as_deref(),
            Some("user9")
        );
    }

    /// chat-miner's expected texts (it joins entity runs with a space; compared without blanks).
    #[test]
    fn real_samples_have_chat_miners_texts() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/telegram/chat-miner");
        let target = std::fs::read_to_string(format!("{dir}/chat-miner_target.json")).unwrap();
        let target: Vec<Value> = serde_json::from_str(&target).unwrap();
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        for file in [
            "chat-miner_test_single_export.json",
            "chat-miner_test_batch_export.json",
        ] {
            let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            assert!(sniff(&text, file), "{file}");
            let (m, stats) = run_parser(parser(&text, file), &text, file);
            assert_eq!((stats.rows, stats.skipped_count), (2, 0), "{file}");
            for (i, t) in target.iter().enumerate() {
                assert_eq!(
                    squeeze(m.messages.text(i)),
                    squeeze(t["message"].as_str().unwrap()),
                    "{file} #{i}"
                );
                assert_eq!(m.messages.kind[i], MessageKind::Text);
            }
        }
    }

    /// The whole document held and walked when the file ends: how every export was read before
    /// messages were streamed, and how a held one still is.
    fn read_held(text: &str, cx: &mut Context<'_>) {
        let (mut repair, mut repaired) = (EscapeRepair::default(), String::new());
        repair.push(text, &mut repaired);
        repair.flush(&mut repaired);
        repair.note(cx);
        read_export(&Json::new(&repaired), &mut Export::default(), cx);
    }

    fn assert_streamed_as_held(text: &str) {
        testing::assert_streamed_as_held(text, parser, read_held);
    }

    const ACCOUNT: &str = include_str!("../../tests/fixtures/telegram/result.json");

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        let (model, stats) = testing::read_streamed(ACCOUNT, ACCOUNT, 4096, parser);
        assert_eq!((model.messages.len(), stats.rows, stats.skipped_count), (16, 16, 1), "{stats:?}");
        assert_streamed_as_held(ACCOUNT);
        assert_streamed_as_held(EXPORT);
    }

    #[test]
    fn broken_streamed_arrays_say_what_and_where_as_the_held_document_does() {
        let second = ACCOUNT.find("\n     {\n      \"id\": 2,").unwrap();
        let comma = ACCOUNT[..second].rfind(',').unwrap();
        let variants = [
            // No comma between two messages; a comma too many; a missing value.
            format!("{}{}", &ACCOUNT[..comma], &ACCOUNT[comma + 1..]),
            format!("{},{}", &ACCOUNT[..comma], &ACCOUNT[comma..]),
            format!("{}, ]{}", &ACCOUNT[..comma], &ACCOUNT[comma..]),
            // Elements that are not messages, strings holding brackets and escaped quotes.
            format!(
                "{}, 42, \"]}}\\\"[\", [1, [\"]\"]], {{\"a\": \"}}\\\\\"}}, true{}",
                &ACCOUNT[..comma],
                &ACCOUNT[comma..]
            ),
            // Garbage in the envelope before and after the messages.
            ACCOUNT.replacen("\"about\": \"This is your contacts list.\",", "\"about\" \"x\",", 1),
            ACCOUNT.replacen("\"left_chats\"", "\"left_chats\" ]", 1),
        ];
        let (_, stats) = testing::read_streamed(&variants[0], &variants[0], 4096, parser);
        assert_eq!(stats.skipped[0].reason, "not valid JSON (expected ',' or ']') after message #1 of chat \"Growth Club\"; nothing after this point is read");
        for v in &variants {
            assert_streamed_as_held(v);
        }
    }

    #[test]
    fn a_chat_named_after_its_messages_is_held_and_read_the_same() {
        // The last chat's id comes after its messages: that chat is held until the file ends.
        let id = "\n    \"id\": 3003,";
        let moved = ACCOUNT.replacen(id, "", 1);
        let close = moved.rfind("]\n   }").unwrap();
        let moved = format!("{}], \"id\": 3003{}", &moved[..close], &moved[close + 1..]);
        let mut p = parser(&moved, "result.json");
        let streamed = testing::read_with(|cx| {
            let at = moved.find("Old Group").unwrap() + 200;
            p.feed(&moved[..at], cx);
            assert!(p.held_text().is_some_and(|t| t.contains("Old Group")), "held");
            p.feed(&moved[at..], cx);
            p.finish(cx);
        });
        assert!(streamed.0.groups.iter().any(|g| g.key == "3003" && g.name == "Old Group"), "{:?}", streamed.0.groups);
        assert_eq!(testing::shown(streamed), testing::shown(testing::read_with(|cx| read_held(&moved, cx))));
    }

    #[test]
    fn sniffs_exports_and_not_other_json() {
        assert!(sniff(EXPORT, "result.json"));
        assert!(sniff(
            r#"{"about": "x", "personal_information": {"user_id": 1}, "contacts": {}}"#,
            "result.json"
        ));
        assert!(!sniff(
            r#"{"guild": {"id": "1"}, "channel": {}, "messages": [{"timestamp": "x"}]}"#,
            "a.json"
        ));
        assert!(!sniff(
            r#"{"metadata": {"name": "QQChatExporter V5"}, "chatInfo": {}, "messages": []}"#,
            "q.json"
        ));
        assert!(!sniff(
            r#"[{"msgid": "1", "action": "send", "msgtime": 1}]"#,
            "w.json"
        ));
        assert!(!sniff(
            r#"{"text": "\"date_unixtime\" and \"messages\""}"#,
            "t.json"
        ));
    }
}
