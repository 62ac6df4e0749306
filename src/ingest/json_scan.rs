//! JSON documents read by their structure, for the exports that are one JSON value (Telegram
//! and Discord here; the array-of-records exports through [`super::json_records`]): [`Json`]
//! finds where the values of a held text start and end without building
//! them, and [`JsonStream`] reads a document as it arrives, hands each element of the arrays
//! its reader asks for (a chat's messages) over as soon as it is complete, and holds only the
//! rest — the envelope — for that reader to walk with [`Json`] when the file ends. Memory then
//! holds one message at a time, not the file: a 2 GB Telegram export reads like a CSV.
//!
//! The stream never judges the JSON itself: every break of the envelope is left to the reader's
//! walk (the stream holds the rest of the document from there, as text), and a break inside a
//! streamed array is reported in the words and at the line the walk would use.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::Value;

use super::{Context, SkipCode, Why};

/// Where the structure stopped making sense.
#[derive(Debug)]
pub(super) struct Broken {
    /// Byte offset in the text.
    pub(super) pos: usize,
    /// The text ended inside a value (a cut-off file).
    pub(super) eof: bool,
    pub(super) what: &'static str,
    /// Already reported as a skip by an inner reader.
    pub(super) reported: bool,
}

impl Broken {
    pub(super) fn at(pos: usize, what: &'static str) -> Broken {
        Broken { pos, eof: false, what, reported: false }
    }
    fn eof(pos: usize) -> Broken {
        Broken { pos, eof: true, what: "the text ends inside a value", reported: false }
    }

    /// Reports the break as one skip at `line`, `after` what was read last.
    pub(super) fn report_at(&self, line: u64, after: &After, cx: &mut Context<'_>) {
        let spaced = if after.words.is_empty() { String::new() } else { format!(" {}", after.words) };
        let why = if self.eof {
            let reason = format!("the JSON ends early (file cut off?){spaced}; what came before was read");
            Why::new(SkipCode::JsonCutOff, after.mark.as_str(), reason)
        } else {
            let reason = format!("not valid JSON ({}){spaced}; nothing after this point is read", self.what);
            let detail = if after.mark.is_empty() { self.what.to_string() } else { format!("{} · {}", self.what, after.mark) };
            Why::new(SkipCode::JsonBroken, detail, reason)
        };
        cx.skip(line, why);
    }
}

/// What a break came after (the last item read), twice: in English words for the skip's
/// reason, and without words for its detail, which the page shows beside a sentence of its
/// own language: `after message #6 of chat "Growth Club"` and `"Growth Club" #6`.
#[derive(Debug, Default)]
pub(super) struct After {
    words: String,
    mark: String,
}

impl After {
    /// Nothing read yet: no words, no mark.
    pub(super) fn start() -> After {
        After::default()
    }

    /// After `noun` number `number` (of the chat named `chat`, already quoted): `#6`, or
    /// `"Growth Club" #6`.
    pub(super) fn item(noun: &str, number: u64, chat: Option<&str>) -> After {
        match chat {
            Some(c) => After { words: format!("after {noun} #{number} of chat {c}"), mark: format!("{c} #{number}") },
            None => After { words: format!("after {noun} #{number}"), mark: format!("#{number}") },
        }
    }

    /// After a part of the document named in `words` ("after the messages"): the line says
    /// where, so the detail has no mark.
    pub(super) fn part(words: String) -> After {
        After { words, mark: String::new() }
    }
}

/// A held JSON text read value by value.
pub(super) struct Json<'t> {
    pub(super) text: &'t str,
    /// Newlines counted up to `counted.0`, for line numbers of positions read in order.
    counted: Cell<(usize, u64)>,
    /// Lines of streamed arrays that are not in `text`: (position in `text`, lines taken out
    /// there and before), in order. Line numbers stay those of the file.
    taken_out: &'t [(usize, u64)],
    /// A streamed array broke at the end of `text` and said so: a break there is not
    /// reported again.
    end_reported: bool,
}

