//! Reading one large file in parallel pieces, with the same result as reading it in one go.
//!
//! A single 300 MB export is otherwise read by one core. The reader of the file (the *lead*)
//! reads its start until the parser can hand over what a continuation needs (a
//! [`Continuation`]: format, encoding, header width, the exporter's id); other readers
//! ([`PieceReader`], in other threads or workers) then each take a byte range of the rest.
//! Ranges are cut at *record boundaries*, found by the same rule on both sides of a cut, so
//! neighbouring pieces agree where one ends and the next starts ([`RecordStart`]): just after
//! a line break that is followed by a digit (a WeChatMsg row starts with its numeric
//! `localId`), by a message header (WhatsApp) or by `{` (a WeCom archive record in JSON
//! Lines, where a line break is never inside a record). A line break inside a quoted multi-line
//! message can look like a boundary; the piece that ends there then finds itself inside a
//! record ([`super::FormatParser::at_boundary`]) and is refused.
//!
//! The lead takes the pieces back in order ([`super::FileIngest::absorb_piece`]): messages
//! continue the file (`ModelBuilder::absorb_piece`), counts add up, skipped rows get their
//! line numbers shifted by the lines before the piece. The first piece that does not start
//! where the previous one ended, or was refused, ends the parallel part: the lead reads on
//! from the last good boundary itself ([`super::FileIngest::resume_offset`]), so the outcome is
//! always the one-reader outcome.
//!
//! Only formats whose parser carries no state from row to row beyond the seed take part
//! (WeChatMsg CSV, WhatsApp text in UTF-8, WeCom archives in JSON Lines); every other file is
//! read by one reader as
//! before. Where a record can change the seed (a WhatsApp rename changes which "authors" are
//! the group itself), a piece whose reading changed it ends the parallel part
//! ([`ParserSeed::carries_on`]); so does a piece its parser could not read soundly.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Context, FileIngest, FileStats, Format, Skip, State, MAX_LISTED_SKIPS};
use crate::decode::{StreamDecoder, TextEncoding};
use crate::model::{wire, HandOverCopy, Messages, ModelBuilder, Partial};
use crate::time::Zone;

/// A parser's part of a [`Continuation`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParserSeed {
    WeChatMsg(super::wechatmsg_csv::Seed),
    WhatsApp(super::whatsapp_txt::Seed),
    /// JSON Lines: every line is read alone, so there is nothing to carry.
    WeComArchive,
}

impl ParserSeed {
    /// Whether readers given `self` read what one reader reads after text that left its
    /// parser with the seed `after` (`None`: it could not be continued there). WeChatMsg rows
    /// depend on nothing before them beyond the seed; a WhatsApp record depends on the date
    /// order and the group's names, so those must not have changed.
    pub(super) fn carries_on(&self, after: Option<&ParserSeed>) -> bool {
        match self {
            ParserSeed::WeChatMsg(_) | ParserSeed::WeComArchive => true,
            ParserSeed::WhatsApp(_) => after == Some(self),
        }
    }

    /// A parser continuing the file from this seed.
    fn parser(&self, builder: &mut ModelBuilder) -> Box<dyn super::FormatParser> {
        match self {
            ParserSeed::WeChatMsg(seed) => super::wechatmsg_csv::continue_from(seed, builder),
            ParserSeed::WhatsApp(seed) => super::whatsapp_txt::continue_from(seed, builder),
            ParserSeed::WeComArchive => super::wecom_archive::continue_lines(),
        }
    }

    /// How this format's records start.
    fn record_start(&self) -> RecordStart {
        match self {
            ParserSeed::WeChatMsg(_) => RecordStart::DigitLine,
            ParserSeed::WhatsApp(seed) => RecordStart::Header(seed.style()),
            ParserSeed::WeComArchive => RecordStart::ObjectLine,
        }
    }

    /// Whether the boundary rule reads raw bytes as UTF-8 (only such files are cut then).
    fn needs_utf8(&self) -> bool {
        matches!(self.record_start(), RecordStart::Header(_))
    }
}

