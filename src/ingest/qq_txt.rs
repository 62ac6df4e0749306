//! Classic PC QQ 消息管理器 TXT export (Windows QQ ≤ 9.7; format notes §9.1).
//!
//! ```text
//! 消息记录（此消息记录为文本格式，不支持重新导入）
//!
//! ================================================================
//! 消息分组:我的QQ群
//! ================================================================
//! 消息对象:{群名称}
//! ================================================================
//!
//! 2016-07-19 15:27:15 【管理员】{昵称}({QQ号})
//! {正文, may span lines}
//!
//! ```
//!
//! A `全部消息记录.txt` holds many `消息分组/消息对象` blocks: each 消息对象 is one group (or a
//! private chat), keyed by its *name* (the file has no group number). Records are a header
//! line `date time[ AM|PM] sender` and body lines up to the next header. The sender's id is
//! the *last* bracket group: `(QQ号)` or `<e-mail / phone>`; private chats and 讨论组 have
//! names only. `系统消息(10000)` bodies carry joins, removals, recalls and file shares.
//!
//! Body text can contain anything, including lines shaped like headers, so a line starts a
//! record only when it follows a blank line (every record ends with one) and matches the
//! whole header grammar, and — in a block whose senders have ids — when it has an id too.
//! Record lines end CRLF but breaks inside a message are bare LF: once the first header of
//! a file has ended CRLF, a line ending in a bare LF is never a header. (A file re-saved
//! with one kind of line end loses that signal; then, in a name-only block such as a
//! private chat, a body line after a blank line that reads exactly like a header still
//! starts a record: nothing else in the file tells the two apart.)
//!
//! A header-shaped line whose date or time does not exist (`2024-02-30 10:00:00 x(1)`,
//! `13:00:00 PM`) is reported as skipped, with its body: it stands where a header stands
//! (after a blank line, with the whole grammar), so it is far likelier a damaged record than
//! words of the previous message. Lines before the first record that are not the title or
//! a block header are skipped with their text; records before any `消息对象` block (a
//! one-chat export without it) go to a group named after the file.
//!
//! The shared QQ grey-tip sentences (joins, invitations, QR-code joins, leaves, removals,
//! recalls, pokes) of both QQ formats live here too ([`system_message`]).

use super::wechat_types::shown;
use super::wecom_archive::mentions;
use super::{Context, FormatParser, SkipCode, Why};
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef, Platform,
};
use crate::time::parse_local;

/// The title line every export starts with.
const TITLE: &str = "消息记录";

/// Does the head look like a 消息管理器 TXT (title line, or the block header without it)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    let first = head.trim_start().lines().next().unwrap_or("");
    (first.starts_with(TITLE) && first.contains("文本格式"))
        || (head.lines().take(20).any(|l| block_field(l, "消息对象").is_some()) && head.lines().any(is_separator))
}

/// A parser for one file.
pub fn parser(_head: &str, file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Parser { lines: Lines::default(), state: State::new(file_name) })
}

struct Parser {
    lines: Lines,
    state: State,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let state = &mut self.state;
        self.lines.feed(text, false, |n, line, end| state.line(n, line, end, cx));
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let state = &mut self.state;
        self.lines.feed("", true, |n, line, end| state.line(n, line, end, cx));
        state.flush(cx);
    }
}

/// How a line ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    CrLf,
    Lf,
    /// The last line of the file, without a line break.
    Eof,
}

/// Like [`super::LineSplitter`] (lines from pieces of any size, 1-based numbers, no
/// terminators), but also says how each line ended: this format tells record lines (CRLF)
/// from line breaks inside a message (bare LF) by it.
#[derive(Default)]
struct Lines {
    carry: String,
    line: u64,
}