impl<'t> Json<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Json { text, counted: Cell::new((0, 1)), taken_out: &[], end_reported: false }
    }

    /// 1-based line of byte `pos` in the file (cheap when positions are asked in increasing
    /// order).
    pub(super) fn line_of(&self, pos: usize) -> u64 {
        let pos = pos.min(self.text.len());
        let (mut from, mut line) = self.counted.get();
        if pos < from {
            (from, line) = (0, 1);
        }
        line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..pos]).count() as u64;
        self.counted.set((pos, line));
        let taken_out = self.taken_out.partition_point(|&(at, _)| at <= pos);
        line + taken_out.checked_sub(1).map_or(0, |k| self.taken_out[k].1)
    }

    /// The first non-blank byte at or after `p`.
    pub(super) fn ws(&self, p: usize) -> usize {
        blank_end(self.text.as_bytes(), p)
    }

    /// The byte at `p`, if any.
    pub(super) fn byte(&self, p: usize) -> Option<u8> {
        self.text.as_bytes().get(p).copied()
    }

    /// The end (exclusive) of the value starting at `p`.
    pub(super) fn value_end(&self, p: usize) -> Result<usize, Broken> {
        let b = self.text.as_bytes();
        match b.get(p) {
            None => Err(Broken::eof(p)),
            Some(b'"') => self.string_end(p),
            Some(b'{' | b'[') => {
                let mut depth = 0u32;
                let mut i = p;
                loop {
                    i = next_structural(b, i);
                    let Some(&c) = b.get(i) else { break };
                    match c {
                        b'"' => {
                            i = self.string_end(i)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Ok(i + 1);
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                Err(Broken::eof(b.len()))
            }
            Some(b',' | b'}' | b']' | b':') => Err(Broken::at(p, "a value is missing")),
            Some(_) => Ok(scalar_end(b, p).unwrap_or(b.len())),
        }
    }

    fn string_end(&self, p: usize) -> Result<usize, Broken> {
        string_end(self.text.as_bytes(), p).ok_or_else(|| Broken::eof(self.text.len()))
    }

    /// Reads the object at `p`: `member(key, value_start)` returns where its value ends.
    /// Returns the end of the object.
    pub(super) fn object(
        &self,
        p: usize,
        mut member: impl FnMut(&str, usize) -> Result<usize, Broken>,
    ) -> Result<usize, Broken> {
        if self.byte(p) != Some(b'{') {
            return Err(Broken::at(p, "expected an object"));
        }
        let mut i = self.ws(p + 1);
        if self.byte(i) == Some(b'}') {
            return Ok(i + 1);
        }
        loop {
            match self.byte(i) {
                None => return Err(Broken::eof(i)),
                Some(b'"') => {}
                Some(_) => return Err(Broken::at(i, "expected a quoted key")),
            }
            let key_end = self.string_end(i)?;
            let key = key_text(&self.text[i..key_end]);
            i = self.ws(key_end);
            match self.byte(i) {
                Some(b':') => {}
                None => return Err(Broken::eof(i)),
                Some(_) => return Err(Broken::at(i, "expected ':' after a key")),
            }
            i = self.ws(i + 1);
            if i >= self.text.len() {
                return Err(Broken::eof(i));
            }
            i = self.ws(member(&key, i)?);
            match self.byte(i) {
                Some(b',') => i = self.ws(i + 1),
                Some(b'}') => return Ok(i + 1),
                None => return Err(Broken::eof(i)),
                Some(_) => return Err(Broken::at(i, "expected ',' or '}'")),
            }
        }
    }

    /// Calls `member(key, start, end)` for each member of the object at `p` whose value is
    /// complete: of an envelope cut at a streamed array, the members written before it.
    pub(super) fn members(&self, p: usize, mut member: impl FnMut(&str, usize, usize)) {
        let _ = self.object(p, |key, vs| {
            let ve = self.value_end(vs)?;
            member(key, vs, ve);
            Ok(ve)
        });
    }

    /// Calls `element(index, start, end)` for each element (1-based index) of the array at
    /// `p`; returns the end of the array.
    pub(super) fn array(&self, p: usize, mut element: impl FnMut(u64, usize, usize)) -> Result<usize, Broken> {
        self.elements(p, |index, start| {
            let end = self.value_end(start)?;
            element(index, start, end);
            Ok(end)
        })
    }

    /// Like [`Json::array`], but `element(index, start)` reads the element itself and returns
    /// where it ends (so a reader can use what it read of a cut-off element).
    pub(super) fn elements(
        &self,
        p: usize,
        mut element: impl FnMut(u64, usize) -> Result<usize, Broken>,
    ) -> Result<usize, Broken> {
        if self.byte(p) != Some(b'[') {
            return Err(Broken::at(p, "expected an array"));
        }
        let mut i = self.ws(p + 1);
        if self.byte(i) == Some(b']') {
            return Ok(i + 1);
        }
        let mut index = 0;
        loop {
            if i >= self.text.len() {
                return Err(Broken::eof(i));
            }
            index += 1;
            i = self.ws(element(index, i)?);
            match self.byte(i) {
                Some(b',') => i = self.ws(i + 1),
                Some(b']') => return Ok(i + 1),
                None => return Err(Broken::eof(i)),
                Some(_) => return Err(Broken::at(i, "expected ',' or ']'")),
            }
        }
    }

    /// The value at `start..end` as a serde value (small envelope fields only).
    pub(super) fn value(&self, start: usize, end: usize) -> Option<Value> {
        serde_json::from_str(self.text.get(start..end)?).ok()
    }

    /// Reports a structural break as one skip (unless an inner reader, or the stream the text
    /// came from, already did).
    pub(super) fn report(&self, b: &Broken, after: &After, cx: &mut Context<'_>) {
        if b.reported || (self.end_reported && b.pos >= self.text.len()) {
            return;
        }
        b.report_at(self.line_of(b.pos), after, cx);
    }
}

/// The first non-blank byte at or after `p` (blank as the walk counts it: ASCII whitespace).
fn blank_end(b: &[u8], mut p: usize) -> usize {
    while p < b.len() && b[p].is_ascii_whitespace() {
        p += 1;
    }
    p
}

/// The first byte at or after `i` that the scan of a container looks at outside its strings
/// (`"`, `{`, `[`, `}`, `]`), or `b.len()`. Eight bytes at a time: pretty-printed exports are
/// mostly indentation and keys between those.
fn next_structural(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit set in the lowest zero byte of `x` (bits above it may be wrong; not read).
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        // `[` and `]` are `{` and `}` with bit 5 clear; no other byte is, after setting it.
        let folded = w | (0x20 * ONES);
        let found = zero_byte(w ^ (u64::from(b'"') * ONES))
            | zero_byte(folded ^ (u64::from(b'{') * ONES))
            | zero_byte(folded ^ (u64::from(b'}') * ONES));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !matches!(b[i], b'"' | b'{' | b'[' | b'}' | b']') {
        i += 1;
    }
    i
}

/// The end (exclusive) of the string starting at `p` (a `"`); `None` when the text ends first.
fn string_end(b: &[u8], p: usize) -> Option<usize> {
    let mut i = p + 1;
    loop {
        let k = memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        if b[i + k] == b'"' {
            return Some(i + k + 1);
        }
        i += k + 2;
    }
}

/// The end of a bare value (number, literal) starting at `p`; `None` when the text ends first.
fn scalar_end(b: &[u8], p: usize) -> Option<usize> {
    b[p..].iter().position(|c| matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace()).map(|e| p + e)
}

/// The text of a quoted key (`"…"`), unescaped when it has escapes.
fn key_text(quoted: &str) -> Cow<'_, str> {
    let raw = &quoted[1..quoted.len() - 1];
    if raw.contains('\\') {
        serde_json::from_str::<String>(quoted).map_or(Cow::Borrowed(raw), Cow::Owned)
    } else {
        Cow::Borrowed(raw)
    }
}

// ---------------------------------------------------------------------------------------
// The stream.

/// One step of the path from the document's root to a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A member of an object, by key.
    Key(String),
    /// An element of an array (0-based).
    Index(u64),
}