/// Where records start: the rule both sides of a cut apply to the bytes after a line break.
#[derive(Clone, Copy, Debug)]
enum RecordStart {
    /// A line starting with an ASCII digit.
    DigitLine,
    /// A WhatsApp message header in this style.
    Header(super::whatsapp_txt::Style),
    /// A line starting with `{` (a line break and a `{` are single bytes, never part of a
    /// character, in UTF-8 and in GB18030 alike).
    ObjectLine,
}

/// Bytes of a line enough to tell whether it is a WhatsApp header; a longer header (runs of
/// spaces) is not taken for a boundary, which only moves the cut to a later line.
const HEADER_PREFIX: usize = 256;

impl RecordStart {
    /// Whether a line starting at `rest` (just after a line break) starts a record; `None`
    /// when `rest` is too short to tell yet.
    fn decide(self, rest: &[u8]) -> Option<bool> {
        match self {
            RecordStart::DigitLine => rest.first().map(u8::is_ascii_digit),
            RecordStart::ObjectLine => rest.first().map(|&b| b == b'{'),
            RecordStart::Header(style) => {
                let head = &rest[..rest.len().min(HEADER_PREFIX)];
                match memchr::memchr(b'\n', head) {
                    Some(nl) => Some(super::whatsapp_txt::starts_message(&head[..nl], true, style)),
                    None if head.len() == HEADER_PREFIX => Some(super::whatsapp_txt::starts_message(head, false, style)),
                    None => None,
                }
            }
        }
    }
}

/// What a [`PieceReader`] needs to read a range of a file the lead has started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Continuation {
    file: String,
    format: Format,
    encoding: TextEncoding,
    parser: ParserSeed,
}

impl Continuation {
    /// The continuation as bytes (for a worker).
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        postcard::to_allocvec(self).map_err(|e| format!("continuation: {e}"))
    }

    /// A continuation from [`Continuation::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        postcard::from_bytes(bytes).map_err(|e| format!("continuation: {e}"))
    }
}

/// Which bytes of a file a reader parses: from the first record boundary at or after `from`
/// (or the file's start when `from` is 0) to the first record boundary at or after `to`.
#[derive(Clone, Debug)]
pub(super) struct Window {
    from: u64,
    to: u64,
    /// File offset of the next byte to look at (held bytes start there).
    pos: u64,
    /// The byte before `pos`.
    prev: Option<u8>,
    /// Bytes from `pos` on that cannot be placed yet: the start of a line that may start a
    /// record, too short so far to tell.
    held: Vec<u8>,
    starts: RecordStart,
    /// Where parsing started / stopped (`end` stays `None` when the file ended first).
    start: Option<u64>,
    end: Option<u64>,
}

/// What a search for a record boundary found in some bytes.
enum Found {
    At(usize),
    None,
    /// A line starting here may start a record: more bytes are needed to tell.
    Undecided(usize),
}

impl Window {
    /// A window over `[from, to)` of a file whose records start as `seed`'s do; bytes will be
    /// handed in from file offset `pos` on (for a piece, `from - 1`, so the line break before
    /// `from` is seen).
    pub(super) fn new(from: u64, to: u64, pos: u64, seed: &ParserSeed) -> Self {
        let start = (from == 0).then_some(0);
        Window { from, to, pos, prev: None, held: Vec::new(), starts: seed.record_start(), start, end: None }
    }

    /// True once the end boundary was found: no more bytes are wanted.
    pub(super) fn closed(&self) -> bool {
        self.end.is_some()
    }