impl Lines {
    fn feed(&mut self, text: &str, last: bool, mut on_line: impl FnMut(u64, &str, End)) {
        fn emit(n: u64, line: &str, on_line: &mut impl FnMut(u64, &str, End)) {
            match line.strip_suffix('\r') {
                Some(l) => on_line(n, l, End::CrLf),
                None => on_line(n, line, End::Lf),
            }
        }
        let mut rest = text;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', rest.as_bytes()) {
                Some(i) => {
                    self.carry.push_str(&rest[..i]);
                    rest = &rest[i + 1..];
                    self.line += 1;
                    let carry = std::mem::take(&mut self.carry);
                    emit(self.line, &carry, &mut on_line);
                }
                None => {
                    self.carry.push_str(rest);
                    rest = "";
                }
            }
        }
        while let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) {
            self.line += 1;
            emit(self.line, &rest[..i], &mut on_line);
            rest = &rest[i + 1..];
        }
        self.carry.push_str(rest);
        if last && !self.carry.is_empty() {
            self.line += 1;
            let carry = std::mem::take(&mut self.carry);
            on_line(self.line, carry.strip_suffix('\r').unwrap_or(&carry), End::Eof);
        }
    }
}

/// What the previous line was: headers and separators are only recognised after a gap.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    Blank,
    Separator,
    BlockField,
    Header,
    Text,
}

/// The record being read.
enum Current {
    None,
    /// A header whose time could not be read: its body lines are dropped with it.
    Skipping,
    Open(Record),
}

struct Record {
    time: i64,
    who: Who,
    /// Body lines, each followed by `\n`.
    body: String,
}

enum Who {
    System,
    Person { id: Option<String>, nick: String },
}

struct State {
    /// Group for records before any 消息对象 line: the file name without extension.
    fallback_name: String,
    group: Option<GroupId>,
    /// True once a sender with an id was seen in this block (a group): from then on a
    /// header-shaped line without an id is body text.
    ids_in_block: bool,
    /// How the file's first header ended: after a CRLF one, bare-LF lines are body text.
    header_end: Option<End>,
    prev: Prev,
    current: Current,
}

impl State {
    fn new(file_name: &str) -> Self {
        State {
            fallback_name: file_stem(file_name).to_string(),
            group: None,
            ids_in_block: false,
            header_end: None,
            prev: Prev::Start,
            current: Current::None,
        }
    }

    fn line(&mut self, n: u64, line: &str, end: End, cx: &mut Context<'_>) {
        let prev = std::mem::replace(&mut self.prev, Prev::Text);
        let after_gap = matches!(prev, Prev::Start | Prev::Blank | Prev::Separator | Prev::BlockField);
        if line.trim().is_empty() {
            self.prev = Prev::Blank;
            return self.body_line("");
        }
        if after_gap && is_separator(line) {
            self.flush(cx);
            self.prev = Prev::Separator;
            return;
        }
        if prev == Prev::Separator && self.block_line(line, cx) {
            self.prev = Prev::BlockField;
            return;
        }
        let lf_in_crlf_file = self.header_end == Some(End::CrLf) && end == End::Lf;
        if after_gap && !lf_in_crlf_file {
            if let Some(header) = parse_header(line) {
                if header.id.is_some() || !self.ids_in_block {
                    self.header_end.get_or_insert(end);
                    self.flush(cx);
                    self.open(n, header, cx);
                    self.prev = Prev::Header;
                    return;
                }
            }
        }
        if prev == Prev::Start && line.starts_with(TITLE) {
            self.prev = Prev::Start;
            return;
        }
        match &self.current {
            Current::Open(_) => self.body_line(line),
            Current::Skipping => {}
            Current::None => {
                let text = shown(line);
                cx.skip(n, Why::new(SkipCode::StrayText, &text, format!("text outside any message record: {text}")))
            }
        }
    }