/// What a reader makes of an array that begins in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Take {
    /// Hand its elements over one by one ([`Streamer::element`]); the held text keeps `[]`.
    Stream,
    /// Messages the reader cannot read yet (what they belong to comes later in the file):
    /// held, and from now on the document counts as held whole.
    Hold,
    /// Part of the envelope, held.
    Envelope,
}

/// The reader of a streamed document.
pub(super) trait Streamer {
    /// An array begins at `path` (the keys and indices from the root to it; empty for the
    /// document's root). `envelope` is the document held so far, ending with the array's `[`;
    /// `object` is where the object holding the array starts in it (`None` at the root), so
    /// the reader can walk the members written before the array. Arrays within arrays of the
    /// envelope are always [`Take::Envelope`].
    fn begins(&mut self, path: &[Step], envelope: &Json<'_>, object: Option<usize>, cx: &mut Context<'_>) -> Take;

    /// Element `index` (1-based) of the streamed array, starting at `line` of the file.
    fn element(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>);

    /// The streamed array ended after element `last`: at its `]`, or `broken` (with the line
    /// of the break), when nothing after it is read.
    fn ends(&mut self, last: u64, broken: Option<(u64, &Broken)>, cx: &mut Context<'_>);
}

/// A JSON document read as it arrives (see the module docs).
#[derive(Default)]
pub(super) struct JsonStream {
    /// The document without the elements of streamed arrays.
    held: String,
    /// See [`Json::taken_out`].
    taken_out: Vec<(usize, u64)>,
    mode: Mode,
    /// A message array was held (see [`Take::Hold`]), or the envelope broke.
    holds_messages: bool,
    // The envelope, read up to `scan` in `held`.
    scan: usize,
    frames: Vec<Frame>,
    expect: Expect,
    // The streamed array: `pending` is its text not yet handed over.
    pending: String,
    array: ArrayScan,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Envelope,
    Streaming,
    /// The envelope broke, or a value it never expected came: the rest is held as text.
    Holding,
    /// A streamed array broke: nothing after it is read.
    Stopped,
}

/// An open object or array of the envelope.
struct Frame {
    /// Where it starts in `held`.
    start: usize,
    object: bool,
    /// The key of the member being read, or the index of the element.
    step: Step,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Expect {
    #[default]
    Value,
    /// After `[`.
    ValueOrEnd,
    /// After `{`.
    KeyOrEnd,
    /// After `,` in an object.
    Key,
    Colon,
    CommaOrEnd,
    /// The root value ended: what follows is held as it is.
    Done,
}

/// Where the streamed array's scan stands.
#[derive(Default)]
struct ArrayScan {
    /// `pending[..at]` is scanned.
    at: usize,
    state: Within,
    /// Container depth and string state of the element being scanned.
    depth: u32,
    in_string: bool,
    /// Elements begun.
    index: u64,
    /// The line of `pending[line_at]`.
    line: u64,
    line_at: usize,
    /// The line just after the array's `[`.
    opened: u64,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Within {
    #[default]
    ValueOrEnd,
    Value,
    /// An object, array or string element starting at the position (a string is scanned as
    /// a container entered inside its string).
    Container(usize),
    Scalar(usize),
    CommaOrEnd,
}

/// What a stream holds when its file ends: the envelope, for the reader's walk.
pub(super) struct Held {
    text: String,
    taken_out: Vec<(usize, u64)>,
    end_reported: bool,
}

impl Held {
    /// The held document, walked with the file's line numbers.
    pub(super) fn json(&self) -> Json<'_> {
        Json { taken_out: &self.taken_out, end_reported: self.end_reported, ..Json::new(&self.text) }
    }
}

impl JsonStream {
    /// Reads more of the document: `write` appends the next text to the buffer it is given.
    pub(super) fn push_with(&mut self, write: impl FnOnce(&mut String), s: &mut dyn Streamer, cx: &mut Context<'_>) {
        match self.mode {
            // Written and let go: what the writer counts on the way (repairs) counts the whole file.
            Mode::Stopped => {
                write(&mut self.pending);
                self.pending.clear();
                return;
            }
            Mode::Streaming => write(&mut self.pending),
            Mode::Envelope | Mode::Holding => write(&mut self.held),
        }
        self.read(s, cx, false);
    }