    /// The part of `chunk` (handed in after the bytes before it) to parse.
    pub(super) fn take<'c>(&mut self, chunk: &'c [u8]) -> Cow<'c, [u8]> {
        if self.end.is_some() {
            return Cow::Borrowed(&[]);
        }
        if self.held.is_empty() {
            let range = self.place(chunk);
            return Cow::Borrowed(&chunk[range]);
        }
        // Rare (near the two cuts): the held line's start, then this chunk.
        let mut data = std::mem::take(&mut self.held);
        data.extend_from_slice(chunk);
        let range = self.place(&data);
        Cow::Owned(data[range].to_vec())
    }

    /// The held bytes, once the file has ended: the last line, which no record follows.
    pub(super) fn flush(&mut self) -> Vec<u8> {
        match (self.start, self.end) {
            (Some(_), None) => std::mem::take(&mut self.held),
            _ => Vec::new(),
        }
    }

    /// Finds this window's boundaries in `data` (the bytes from `self.pos` on); returns the
    /// range of `data` to parse, and holds back a line that cannot be placed yet.
    fn place(&mut self, data: &[u8]) -> std::ops::Range<usize> {
        let base = self.pos;
        let prev = self.prev;
        let at = |offset: u64| (offset.saturating_sub(base)) as usize;
        let hold = |w: &mut Window, i: usize| {
            w.held = data[i..].to_vec();
            w.pos = base + i as u64;
            w.prev = if i == 0 { prev } else { Some(data[i - 1]) };
        };
        self.pos = base + data.len() as u64;
        if let Some(&last) = data.last() {
            self.prev = Some(last);
        }
        let begin = match self.start {
            Some(_) => 0,
            None => match boundary(self.starts, prev, data, at(self.from)) {
                Found::At(i) => {
                    self.start = Some(base + i as u64);
                    i
                }
                Found::None => return 0..0,
                Found::Undecided(i) => {
                    hold(self, i);
                    return 0..0;
                }
            },
        };
        if let Some(start) = self.start.filter(|&s| s >= self.to) {
            // No boundary inside the range: an empty piece (the next one starts here too).
            self.end = Some(start);
            return 0..0;
        }
        match boundary(self.starts, prev, data, at(self.to)) {
            Found::At(i) => {
                self.end = Some(base + i as u64);
                begin..i
            }
            Found::None => begin..data.len(),
            Found::Undecided(i) => {
                hold(self, i);
                begin..i
            }
        }
    }
}

/// Where to cut `[read, size)` into `parts` ranges of about equal size: the start of each
/// range after the lead's (whose own range is `[0, cuts[0])`).
///
/// ```
/// assert_eq!(qunlens::ingest::pieces::cuts(100, 1000, 3), vec![400, 700]);
/// ```
pub fn cuts(read: u64, size: u64, parts: usize) -> Vec<u64> {
    let parts = parts.max(1) as u64;
    let step = size.saturating_sub(read) / parts;
    (1..parts).map(|i| read + i * step).collect()
}

/// The first record boundary at index `min` or later in `data`: an index just after a line
/// break where `starts` sees a record start. `prev` is the byte before `data`.
fn boundary(starts: RecordStart, prev: Option<u8>, data: &[u8], min: usize) -> Found {
    let mut i = min;
    while i < data.len() {
        let before = if i == 0 { prev } else { Some(data[i - 1]) };
        if before == Some(b'\n') {
            match starts.decide(&data[i..]) {
                Some(true) => return Found::At(i),
                Some(false) => {}
                None => return Found::Undecided(i),
            }
        }
        // Jump to just after the next line break.
        i = match memchr::memchr(b'\n', &data[i..]) {
            Some(nl) => i + nl + 1,
            None => return Found::None,
        };
    }
    Found::None
}

/// What a [`PieceReader`] read: handed to the lead's [`super::FileIngest::absorb_piece`].
#[derive(Debug, Serialize, Deserialize)]
pub struct PieceOutcome {
    /// Where parsing started (`None`: no record boundary in the range, nothing read).
    start: Option<u64>,
    /// Where it stopped (`None`: at the end of the file).
    end: Option<u64>,
    /// Newlines read, when the piece ended between records (`None`: inside one — refused).
    lines: Option<u64>,
    bytes: u64,
    malformed: u64,
    stats: FileStats,
    implausible: (u64, Option<(i64, i64)>),
    model: Partial,
    /// What a reader continuing after this piece would be given (see [`ParserSeed::carries_on`]).
    seed: Option<ParserSeed>,
}

