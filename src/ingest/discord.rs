//! DiscordChatExporter (DCE) exports (format notes §2.3), JSON and CSV.
//!
//! **JSON**: `{guild{id,name}, channel{id,name,…}, dateRange, exportedAt, messages:[…],
//! messageCount}`. One group per channel, keyed by `channel.id` (platform Discord), named
//! `<guild> - <channel>` (the channel alone in direct messages). Each message:
//! `id`, `type`, `timestamp` (ISO 8601 with offset; without one, local in the configured
//! zone), `author{id,name,nickname,isBot}` (keyed by id, shown by nickname, else name),
//! `content`, `attachments[{fileName,url}]` (kind from the first file's extension),
//! `stickers`, `mentions[user…]` (by nickname, else name), `reference{messageId,type}` (the
//! quote; a `Forward` reference makes a forwarded message). System types: `GuildMemberJoin`
//! (the author joins; the export names no inviter or method), `RecipientAdd` (the mentioned
//! user joins the group DM, invited by the author), `RecipientRemove` (the author left, or
//! removed the mentioned user), `Call` (a call from the author); `ChannelNameChange`,
//! `ChannelIconChange`, `ChannelPinnedMessage`, `ThreadCreated` and other non-chat types are
//! system messages. The messages are streamed as the file arrives ([`super::json_scan`]) once
//! the guild and channel came before them, as DCE writes them (else the document is held and
//! walked when it ends), each deserialized alone, so a malformed message is skipped with its
//! line and index.
//!
//! **CSV**: header `AuthorID,Author,Date,Content,Attachments,Reactions` (columns found by
//! name: a trailing `Embeds` column, or the old `Author,Date,Content,Attachments` without ids,
//! read too), streamed. The group is keyed by the channel id in the default file name
//! `<guild> - <channel> [<id>].csv` (also `… [<id>] [part 2].csv`), else by the file name.
//! `Author` drops a legacy `#1234` discriminator. `Date` is ISO 8601 with offset, or a local
//! time (`dd-MMM-yy hh:mm tt`, the old `--dateformat` default, and the formats of
//! [`parse_local`]). CSV has no message types: DCE's fallback sentences (`Joined the server.`,
//! `Added X to the group.`, `Left the group.`, `Removed X from the group.`, `Started a call…`,
//! `Pinned a message.`, …) are read as the JSON types; mentions are `@name` words of the
//! content (a name with spaces is cut at the first one). CSV has no message ids, so no quotes.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use super::qq_txt::file_stem;
use super::json_scan::{After, Broken, Json, JsonStream, Step, Streamer, Take};
use super::telegram_json::{has_key, present, Str};
use super::wechat_types::shown;
use super::{Context, CsvRecord, CsvSplitter, FormatParser, SkipCode, Why};
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef,
    Platform, Quote,
};
use crate::time::{days_from_civil, parse_local, parse_rfc3339, Civil};

/// The CSV header DCE writes (first four or more of these, by name).
const CSV_COLUMNS: [&str; 6] = [
    "AuthorID",
    "Author",
    "Date",
    "Content",
    "Attachments",
    "Reactions",
];

/// Does the head look like a DCE JSON or CSV export?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let t = head.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    if t.starts_with('{') {
        return has_key(head, "guild")
            && has_key(head, "channel")
            && (has_key(head, "messages")
                || has_key(head, "dateRange")
                || has_key(head, "exportedAt"));
    }
    csv_header(t).is_some()
}

/// Column positions of a DCE CSV header line, if `text` starts with one.
fn csv_header(text: &str) -> Option<Columns> {
    let line = text.split('\n').next()?.trim_end_matches('\r');
    let names: Vec<&str> = line
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    let at = |name: &str| names.iter().position(|n| *n == name);
    let cols = Columns {
        author_id: at("AuthorID"),
        author: at("Author")?,
        date: at("Date")?,
        content: at("Content")?,
        attachments: at("Attachments")?,
    };
    let known = names
        .iter()
        .all(|n| CSV_COLUMNS.contains(n) || *n == "Embeds");
    (known
        && names
            .first()
            .is_some_and(|n| *n == "AuthorID" || *n == "Author"))
    .then_some(cols)
}