    /// A `消息分组:` / `消息对象:` line after a separator; a 消息对象 starts a new group.
    fn block_line(&mut self, line: &str, cx: &mut Context<'_>) -> bool {
        if let Some(name) = block_field(line, "消息对象") {
            self.flush(cx);
            self.group = (!name.is_empty()).then(|| cx.builder.group(Platform::QQ, name, Some(name)));
            self.ids_in_block = false;
            return true;
        }
        block_field(line, "消息分组").is_some()
    }

    fn body_line(&mut self, line: &str) {
        if let Current::Open(r) = &mut self.current {
            r.body.push_str(line);
            r.body.push('\n');
        }
    }

    fn open(&mut self, n: u64, h: Header<'_>, cx: &mut Context<'_>) {
        let Some(time) = parse_local(h.stamp).and_then(|c| cx.zone.to_epoch(c)) else {
            let stamp = shown(h.stamp);
            cx.skip(n, Why::new(SkipCode::BadTime, &stamp, format!("record header has an impossible date or time {stamp}")));
            self.current = Current::Skipping;
            return;
        };
        let who = if h.is_system() {
            Who::System
        } else {
            self.ids_in_block |= h.id.is_some();
            Who::Person { id: h.id.map(str::to_string), nick: h.nick.to_string() }
        };
        self.current = Current::Open(Record { time, who, body: String::new() });
    }

    /// Emits the open record, if any.
    fn flush(&mut self, cx: &mut Context<'_>) {
        let Current::Open(r) = std::mem::replace(&mut self.current, Current::None) else { return };
        let group = self.group_for(cx);
        cx.row();
        let body = r.body.trim_end().trim_start_matches(['\r', '\n']);
        match r.who {
            Who::System => match file_share(body) {
                Some((who, file)) => message(cx, group, r.time, qq_person(who), None, MessageKind::File, file),
                None => {
                    system_message(cx, group, r.time, body);
                }
            },
            Who::Person { id: Some(id), nick } => {
                // A nick equal to the number means the nickname was not loaded: no name.
                let name = (!nick.is_empty() && nick != id).then_some(nick.as_str());
                message(cx, group, r.time, PersonRef::Id(id), name, body_kind(body), body);
            }
            Who::Person { id: None, nick } => {
                message(cx, group, r.time, PersonRef::Name(nick), None, body_kind(body), body);
            }
        }
    }

    fn group_for(&mut self, cx: &mut Context<'_>) -> GroupId {
        match self.group {
            Some(g) => g,
            None => {
                let name = if self.fallback_name.is_empty() { "QQ" } else { self.fallback_name.as_str() };
                let g = cx.builder.group(Platform::QQ, name, Some(name));
                self.group = Some(g);
                g
            }
        }
    }
}

/// Adds one member message (mentions read from text messages).
fn message(
    cx: &mut Context<'_>,
    group: GroupId,
    time: i64,
    sender: PersonRef,
    sender_name: Option<&str>,
    kind: MessageKind,
    text: &str,
) {
    let msg = NewMessage { time, group, sender: &sender, sender_name, kind, text, quote: None, mentions: Vec::new() };
    cx.builder.message_mentioning(msg, mentions);
}

/// A record header, split: `2016-07-19 15:27:15 【金融】小王(12345)`.
#[derive(Debug, PartialEq)]
struct Header<'a> {
    /// Date, time and AM/PM, for [`parse_local`].
    stamp: &'a str,
    /// The last bracket group: QQ number, e-mail or phone.
    id: Option<&'a str>,
    /// The nickname with `【title】` prefixes removed (may be empty).
    nick: &'a str,
}

impl Header<'_> {
    /// `系统消息(10000)` (also `(1000000)`): QQ's own notices.
    fn is_system(&self) -> bool {
        self.nick == "系统消息" || matches!(self.id, Some("10000" | "1000000"))
    }
}