impl PieceOutcome {
    /// What it read (bytes parsed, messages, people — some may be people the lead knows too —
    /// and text kept), as the caps of config `limits` weigh it.
    pub fn loaded(&self) -> crate::config::Loaded {
        crate::config::Loaded { file_bytes: self.bytes, ..self.model.loaded() }
    }

    /// The outcome ready to be handed to another worker as byte runs ([`PieceWire::runs`]).
    pub fn into_wire(mut self) -> PieceWire {
        let messages = self.model.take_messages();
        PieceWire { head: self, messages }
    }

    /// An outcome from `len` bytes of [`PieceWire::runs`] that `copy(offset, out)` copies into
    /// `out` (see [`wire::open_with`]). Its head and texts are read now; its columns stay in
    /// the hand-over until the lead merges them, a range of rows at a time, so that they never
    /// sit whole beside the lead's model. Errs on a truncated or damaged hand-over (a damaged
    /// column is refused when the piece is taken back, before anything is merged).
    pub fn read(len: usize, copy: HandOverCopy) -> Result<Self, String> {
        let (mut outcome, messages, rows): (PieceOutcome, Messages, _) = wire::open_with("piece", len, copy)?;
        outcome.model.put_rows(messages, rows);
        Ok(outcome)
    }

    /// [`PieceOutcome::read`] from a copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let bytes = bytes.to_vec();
        Self::read(bytes.len(), Box::new(move |at, out| wire::copy_from(&bytes)(at, out)))
    }
}

/// A [`PieceOutcome`] with its messages taken out, to hand over as byte runs: the piece's
/// encoded form never sits whole in the memory of the worker that read it, nor, read straight
/// into its columns, in the memory of the one that takes it back.
pub struct PieceWire {
    head: PieceOutcome,
    messages: Messages,
}

impl PieceWire {
    /// The piece as byte runs; concatenated, they are what [`PieceOutcome::from_bytes`] reads.
    pub fn runs(&self) -> Result<wire::Runs<'_>, String> {
        wire::runs_with("piece", &self.head, &self.messages)
    }
}

/// Reads one byte range of a file the lead has started (see the module docs).
pub struct PieceReader {
    builder: ModelBuilder,
    zone: Zone,
    file: FileIngest,
}

impl PieceReader {
    /// A reader for the records of `[from, to)` (boundaries as in the module docs). Hand it
    /// the file's bytes from offset `from - 1` on ([`PieceReader::first_byte`]) until
    /// [`PieceReader::wants_more`] says no or the file ends.
    pub fn new(continuation: &Continuation, timezone: &str, from: u64, to: u64) -> Result<Self, String> {
        let zone = Zone::new(timezone)?;
        let mut builder = ModelBuilder::new();
        let mut file = FileIngest::new(&continuation.file, &builder);
        let parser = continuation.parser.parser(&mut builder);
        // Only the lead's decoder sees a byte-order mark.
        let encoding = match continuation.encoding {
            TextEncoding::Utf8Bom => TextEncoding::Utf8,
            other => other,
        };
        file.encoding = Some(continuation.encoding);
        file.state = State::Parsing { decoder: StreamDecoder::new(encoding), parser, format: continuation.format };
        file.window = Some(Window::new(from.max(1), to, from.max(1) - 1, &continuation.parser));
        file.expect_bytes(to.saturating_sub(from));
        Ok(PieceReader { builder, zone, file })
    }

    /// The file offset of the first byte to hand in.
    pub fn first_byte(from: u64) -> u64 {
        from.max(1) - 1
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.file.push(chunk, &mut self.builder, &mut self.zone);
    }

    /// False once the piece's end boundary has been read.
    pub fn wants_more(&self) -> bool {
        self.file.wants_more()
    }

    /// Messages read so far (for progress).
    pub fn message_count(&self) -> usize {
        self.builder.message_count()
    }

