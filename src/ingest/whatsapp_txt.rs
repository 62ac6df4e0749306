//! WhatsApp "Export chat" `.txt`, Android and iOS, any common locale (format notes §2.1).
//!
//! ```text
//! Android:  [LRM]DATE, TIME[ AMPM] - AUTHOR: TEXT        system: DATE, TIME - TEXT
//! iOS:      [LRM][DATE, TIME[ AMPM]] AUTHOR: [LRM]TEXT    system: often "<group name>: [LRM]TEXT"
//! old:      DATE TIME:SS: AUTHOR: TEXT
//! ```
//!
//! **Header grammar** (tokenised, not one regex): three numbers separated by `/`, `.` or `-`
//! (optionally followed by spaces, `13. 6. 2018.` style), an optional comma, a 12-hour marker
//! *before* the time (`上午/下午`, `午前/午後`, `오전/오후`, Chinese and Korean phones) or
//! *after* it (`AM/PM`, `am/pm`, `a.m./p.m.`, `a. m./p. m.` with NBSP, `vorm./nachm.`,
//! `上午/下午` zh-TW style), `H:MM[:SS]` or `H.MM[.SS]`, then `] ` (iOS), ` - ` (Android) or `: `
//! (old exports, seconds required). U+200E/U+200F/U+202A–E/U+2066–9/U+FEFF are ignored,
//! U+00A0/U+202F/U+2009 count as spaces. The first header fixes the file's style (bracket,
//! dash or colon): a line in another style is message text (a pasted iOS line in an Android
//! chat). Everything up to the next header is the message (multi-line bodies). Author and text
//! are split at the first `": "`; a candidate author holding a quote character is part of a
//! system sentence (`X changed the subject from "a: b" …`).
//!
//! **Date order** is not in the file. A four-digit (or > 31) first number is a year
//! (`yyyy/m/d`); otherwise the year is last and day/month order is decided for the **whole
//! file**: a first number > 12 means day-first, a second number > 12 month-first. Records are
//! buffered compactly (numbers, time and one text arena per ~1 MiB block, ~32 bytes of
//! bookkeeping per record) until that happens, then written in file order, and from then on
//! each record is written as soon as it is complete — so peak memory is the model plus at most
//! the undecided prefix, and blocks are freed while they are written. A later line that
//! contradicts the decided order is skipped with its reason. If the file never decides, at the
//! end: the chronological order votes (within a year the month never goes down, so a first
//! number that decreases between consecutive records is the day); if that is a tie too, the
//! default is **day-first, unless the times carry uppercase `AM`/`PM`** (the en-US/en-PH
//! rendering, whose dates are month-first; en-GB/en-IN/en-AU write lowercase `am/pm` with
//! day-first dates, and most other locales are day-first). This fallback is a silent
//! decision, not a skip.
//!
//! Two-digit years are 20YY; Buddhist-era years (> 2400) lose 543. Times are the phone's wall
//! clock, read in the configured zone.
//!
//! **People**: names only, except phone numbers (`+49 151 2345678`, possibly wrapped in bidi
//! marks, `~ ` prefix for non-contacts on iOS), which become `PersonRef::Id("+491512345678")`
//! with the name as written. `You`/`you`/`Du`/`dich`/`您`/`你` in system sentences are the
//! exporting account.
//!
//! **System lines** (no author on Android; on iOS the "author" is the group name, or the line
//! is a known sentence whose subject is the author, or a known sentence behind U+200E) become
//! System messages; English, German and Chinese (zh-CN and zh-TW wordings, best effort: the
//! notes have no first-hand Chinese exports) sentences for created / added / joined by link /
//! left / removed / renamed become membership events and group renames. Attachments
//! (`<Media omitted>`, `image omitted`, `<attached: …>`, `<附件：…>`, `… (file attached)`, …)
//! get the kind the marker or file name says, else File; deleted messages are Recall.
//!
//! The group key is the file name without extension, `WhatsApp Chat with ` (and localised
//! forms) removed; an iOS `_chat.txt` inside a zip takes the zip's name.
//!
//! **Pieces** (see [`super::pieces`]): a large UTF-8 file is continued by other readers at
//! message headers once its style is known and no undecided record is held back; a
//! continuation carries the style, the date order (if decided) and the group's names so far.
//! A piece that meets a year-last date while the order is still open is refused, and one that
//! changes what it was given (decides the order, renames the group) ends the parallel part.

use super::wechat_types::shown;
use super::wecom_archive::mentions;
use serde::{Deserialize, Serialize};

use super::pieces::ParserSeed;
use super::{Context, FormatParser, LineSplitter, SkipCode, Why};
use crate::model::{
    GroupId, JoinMethod, MembershipEvent, MembershipKind, MessageKind, NewMessage, PersonRef,
    Platform,
};
use crate::model::ModelBuilder;
use crate::time::{days_from_civil, Civil};

/// Does the head look like a WhatsApp export: is one of its first three non-blank lines a
/// message header (a stray title line or BOM junk may come first)?
pub fn sniff(head: &str, _file_name: &str) -> bool {
    head.lines()
        .filter(|l| !strip_marks(l).trim().is_empty())
        .take(3)
        .any(|l| parse_header(l, None).is_some())
}

/// A fresh parser for one file.
pub fn parser(_head: &str, file_name: &str) -> Box<dyn FormatParser> {
    let (key, name) = group_key(file_name);
    Box::new(Parser { lines: LineSplitter::new(), st: State::new(key, name) })
}

/// What a reader continuing a file at a message header needs (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seed {
    group_key: String,
    group_name: String,
    known_names: Vec<String>,
    style: Style,
    order: Option<Order>,
    decided_at: u64,
    /// Uppercase AM/PM seen while the order is open (the fallback's tie-break).
    upper_ampm: bool,
}

impl Seed {
    /// How the file's header lines are written: where its records start.
    pub(super) fn style(&self) -> Style {
        self.style
    }
}

/// A parser continuing a file at a message header from `seed`.
pub(crate) fn continue_from(seed: &Seed, builder: &mut ModelBuilder) -> Box<dyn FormatParser> {
    let mut st = State::new(seed.group_key.clone(), seed.group_name.clone());
    st.group = Some(builder.group(Platform::WhatsApp, &seed.group_key, Some(&seed.group_name)));
    st.known_names = seed.known_names.clone();
    st.style = Some(seed.style);
    st.order = seed.order;
    st.decided_at = seed.decided_at;
    st.upper_ampm = seed.upper_ampm;
    st.continued = true;
    Box::new(Parser { lines: LineSplitter::new(), st })
}

/// Whether a line is a message header in `style`, decided as the parser decides: `bytes` is the
/// whole line (`complete`, without its line break) or its first bytes, which count only when
/// the header ends inside them. Cuts a file into pieces at raw UTF-8 bytes.
pub(super) fn starts_message(bytes: &[u8], complete: bool, style: Style) -> bool {
    let (text, complete) = match std::str::from_utf8(bytes) {
        Ok(text) => (text, complete),
        // Undecodable bytes read as U+FFFD: only a header wholly before them counts.
        Err(e) => (std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(), false),
    };
    let line = if complete { text.strip_suffix('\r').unwrap_or(text) } else { text };
    parse_header(line, Some(style)).is_some_and(|h| complete || !h.rest.is_empty())
}