/// Parses `YYYY-M-D H:MM:SS[ AM|PM] <sender>`, or `None` if the line is not a header.
fn parse_header(line: &str) -> Option<Header<'_>> {
    let b = line.as_bytes();
    let (mut i, mut hour) = (0, 0);
    // Year, month, day, hour, minute, second: digit counts and the separator after each.
    let fields = [(4, 4, b'-'), (1, 2, b'-'), (1, 2, b' '), (1, 2, b':'), (1, 2, b':'), (1, 2, b' ')];
    for (field, (min, max, sep)) in fields.into_iter().enumerate() {
        let digits = b.get(i..)?.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits < min || digits > max || b.get(i + digits) != Some(&sep) {
            return None;
        }
        if field == 3 {
            hour = b.get(i..i + digits)?.iter().fold(0u32, |h, d| h * 10 + u32::from(d - b'0'));
        }
        i += digits + 1;
    }
    let mut stamp_end = i - 1;
    let mut rest = line.get(i..)?;
    // `AM`/`PM` after a 12-hour hour is part of the time; after `0:` or `13:`… it is the
    // start of a nickname ("AM 小王") in a 24-hour export.
    if let Some(after) = ["AM ", "PM "].iter().find_map(|m| rest.strip_prefix(m)) {
        if (1..=12).contains(&hour) {
            stamp_end = i + 2;
            rest = after;
        }
    }
    let (id, nick) = split_sender(rest.trim_end());
    if id.is_none() && nick.is_empty() {
        return None;
    }
    Some(Header { stamp: &line[..stamp_end], id, nick: strip_titles(nick) })
}

/// Splits `nick(12345)` / `nick<a@b.com>` at the last bracket group; anything else is a name.
fn split_sender(s: &str) -> (Option<&str>, &str) {
    if let Some(inner) = s.strip_suffix(')') {
        if let Some(open) = inner.rfind('(') {
            let id = &inner[open + 1..];
            if !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) {
                return (Some(id), inner[..open].trim_end());
            }
        }
    }
    if let Some(inner) = s.strip_suffix('>') {
        if let Some(open) = inner.rfind('<') {
            let id = inner[open + 1..].trim();
            if !id.is_empty() {
                return (Some(id), inner[..open].trim_end());
            }
        }
    }
    (None, s.trim())
}

/// Removes leading `【群头衔】` prefixes (titles change; the person does not).
fn strip_titles(mut nick: &str) -> &str {
    while let Some(rest) = nick.strip_prefix('【') {
        match rest.find('】') {
            Some(end) => nick = rest[end + '】'.len_utf8()..].trim_start(),
            None => break,
        }
    }
    nick.trim()
}

fn is_separator(line: &str) -> bool {
    let line = line.trim_end();
    line.len() >= 32 && line.bytes().all(|c| c == b'=')
}

/// The value of a `label:value` block line (ASCII or full-width colon).
fn block_field<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(label)?;
    let value = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
    Some(value.trim())
}