#[derive(Clone, Copy, Debug)]
struct Columns {
    author_id: Option<usize>,
    author: usize,
    date: usize,
    content: usize,
    attachments: usize,
}

/// A parser for one file: CSV or JSON, both streamed.
pub fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    if head
        .trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n'])
        .starts_with('{')
    {
        Box::new(JsonParser::default())
    } else {
        Box::new(CsvParser {
            splitter: CsvSplitter::new(),
            columns: None,
            group: None,
        })
    }
}

// ---------------------------------------------------------------------------------------
// JSON

/// Messages streamed as they arrive; the envelope walked in `finish`.
#[derive(Default)]
struct JsonParser {
    stream: JsonStream,
    reader: Streamed,
}

impl FormatParser for JsonParser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        self.stream.push(text, &mut self.reader, cx);
    }

    fn held_text(&mut self) -> Option<&mut String> {
        self.stream.held_messages()
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let held = self.stream.finish(&mut self.reader, cx);
        read_json(&held.json(), cx);
    }
}

/// The channel whose messages are streamed.
#[derive(Default)]
struct Streamed {
    group: Option<GroupId>,
}

impl Streamer for Streamed {
    /// The messages are streamed when the guild and the channel came before them (as DCE
    /// writes them); otherwise the export is held, read when the file ends.
    fn begins(&mut self, path: &[Step], envelope: &Json<'_>, object: Option<usize>, cx: &mut Context<'_>) -> Take {
        let (true, Some(object)) = (matches!(path, [Step::Key(k)] if k == "messages"), object) else {
            return Take::Envelope;
        };
        let mut channel = ChannelInfo::default();
        envelope.members(object, |key, vs, ve| channel.note(envelope, key, vs, ve));
        if channel.guild.is_none() || channel.channel.is_none() {
            return Take::Hold;
        }
        self.group = Some(channel.group(cx));
        Take::Stream
    }

    fn element(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        if let Some(group) = self.group {
            json_element(text, line, index, group, cx);
        }
    }

    fn ends(&mut self, last: u64, broken: Option<(u64, &Broken)>, cx: &mut Context<'_>) {
        if let Some((line, b)) = broken {
            b.report_at(line, &After::item("message", last, None), cx);
        }
    }
}

/// The export's `guild` and `channel` objects.
#[derive(Default)]
struct ChannelInfo {
    guild: Option<Value>,
    channel: Option<Value>,
}

impl ChannelInfo {
    /// Takes the root's member `key` (its value at `vs..ve`) if it is one of the two.
    fn note(&mut self, json: &Json<'_>, key: &str, vs: usize, ve: usize) {
        match key {
            "guild" => self.guild = json.value(vs, ve),
            "channel" => self.channel = json.value(vs, ve),
            _ => {}
        }
    }

    fn group(&self, cx: &mut Context<'_>) -> GroupId {
        json_group(self.guild.as_ref(), self.channel.as_ref(), cx)
    }
}

/// Walks the held document: the messages when they were not streamed (the group is looked up
/// again when they were: the same), and what breaks.
fn read_json(json: &Json<'_>, cx: &mut Context<'_>) {
    let start = json.ws(0);
    let (mut channel, mut messages) = (ChannelInfo::default(), None);
    let scanned = json.object(start, |key, vs| {
        if key == "messages" {
            messages = Some(vs);
            return json.value_end(vs);
        }
        let ve = json.value_end(vs)?;
        channel.note(json, key, vs, ve);
        Ok(ve)
    });
    let Some(ms) = messages else {
        if let Err(b) = scanned {
            json.report(&b, &After::start(), cx);
        }
        return;
    };
    let group = channel.group(cx);
    if json.byte(ms) != Some(b'[') {
        return cx.skip(json.line_of(ms), Why::new(SkipCode::UnexpectedShape, "messages", "\"messages\" is not an array"));
    }
    let mut last = 0;
    let result = json.array(ms, |index, s, e| {
        last = index;
        json_element(&json.text[s..e], json.line_of(s), index, group, cx);
    });
    match result {
        Err(b) => json.report(&b, &After::item("message", last, None), cx),
        Ok(_) => {
            if let Err(b) = scanned {
                json.report(&b, &After::part("after the messages".to_string()), cx);
            }
        }
    }
}

