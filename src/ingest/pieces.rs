//! Reading one large file in parallel pieces, with the same result as reading it in one go.
//!
//! A single 300 MB export is otherwise read by one core. The reader of the file (the *lead*)
//! reads its start until the parser can hand over what a continuation needs (a
//! [`Continuation`]: format, encoding, header width, the exporter's id); other readers
//! ([`PieceReader`], in other threads or workers) then each take a byte range of the rest.
//! Ranges are cut at *record boundaries*: just after a line break that is followed by a digit
//! (a WeChatMsg row starts with its numeric `localId`), found by the same rule on both sides
//! of a cut, so neighbouring pieces agree where one ends and the next starts. A line break
//! inside a quoted multi-line message can look like a boundary; the piece that ends there
//! then finds itself inside a record ([`super::FormatParser::at_boundary`]) and is refused.
//!
//! The lead takes the pieces back in order ([`super::FileIngest::absorb_piece`]): messages
//! continue the file (`ModelBuilder::absorb_piece`), counts add up, skipped rows get their
//! line numbers shifted by the lines before the piece. The first piece that does not start
//! where the previous one ended, or was refused, ends the parallel part: the lead reads on
//! from the last good boundary itself ([`super::FileIngest::resume_offset`]), so the outcome is
//! always the one-reader outcome.
//!
//! Only formats whose parser carries no state from row to row beyond the seed take part
//! (WeChatMsg CSV); every other file is read by one reader as before.

use serde::{Deserialize, Serialize};

use super::{Context, FileIngest, FileStats, Format, Skip, State, MAX_LISTED_SKIPS};
use crate::decode::{StreamDecoder, TextEncoding};
use crate::model::{ModelBuilder, Partial};
use crate::time::Zone;

/// A parser's part of a [`Continuation`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParserSeed {
    WeChatMsg(super::wechatmsg_csv::Seed),
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
    /// File offset of the next byte handed in.
    pos: u64,
    /// The byte before `pos`.
    prev: Option<u8>,
    /// Where parsing started / stopped (`end` stays `None` when the file ended first).
    start: Option<u64>,
    end: Option<u64>,
}

impl Window {
    /// A window over `[from, to)`; bytes will be handed in from file offset `pos` on (for a
    /// piece, `from - 1`, so the line break before `from` is seen).
    pub(super) fn new(from: u64, to: u64, pos: u64) -> Self {
        Window { from, to, pos, prev: None, start: (from == 0).then_some(0), end: None }
    }

    /// True once the end boundary was found: no more bytes are wanted.
    pub(super) fn closed(&self) -> bool {
        self.end.is_some()
    }