struct Parser {
    lines: LineSplitter,
    st: State,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        let st = &mut self.st;
        self.lines.feed(text, false, |n, line| st.line(n, line, cx));
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let st = &mut self.st;
        self.lines.feed("", true, |n, line| st.line(n, line, cx));
        if st.order.is_none() {
            st.order = Some(st.fallback_order());
        }
        st.drain(cx);
    }

    fn at_boundary(&mut self, cx: &mut Context<'_>) -> Option<u64> {
        let lines = self.lines.lines_at_line_start()?;
        // Held-back records whose date order is still open cannot be written yet.
        if self.st.needs_order {
            return None;
        }
        // The next line is a header: the open record is complete.
        self.st.drain(cx);
        Some(lines)
    }

    fn read_soundly(&self) -> bool {
        !self.st.unsure
    }

    fn skip_lines(&mut self, lines: u64) {
        self.lines.skip_lines(lines);
    }

    fn seed(&self) -> Option<ParserSeed> {
        let st = &self.st;
        if st.needs_order || st.unsure {
            return None;
        }
        // Before the first record is written the group's names are the ones it starts with.
        let known_names = if st.group.is_some() { st.known_names.clone() } else { st.initial_names() };
        Some(ParserSeed::WhatsApp(Seed {
            group_key: st.group_key.clone(),
            group_name: st.group_name.clone(),
            known_names,
            style: st.style?,
            order: st.order,
            decided_at: st.decided_at,
            upper_ampm: st.order.is_none() && st.upper_ampm,
        }))
    }
}

// ---------------------------------------------------------------------------------------
// Header grammar.

/// How a file writes its headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Style {
    /// iOS `[date, time] `.
    Bracket,
    /// Android `date, time - `.
    Dash,
    /// Old `date time: `.
    Colon,
}

/// Day/month order of year-last dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Order {
    DayFirst,
    MonthFirst,
}

#[derive(Debug, PartialEq)]
struct Header<'a> {
    /// The three date numbers as written.
    f: [u16; 3],
    /// The first number has four digits or is > 31: `yyyy/m/d`.
    year_first: bool,
    /// Hour (24 h, marker applied), minute, second.
    hms: [u8; 3],
    /// Uppercase `AM`/`PM` (en-US).
    upper_ampm: bool,
    style: Style,
    /// Everything after the header: `Author: text` or a system sentence.
    rest: &'a str,
}

/// Invisible direction/format marks WhatsApp scatters around.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{200B}')
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{00A0}' | '\u{202F}' | '\u{2009}') || is_mark(c)
}

fn strip_marks(s: &str) -> &str {
    // Every mark is outside ASCII: most lines are settled by their first byte.
    if s.as_bytes().first().is_none_or(u8::is_ascii) {
        return s;
    }
    s.trim_start_matches(is_mark)
}

fn skip_spaces(s: &str) -> &str {
    if s.as_bytes().first().is_none_or(|&b| b.is_ascii() && b != b' ' && b != b'\t') {
        return s;
    }
    s.trim_start_matches(is_space)
}

/// Leading ASCII digits (at most `max`): value and count.
fn number(s: &str, max: usize) -> Option<(u32, usize)> {
    let n = s
        .bytes()
        .take(max + 1)
        .take_while(u8::is_ascii_digit)
        .count();
    if n == 0 || n > max {
        return None;
    }
    let value = s.bytes().take(n).fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    Some((value, n))
}

/// A 12-hour marker at the start of `s`: (is PM, uppercase AM/PM, rest).
fn marker(s: &str) -> Option<(bool, bool, &str)> {
    // Markers start with a non-ASCII character or one of these letters.
    let first = *s.as_bytes().first()?;
    if first.is_ascii() && !matches!(first, b'a' | b'A' | b'p' | b'P' | b'v' | b'n') {
        return None;
    }
    for (m, pm) in [
        ("上午", false),
        ("下午", true),
        ("午前", false),
        ("午後", true),
        ("오전", false),
        ("오후", true),
    ] {
        if let Some(r) = s.strip_prefix(m) {
            return Some((pm, false, r));
        }
    }
    for (m, pm) in [("vorm.", false), ("nachm.", true)] {
        if let Some(r) = s.strip_prefix(m) {
            return Some((pm, false, r));
        }
    }
    let mut it = s.char_indices();
    let (_, first) = it.next()?;
    let pm = match first {
        'a' | 'A' => false,
        'p' | 'P' => true,
        _ => return None,
    };
    let mut rest = &s[1..];
    let mut dotted = false;
    if let Some(r) = rest.strip_prefix('.') {
        rest = skip_spaces(r);
        dotted = true;
    }
    let m = rest.chars().next()?;
    if m != 'm' && m != 'M' {
        return None;
    }
    rest = &rest[1..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r;
        dotted = true;
    }
    // The marker must end here (not "Amsterdam").
    if rest.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some((pm, !dotted && first.is_ascii_uppercase() && m == 'M', rest))
}

/// Parses a header line; `style` (once known) restricts the accepted form.
fn parse_header(line: &str, style: Option<Style>) -> Option<Header<'_>> {
    let mut s = strip_marks(line);
    let bracket = if let Some(r) = s.strip_prefix('[') {
        s = strip_marks(r);
        true
    } else {
        false
    };
    if style.is_some_and(|st| (st == Style::Bracket) != bracket) {
        return None;
    }
    // Date: n sep n sep n, sep one of / . - (spaces and RLM allowed after a separator).
    let (a, na) = number(s, 4)?;
    s = &s[na..];
    let sep = s.chars().next().filter(|c| matches!(c, '/' | '.' | '-'))?;
    s = skip_spaces(&s[1..]);
    let (b, nb) = number(s, 2)?;
    s = s[nb..].trim_start_matches(is_mark);
    s = skip_spaces(s.strip_prefix(sep)?);
    let (c, nc) = number(s, 4)?;
    s = &s[nc..];
    if na == 4 && nc == 4 || na == 3 || nc == 3 {
        return None;
    }
    if sep == '.' {
        s = s.strip_prefix('.').unwrap_or(s);
    }
    s = s.trim_start_matches(is_mark);
    let had_comma = if let Some(r) = s.strip_prefix(',') {
        s = r;
        true
    } else {
        false
    };
    let before = s.len();
    s = skip_spaces(s);
    if s.len() == before && !had_comma {
        // Date and time need a separator.
        if marker(s).is_none() {
            return None;
        }
    }
    // Optional marker before the time (zh / ja / ko).
    let mut ampm: Option<bool> = None;
    let mut upper = false;
    if let Some((pm, _, r)) =
        marker(s).filter(|_| !s.starts_with(|c: char| c.is_ascii_alphabetic()))
    {
        ampm = Some(pm);
        s = skip_spaces(r);
    }
    let (h, nh) = number(s, 2)?;
    s = &s[nh..];
    let tsep = s.chars().next().filter(|c| matches!(c, ':' | '.'))?;
    s = &s[1..];
    let (m, nm) = number(s, 2)?;
    if nm != 2 {
        return None;
    }
    s = &s[2..];
    let mut sec = 0;
    let mut has_seconds = false;
    if let Some(r) = s.strip_prefix(tsep) {
        if let Some((v, 2)) = number(r, 2) {
            sec = v;
            has_seconds = true;
            s = &r[2..];
        }
    }
    if ampm.is_none() {
        let t = skip_spaces(s);
        if let Some((pm, up, r)) = marker(t) {
            ampm = Some(pm);
            upper = up;
            s = r;
        }
    }
    let (found_style, rest) = if bracket {
        let r = skip_spaces(s).strip_prefix(']')?;
        (Style::Bracket, skip_spaces(r))
    } else if let Some(r) = skip_spaces(s).strip_prefix('-') {
        // ` - ` with at least one space before the dash.
        if skip_spaces(s).len() == s.len() {
            return None;
        }
        let r2 = skip_spaces(r);
        if r2.len() == r.len() && !r.is_empty() {
            return None;
        }
        (Style::Dash, r2)
    } else if let Some(r) = s.strip_prefix(": ").filter(|_| has_seconds) {
        (Style::Colon, r)
    } else {
        return None;
    };
    if style.is_some_and(|st| st != found_style) {
        return None;
    }
    let mut hour = h;
    if let Some(pm) = ampm {
        if hour > 12 {
            // "13:00 PM": already 24-hour.
        } else if pm && hour < 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    }
    if hour > 23 || m > 59 || sec > 59 {
        return None;
    }
    Some(Header {
        f: [a as u16, b as u16, c as u16],
        year_first: na == 4 || a > 31,
        hms: [hour as u8, m as u8, sec as u8],
        upper_ampm: upper,
        style: found_style,
        rest,
    })
}