/// Message `index`, its JSON `text` starting at `line`.
fn json_element(text: &str, line: u64, index: u64, group: GroupId, cx: &mut Context<'_>) {
    match serde_json::from_str::<Message>(text) {
        Ok(m) => json_message(m, index, line, group, cx),
        Err(err) => cx.skip(
            line + err.line().saturating_sub(1) as u64,
            Why::new(SkipCode::NotJson, format!("#{index}: {err}"), format!("message #{index} is not a valid JSON object: {err}")),
        ),
    }
}

fn json_group(guild: Option<&Value>, channel: Option<&Value>, cx: &mut Context<'_>) -> GroupId {
    let field = |v: Option<&Value>, k: &str| -> Option<String> {
        match v?.get(k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let channel_name = field(channel, "name");
    let name = match (field(guild, "name"), &channel_name) {
        (Some(g), Some(c)) if g != "Direct Messages" => Some(format!("{g} - {c}")),
        (_, Some(c)) => Some(c.clone()),
        (g, None) => g,
    };
    let key = field(channel, "id").unwrap_or_else(|| file_key(cx.file_name).0);
    cx.builder.group(Platform::Discord, &key, name.as_deref())
}

fn json_message(m: Message<'_>, index: u64, line: u64, group: GroupId, cx: &mut Context<'_>) {
    let raw_time = present(&m.timestamp).unwrap_or("");
    let Some(time) = parse_date(raw_time, cx) else {
        let shown_time = if raw_time.is_empty() {
            "(missing)".to_string()
        } else {
            shown(raw_time)
        };
        let reason = format!("message #{index} has no usable timestamp {shown_time}");
        let raw = Some(shown_time.as_str()).filter(|_| !raw_time.is_empty());
        return cx.skip(line, Why::time(&format!("#{index}"), "timestamp", raw, reason));
    };
    let author = m.author.unwrap_or_default();
    let Some((sender, name)) = author.person() else {
        return cx.skip(line, Why::new(SkipCode::NoSender, format!("#{index}: author"), format!("message #{index} has no author id or name")));
    };
    cx.row();
    let content = present(&m.content).unwrap_or("");
    let mentioned: Vec<&User<'_>> = m.mentions.iter().flatten().collect();
    let kind = present(&m.kind).unwrap_or("Default");
    let system = match kind {
        "GuildMemberJoin" | "7" => {
            event(
                cx,
                time,
                group,
                sender.clone(),
                MembershipKind::Join,
                Some(JoinMethod::Unknown),
                None,
            );
            true
        }
        "RecipientAdd" | "1" => {
            for user in &mentioned {
                if let Some((p, n)) = user.person() {
                    hint(cx, group, &p, n, time);
                    event(
                        cx,
                        time,
                        group,
                        p,
                        MembershipKind::Join,
                        Some(JoinMethod::Invite),
                        Some(sender.clone()),
                    );
                }
            }
            true
        }
        "RecipientRemove" | "2" => {
            let others: Vec<(PersonRef, Option<&str>)> = mentioned
                .iter()
                .filter_map(|u| u.person())
                .filter(|(p, _)| *p != sender)
                .collect();
            if others.is_empty() {
                event(
                    cx,
                    time,
                    group,
                    sender.clone(),
                    MembershipKind::Leave,
                    None,
                    None,
                );
            }
            for (p, n) in others {
                hint(cx, group, &p, n, time);
                event(
                    cx,
                    time,
                    group,
                    p,
                    MembershipKind::Removed,
                    None,
                    Some(sender.clone()),
                );
            }
            true
        }
        "Default" | "Reply" | "Call" | "0" | "19" | "3" => false,
        "ChannelNameChange"
        | "ChannelIconChange"
        | "ChannelPinnedMessage"
        | "ThreadCreated"
        | "4"
        | "5"
        | "6"
        | "18" => true,
        // Other kinds (boosts, automod, …): a system tip unless it has words of its own.
        _ => content.is_empty(),
    };
    if system {
        hint(cx, group, &sender, name, time);
        return system_message(cx, group, time, content);
    }
    let forwarded = m.forwarded_message.is_some()
        || m.reference
            .as_ref()
            .is_some_and(|r| present(&r.kind) == Some("Forward"));
    let kind = if matches!(kind, "Call" | "3") {
        MessageKind::Call
    } else if let Some(file) = m
        .attachments
        .iter()
        .flatten()
        .find_map(|a| present(&a.file_name).or(present(&a.url)))
    {
        attachment_kind(file)
    } else if m.stickers.as_ref().is_some_and(|s| !s.is_empty()) {
        MessageKind::Sticker
    } else if forwarded {
        MessageKind::Forward
    } else {
        MessageKind::Text
    };
    let quote = match &m.reference {
        Some(r) if !forwarded => present(&r.message_id).map(|id| Quote {
            message_id: Some(id.to_string()),
            ..Quote::default()
        }),
        _ => None,
    };
    let mentions = mentioned
        .iter()
        .filter_map(|u| u.display())
        .map(str::to_string)
        .collect();
    cx.builder.message(NewMessage {
        time,
        group,
        sender: &sender,
        sender_name: name,
        kind,
        text: content,
        quote,
        mentions,
    });
}

fn event(
    cx: &mut Context<'_>,
    time: i64,
    group: GroupId,
    member: PersonRef,
    kind: MembershipKind,
    method: Option<JoinMethod>,
    actor: Option<PersonRef>,
) {
    cx.builder.membership(MembershipEvent {
        time,
        group,
        member,
        kind,
        method,
        actor,
    });
}

fn hint(cx: &mut Context<'_>, group: GroupId, person: &PersonRef, name: Option<&str>, time: i64) {
    if let Some(name) = name {
        cx.builder.name_hint(group, person, name, time);
    }
}

fn system_message(cx: &mut Context<'_>, group: GroupId, time: i64, text: &str) {
    cx.builder.system_message(group, time, text);
}

/// Kind of an attachment from its file name or URL.
fn attachment_kind(file: &str) -> MessageKind {
    let path = file.split(['?', '#']).next().unwrap_or(file);
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "heic" | "heif" | "avif" | "tif"
        | "tiff" => MessageKind::Image,
        "mp4" | "mov" | "webm" | "mkv" | "avi" | "m4v" => MessageKind::Video,
        // Discord voice messages are `voice-message.ogg`.
        "ogg" | "opus" if name.starts_with("voice-message") => MessageKind::Voice,
        _ => MessageKind::File,
    }
}

/// ISO 8601 with offset; else a local time in the configured zone.
fn parse_date(s: &str, cx: &mut Context<'_>) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(t) = parse_rfc3339(s) {
        return Some(t);
    }
    let civil = parse_local(s).or_else(|| parse_dce_legacy(s))?;
    cx.zone.to_epoch(civil)
}