/// The kind a body's placeholders say: only `[图片]` → image, only `[表情]` → sticker,
/// `[QQ红包]…` → red packet; anything with words is text.
fn body_kind(body: &str) -> MessageKind {
    let mut rest = body.trim();
    if rest.starts_with("[QQ红包]") {
        return MessageKind::RedPacket;
    }
    let (mut images, mut stickers) = (0, 0);
    loop {
        if let Some(r) = rest.strip_prefix("[图片]") {
            images += 1;
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix("[表情]") {
            stickers += 1;
            rest = r.trim_start();
        } else {
            break;
        }
    }
    match (rest.is_empty(), images, stickers) {
        (true, 1.., _) => MessageKind::Image,
        (true, 0, 1..) => MessageKind::Sticker,
        _ => MessageKind::Text,
    }
}

/// A system file-share notice `[图片] {QQ号} 分享文件 15:15:36\n"{file}" 下载`: who and what.
fn file_share(body: &str) -> Option<(&str, &str)> {
    let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
    let first = first.trim();
    let first = first.strip_prefix("[图片]").unwrap_or(first).trim_start();
    let who = first[..first.find(" 分享文件")?].trim();
    if who.is_empty() {
        return None;
    }
    let file = rest.trim();
    let file = match (file.find('"'), file.rfind('"')) {
        (Some(a), Some(b)) if b > a => &file[a + 1..b],
        _ => file,
    };
    Some((who, file))
}

/// The file name without directories and extension (the chat name of a one-chat export).
pub(crate) fn file_stem(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

// ---------------------------------------------------------------------------------------
// QQ grey tips, shared with the QQ NT exporter (format notes §9.1, §9.3).

/// What a grey tip states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tip {
    Join(JoinMethod),
    Leave,
    Removed,
    Recall,
    Pat,
}

/// Sentence patterns, most specific first: `(pattern, what, member capture, actor capture)`.
/// `{}` captures up to the first occurrence of the next literal; text after the last literal
/// is allowed (`。`, `，并附带了30条聊天记录。`, `（wording）`). Classic QQ says 本群, QQ NT 群聊.
/// The leave/removal wordings of QQ NT are not in the notes' samples (best guesses).
const TIPS: &[(&str, Tip, usize, Option<usize>)] = {
    use JoinMethod::{Invite, QrCode, Unknown};
    use Tip::*;
    &[
        ("{}通过{}分享的二维码加入了群聊", Join(QrCode), 0, Some(1)),
        ("{}通过{}的二维码加入了群聊", Join(QrCode), 0, Some(1)),
        ("{}邀请{}加入了群聊", Join(Invite), 1, Some(0)),
        ("{}邀请{}加入了本群", Join(Invite), 1, Some(0)),
        ("{}邀请{}加入本群", Join(Invite), 1, Some(0)),
        ("{}加入了群聊", Join(Unknown), 0, None),
        ("{}加入了本群", Join(Unknown), 0, None),
        ("{}加入本群", Join(Unknown), 0, None),
        // "管理员" names a role, not a person.
        ("{}被管理员移出本群", Removed, 0, None),
        ("{}被管理员移出了群聊", Removed, 0, None),
        ("{}被{}移出本群", Removed, 0, Some(1)),
        ("{}被{}移出了群聊", Removed, 0, Some(1)),
        ("{}被移出本群", Removed, 0, None),
        ("{}被移出群聊", Removed, 0, None),
        ("{}已退出本群", Leave, 0, None),
        ("{}退出了本群", Leave, 0, None),
        ("{}退出本群", Leave, 0, None),
        ("{}退出了群聊", Leave, 0, None),
        ("{}撤回了一条消息", Recall, 0, None),
        ("{}撤回了{}的消息", Recall, 0, None),
        ("{}戳了戳{}", Pat, 0, Some(1)),
        ("{}拍了拍{}", Pat, 0, Some(1)),
    ]
};

/// The captures of `pattern` in `text` (trimmed, non-empty), or `None` if it does not match.
fn captures<'t>(text: &'t str, pattern: &str) -> Option<Vec<&'t str>> {
    let mut literals = pattern.split("{}");
    let mut rest = text.strip_prefix(literals.next().unwrap_or(""))?;
    let mut caps = Vec::new();
    for literal in literals {
        let (cap, after) = if literal.is_empty() {
            (rest, "")
        } else {
            let at = rest.find(literal)?;
            (&rest[..at], &rest[at + literal.len()..])
        };
        let cap = cap.trim();
        if cap.is_empty() {
            return None;
        }
        caps.push(cap);
        rest = after;
    }
    Some(caps)
}

/// A person a grey tip names: "你" is the exporting account, a bare 5–11 digit number a QQ
/// number (QQ NT renders XML tips with numbers, the classic client shows a number when the
/// nickname was not loaded), anything else a display name resolved within the group.
fn qq_person(name: &str) -> PersonRef {
    let name = name.trim();
    if name == "你" {
        PersonRef::SelfAccount
    } else if (5..=11).contains(&name.len()) && name.bytes().all(|c| c.is_ascii_digit()) {
        PersonRef::Id(name.to_string())
    } else {
        PersonRef::Name(name.to_string())
    }
}