    /// Reads more of the document.
    pub(super) fn push(&mut self, text: &str, s: &mut dyn Streamer, cx: &mut Context<'_>) {
        self.push_with(|b| b.push_str(text), s, cx);
    }

    /// The text held as a document held whole: `Some` once messages are held (see
    /// [`Take::Hold`]) or the envelope broke; the envelope of a streamed document is small.
    pub(super) fn held_messages(&mut self) -> Option<&mut String> {
        self.holds_messages.then_some(&mut self.held)
    }

    /// Ends the document: a streamed array still open is cut off (and says so).
    pub(super) fn finish(&mut self, s: &mut dyn Streamer, cx: &mut Context<'_>) -> Held {
        if self.mode == Mode::Streaming {
            self.read(s, cx, true);
        }
        Held {
            text: std::mem::take(&mut self.held),
            taken_out: std::mem::take(&mut self.taken_out),
            end_reported: self.mode == Mode::Stopped,
        }
    }

    fn read(&mut self, s: &mut dyn Streamer, cx: &mut Context<'_>, eof: bool) {
        loop {
            let more = match self.mode {
                Mode::Envelope => self.envelope(s, cx),
                Mode::Streaming => self.elements(s, cx, eof),
                Mode::Holding | Mode::Stopped => false,
            };
            if !more {
                return;
            }
        }
    }