fn full_year(y: u32) -> Option<i16> {
    let y = match y {
        0..=99 => 2000 + y,
        1900..=2399 => y,
        2400..=2999 => y - 543, // Buddhist era (th)
        _ => return None,
    };
    Some(y as i16)
}

// ---------------------------------------------------------------------------------------
// Buffered records.

/// One record waiting for the date order, or for its last continuation line.
struct Rec {
    /// Line number (saturating at `u32::MAX`).
    line: u32,
    f: [u16; 3],
    hms: [u8; 3],
    year_first: bool,
    /// Byte length of the author in the block text (`u16::MAX`: no author, a system line).
    author_len: u16,
    start: u32,
    len: u32,
}

/// A block of records and their text (author followed by body), freed once written.
#[derive(Default)]
struct Block {
    recs: Vec<Rec>,
    text: String,
}

#[derive(Default)]
struct Buffer {
    blocks: Vec<Block>,
}

const BLOCK_TEXT: usize = 1 << 20;

impl Buffer {
    fn push(&mut self, rec_line: u64, h: &Header<'_>, author: Option<&str>, body: &str) {
        if self
            .blocks
            .last()
            .is_none_or(|b| b.text.len() >= BLOCK_TEXT || b.text.len() > u32::MAX as usize / 2)
        {
            self.blocks.push(Block::default());
        }
        let Some(b) = self.blocks.last_mut() else {
            return;
        };
        let start = b.text.len();
        let author_len = match author {
            // split_author caps authors at 100 characters (≤ 400 bytes).
            Some(a) if a.len() < u16::MAX as usize => {
                b.text.push_str(a);
                a.len() as u16
            }
            _ => u16::MAX,
        };
        b.text.push_str(body);
        b.recs.push(Rec {
            line: rec_line.min(u32::MAX as u64) as u32,
            f: h.f,
            hms: h.hms,
            year_first: h.year_first,
            author_len,
            start: start as u32,
            len: (b.text.len() - start) as u32,
        });
    }

    /// Appends a continuation line to the last record.
    fn continue_last(&mut self, line: &str) {
        if let Some(b) = self.blocks.last_mut() {
            if let Some(r) = b.recs.last_mut() {
                b.text.push('\n');
                b.text.push_str(line);
                r.len = (b.text.len() - r.start as usize) as u32;
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.recs.is_empty())
    }
}

struct State {
    group_key: String,
    group_name: String,
    group: Option<GroupId>,
    /// Names the group had (creation, renames): iOS system lines use them as the author.
    known_names: Vec<String>,
    style: Option<Style>,
    order: Option<Order>,
    /// Chronological votes [day-first, month-first] (a decreasing day within a year).
    votes: [u32; 2],
    upper_ampm: bool,
    /// Previous year-last date (f1, f2, year).
    prev: Option<[u16; 3]>,
    buffer: Buffer,
    /// A record is open (continuation lines go to it).
    open: bool,
    /// The buffer holds a year-last record whose order is not yet known.
    needs_order: bool,
    /// Line that decided the order.
    decided_at: u64,
    /// A piece's parser (it continues a file another reader started).
    continued: bool,
    /// A piece met a year-last date before the order was known: it cannot be read exactly.
    unsure: bool,
}

impl State {
    fn new(group_key: String, group_name: String) -> Self {
        State {
            group_key,
            group_name,
            group: None,
            known_names: Vec::new(),
            style: None,
            order: None,
            votes: [0, 0],
            upper_ampm: false,
            prev: None,
            buffer: Buffer::default(),
            open: false,
            needs_order: false,
            decided_at: 0,
            continued: false,
            unsure: false,
        }
    }

    /// The names the group is known by before any rename: its key and file-given name.
    fn initial_names(&self) -> Vec<String> {
        let mut names = vec![self.group_key.clone()];
        if self.group_name != self.group_key {
            names.push(self.group_name.clone());
        }
        names
    }

    fn line(&mut self, n: u64, line: &str, cx: &mut Context<'_>) {
        if let Some(h) = parse_header(line, self.style) {
            self.style = Some(h.style);
            self.header(n, h, cx);
            return;
        }
        if self.open {
            self.buffer.continue_last(line);
        } else if !strip_marks(line).trim().is_empty() {
            let text = shown(line);
            let reason = format!("text before the first message header (expected \"date, time - name: text\"): {text}");
            cx.skip(n, Why::new(SkipCode::StrayText, text, reason));
        }
    }

    fn header(&mut self, n: u64, h: Header<'_>, cx: &mut Context<'_>) {
        self.upper_ampm |= h.upper_ampm;
        if !h.year_first {
            let [a, b, y] = h.f;
            if self.continued && self.order.is_none() {
                self.unsure = true;
            }
            if self.order.is_none() {
                if a > 12 && b <= 12 {
                    self.order = Some(Order::DayFirst);
                    self.decided_at = n;
                } else if b > 12 && a <= 12 {
                    self.order = Some(Order::MonthFirst);
                    self.decided_at = n;
                }
            }
            if let Some([pa, pb, py]) = self.prev {
                if py == y {
                    if a < pa {
                        self.votes[0] += 1;
                    }
                    if b < pb {
                        self.votes[1] += 1;
                    }
                }
            }
            self.prev = Some(h.f);
        }
        // Every buffered record is complete now; write them if their dates can be read.
        if self.order.is_some() || !self.needs_order {
            self.drain(cx);
        }
        if !h.year_first && self.order.is_none() {
            self.needs_order = true;
        }
        let rest = h.rest;
        let (author, body) = match split_author(rest) {
            Some((a, b)) => (Some(a), b),
            None => (None, rest),
        };
        self.buffer.push(n, &h, author, body);
        self.open = true;
    }

    fn fallback_order(&self) -> Order {
        let [day, month] = self.votes;
        if day > month {
            Order::DayFirst
        } else if month > day {
            Order::MonthFirst
        } else if self.upper_ampm {
            Order::MonthFirst
        } else {
            Order::DayFirst
        }
    }

    /// Writes every buffered record, freeing blocks as it goes.
    fn drain(&mut self, cx: &mut Context<'_>) {
        if self.buffer.is_empty() {
            return;
        }
        let mut blocks = std::mem::take(&mut self.buffer.blocks);
        let mut keep: Option<Block> = None;
        for mut block in blocks.drain(..) {
            for r in &block.recs {
                let text = &block.text[r.start as usize..(r.start + r.len) as usize];
                let (author, body) = if r.author_len == u16::MAX {
                    (None, text)
                } else {
                    let (a, b) = text.split_at(r.author_len as usize);
                    (Some(a), b)
                };
                self.emit(r, author, body, cx);
            }
            // Keep one small block's allocation for the next records.
            if keep.is_none() && block.text.capacity() <= BLOCK_TEXT * 2 {
                block.recs.clear();
                block.text.clear();
                keep = Some(block);
            }
        }
        // The list's own allocation is kept too (drained after every header).
        blocks.extend(keep);
        self.buffer.blocks = blocks;
        self.needs_order = false;
        self.open = false;
    }