    /// The part of `chunk` (handed in at `self.pos`) to parse.
    pub(super) fn take<'c>(&mut self, chunk: &'c [u8]) -> &'c [u8] {
        let base = self.pos;
        let prev = self.prev;
        self.pos += chunk.len() as u64;
        if let Some(&last) = chunk.last() {
            self.prev = Some(last);
        }
        if self.end.is_some() {
            return &[];
        }
        let at = |offset: u64| (offset.saturating_sub(base)) as usize;
        let begin = match self.start {
            Some(_) => 0,
            None => match boundary(prev, chunk, at(self.from)) {
                Some(i) => {
                    self.start = Some(base + i as u64);
                    i
                }
                None => return &[],
            },
        };
        if let Some(start) = self.start.filter(|&s| s >= self.to) {
            // No boundary inside the range: an empty piece (the next one starts here too).
            self.end = Some(start);
            return &[];
        }
        match boundary(prev, chunk, at(self.to)) {
            Some(i) => {
                self.end = Some(base + i as u64);
                &chunk[begin..i]
            }
            _ => &chunk[begin..],
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

/// The first record boundary at index `min` or later in `chunk`: an index just after a line
/// break whose byte is an ASCII digit. `prev` is the byte before `chunk`.
fn boundary(prev: Option<u8>, chunk: &[u8], min: usize) -> Option<usize> {
    let mut i = min;
    while i < chunk.len() {
        let before = if i == 0 { prev } else { Some(chunk[i - 1]) };
        if before == Some(b'\n') && chunk[i].is_ascii_digit() {
            return Some(i);
        }
        // Jump to just after the next line break.
        i = match memchr::memchr(b'\n', &chunk[i..]) {
            Some(nl) => i + nl + 1,
            None => return None,
        };
    }
    None
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
}

impl PieceOutcome {
    /// Bytes the piece parsed.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Messages it read.
    pub fn message_count(&self) -> usize {
        self.model.message_count()
    }

    /// People it met (some may be people the lead knows too).
    pub fn member_count(&self) -> usize {
        self.model.member_count()
    }

    /// The outcome as bytes (from a worker).
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        postcard::to_extend(self, Vec::with_capacity(self.model.encoded_size_hint())).map_err(|e| format!("piece: {e}"))
    }

    /// An outcome from [`PieceOutcome::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        postcard::from_bytes(bytes).map_err(|e| format!("piece: {e}"))
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
        let parser = match &continuation.parser {
            ParserSeed::WeChatMsg(seed) => super::wechatmsg_csv::continue_from(seed, &mut builder),
        };
        // Only the lead's decoder sees a byte-order mark.
        let encoding = match continuation.encoding {
            TextEncoding::Utf8Bom => TextEncoding::Utf8,
            other => other,
        };
        file.encoding = Some(continuation.encoding);
        file.state = State::Parsing { decoder: StreamDecoder::new(encoding), parser, format: continuation.format };
        file.window = Some(Window::new(from.max(1), to, from.max(1) - 1));
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

    /// Ends the piece (at its end boundary, or at the end of the file).
    pub fn finish(self) -> PieceOutcome {
        let PieceReader { mut builder, mut zone, mut file } = self;
        let window = file.window.take().unwrap_or_else(|| Window::new(0, 0, 0));
        let at_eof = window.end.is_none();
        if at_eof {
            // The end of the file: the last record needs no line break.
            file.decode_and_feed(&[], true, &mut builder, &mut zone);
        }
        let mut lines = None;
        let mut malformed = 0;
        if let State::Parsing { parser, decoder, .. } = &mut file.state {
            let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut file.stats, file_name: &file.name };
            lines = if at_eof {
                parser.finish(&mut cx);
                Some(0)
            } else {
                parser.at_boundary(&mut cx)
            };
            malformed = decoder.malformed;
        }
        let implausible = builder.take_implausible();
        PieceOutcome {
            start: window.start,
            end: window.end,
            lines,
            bytes: file.bytes,
            malformed,
            stats: std::mem::take(&mut file.stats),
            implausible,
            model: builder.into_partial(),
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
        let continuation = Continuation { file: self.name.clone(), format: *format, encoding, parser: seed };
        self.window = Some(Window::new(0, to, self.bytes));
        Some(continuation)
    }

    /// False once the file's window (a piece's range, or the lead's first range) is read.
    pub fn wants_more(&self) -> bool {
        !self.window.as_ref().is_some_and(Window::closed) && !matches!(self.state, State::Rejected)
    }

    /// The bytes of `chunk` this reader parses (all of it unless reading in pieces).
    pub(super) fn windowed<'c>(&mut self, chunk: &'c [u8]) -> &'c [u8] {
        match self.window.as_mut() {
            Some(w) => w.take(chunk),
            None => chunk,
        }
    }

    /// Once the lead's own range is read: notes whether its parser stands between records.
    fn close_lead(&mut self, builder: &mut ModelBuilder, zone: &mut Zone) {
        if self.lead.is_some() || self.window.is_none() {
            return;
        }
        let end = self.window.as_ref().and_then(|w| w.end);
        let mut lines = None;
        if let (Some(_), State::Parsing { parser, .. }) = (end, &mut self.state) {
            let mut cx = Context { builder, zone, stats: &mut self.stats, file_name: &self.name };
            lines = parser.at_boundary(&mut cx);
        }
        let own_lines = lines.unwrap_or(0);
        self.lead = Some(Lead { next: end, lines: own_lines, own_lines, broken: lines.is_none(), malformed: 0 });
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
        if piece.start != Some(next) || piece.lines.is_none() || !fits(&piece) {
            lead.broken = true;
            return false;
        }
        let PieceOutcome { end, lines, bytes, malformed, stats, implausible, model, .. } = piece;
        if builder.absorb_piece(model).is_err() {
            lead.broken = true;
            return false;
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
                s.skipped.push(Skip { line: if skip.line == 0 { 0 } else { skip.line + offset }, reason: skip.reason });
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
        let absorbed = lead.lines - lead.own_lines;
        if absorbed > 0 {
            if let State::Parsing { parser, .. } = &mut self.state {
                parser.skip_lines(absorbed);
            }
        }
        lead.next
    }
}