/// `05-Dec-18 10:39 AM`: the `dd-MMM-yy hh:mm tt` default of old DCE versions (en-US).
fn parse_dce_legacy(s: &str) -> Option<Civil> {
    let (date, time) = s.split_once(' ')?;
    let mut d = date.split('-');
    let day: i8 = d.next()?.parse().ok()?;
    let month = d.next()?;
    let year: i16 = d.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| month.get(..3).is_some_and(|x| x.eq_ignore_ascii_case(m)))?
        as i8
        + 1;
    let year = if year < 100 { 2000 + year } else { year };
    let (clock, ampm) = time.trim().split_once(' ').unwrap_or((time.trim(), ""));
    let mut c = clock.split(':');
    let mut hour: i8 = c.next()?.parse().ok()?;
    let minute: i8 = c.next()?.parse().ok()?;
    let second: i8 = c.next().map_or(Some(0), |x| x.parse().ok())?;
    match ampm.trim().to_ascii_uppercase().as_str() {
        "AM" if hour == 12 => hour = 0,
        "PM" if hour < 12 => hour += 12,
        "AM" | "PM" | "" => {}
        _ => return None,
    }
    let valid = (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    // Reject 31-Feb and the like.
    let (y, m, dd) = crate::time::civil_from_days(days_from_civil(year, month, day));
    (valid && (y, m, dd) == (year as i64, month as u32, day as u32)).then_some(Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
    })
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Message<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Str<'a>>,
    #[serde(borrow)]
    timestamp: Option<Str<'a>>,
    #[serde(borrow)]
    content: Option<Str<'a>>,
    #[serde(borrow)]
    author: Option<User<'a>>,
    #[serde(borrow)]
    attachments: Option<Vec<Attachment<'a>>>,
    stickers: Option<Vec<IgnoredAny>>,
    #[serde(borrow)]
    mentions: Option<Vec<User<'a>>>,
    #[serde(borrow)]
    reference: Option<Reference<'a>>,
    forwarded_message: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct User<'a> {
    #[serde(borrow)]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    nickname: Option<Str<'a>>,
}