    fn civil(&self, r: &Rec) -> Result<Civil, Why> {
        let [a, b, c] = r.f;
        let (y, m, d, how) = if r.year_first {
            (a as u32, b, c, "year/month/day")
        } else {
            match self.order.unwrap_or(Order::DayFirst) {
                Order::DayFirst => (c as u32, b, a, "day/month/year"),
                Order::MonthFirst => (c as u32, a, b, "month/day/year"),
            }
        };
        let bad = || {
            let decided = if r.year_first {
                String::new()
            } else if self.decided_at > 0 {
                format!(", the file's order (decided at line {})", self.decided_at)
            } else {
                ", the file's assumed order".to_string()
            };
            let reason = format!("impossible date {a}/{b}/{c} read as {how}{decided}; expected a valid date");
            Why::new(SkipCode::BadTime, format!("{a}/{b}/{c} ({how})"), reason)
        };
        let year = full_year(y).ok_or_else(bad)?;
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return Err(bad());
        }
        let civil = Civil {
            year,
            month: m as i8,
            day: d as i8,
            hour: r.hms[0] as i8,
            minute: r.hms[1] as i8,
            second: r.hms[2] as i8,
        };
        let (ny, nm) = if m == 12 {
            (year + 1, 1)
        } else {
            (year, m as i8 + 1)
        };
        let month_days = days_from_civil(ny, nm, 1) - days_from_civil(year, m as i8, 1);
        if d as i64 > month_days {
            return Err(bad());
        }
        Ok(civil)
    }

    fn group(&mut self, cx: &mut Context<'_>) -> GroupId {
        match self.group {
            Some(g) => g,
            None => {
                let g =
                    cx.builder
                        .group(Platform::WhatsApp, &self.group_key, Some(&self.group_name));
                self.known_names = self.initial_names();
                self.group = Some(g);
                g
            }
        }
    }

    fn emit(&mut self, r: &Rec, author: Option<&str>, body: &str, cx: &mut Context<'_>) {
        let civil = match self.civil(r) {
            Ok(c) => c,
            Err(why) => return cx.skip(r.line as u64, why),
        };
        // (A gap's local time moves forward; only fields no header has get here.)
        let Some(time) = cx.zone.to_epoch(civil) else {
            let [a, b, c] = r.f;
            let [h, m, s] = r.hms;
            let detail = format!("{a}/{b}/{c} {h}:{m:02}:{s:02}");
            return cx.skip(r.line as u64, Why::new(SkipCode::BadTime, detail, "a local time that does not exist in the configured time zone"));
        };
        let group = self.group(cx);
        let body = body.trim_end();
        let body = body.trim_start_matches(['\n', '\r']);
        cx.row();
        let Some(author) = author else {
            return self.system(cx, group, time, body, None);
        };
        let name = clean_name(author);
        if name.is_empty() {
            return self.system(cx, group, time, body, None);
        }
        let lrm = body.starts_with('\u{200E}');
        if self.known_names.contains(&name) {
            return self.system(cx, group, time, body, None);
        }
        // A known sentence behind U+200E, or about the author ("Boris: Boris created group …");
        // the prefix test keeps the pattern scan off ordinary messages.
        let about_author = strip_marks(body).starts_with(name.as_str());
        if let Some(sys) = (lrm || about_author).then(|| match_system(body)).flatten() {
            if lrm || sys.subject.is_some_and(|s| clean_name(s) == name) {
                return self.apply_system(cx, group, time, body, sys);
            }
        }
        let text = strip_marks(body);
        let kind = body_kind(text);
        // A name is the sender as it is (no copy); a phone number shows the name as written.
        let (person, display) = match special_person(&name) {
            Some(id @ PersonRef::Id(_)) => (id, Some(name.as_str())),
            Some(other) => (other, None),
            None => (PersonRef::Name(name), None),
        };
        cx.builder.message_mentioning(
            NewMessage { time, group, sender: &person, sender_name: display, kind, text, quote: None, mentions: Vec::new() },
            mentions,
        );
    }

    fn system(
        &mut self,
        cx: &mut Context<'_>,
        group: GroupId,
        time: i64,
        body: &str,
        _author: Option<&str>,
    ) {
        match match_system(body) {
            Some(sys) => self.apply_system(cx, group, time, body, sys),
            None => cx.builder.message(NewMessage {
                time,
                group,
                sender: &PersonRef::System,
                sender_name: None,
                kind: MessageKind::System,
                text: strip_marks(body),
                quote: None,
                mentions: Vec::new(),
            }),
        }
    }

    fn apply_system(
        &mut self,
        cx: &mut Context<'_>,
        group: GroupId,
        time: i64,
        body: &str,
        sys: System,
    ) {
        match sys.what {
            What::Member(kind, method) => {
                let actor = sys.actor.map(|a| person_ref(&clean_name(a)));
                if let Some(a @ PersonRef::Id(_)) = &actor {
                    cx.builder
                        .name_hint(group, a, &clean_name(sys.actor.unwrap_or("")), time);
                }
                for who in split_list(sys.member.unwrap_or("")) {
                    let name = clean_name(who);
                    if name.is_empty() {
                        continue;
                    }
                    let member = person_ref(&name);
                    if let PersonRef::Id(_) = member {
                        cx.builder.name_hint(group, &member, &name, time);
                    }
                    cx.builder.membership(MembershipEvent {
                        time,
                        group,
                        member,
                        kind,
                        method,
                        actor: actor.clone(),
                    });
                }
            }
            What::Rename => {
                if let Some(name) = sys.member.map(|n| n.trim()).filter(|n| !n.is_empty()) {
                    cx.builder.rename_group(group, name);
                    if !self.known_names.iter().any(|k| k == name) {
                        self.known_names.push(name.to_string());
                    }
                }
            }
            What::Recall | What::Notice => {}
        }
        let kind = if matches!(sys.what, What::Recall) {
            MessageKind::Recall
        } else {
            MessageKind::System
        };
        cx.builder.message(NewMessage {
            time,
            group,
            sender: &PersonRef::System,
            sender_name: None,
            kind,
            text: strip_marks(body),
            quote: None,
            mentions: Vec::new(),
        });
    }
}

/// `Author: text` → (author, text); `Author:` at the end → empty text. `None` for a system
/// sentence (no `": "`, or a candidate author that cannot be a name).
fn split_author(rest: &str) -> Option<(&str, &str)> {
    let colon_space = memchr::memchr_iter(b':', rest.as_bytes()).find(|&i| rest.as_bytes().get(i + 1) == Some(&b' '));
    let (author, body) = match colon_space {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest.strip_suffix(':')?, ""),
    };
    let name = crate::text::trim(author);
    if name.is_empty()
        || name.contains(['"', '“', '”', '„', '«', '»', '「', '」'])
        || name.chars().count() > 100
    {
        return None;
    }
    Some((author, body))
}

/// A display name without bidi marks, `~ ` (iOS non-contact) and odd spaces.
fn clean_name(s: &str) -> String {
    // Marks and odd spaces all start with one of these bytes (U+00A0, U+2009…U+206F, U+FEFF).
    if !s.bytes().any(|b| matches!(b, 0xC2 | 0xE2 | 0xEF)) {
        let t = crate::text::trim(s);
        return t.strip_prefix('~').map(str::trim_start).unwrap_or(t).to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_mark(c) {
            continue;
        }
        out.push(if matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2009}') {
            ' '
        } else {
            c
        });
    }
    let t = out.trim();
    let t = t.strip_prefix('~').map(str::trim_start).unwrap_or(t);
    if t.len() == out.len() {
        out
    } else {
        t.to_string()
    }
}