/// Records a QQ system message: its membership event, if the sentence states one, and the
/// message itself (sender [`PersonRef::System`]; kind Recall / Pat / System). Returns
/// whether the sentence stated a membership change.
pub(crate) fn system_message(cx: &mut Context<'_>, group: GroupId, time: i64, text: &str) -> bool {
    let first_line = text.lines().next().unwrap_or("").trim();
    let found = TIPS.iter().find_map(|(p, tip, m, a)| captures(first_line, p).map(|c| (*tip, c, *m, *a)));
    let kind = match found {
        Some((Tip::Recall, ..)) => MessageKind::Recall,
        Some((Tip::Pat, ..)) => MessageKind::Pat,
        _ => MessageKind::System,
    };
    let mut stated = false;
    if let Some((tip, caps, member, actor)) = found {
        let membership = match tip {
            Tip::Join(method) => Some((MembershipKind::Join, Some(method))),
            Tip::Leave => Some((MembershipKind::Leave, None)),
            Tip::Removed => Some((MembershipKind::Removed, None)),
            Tip::Recall | Tip::Pat => None,
        };
        if let (Some((kind, method)), Some(who)) = (membership, caps.get(member)) {
            cx.builder.membership(MembershipEvent {
                time,
                group,
                member: qq_person(who),
                kind,
                method,
                actor: actor.and_then(|a| caps.get(a)).map(|a| qq_person(a)),
            });
            stated = true;
        }
    }
    message(cx, group, time, PersonRef::System, None, kind, text);
    stated
}