impl User<'_> {
    /// Server nickname, else user name.
    fn display(&self) -> Option<&str> {
        present(&self.nickname).or(present(&self.name))
    }

    fn person(&self) -> Option<(PersonRef, Option<&str>)> {
        match present(&self.id) {
            Some(id) => Some((PersonRef::Id(id.to_string()), self.display())),
            None => self
                .display()
                .map(|n| (PersonRef::Name(n.to_string()), None)),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Attachment<'a> {
    #[serde(borrow)]
    file_name: Option<Str<'a>>,
    #[serde(borrow)]
    url: Option<Str<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Reference<'a> {
    #[serde(borrow)]
    message_id: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    kind: Option<Str<'a>>,
}

// ---------------------------------------------------------------------------------------
// CSV

struct CsvParser {
    splitter: CsvSplitter,
    /// Set once the header is read.
    columns: Option<Columns>,
    group: Option<GroupId>,
}

impl FormatParser for CsvParser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let Self {
            splitter,
            columns,
            group,
        } = self;
        splitter.feed(text, false, |line, rec| {
            csv_row(line, rec, columns, group, cx)
        });
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let Self {
            splitter,
            columns,
            group,
        } = self;
        splitter.feed("", true, |line, rec| csv_row(line, rec, columns, group, cx));
    }
}

/// The channel id and name in DCE's default file name `Guild - Channel [id].csv` (also with
/// ` [part N]`); else the file name for both.
fn file_key(file_name: &str) -> (String, String) {
    let stem = file_stem(file_name).trim();
    let mut rest = stem;
    while let Some(open) = rest.rfind(" [") {
        let inner = rest[open + 2..].strip_suffix(']').unwrap_or("");
        if !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_digit()) {
            return (inner.to_string(), rest[..open].trim().to_string());
        }
        if !inner.starts_with("part ") {
            break;
        }
        rest = &rest[..open];
    }
    (stem.to_string(), stem.to_string())
}