/// The exporting account, a phone number (id), or a name.
fn person_ref(name: &str) -> PersonRef {
    special_person(name).unwrap_or_else(|| PersonRef::Name(name.to_string()))
}

/// The exporting account or a phone number (id); `None` for a plain name.
fn special_person(name: &str) -> Option<PersonRef> {
    if matches!(
        name,
        "You" | "you" | "Du" | "du" | "dich" | "Dich" | "您" | "你"
    ) {
        return Some(PersonRef::SelfAccount);
    }
    phone(name).map(PersonRef::Id)
}

/// `+49 151 2345678`, `+7 999 999-99-99`, `+1 (555) 010-0199` → `+491512345678`.
fn phone(s: &str) -> Option<String> {
    let rest = s.strip_prefix('+')?;
    let mut digits = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return None,
        }
    }
    (8..=16).contains(&digits.len()).then_some(digits)
}

/// `A, B and C` → A, B, C.
fn split_list(s: &str) -> Vec<&str> {
    let mut out = vec![s];
    for sep in [", ", "、", "，", " and ", " und ", "和"] {
        if sep == "和" && out.iter().any(|p| p.chars().count() <= 3) {
            // "和" inside short Chinese names is more likely a character of the name.
            continue;
        }
        out = out.iter().flat_map(|p| p.split(sep)).collect();
    }
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------
// System sentences.

#[derive(Clone, Copy, Debug, PartialEq)]
enum What {
    Member(MembershipKind, Option<JoinMethod>),
    Rename,
    Recall,
    /// A known notice with no event (encryption, icon, admin, security code, …).
    Notice,
}

#[derive(Debug)]
struct System<'a> {
    what: What,
    /// The member (or list), or the new group name for renames.
    member: Option<&'a str>,
    actor: Option<&'a str>,
    /// Who the sentence is about (first capture), to recognise iOS lines whose author is that person.
    subject: Option<&'a str>,
}

/// `(pattern, what, member capture, actor capture)`; `{}` captures up to the next literal.
/// A pattern ending in a literal must match to the end (a trailing `.`/`。` is ignored);
/// `Notice` patterns may be followed by anything. Quotes are normalised to `"` first.
const PATTERNS: &[(&str, What, Option<usize>, Option<usize>)] = {
    use JoinMethod::{Invite, Link, Unknown};
    use MembershipKind::{Join, Leave, Removed};
    use What::*;
    &[
        // English.
        ("{} created group \"{}\"", Rename, Some(1), None),
        ("{} created this group", Notice, None, None),
        (
            "{} changed the subject from \"{}\" to \"{}\"",
            Rename,
            Some(2),
            None,
        ),
        ("{} changed the subject to \"{}\"", Rename, Some(1), None),
        (
            "{} changed the group name from \"{}\" to \"{}\"",
            Rename,
            Some(2),
            None,
        ),
        ("{} changed the group name to \"{}\"", Rename, Some(1), None),
        ("{} changed this group's icon", Notice, None, None),
        ("{} changed this group’s icon", Notice, None, None),
        ("{} deleted this group's icon", Notice, None, None),
        ("{} changed the group description", Notice, None, None),
        (
            "{} joined using this group's invite link",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} joined using this group’s invite link",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} joined using this community's invite link",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} joined using this community’s invite link",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} joined using a group link",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} joined from the community",
            Member(Join, Some(Unknown)),
            Some(0),
            None,
        ),
        ("{} joined", Member(Join, Some(Unknown)), Some(0), None),
        ("{} were added", Member(Join, Some(Invite)), Some(0), None),
        ("{} was added", Member(Join, Some(Invite)), Some(0), None),
        ("{} added {}", Member(Join, Some(Invite)), Some(1), Some(0)),
        ("{} left the group", Member(Leave, None), Some(0), None),
        ("{} left", Member(Leave, None), Some(0), None),
        ("{} was removed", Member(Removed, None), Some(0), None),
        ("{} removed {}", Member(Removed, None), Some(1), Some(0)),
        ("This message was deleted", Recall, None, None),
        ("You deleted this message", Recall, None, None),
        ("This message was deleted by admin {}", Recall, None, None),
        (
            "Messages and calls are end-to-end encrypted{}",
            Notice,
            None,
            None,
        ),
        ("Your security code with {} changed{}", Notice, None, None),
        ("{}'re now an admin", Notice, None, None),
        ("{}’re now an admin", Notice, None, None),
        ("{}'re no longer an admin", Notice, None, None),
        ("{} changed this group's settings{}", Notice, None, None),
        ("{} changed their phone number{}", Notice, None, None),
        ("{} turned on disappearing messages{}", Notice, None, None),
        ("{} turned off disappearing messages{}", Notice, None, None),
        ("{} updated the message timer{}", Notice, None, None),
        // German.
        ("{} hast die Gruppe \"{}\" erstellt", Rename, Some(1), None),
        ("{} hat die Gruppe \"{}\" erstellt", Rename, Some(1), None),
        (
            "{} hast den Betreff von \"{}\" zu \"{}\" geändert",
            Rename,
            Some(2),
            None,
        ),
        (
            "{} hat den Betreff von \"{}\" zu \"{}\" geändert",
            Rename,
            Some(2),
            None,
        ),
        (
            "{} hast den Betreff zu \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        (
            "{} hat den Betreff zu \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        (
            "{} hast den Gruppennamen von \"{}\" zu \"{}\" geändert",
            Rename,
            Some(2),
            None,
        ),
        (
            "{} hat den Gruppennamen von \"{}\" zu \"{}\" geändert",
            Rename,
            Some(2),
            None,
        ),
        (
            "{} hast den Gruppennamen zu \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        (
            "{} hat den Gruppennamen zu \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        (
            "{} hast den Gruppennamen in \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        (
            "{} hat den Gruppennamen in \"{}\" geändert",
            Rename,
            Some(1),
            None,
        ),
        ("{} hast das Gruppenbild geändert", Notice, None, None),
        ("{} hat das Gruppenbild geändert", Notice, None, None),
        (
            "{} bist über den Einladungslink dieser Gruppe beigetreten",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} ist über den Einladungslink dieser Gruppe beigetreten",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} ist der Gruppe über den Einladungslink beigetreten",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} ist dieser Gruppe über den Einladungslink beigetreten",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{} ist beigetreten",
            Member(Join, Some(Unknown)),
            Some(0),
            None,
        ),
        (
            "{} hast die Gruppe verlassen",
            Member(Leave, None),
            Some(0),
            None,
        ),
        (
            "{} hat die Gruppe verlassen",
            Member(Leave, None),
            Some(0),
            None,
        ),
        (
            "{} wurde hinzugefügt",
            Member(Join, Some(Invite)),
            Some(0),
            None,
        ),
        (
            "{} wurden hinzugefügt",
            Member(Join, Some(Invite)),
            Some(0),
            None,
        ),
        (
            "{} hast {} hinzugefügt",
            Member(Join, Some(Invite)),
            Some(1),
            Some(0),
        ),
        (
            "{} hat {} hinzugefügt",
            Member(Join, Some(Invite)),
            Some(1),
            Some(0),
        ),
        ("{} wurde entfernt", Member(Removed, None), Some(0), None),
        (
            "{} hast {} entfernt",
            Member(Removed, None),
            Some(1),
            Some(0),
        ),
        (
            "{} hat {} entfernt",
            Member(Removed, None),
            Some(1),
            Some(0),
        ),
        ("Diese Nachricht wurde gelöscht", Recall, None, None),
        ("Du hast diese Nachricht gelöscht", Recall, None, None),
        (
            "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt{}",
            Notice,
            None,
            None,
        ),
        (
            "Dein Sicherheitscode für {} hat sich geändert{}",
            Notice,
            None,
            None,
        ),
        // Chinese (zh-CN, zh-TW): best-effort wordings.
        ("{}创建了群组\"{}\"", Rename, Some(1), None),
        ("{}创建了群组{}", Rename, Some(1), None),
        ("{}创建了此群组", Notice, None, None),
        ("{}建立了群組\"{}\"", Rename, Some(1), None),
        ("{}建立了此群組", Notice, None, None),
        ("{}将群组名称从\"{}\"更改为\"{}\"", Rename, Some(2), None),
        ("{}将主题从\"{}\"更改为\"{}\"", Rename, Some(2), None),
        ("{}已将群组名称更改为\"{}\"", Rename, Some(1), None),
        ("{}将群组名称更改为\"{}\"", Rename, Some(1), None),
        ("{}更改了群组名称为\"{}\"", Rename, Some(1), None),
        ("{}更改了主题为\"{}\"", Rename, Some(1), None),
        ("{}將群組名稱從\"{}\"變更為\"{}\"", Rename, Some(2), None),
        ("{}已將群組名稱變更為\"{}\"", Rename, Some(1), None),
        ("{}更改了本群组的图标", Notice, None, None),
        ("{}更改了群组图标", Notice, None, None),
        ("{}已變更本群組的圖示", Notice, None, None),
        (
            "{}通过此群组的邀请链接加入",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{}使用此群组的邀请链接加入",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{}已通过此群组的邀请链接加入",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{}通过邀请链接加入了群组",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{}透過此群組的邀請連結加入",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        (
            "{}已透過此群組的邀請連結加入",
            Member(Join, Some(Link)),
            Some(0),
            None,
        ),
        ("{}加入了群组", Member(Join, Some(Unknown)), Some(0), None),
        ("{}加入群组", Member(Join, Some(Unknown)), Some(0), None),
        ("{}加入了群組", Member(Join, Some(Unknown)), Some(0), None),
        ("{}已被添加", Member(Join, Some(Invite)), Some(0), None),
        ("{}已添加{}", Member(Join, Some(Invite)), Some(1), Some(0)),
        ("{}添加了{}", Member(Join, Some(Invite)), Some(1), Some(0)),
        ("{}已新增{}", Member(Join, Some(Invite)), Some(1), Some(0)),
        ("{}新增了{}", Member(Join, Some(Invite)), Some(1), Some(0)),
        ("{}已退出群组", Member(Leave, None), Some(0), None),
        ("{}退出了群组", Member(Leave, None), Some(0), None),
        ("{}离开了群组", Member(Leave, None), Some(0), None),
        ("{}已離開群組", Member(Leave, None), Some(0), None),
        ("{}離開了群組", Member(Leave, None), Some(0), None),
        ("{}已退出", Member(Leave, None), Some(0), None),
        ("{}已移除{}", Member(Removed, None), Some(1), Some(0)),
        ("{}移除了{}", Member(Removed, None), Some(1), Some(0)),
        ("{}将{}移出群组", Member(Removed, None), Some(1), Some(0)),
        ("这条消息已删除", Recall, None, None),
        ("此消息已删除", Recall, None, None),
        ("此訊息已刪除", Recall, None, None),
        ("您删除了此消息", Recall, None, None),
        ("你删除了此消息", Recall, None, None),
        ("您已删除这条消息", Recall, None, None),
        ("你删除了这条消息", Recall, None, None),
        ("您刪除了此訊息", Recall, None, None),
        ("消息和通话已进行端到端加密{}", Notice, None, None),
        ("訊息與通話已受端對端加密保護{}", Notice, None, None),
        ("您与{}的安全代码已更改{}", Notice, None, None),
    ]
};