    /// Reads the envelope on from `scan`; true when a streamed array begins.
    fn envelope(&mut self, s: &mut dyn Streamer, cx: &mut Context<'_>) -> bool {
        loop {
            let b = self.held.as_bytes();
            let i = blank_end(b, self.scan);
            if i >= b.len() {
                self.scan = i;
                return false;
            }
            if self.expect == Expect::Done {
                // More after the root value (concatenated values): held for the walk, and
                // weighed as held text.
                self.scan = b.len();
                return self.hold();
            }
            let c = b[i];
            match self.expect {
                Expect::Value | Expect::ValueOrEnd => match c {
                    b']' if self.expect == Expect::ValueOrEnd => self.close(i),
                    b'{' => {
                        self.frames.push(Frame { start: i, object: true, step: Step::Key(String::new()) });
                        self.expect = Expect::KeyOrEnd;
                        self.scan = i + 1;
                    }
                    b'[' => {
                        self.scan = i + 1;
                        let take = match self.frames.last() {
                            Some(f) if !f.object => Take::Envelope,
                            innermost => {
                                let path: Vec<Step> = self.frames.iter().map(|f| f.step.clone()).collect();
                                let envelope = Json { taken_out: &self.taken_out, ..Json::new(&self.held[..i + 1]) };
                                s.begins(&path, &envelope, innermost.map(|f| f.start), cx)
                            }
                        };
                        match take {
                            Take::Stream => {
                                self.start_streaming(i + 1);
                                return true;
                            }
                            Take::Hold => self.holds_messages = true,
                            Take::Envelope => {}
                        }
                        self.frames.push(Frame { start: i, object: false, step: Step::Index(0) });
                        self.expect = Expect::ValueOrEnd;
                    }
                    b'"' => match string_end(b, i) {
                        Some(e) => self.value_read(e),
                        None => return self.wait(i),
                    },
                    b',' | b'}' | b']' | b':' => return self.hold(),
                    _ => match scalar_end(b, i) {
                        Some(e) => self.value_read(e),
                        None => return self.wait(i),
                    },
                },
                Expect::KeyOrEnd | Expect::Key => match c {
                    b'}' if self.expect == Expect::KeyOrEnd => self.close(i),
                    b'"' => match string_end(b, i) {
                        Some(e) => {
                            let key = key_text(&self.held[i..e]).into_owned();
                            if let Some(f) = self.frames.last_mut() {
                                f.step = Step::Key(key);
                            }
                            self.expect = Expect::Colon;
                            self.scan = e;
                        }
                        None => return self.wait(i),
                    },
                    _ => return self.hold(),
                },
                Expect::Colon if c == b':' => {
                    self.expect = Expect::Value;
                    self.scan = i + 1;
                }
                Expect::CommaOrEnd => match (self.frames.last().map(|f| f.object), c) {
                    (Some(true), b',') => {
                        self.expect = Expect::Key;
                        self.scan = i + 1;
                    }
                    (Some(false), b',') => {
                        if let Some(Frame { step: Step::Index(n), .. }) = self.frames.last_mut() {
                            *n += 1;
                        }
                        self.expect = Expect::Value;
                        self.scan = i + 1;
                    }
                    (Some(true), b'}') | (Some(false), b']') => self.close(i),
                    _ => return self.hold(),
                },
                Expect::Colon | Expect::Done => return self.hold(),
            }
        }
    }