    /// Ends the piece (at its end boundary, or at the end of the file).
    pub fn finish(self) -> PieceOutcome {
        let PieceReader { mut builder, mut zone, mut file } = self;
        let (start, end) = file.window.as_ref().map_or((None, None), |w| (w.start, w.end));
        let at_eof = end.is_none();
        if at_eof {
            // The end of the file: the last line needs no line break.
            file.feed_held(true, &mut builder, &mut zone);
        }
        file.window = None;
        let mut lines = None;
        let mut malformed = 0;
        let mut seed = None;
        if let State::Parsing { parser, decoder, .. } = &mut file.state {
            let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut file.stats, file_name: &file.name };
            lines = if at_eof {
                parser.finish(&mut cx);
                Some(0)
            } else {
                parser.at_boundary(&mut cx)
            };
            lines = lines.filter(|_| parser.read_soundly());
            seed = parser.seed();
            malformed = decoder.malformed;
        }
        let implausible = builder.take_implausible();
        PieceOutcome {
            start,
            end,
            lines,
            bytes: file.bytes,
            malformed,
            stats: std::mem::take(&mut file.stats),
            implausible,
            model: builder.into_partial(),
            seed,
        }
    }
}

/// The lead's side of a file read in pieces.
#[derive(Debug, Default)]
pub(super) struct Lead {
    /// Where the next piece must start; `None` once the end of the file was reached.
    next: Option<u64>,
    /// Newlines before `next`, and before the end of the lead's own range.
    lines: u64,
    own_lines: u64,
    /// A piece was refused (or the lead's own end was not a record boundary): read on from
    /// `next` alone.
    broken: bool,
    /// Malformed bytes of the absorbed pieces.
    pub(super) malformed: u64,
    /// What the pieces were given.
    given: Option<ParserSeed>,
    /// What the last piece taken back left, when it changed what it was given: the lead's
    /// parser reads on from there with it.
    read_on_with: Option<ParserSeed>,
}