/// Matches a system sentence.
fn match_system(body: &str) -> Option<System<'_>> {
    let first = strip_marks(body.lines().next().unwrap_or("")).trim();
    if first.is_empty() || first.len() > 400 {
        return None;
    }
    let trimmed = first.trim_end_matches(['.', '。']);
    for &(pattern, what, member, actor) in PATTERNS {
        if let Some(caps) = captures(trimmed, pattern, matches!(what, What::Notice)) {
            let subject = pattern
                .starts_with("{}")
                .then(|| caps.first().copied())
                .flatten();
            return Some(System {
                what,
                member: member.and_then(|i| caps.get(i).copied()),
                actor: actor.and_then(|i| caps.get(i).copied()),
                subject,
            });
        }
    }
    None
}

/// Is `c` a quote character WhatsApp uses around group names?
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '«' | '»' | '「' | '」' | '『' | '』'
    )
}

/// The captures of `pattern` in `text`, quote characters in `text` matching a `"` of the
/// pattern. With `open_end`, text may follow the last literal.
fn captures<'t>(text: &'t str, pattern: &str, open_end: bool) -> Option<Vec<&'t str>> {
    let mut literals = pattern.split("{}");
    let mut rest = strip_literal(text, literals.next().unwrap_or(""))?;
    let mut caps = Vec::new();
    let mut last_literal_empty = true;
    for literal in literals {
        last_literal_empty = literal.is_empty();
        let (cap, after) = if literal.is_empty() {
            (rest, "")
        } else {
            let at = find_literal(rest, literal)?;
            (&rest[..at.0], &rest[at.1..])
        };
        let cap = cap.trim();
        // Every capture holds something, except an open end's trailing `{}`.
        if cap.is_empty() && !(open_end && literal.is_empty()) {
            return None;
        }
        caps.push(cap);
        rest = after;
    }
    if !last_literal_empty && !open_end && !rest.trim().is_empty() {
        return None;
    }
    Some(caps)
}

/// `text` without the leading `literal` (quotes normalised).
fn strip_literal<'t>(text: &'t str, literal: &str) -> Option<&'t str> {
    let mut t = text.char_indices();
    for lc in literal.chars() {
        let (_, tc) = t.next()?;
        if !(tc == lc || lc == '"' && is_quote(tc)) {
            return None;
        }
    }
    Some(t.next().map_or("", |(i, _)| &text[i..]))
}