/// Runs a parser over `text` in one piece, for the QQ parsers' model-level tests.
#[cfg(test)]
pub(crate) fn run_parser(
    mut parser: Box<dyn FormatParser>,
    text: &str,
    file_name: &str,
) -> (crate::model::Model, super::FileStats) {
    let mut builder = crate::model::ModelBuilder::new();
    let mut zone = crate::time::Zone::new(crate::time::DEFAULT_TIMEZONE).unwrap();
    let mut stats = super::FileStats::default();
    let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name };
    parser.feed(text, &mut cx);
    parser.finish(&mut cx);
    (builder.finish(), stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_golden_file_message_by_message() {
        let text = include_str!("../../tests/fixtures/qq/全部消息记录.txt").trim_start_matches('\u{FEFF}');
        let (m, stats) = run_parser(parser(text, "全部消息记录.txt"), text, "全部消息记录.txt");
        assert_eq!((stats.rows, stats.skipped_count), (15, 1));
        use MessageKind::*;
        let kinds: Vec<MessageKind> = m.messages.kind.clone();
        assert_eq!(
            kinds,
            [Text, Text, Image, Sticker, Text, RedPacket, System, System, Text, Recall, File, System, Text, Text, Text]
        );
        let texts: Vec<&str> = (0..m.messages.len()).map(|i| m.messages.text(i)).collect();
        assert_eq!(
            texts[4],
            "第一行：请看\n2024-03-01 10:16:00 老张(10001)\n\n2024-03-01 10:17:00 备注说明\n@老张 辛苦了"
        );
        assert_eq!(m.messages.mentions.get(&4), Some(&vec!["老张".to_string()]));
        assert_eq!(texts[10], "发票清单.xlsx");
        assert_eq!((texts[12], texts[13]), ("周末聚餐？", ""), "the second body is empty");
        assert_eq!(texts[14], "好的\n老地方见");
        assert_eq!(m.memberships.len(), 3);
    }

    #[test]
    fn headers_follow_the_whole_grammar() {
        let h = parse_header("2016-07-20 0:00:37 大数据-小王<member.d@qq.com>").unwrap();
        assert_eq!(h, Header { stamp: "2016-07-20 0:00:37", id: Some("member.d@qq.com"), nick: "大数据-小王" });
        let h = parse_header("2019-09-23 8:43:38 PM 骰娘-Roll100(123456)").unwrap();
        assert_eq!((h.stamp, h.id, h.nick), ("2019-09-23 8:43:38 PM", Some("123456"), "骰娘-Roll100"));
        let h = parse_header("2016-07-21 14:22:17 【金融】【管理员】 小李(22334455)").unwrap();
        assert_eq!(h.nick, "小李");
        let h = parse_header("2020-01-01 1:2:3 名字(带(嵌套)括号) (0012345)").unwrap();
        assert_eq!((h.id, h.nick), (Some("0012345"), "名字(带(嵌套)括号)"));
        let h = parse_header("2016-07-19 23:51:24 (10001)").unwrap();
        assert_eq!((h.id, h.nick), (Some("10001"), ""));
        let h = parse_header("2019-01-01 12:00:00 老同学(备注)").unwrap();
        assert_eq!((h.id, h.nick), (None, "老同学(备注)"));
        for not in ["2016-07-19 会议纪要", "2016-07-19 15:27:15", "2016-07-19 15:27:15 ", "16-07-19 1:00:00 x(1)"] {
            assert_eq!(parse_header(not), None, "{not}");
        }
    }

    #[test]
    fn placeholders_decide_the_kind() {
        assert_eq!(body_kind("[图片]"), MessageKind::Image);
        assert_eq!(body_kind("[图片][图片]"), MessageKind::Image);
        assert_eq!(body_kind("[表情]"), MessageKind::Sticker);
        assert_eq!(body_kind("我的好[表情]"), MessageKind::Text);
        assert_eq!(body_kind("[QQ红包]我发了一个“专享红包”"), MessageKind::RedPacket);
        assert_eq!(body_kind(""), MessageKind::Text);
    }

    #[test]
    fn grey_tips_of_both_clients() {
        fn tip(t: &str) -> Option<(Tip, &str, Option<&str>)> {
            TIPS.iter().find_map(|(p, tip, m, a)| captures(t, p).map(|c| (*tip, c[*m], a.map(|a| c[a]))))
        }
        assert_eq!(tip("小王加入本群"), Some((Tip::Join(JoinMethod::Unknown), "小王", None)));
        assert_eq!(tip("老张邀请小王加入了本群。"), Some((Tip::Join(JoinMethod::Invite), "小王", Some("老张"))));
        assert_eq!(
            tip("小王通过老张分享的二维码加入了群聊"),
            Some((Tip::Join(JoinMethod::QrCode), "小王", Some("老张")))
        );
        assert_eq!(
            tip("10001邀请10002加入了群聊，并附带了30条聊天记录。"),
            Some((Tip::Join(JoinMethod::Invite), "10002", Some("10001")))
        );
        assert_eq!(tip("小王被管理员移出本群"), Some((Tip::Removed, "小王", None)));
        assert_eq!(tip("小王 撤回了一条消息（重新编辑）"), Some((Tip::Recall, "小王", None)));
        assert_eq!(tip("你已是群成员"), None);
        assert_eq!(qq_person("你"), PersonRef::SelfAccount);
        assert_eq!(qq_person("10001"), PersonRef::Id("10001".into()));
    }

    #[test]
    fn file_shares_name_the_sharer_and_the_file() {
        assert_eq!(
            file_share("[图片] 123456 分享文件 15:15:36\n\"Quality intern JD.docx\" 下载"),
            Some(("123456", "Quality intern JD.docx"))
        );
        assert_eq!(file_share("小王加入本群"), None);
    }

    #[test]
    fn file_stems() {
        assert_eq!(file_stem("C:\\导出\\会计群.txt"), "会计群");
        assert_eq!(file_stem("a/b.c.txt"), "b.c");
        assert_eq!(file_stem(".txt"), ".txt");
    }
}