fn csv_row(
    line: u64,
    rec: &CsvRecord<'_>,
    columns: &mut Option<Columns>,
    group: &mut Option<GroupId>,
    cx: &mut Context<'_>,
) {
    let Some(cols) = *columns else {
        let header: Vec<&str> = rec.iter().collect();
        match csv_header(&header.join(",")) {
            Some(c) => *columns = Some(c),
            None => {
                let found = shown(&header.join(","));
                cx.skip(line, Why::new(SkipCode::UnexpectedShape, &found, format!("expected the DiscordChatExporter header, found {found}")))
            }
        }
        return;
    };
    let field = |i: usize| rec.field(i).trim();
    let raw_time = field(cols.date);
    let Some(time) = parse_date(raw_time, cx) else {
        let raw = shown(raw_time);
        return cx.skip(line, Why::new(SkipCode::BadTime, format!("Date {raw}"), format!("unreadable Date {raw}")));
    };
    let author = strip_discriminator(field(cols.author));
    let id = cols.author_id.map(field).filter(|s| !s.is_empty());
    let (sender, name) = match (id, author.is_empty()) {
        (Some(id), _) => (
            PersonRef::Id(id.to_string()),
            Some(author).filter(|a| !a.is_empty()),
        ),
        (None, false) => (PersonRef::Name(author.to_string()), None),
        (None, true) => return cx.skip(line, Why::new(SkipCode::NoSender, "AuthorID, Author", "row has no AuthorID or Author")),
    };
    cx.row();
    let g = *group.get_or_insert_with(|| {
        let (key, name) = file_key(cx.file_name);
        cx.builder.group(Platform::Discord, &key, Some(&name))
    });
    let content = rec.field(cols.content);
    if let Some(tip) = csv_system(content) {
        hint(cx, g, &sender, name, time);
        match tip {
            Tip::Joined => event(
                cx,
                time,
                g,
                sender,
                MembershipKind::Join,
                Some(JoinMethod::Unknown),
                None,
            ),
            Tip::Added(who) => event(
                cx,
                time,
                g,
                PersonRef::Name(who.to_string()),
                MembershipKind::Join,
                Some(JoinMethod::Invite),
                Some(sender),
            ),
            Tip::Left => event(cx, time, g, sender, MembershipKind::Leave, None, None),
            Tip::Removed(who) => event(
                cx,
                time,
                g,
                PersonRef::Name(who.to_string()),
                MembershipKind::Removed,
                None,
                Some(sender),
            ),
            Tip::Call => {
                return cx.builder.message(NewMessage {
                    time,
                    group: g,
                    sender: &sender,
                    sender_name: name,
                    kind: MessageKind::Call,
                    text: content,
                    quote: None,
                    mentions: Vec::new(),
                })
            }
            Tip::Other => {}
        }
        return system_message(cx, g, time, content);
    }
    let attachments = field(cols.attachments);
    let kind = match attachments
        .split(',')
        .map(str::trim)
        .find(|a| !a.is_empty())
    {
        Some(first) => attachment_kind(first),
        None => MessageKind::Text,
    };
    let mentions = super::wecom_archive::mentions(content)
        .into_iter()
        .map(|m| {
            m.trim_end_matches([',', '.', '!', '?', ':', ';'])
                .to_string()
        })
        .filter(|m| !m.is_empty() && m != "everyone" && m != "here")
        .collect();
    cx.builder.message(NewMessage {
        time,
        group: g,
        sender: &sender,
        sender_name: name,
        kind,
        text: content,
        quote: None,
        mentions,
    });
}

/// `name#1234` → `name` (legacy discriminators; `#0` after the 2023 username migration).
fn strip_discriminator(author: &str) -> &str {
    match author.rsplit_once('#') {
        Some((name, d))
            if !name.is_empty()
                && !d.is_empty()
                && d.len() <= 4
                && d.bytes().all(|c| c.is_ascii_digit()) =>
        {
            name
        }
        _ => author,
    }
}