/// The first occurrence of `literal` in `text` (quotes normalised): (start, end) bytes.
fn find_literal(text: &str, literal: &str) -> Option<(usize, usize)> {
    let first = literal.chars().next()?;
    for (i, c) in text.char_indices() {
        if c == first || first == '"' && is_quote(c) {
            let rest = &text[i..];
            if let Some(after) = strip_literal(rest, literal) {
                return Some((i, text.len() - after.len()));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Message kinds.

/// What the body's marker says it is.
fn body_kind(text: &str) -> MessageKind {
    let first = text.lines().next().unwrap_or("").trim();
    if !may_be_marker(first) {
        return MessageKind::Text;
    }
    let lower_first = first.trim_end_matches('.');
    // Android without media, localised.
    const MEDIA_OMITTED: &[&str] = &[
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Archivo omitido>",
        "<Mídia omitida>",
        "<Файл пропущен>",
        "<省略影音内容>",
        "<省略多媒体文件>",
        "<已省略多媒體檔案>",
        "<忽略多媒體檔>",
        "<媒体文件已省略>",
    ];
    if MEDIA_OMITTED.contains(&first) {
        return MessageKind::File;
    }
    match first {
        "<Video message omitted>" | "<Video note omitted>" => return MessageKind::Video,
        "null" => return MessageKind::Other,
        _ => {}
    }
    // iOS without media: "image omitted", "‎Resume.pdf • ‎2 pages ‎document omitted".
    let cleaned: String = lower_first.chars().filter(|c| !is_mark(*c)).collect();
    let lc = cleaned.to_lowercase();
    for (suffix, kind) in [
        ("image omitted", MessageKind::Image),
        ("photo omitted", MessageKind::Image),
        ("video omitted", MessageKind::Video),
        ("audio omitted", MessageKind::Voice),
        ("sticker omitted", MessageKind::Sticker),
        ("gif omitted", MessageKind::Image),
        ("document omitted", MessageKind::File),
        ("contact card omitted", MessageKind::Card),
        ("bild weggelassen", MessageKind::Image),
        ("video weggelassen", MessageKind::Video),
        ("audio weggelassen", MessageKind::Voice),
        ("sticker weggelassen", MessageKind::Sticker),
        ("gif weggelassen", MessageKind::Image),
        ("dokument weggelassen", MessageKind::File),
        ("照片已忽略", MessageKind::Image),
        ("图片已省略", MessageKind::Image),
        ("圖片已略去", MessageKind::Image),
        ("视频已忽略", MessageKind::Video),
        ("影片已略去", MessageKind::Video),
        ("音频已忽略", MessageKind::Voice),
        ("音訊已略去", MessageKind::Voice),
        ("贴图已省略", MessageKind::Sticker),
        ("貼圖已略去", MessageKind::Sticker),
        ("文档已省略", MessageKind::File),
        ("文件已略去", MessageKind::File),
        ("联系人卡片已忽略", MessageKind::Card),
    ] {
        // Exact, or a document's file name before the marker.
        let named = matches!(kind, MessageKind::File) && lc.ends_with(suffix);
        if lc == suffix || named {
            return kind;
        }
    }
    // iOS with media: "<attached: 00000042-PHOTO-….jpg>", de "<Anhang: …>", zh "<附件：…>".
    for prefix in [
        "<attached:",
        "<Anhang:",
        "<附件：",
        "<附件:",
        "<archivo adjunto:",
        "<anexo:",
    ] {
        if let Some(rest) = cleaned.strip_prefix(prefix) {
            if let Some(file) = rest.trim().strip_suffix('>') {
                return file_kind(file.trim());
            }
        }
    }
    // Android with media: "IMG-20210428-WA0001.jpg (file attached)".
    for suffix in [
        " (file attached)",
        " (Datei angehängt)",
        " (文件附件)",
        " (檔案附件)",
        " (archivo adjunto)",
        " (arquivo anexado)",
    ] {
        if let Some(file) = cleaned.strip_suffix(suffix) {
            return file_kind(file.trim());
        }
    }
    if lc.starts_with("location: https://")
        || lc.starts_with("standort: https://")
        || lc.starts_with("位置：")
        || lc.starts_with("位置: ")
    {
        return MessageKind::Location;
    }
    if lc == "live location shared" || lc == "live-standort geteilt" {
        return MessageKind::Location;
    }
    if matches!(
        lc.as_str(),
        "this message was deleted"
            | "you deleted this message"
            | "diese nachricht wurde gelöscht"
            | "du hast diese nachricht gelöscht"
            | "这条消息已删除"
            | "此消息已删除"
            | "此訊息已刪除"
            | "您删除了此消息"
            | "你删除了此消息"
            | "您已删除这条消息"
            | "你删除了这条消息"
    ) || lc.starts_with("this message was deleted by admin")
    {
        return MessageKind::Recall;
    }
    if lc.starts_with("missed voice call")
        || lc.starts_with("missed video call")
        || lc.starts_with("voice call")
        || lc.starts_with("video call")
    {
        return MessageKind::Call;
    }
    if lc.starts_with("poll:") || lc.starts_with("umfrage:") {
        return MessageKind::Other;
    }
    if lc.starts_with("http://") || lc.starts_with("https://") {
        return MessageKind::Link;
    }
    MessageKind::Text
}

/// Cheap pre-test: can `first` be any of the markers [`body_kind`] knows?
fn may_be_marker(first: &str) -> bool {
    let first = strip_marks(first);
    let end = first.trim_end_matches('.');
    const ENDS: &[&str] = &[
        "omitted",
        "weggelassen",
        "忽略",
        "省略",
        "略去",
        ">",
        ")",
        "shared",
        "geteilt",
        "删除",
        "message",
        "消息",
        "訊息",
        "刪除",
        "gelöscht",
        "deleted",
    ];
    const STARTS: &[&str] = &[
        "<",
        "location",
        "Location",
        "standort",
        "Standort",
        "位置",
        "Missed",
        "missed",
        "Voice call",
        "Video call",
        "voice call",
        "video call",
        "POLL",
        "Poll",
        "poll",
        "Umfrage",
        "UMFRAGE",
        "http",
        "null",
        "This message",
    ];
    ENDS.iter().any(|e| end.ends_with(e)) || STARTS.iter().any(|p| first.starts_with(p))
}

/// The kind of an attached file, from WhatsApp's file naming or the extension.
fn file_kind(file: &str) -> MessageKind {
    let upper = file.to_ascii_uppercase();
    let ext = upper.rsplit('.').next().unwrap_or("");
    if upper.contains("-STICKER-") || upper.starts_with("STK-") || ext == "WEBP" {
        MessageKind::Sticker
    } else if upper.contains("-PHOTO-")
        || upper.starts_with("IMG-")
        || matches!(ext, "JPG" | "JPEG" | "PNG" | "HEIC" | "GIF")
    {
        MessageKind::Image
    } else if upper.contains("-VIDEO-")
        || upper.starts_with("VID-")
        || matches!(ext, "MP4" | "MOV" | "3GP" | "MKV")
    {
        MessageKind::Video
    } else if upper.contains("-AUDIO-")
        || upper.starts_with("PTT-")
        || upper.starts_with("AUD-")
        || matches!(ext, "OPUS" | "M4A" | "AAC" | "MP3" | "OGG" | "AMR" | "WAV")
    {
        MessageKind::Voice
    } else if ext == "VCF" {
        MessageKind::Card
    } else {
        MessageKind::File
    }
}

// ---------------------------------------------------------------------------------------
// Group key.

/// (key, display name) from the file name: `WhatsApp Chat with Team.txt` → `Team`;
/// `WhatsApp Chat - Team.zip/_chat.txt` → `Team`.
fn group_key(file_name: &str) -> (String, String) {
    let mut parts = file_name.rsplit(['/', '\\']);
    let base = parts.next().unwrap_or(file_name);
    let mut own = stem(base);
    if own == "_chat" || own.is_empty() {
        if let Some(parent) = parts.next().map(stem).filter(|p| !p.is_empty()) {
            own = parent;
        }
    }
    let mut name = own.trim();
    for prefix in [
        "WhatsApp Chat with ",
        "WhatsApp Chat - ",
        "WhatsApp Chat mit ",
        "WhatsApp-Chat mit ",
        "Chat de WhatsApp con ",
        "Conversa do WhatsApp com ",
        "Discussion WhatsApp avec ",
        "Chat WhatsApp con ",
        "Чат WhatsApp с контактом ",
        "Чат WhatsApp с ",
    ] {
        if let Some(r) = name.strip_prefix(prefix) {
            name = r;
            break;
        }
    }
    for (pre, post) in [
        ("与", "的 WhatsApp 聊天"),
        ("與", "的 WhatsApp 對話"),
        ("与", "的WhatsApp聊天"),
    ] {
        if let Some(inner) = name.strip_prefix(pre).and_then(|r| r.strip_suffix(post)) {
            name = inner;
        }
    }
    let name = name.trim();
    let name = if name.is_empty() { "WhatsApp" } else { name };
    (name.to_string(), name.to_string())
}

fn stem(base: &str) -> &str {
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(line: &str) -> Option<([u16; 3], [u8; 3], Style, &str)> {
        parse_header(line, None).map(|h| (h.f, h.hms, h.style, h.rest))
    }

    #[test]
    fn header_variants_of_the_notes() {
        use Style::*;
        assert_eq!(
            h("1/29/18, 12:24 - Mallory: Hey! :)"),
            Some(([1, 29, 18], [12, 24, 0], Dash, "Mallory: Hey! :)"))
        );
        assert_eq!(
            h("3/6/18, 1:55\u{202F}PM - Bob: z").map(|x| x.1),
            Some([13, 55, 0])
        );
        assert_eq!(
            h("29.01.18, 12:24 - Du hast Mallory hinzugefügt.").map(|x| x.0),
            Some([29, 1, 18])
        );
        assert_eq!(
            h("2023-12-20, 5:46 p.m. - A: b").map(|x| x.1),
            Some([17, 46, 0])
        );
        assert_eq!(
            h("20/6/2017 8:28 p.\u{00A0}m. - A: b").map(|x| x.1),
            Some([20, 28, 0])
        );
        assert_eq!(
            h("01/20/2019, 11:23 a. m. - John Doe:.").map(|x| x.1),
            Some([11, 23, 0])
        );
        assert_eq!(
            h("03-06-2018, 01.55 PM - A: b").map(|x| x.1),
            Some([13, 55, 0])
        );
        assert_eq!(
            h("13. 6. 2018. 21:25:15 - A: b").map(|x| x.0),
            Some([13, 6, 2018])
        );
        assert_eq!(
            h("13.06.18 21.25.15: A: b").map(|x| (x.2, x.3)),
            Some((Colon, "A: b"))
        );
        assert_eq!(
            h("2026/4/6 下午1:54 - 张三: 你好").map(|x| (x.1, x.3)),
            Some(([13, 54, 0], "张三: 你好"))
        );
        assert_eq!(
            h("02/01/2024 03:04 下午 - Alice: x").map(|x| (x.1, x.3)),
            Some(([15, 4, 0], "Alice: x"))
        );
        assert_eq!(
            h("[2024/01/02 오후 03:06] Alice: y").map(|x| x.1),
            Some([15, 6, 0])
        );
        assert_eq!(
            h("\u{200E}[3/27/22, 21:41:55] UserA: \u{200E}image omitted").map(|x| x.2),
            Some(Bracket)
        );
        assert_eq!(
            h("[1/29/18, 12:24:03 AM] A: b").map(|x| x.1),
            Some([0, 24, 3])
        );
        assert_eq!(
            h("[2022/7/21 05:11:12] UserA: x").map(|x| x.0),
            Some([2022, 7, 21])
        );
        assert_eq!(
            h("29.01.18, 11:24 vorm. - A: b").map(|x| x.1),
            Some([11, 24, 0])
        );
        for not in [
            "2016-07-19 15:27:15 老张(10001)",
            "2024-03-01 10:00:00",
            "2016-04-29 10:30:00",
            "consectetur adipiscing elit.",
            "1/29/18, 12:24 -Bob",
            "1/29/18 12:24 Bob",
            "[1/29/18, 12:24 Bob",
            "12/30/21, 25:01 - A: b",
            "localId,TalkerId,Type",
        ] {
            assert_eq!(h(not), None, "{not}");
        }
        assert_eq!(
            parse_header("[1/29/18, 12:24] A: b", Some(Dash)),
            None,
            "style is locked"
        );
    }

    #[test]
    fn authors_and_system_sentences() {
        assert_eq!(split_author("John Doe: a: b"), Some(("John Doe", "a: b")));
        assert_eq!(split_author("Carol:"), Some(("Carol", "")));
        assert_eq!(split_author("John Doe:."), None);
        assert_eq!(
            split_author("You changed the subject from \"a: b\" to \"c\""),
            None
        );
        let s = match_system("Alice added Bob, Carol and +7 999 999-99-99").unwrap();
        assert_eq!(
            (s.what, s.actor),
            (
                What::Member(MembershipKind::Join, Some(JoinMethod::Invite)),
                Some("Alice")
            )
        );
        assert_eq!(
            split_list(s.member.unwrap()),
            vec!["Bob", "Carol", "+7 999 999-99-99"]
        );
        let s =
            match_system("You changed the subject from “Trip to Rome” to “Trip to Paris”").unwrap();
        assert_eq!((s.what, s.member), (What::Rename, Some("Trip to Paris")));
        assert!(match_system("Bob left early, see you").is_none());
        assert_eq!(match_system("Bob left.").unwrap().member, Some("Bob"));
        let s = match_system("张三通过此群组的邀请链接加入").unwrap();
        assert_eq!(
            (s.what, s.member),
            (
                What::Member(MembershipKind::Join, Some(JoinMethod::Link)),
                Some("张三")
            )
        );
        let s = match_system("李四移除了王五").unwrap();
        assert_eq!((s.member, s.actor), (Some("王五"), Some("李四")));
        assert_eq!(
            match_system("Messages and calls are end-to-end encrypted. Tap.")
                .unwrap()
                .what,
            What::Notice
        );
        assert_eq!(
            person_ref("\u{202A}+49\u{00A0}151 2345678\u{202C}"),
            PersonRef::Name("\u{202A}+49\u{00A0}151 2345678\u{202C}".into())
        );
        assert_eq!(
            person_ref(&clean_name("\u{202A}+49\u{00A0}151 2345678\u{202C}")),
            PersonRef::Id("+491512345678".into())
        );
        assert_eq!(
            person_ref(&clean_name("~\u{202F}YSL")),
            PersonRef::Name("YSL".into())
        );
        assert_eq!(person_ref("Du"), PersonRef::SelfAccount);
    }

    #[test]
    fn kinds_from_markers() {
        use MessageKind::*;
        for (body, kind) in [
            ("<Media omitted>", File),
            ("<附件：00000042-PHOTO-2020-06-07-15-13-20.jpg>", Image),
            ("<attached: 00000043-AUDIO-2020-06-07-15-13-20.opus>", Voice),
            (
                "\u{200E}<attached: \u{200E}PTT-20180129-WA0025.opus>",
                Voice,
            ),
            (
                "\u{200E}\u{200E}PTT-20180129-WA0025.opus (file attached)",
                Voice,
            ),
            ("VID-20210428-WA0001.mp4 (file attached)\nlook", Video),
            ("\u{200E}image omitted", Image),
            ("sticker omitted", Sticker),
            (
                "Resume.pdf \u{2022} \u{200E}2 pages \u{200E}document omitted",
                File,
            ),
            ("<Medien ausgeschlossen>", File),
            ("This message was deleted", Recall),
            ("\u{200E}You deleted this message.", Recall),
            ("location: https://maps.google.com/?q=1,2", Location),
            ("an image omitted from the talk", Text),
            ("hello", Text),
        ] {
            assert_eq!(body_kind(body), kind, "{body}");
        }
    }

    #[test]
    fn group_keys_from_file_names() {
        assert_eq!(
            group_key("WhatsApp Chat with Team Berlin.txt").0,
            "Team Berlin"
        );
        assert_eq!(
            group_key("x/WhatsApp Chat - Family.zip/_chat.txt").0,
            "Family"
        );
        assert_eq!(
            group_key("与跨境客户群的 WhatsApp 聊天.txt").0,
            "跨境客户群"
        );
        assert_eq!(group_key("chat.txt").0, "chat");
    }
}