impl FileIngest {
    /// Starts reading the rest of this file in pieces, if it can be: the lead reads on up to
    /// the first record boundary at or after `to` and returns what the readers of the later
    /// ranges need. `None` for formats (or files, so far) that cannot be continued elsewhere,
    /// for UTF-16 (a line break is two bytes there) and once a piece plan exists.
    pub fn continuation(&mut self, to: u64) -> Option<Continuation> {
        let State::Parsing { parser, format, .. } = &self.state else { return None };
        let encoding = self.encoding?;
        if self.window.is_some() || matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) || to <= self.bytes {
            return None;
        }
        let seed = parser.seed()?;
        if seed.needs_utf8() && !matches!(encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom) {
            return None;
        }
        self.window = Some(Window::new(0, to, self.bytes, &seed));
        self.given = Some(seed.clone());
        Some(Continuation { file: self.name.clone(), format: *format, encoding, parser: seed })
    }

    /// Parses what the window still holds once the file has ended: its last line, which no
    /// record follows (`last`: flush the decoder too).
    fn feed_held(&mut self, last: bool, builder: &mut ModelBuilder, zone: &mut Zone) {
        let held = self.window.as_mut().map(Window::flush).unwrap_or_default();
        self.bytes += held.len() as u64;
        self.decode_and_feed(&held, last, builder, zone);
    }

    /// False once the file's window (a piece's range, or the lead's first range) is read.
    pub fn wants_more(&self) -> bool {
        !self.window.as_ref().is_some_and(Window::closed) && !matches!(self.state, State::Stopped { .. } | State::Rejected)
    }

    /// The bytes of `chunk` this reader parses (all of it unless reading in pieces).
    pub(super) fn windowed<'c>(&mut self, chunk: &'c [u8]) -> Cow<'c, [u8]> {
        match self.window.as_mut() {
            Some(w) => w.take(chunk),
            None => Cow::Borrowed(chunk),
        }
    }

    /// Once the lead's own range is read: notes whether its parser stands between records.
    fn close_lead(&mut self, builder: &mut ModelBuilder, zone: &mut Zone) {
        if self.lead.is_some() || self.window.is_none() {
            return;
        }
        let end = self.window.as_ref().and_then(|w| w.end);
        if end.is_none() {
            // The file ended inside the lead's own range: its held last line is its own.
            self.feed_held(false, builder, zone);
        }
        let given = self.given.take();
        let mut lines = None;
        let mut carries_on = false;
        if let (Some(_), State::Parsing { parser, .. }) = (end, &mut self.state) {
            let mut cx = Context { builder, zone, stats: &mut self.stats, file_name: &self.name };
            lines = parser.at_boundary(&mut cx);
            carries_on = given.as_ref().is_some_and(|g| g.carries_on(parser.seed().as_ref()));
        }
        let own_lines = lines.unwrap_or(0);
        let broken = lines.is_none() || !carries_on;
        self.lead = Some(Lead { next: end, lines: own_lines, own_lines, broken, malformed: 0, given, read_on_with: None });
    }

    /// Takes back the next piece of this file (pieces in order). Returns false when it was
    /// refused — it did not start where the previous one ended, it ended inside a record, or
    /// `fits` said no (a limit) — and then refuses every later piece: the lead reads on from
    /// [`FileIngest::resume_offset`] itself.
    pub fn absorb_piece(&mut self, piece: PieceOutcome, builder: &mut ModelBuilder, zone: &mut Zone, fits: impl Fn(&PieceOutcome) -> bool) -> bool {
        self.close_lead(builder, zone);
        let Some(lead) = self.lead.as_mut() else { return false };
        if lead.broken {
            return false;
        }
        let Some(next) = lead.next else {
            // After the end of the file only empty pieces may follow.
            return piece.start.is_none();
        };
        let carries_on = lead.given.as_ref().is_some_and(|g| g.carries_on(piece.seed.as_ref()));
        // A piece that changed what it was given must tell the lead what to read on with.
        let stranded = !carries_on && piece.seed.is_none();
        if piece.start != Some(next) || piece.lines.is_none() || stranded || !fits(&piece) {
            lead.broken = true;
            return false;
        }
        let PieceOutcome { end, lines, bytes, malformed, stats, implausible, model, seed, .. } = piece;
        if builder.absorb_piece(model).is_err() {
            lead.broken = true;
            return false;
        }
        // Later pieces were given what this one started from: if it changed that, they are
        // refused and the lead reads on from this piece's end, as this piece would have.
        if !carries_on {
            lead.broken = true;
            lead.read_on_with = seed;
        }
        let offset = lead.lines;
        lead.lines += lines.unwrap_or(0);
        lead.next = end;
        lead.malformed += malformed;
        builder.add_implausible(implausible);
        self.bytes += bytes;
        let s = &mut self.stats;
        s.rows += stats.rows;
        s.skipped_count += stats.skipped_count;
        for skip in stats.skipped {
            if s.skipped.len() < MAX_LISTED_SKIPS {
                s.skipped.push(Skip { line: if skip.line == 0 { 0 } else { skip.line + offset }, ..skip });
            }
        }
        s.notes.extend(stats.notes);
        true
    }

    /// Where the lead reads on by itself after the pieces (`None`: the file is complete).
    /// Reading in pieces ends here: later bytes go straight to the parser, which continues
    /// at that boundary with the lines of the absorbed pieces counted.
    pub fn resume_offset(&mut self, builder: &mut ModelBuilder, zone: &mut Zone) -> Option<u64> {
        self.close_lead(builder, zone);
        self.window = None;
        let lead = self.lead.as_ref()?;
        if let State::Parsing { parser, .. } = &mut self.state {
            match &lead.read_on_with {
                Some(seed) => {
                    *parser = seed.parser(builder);
                    parser.skip_lines(lead.lines);
                }
                None => parser.skip_lines(lead.lines - lead.own_lines),
            }
        }
        lead.next
    }
}