    /// A value of the envelope ended at `end`.
    fn value_read(&mut self, end: usize) {
        self.scan = end;
        self.expect = if self.frames.is_empty() { Expect::Done } else { Expect::CommaOrEnd };
    }

    /// The open object or array closes at `i`.
    fn close(&mut self, i: usize) {
        self.frames.pop();
        self.value_read(i + 1);
    }

    /// The token at `i` is not complete yet.
    fn wait(&mut self, i: usize) -> bool {
        self.scan = i;
        false
    }

    /// The envelope is not what the stream expected: the rest is held for the reader's walk,
    /// which reports what broke.
    fn hold(&mut self) -> bool {
        self.mode = Mode::Holding;
        self.holds_messages = true;
        false
    }

    /// The streamed array's elements start at `held[from..]`: that text moves to `pending`.
    fn start_streaming(&mut self, from: usize) {
        let line = Json { taken_out: &self.taken_out, ..Json::new(&self.held) }.line_of(from);
        self.pending.clear();
        self.pending.push_str(&self.held[from..]);
        self.held.truncate(from);
        self.array = ArrayScan { line, opened: line, ..ArrayScan::default() };
        self.mode = Mode::Streaming;
    }

    /// Hands over the streamed array's complete elements; true when the array ended.
    fn elements(&mut self, s: &mut dyn Streamer, cx: &mut Context<'_>, eof: bool) -> bool {
        loop {
            let b = self.pending.as_bytes();
            let a = &mut self.array;
            match a.state {
                Within::ValueOrEnd | Within::Value => {
                    let i = blank_end(b, a.at);
                    a.at = i;
                    let Some(&c) = b.get(i) else {
                        return self.wait_or_break(Broken::eof(i), s, cx, eof);
                    };
                    if c == b']' && a.state == Within::ValueOrEnd {
                        return self.end_array(i, s, cx);
                    }
                    if matches!(c, b',' | b'}' | b']' | b':') {
                        return self.broke(Broken::at(i, "a value is missing"), s, cx);
                    }
                    a.index += 1;
                    a.state = match c {
                        b'"' | b'{' | b'[' => Within::Container(i),
                        _ => Within::Scalar(i),
                    };
                    a.at = if c == b'"' { i + 1 } else { i };
                    (a.depth, a.in_string) = (0, c == b'"');
                }
                Within::Container(start) => {
                    let mut i = a.at;
                    let mut end = None;
                    while i < b.len() {
                        if a.in_string {
                            match memchr::memchr2(b'"', b'\\', &b[i..]) {
                                None => i = b.len(),
                                Some(k) if b[i + k] == b'"' => {
                                    a.in_string = false;
                                    i += k + 1;
                                    if a.depth == 0 {
                                        end = Some(i);
                                        break;
                                    }
                                }
                                // An escape cut by the end of the text is read again whole.
                                Some(k) if i + k + 1 >= b.len() => {
                                    i += k;
                                    break;
                                }
                                Some(k) => i += k + 2,
                            }
                            continue;
                        }
                        i = next_structural(b, i);
                        let Some(&c) = b.get(i) else { break };
                        match c {
                            b'"' => a.in_string = true,
                            b'{' | b'[' => a.depth += 1,
                            b'}' | b']' => {
                                a.depth -= 1;
                                if a.depth == 0 {
                                    end = Some(i + 1);
                                    i += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                    a.at = i;
                    match end {
                        Some(e) => self.element(start, e, s, cx),
                        None => {
                            let n = b.len();
                            return self.wait_or_break(Broken::eof(n), s, cx, eof);
                        }
                    }
                }
                Within::Scalar(start) => match scalar_end(b, start) {
                    Some(e) => self.element(start, e, s, cx),
                    None if eof => {
                        let n = b.len();
                        self.element(start, n, s, cx)
                    }
                    None => {
                        let n = b.len();
                        return self.wait_or_break(Broken::eof(n), s, cx, eof);
                    }
                },
                Within::CommaOrEnd => {
                    let i = blank_end(b, a.at);
                    a.at = i;
                    match b.get(i) {
                        None => return self.wait_or_break(Broken::eof(i), s, cx, eof),
                        Some(b',') => {
                            a.at = i + 1;
                            a.state = Within::Value;
                        }
                        Some(b']') => return self.end_array(i, s, cx),
                        Some(_) => return self.broke(Broken::at(i, "expected ',' or ']'"), s, cx),
                    }
                }
            }
        }
    }

    /// The line of `pending[pos]` (positions asked in increasing order).
    fn line_at(&mut self, pos: usize) -> u64 {
        let a = &mut self.array;
        a.line += memchr::memchr_iter(b'\n', &self.pending.as_bytes()[a.line_at..pos]).count() as u64;
        a.line_at = pos;
        a.line
    }

    /// Element `pending[start..end]` is complete.
    fn element(&mut self, start: usize, end: usize, s: &mut dyn Streamer, cx: &mut Context<'_>) {
        let line = self.line_at(start);
        s.element(self.array.index, &self.pending[start..end], line, cx);
        self.array.at = end;
        self.array.state = Within::CommaOrEnd;
    }

    /// The text ran out inside the array: at the end of the file that is a break; otherwise
    /// what was handed over is let go and the rest waits for more text.
    fn wait_or_break(&mut self, b: Broken, s: &mut dyn Streamer, cx: &mut Context<'_>, eof: bool) -> bool {
        if eof {
            return self.broke(b, s, cx);
        }
        let keep = match self.array.state {
            Within::Container(start) | Within::Scalar(start) => start,
            _ => self.array.at,
        };
        self.line_at(keep);
        self.pending.drain(..keep);
        let a = &mut self.array;
        a.at -= keep;
        a.line_at = 0;
        a.state = match a.state {
            Within::Container(start) => Within::Container(start - keep),
            Within::Scalar(start) => Within::Scalar(start - keep),
            other => other,
        };
        false
    }

    /// The streamed array broke at `pending[b.pos]`: it says so, and nothing after is read.
    fn broke(&mut self, b: Broken, s: &mut dyn Streamer, cx: &mut Context<'_>) -> bool {
        let line = self.line_at(b.pos.min(self.pending.len()));
        let last = if matches!(self.array.state, Within::Container(_) | Within::Scalar(_)) {
            self.array.index - 1
        } else {
            self.array.index
        };
        s.ends(last, Some((line, &b)), cx);
        // The held text ends with an empty array, for the walk; the break is not its to report.
        self.held.push(']');
        self.pending = String::new();
        self.mode = Mode::Stopped;
        false
    }

    /// The streamed array closes at `pending[i]`: the held text gets its `]` and what follows.
    fn end_array(&mut self, i: usize, s: &mut dyn Streamer, cx: &mut Context<'_>) -> bool {
        let lines = self.line_at(i) - self.array.opened;
        let close = self.held.len();
        let before = self.taken_out.last().map_or(0, |t| t.1);
        self.taken_out.push((close, before + lines));
        s.ends(self.array.index, None, cx);
        self.held.push_str(&self.pending[i..]);
        self.pending.clear();
        self.mode = Mode::Envelope;
        self.value_read(close + 1);
        true
    }
}

/// Streamed against held: the one check every streamed format's reader passes.
#[cfg(test)]
pub(super) mod testing {
    use super::super::{Context, FileStats, FormatParser};
    use crate::model::Model;

    /// What `read` makes of a file, with a fresh builder.
    pub(in crate::ingest) fn read_with(read: impl FnOnce(&mut Context<'_>)) -> (Model, FileStats) {
        let mut builder = crate::model::ModelBuilder::new();
        let mut zone = crate::time::Zone::new(crate::time::DEFAULT_TIMEZONE).unwrap();
        let mut stats = FileStats::default();
        read(&mut Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name: "export.json" });
        (builder.finish(), stats)
    }

    /// The format's parser (made for a file starting with `head`), given `text` in pieces of
    /// `chunk` characters.
    pub(in crate::ingest) fn read_streamed(
        head: &str,
        text: &str,
        chunk: usize,
        parser: fn(&str, &str) -> Box<dyn FormatParser>,
    ) -> (Model, FileStats) {
        read_with(|cx| {
            let mut p = parser(head, "export.json");
            let chars: Vec<char> = text.chars().collect();
            for piece in chars.chunks(chunk.max(1)) {
                p.feed(&piece.iter().collect::<String>(), cx);
            }
            p.finish(cx);
        })
    }

    /// The model and stats as text, maps in key order (their own order is the hasher's).
    pub(in crate::ingest) fn shown((mut model, stats): (Model, FileStats)) -> String {
        let quotes: std::collections::BTreeMap<_, _> = std::mem::take(&mut model.messages.quotes).into_iter().collect();
        let mentions: std::collections::BTreeMap<_, _> = std::mem::take(&mut model.messages.mentions).into_iter().collect();
        format!("{model:?} {quotes:?} {mentions:?} {stats:?}")
    }

    /// Streamed by `parser` and walked whole by `held`, `text` and every cut-off start of it
    /// read the same: messages, groups, people, skips with their lines and reasons, notes.
    pub(in crate::ingest) fn assert_streamed_as_held(
        text: &str,
        parser: fn(&str, &str) -> Box<dyn FormatParser>,
        held: impl Fn(&str, &mut Context<'_>),
    ) {
        let cuts = (0..=text.len()).filter(|&c| text.is_char_boundary(c));
        for cut in cuts {
            let t = &text[..cut];
            let whole = shown(read_with(|cx| held(t, cx)));
            for chunk in [usize::MAX, 7].into_iter().filter(|&c| c == usize::MAX || cut % 5 == 0) {
                assert_eq!(shown(read_streamed(text, t, chunk, parser)), whole, "cut at {cut}, in pieces of {chunk}");
            }
        }
        let whole = shown(read_with(|cx| held(text, cx)));
        assert_eq!(shown(read_streamed(text, text, 1, parser)), whole, "one character at a time");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn structural_bytes_are_found_eight_at_a_time_as_one_at_a_time() {
        let text = "{ \"键\": [1, {\"a\":\"]\"}],\n   \"b\":  \"x\\\"y\" }  ;;;;;;;;;;;;[]{}`{|}~Z[\\]^ ]\u{7b}\u{5b}é中文{";
        let b = text.as_bytes();
        for start in 0..=b.len() {
            let naive = (start..b.len()).find(|&i| matches!(b[i], b'"' | b'{' | b'[' | b'}' | b']')).unwrap_or(b.len());
            assert_eq!(super::next_structural(b, start), naive, "from {start}");
        }
    }
}