/// DCE's fallback text of a system message.
enum Tip<'a> {
    Joined,
    Added(&'a str),
    Left,
    Removed(&'a str),
    Call,
    Other,
}

fn csv_system(content: &str) -> Option<Tip<'_>> {
    let c = content.trim();
    let tip = match c {
        "Joined the server." => Tip::Joined,
        "Left the group." => Tip::Left,
        "Pinned a message." | "Changed the channel icon." | "Started a thread." => Tip::Other,
        _ => {
            if let Some(who) = c
                .strip_prefix("Added ")
                .and_then(|r| r.strip_suffix(" to the group."))
            {
                Tip::Added(who.trim())
            } else if let Some(who) = c
                .strip_prefix("Removed ")
                .and_then(|r| r.strip_suffix(" from the group."))
            {
                Tip::Removed(who.trim())
            } else if c.starts_with("Started a call that lasted ") && c.ends_with(" minutes.") {
                Tip::Call
            } else if c.starts_with("Changed the channel name: ") {
                Tip::Other
            } else {
                return None;
            }
        }
    };
    Some(tip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::json_scan::testing;
    use crate::ingest::qq_txt::run_parser;

    const CHANNEL: &str = include_str!("../../tests/fixtures/discord/Growth Srv - general [770000000000000001].json");

    /// The whole document held and walked when the file ends: how every export was read before
    /// messages were streamed, and how a held one still is.
    fn read_held(text: &str, cx: &mut Context<'_>) {
        read_json(&Json::new(text), cx);
    }

    #[test]
    fn streamed_messages_read_as_the_held_document_does() {
        let (m, stats) = testing::read_streamed(CHANNEL, CHANNEL, 4096, parser);
        assert_eq!((m.messages.len(), stats.skipped_count), (8, 1), "{stats:?}");
        testing::assert_streamed_as_held(CHANNEL, parser, read_held);
        // Two messages without the comma between them: said where, and nothing after is read.
        let second = CHANNEL.find("},\n    {").unwrap() + 1;
        let broken = format!("{}{}", &CHANNEL[..second], &CHANNEL[second + 1..]);
        let (_, stats) = testing::read_streamed(&broken, &broken, 4096, parser);
        assert_eq!(stats.skipped[0].reason, "not valid JSON (expected ',' or ']') after message #1; nothing after this point is read");
        testing::assert_streamed_as_held(&broken, parser, read_held);
    }

    #[test]
    fn a_channel_named_after_its_messages_is_held_and_read_the_same() {
        let guild = CHANNEL.lines().nth(1).unwrap();
        let later = CHANNEL.replacen(&format!("{guild}\n"), "", 1).replacen(
            "\"messageCount\": 9",
            &format!("\"messageCount\": 9, {}", guild.trim().trim_end_matches(',')),
            1,
        );
        let streamed = testing::read_with(|cx| {
            let mut p = parser(&later, "x.json");
            p.feed(&later, cx);
            assert!(p.held_text().is_some(), "held: the guild comes after the messages");
            p.finish(cx);
        });
        assert_eq!((streamed.0.messages.len(), streamed.0.groups[0].name.as_str()), (8, "Growth Srv - general"));
        assert_eq!(testing::shown(streamed), testing::shown(testing::read_with(|cx| read_held(&later, cx))));
    }

    #[test]
    fn file_names_give_the_channel() {
        assert_eq!(
            file_key("My Server - general [123456].csv"),
            ("123456".into(), "My Server - general".into())
        );
        assert_eq!(
            file_key("dir/S - c [77] [part 2].csv"),
            ("77".into(), "S - c".into())
        );
        assert_eq!(file_key("export.csv"), ("export".into(), "export".into()));
    }

    #[test]
    fn dates_and_authors() {
        let c = parse_dce_legacy("05-Dec-18 10:39 PM").unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute),
            (2018, 12, 5, 22, 39)
        );
        assert!(parse_dce_legacy("31-Feb-18 10:39 AM").is_none());
        assert_eq!(strip_discriminator("user_a#8778"), "user_a");
        assert_eq!(strip_discriminator("#hash#tag"), "#hash#tag");
        assert_eq!(
            attachment_kind("https://cdn/x/IMG.JPG?ex=1"),
            MessageKind::Image
        );
        assert_eq!(attachment_kind("voice-message.ogg"), MessageKind::Voice);
        assert_eq!(attachment_kind("report.pdf"), MessageKind::File);
    }

    #[test]
    fn sniffs_dce_and_not_other_formats() {
        assert!(sniff(
            "AuthorID,Author,Date,Content,Attachments,Reactions\n",
            "a.csv"
        ));
        assert!(sniff(
            "\u{FEFF}AuthorID,Author,Date,Content,Attachments,Reactions,Embeds\r\n",
            "a.csv"
        ));
        assert!(sniff("Author,Date,Content,Attachments\n", "a.csv"));
        assert!(!sniff(
            "AuthorID,Author,Date,Content,Attachments,Reactions,Mood\n",
            "a.csv"
        ));
        assert!(!sniff(
            "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n",
            "a.csv"
        ));
        assert!(sniff(
            r#"{"guild": {"id": "0"}, "channel": {"id": "1"}, "messages": []}"#,
            "a.json"
        ));
        assert!(!sniff(
            r#"{"name": "G", "type": "private_group", "id": 1, "messages": []}"#,
            "result.json"
        ));
        assert!(!sniff(
            r#"{"session": {"guild": 1}, "messages": []}"#,
            "w.json"
        ));
    }

    const DCE: &str = r#"{"guild": {"id": "9", "name": "Srv"}, "channel": {"id": "77", "name": "general"}, "messages": [
 {"id": "1", "type": "GuildMemberJoin", "timestamp": "2024-03-01T10:00:00+08:00", "content": "Joined the server.", "author": {"id": "a", "name": "ann"}},
 {"id": "2", "type": "Default", "timestamp": "2024-03-01T10:01:00+08:00", "content": "hi @bobby", "author": {"id": "a", "name": "ann", "nickname": "Ann"},
  "mentions": [{"id": "b", "name": "bob", "nickname": "bobby"}], "attachments": [{"fileName": "a.png", "url": "https://x/a.png"}]},
 {"id": "3", "type": "Reply", "timestamp": "2024-03-01 10:02:00", "content": "yo", "author": {"id": "b", "name": "bob"}, "reference": {"messageId": "2"}},
 {"id": "4", "type": "Default", "timestamp": "2024-03-01T10:03:00+08:00", "content": "no author"},
 {"id": "5", "timestamp": "2024-03-01T10:04:00+08:00", "content": bad}
]}"#;

    #[test]
    fn json_messages() {
        let (m, stats) = run_parser(parser(DCE, "x.json"), DCE, "x.json");
        assert_eq!(
            (stats.rows, stats.skipped_count),
            (3, 2),
            "{:?}",
            stats.skipped
        );
        assert_eq!(stats.skipped[0].line, 6);
        assert!(
            stats.skipped[0].reason.contains("message #4 has no author"),
            "{:?}",
            stats.skipped
        );
        assert_eq!(stats.skipped[1].line, 7);
        assert!(
            stats.skipped[1]
                .reason
                .contains("message #5 is not a valid JSON object"),
            "{:?}",
            stats.skipped
        );
        use MessageKind::*;
        assert_eq!(m.messages.kind, [System, Image, Text]);
        assert_eq!(
            m.messages.mentions.get(&1),
            Some(&vec!["bobby".to_string()])
        );
        assert_eq!(
            m.messages
                .quotes
                .get(&2)
                .and_then(|q| q.message_id.as_deref()),
            Some("2")
        );
        assert_eq!(
            m.messages.time[2],
            m.messages.time[1] + 60,
            "a local timestamp is read in Asia/Shanghai"
        );
        assert_eq!(
            (m.groups[0].key.as_str(), m.groups[0].name.as_str()),
            ("77", "Srv - general")
        );
        assert_eq!(m.memberships.len(), 1);
    }
}
