//! Reading export files: encoding and format detection, then one streaming parser per format.
//!
//! A file arrives as byte chunks of any size ([`FileIngest::push`]). The first bytes are held
//! back until the encoding and the format can be told from content (never from the file name
//! alone); after that every chunk is decoded to UTF-8 and handed to the format's parser, which
//! writes into the shared [`ModelBuilder`]. A bad row is skipped and recorded with its line
//! number; a file that is not a chat export gets one plain-language error and the other files
//! still load.

mod archive;
pub mod business;
pub mod pieces;
mod skip;
mod slack;
mod split;
pub mod workbook;
pub use split::RecordCounter;
pub(crate) mod wechat_sys;
pub(crate) mod wechat_types;

pub mod chatlab;
pub mod chatlog;
pub mod discord;
mod json_records;
mod json_scan;
pub mod mapped_csv;
pub mod pywxdump_csv;
pub mod qq_nt_chunks;
pub mod qq_nt_json;
pub mod qq_txt;
pub mod telegram_json;
pub mod weflow_json;
pub mod whatsapp_txt;
pub mod wechatmsg_csv;
pub mod wecom_archive;
pub mod wecom_members;

pub use skip::{Skip, SkipCode, Why};
pub use split::{CsvRecord, CsvSplitter, LineSplitter};

use crate::decode::{sniff_encoding, StreamDecoder, TextEncoding};
use crate::model::ModelBuilder;
use crate::time::Zone;

/// How many skipped rows are listed with their reason per file (all are counted).
pub const MAX_LISTED_SKIPS: usize = 50;

/// Bytes held back to detect encoding and format.
const SNIFF_BYTES: usize = 64 * 1024;
/// If the first 64 KiB are pure ASCII, keep looking (a GBK file may start with ASCII rows).
const SNIFF_BYTES_MAX: usize = 1024 * 1024;

/// The export formats qunlens reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// WeChatMsg / MemoTrace (留痕) CSV, every generation, per chat or "export all".
    #[serde(rename = "wechatmsg-csv")]
    WeChatMsgCsv,
    /// PyWxDump CSV, v3.1+ (`msg`,`src`) and ≤ v3.0 (JSON `content`) layouts.
    #[serde(rename = "pywxdump-csv")]
    PyWxDumpCsv,
    /// WeCom 会话存档 records: a JSON array, JSON lines, or a `{"chatdata":[…]}` envelope.
    #[serde(rename = "wecom-archive")]
    WeComArchive,
    /// WeCom customer-group details (`groupchat/get` responses): members, join time/scene, inviter.
    #[serde(rename = "wecom-group-members")]
    WeComGroupMembers,
    /// Classic PC QQ 消息管理器 `.txt` export.
    #[serde(rename = "qq-txt")]
    QqTxt,
    /// QQ NT qq-chat-exporter (QCE) JSON.
    #[serde(rename = "qq-nt-json")]
    QqNtJson,
    /// WeChat 4.x desktop exporters WeFlow / EchoTrace JSON (`session` + `messages`).
    #[serde(rename = "weflow-json")]
    WeFlowJson,
    /// chatlog (sjzar/chatlog) CSV or JSON output.
    #[serde(rename = "chatlog")]
    Chatlog,
    /// ChatLab exchange format, JSON or JSON Lines.
    #[serde(rename = "chatlab")]
    ChatLab,
    /// WhatsApp "Export chat" `.txt` (Android and iOS, any locale).
    #[serde(rename = "whatsapp-txt")]
    WhatsAppTxt,
    /// Telegram Desktop `result.json` (single chat or full account).
    #[serde(rename = "telegram-json")]
    TelegramJson,
    /// DiscordChatExporter JSON or CSV.
    #[serde(rename = "discord")]
    Discord,
    /// Slack workspace export `.zip`.
    #[serde(rename = "slack-zip")]
    Slack,
    /// Any other CSV, read through a user's column mapping (config `column_maps`).
    #[serde(rename = "mapped-csv")]
    MappedCsv,
    /// A CRM export of leads, contacts or deals (Salesforce, HubSpot, 纷享销客, 销售易, WeCom
    /// customer list, SCRM), recognised from its headers.
    #[serde(rename = "crm-csv")]
    CrmCsv,
    /// A group roster: member, group, role tag, inviter, join channel and time.
    #[serde(rename = "roster-csv")]
    RosterCsv,
    /// An SDR activity log: SDR, date, calls, invitations, optionally the invited person.
    #[serde(rename = "sdr-log-csv")]
    SdrLogCsv,
}

impl Format {
    /// Stable name used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Format::WeChatMsgCsv => "wechatmsg-csv",
            Format::PyWxDumpCsv => "pywxdump-csv",
            Format::WeComArchive => "wecom-archive",
            Format::WeComGroupMembers => "wecom-group-members",
            Format::QqTxt => "qq-txt",
            Format::QqNtJson => "qq-nt-json",
            Format::WeFlowJson => "weflow-json",
            Format::Chatlog => "chatlog",
            Format::ChatLab => "chatlab",
            Format::WhatsAppTxt => "whatsapp-txt",
            Format::TelegramJson => "telegram-json",
            Format::Discord => "discord",
            Format::Slack => "slack-zip",
            Format::MappedCsv => "mapped-csv",
            Format::CrmCsv => "crm-csv",
            Format::RosterCsv => "roster-csv",
            Format::SdrLogCsv => "sdr-log-csv",
        }
    }

    /// CRM exports, rosters and SDR logs: business records, not messages.
    pub fn is_business(self) -> bool {
        matches!(self, Format::CrmCsv | Format::RosterCsv | Format::SdrLogCsv)
    }
}

/// What a parser needs besides its input: where to write, the zone for local times, and
/// counters for the report.
pub struct Context<'a> {
    pub builder: &'a mut ModelBuilder,
    pub zone: &'a mut Zone,
    pub stats: &'a mut FileStats,
    /// The file's name, for formats whose group name is only in the file name.
    pub file_name: &'a str,
}

impl Context<'_> {
    /// Counts one row (record, message, line group) read successfully.
    pub fn row(&mut self) {
        self.stats.rows += 1;
    }

    /// Records a repair or decision that lost nothing (see [`Note`]).
    pub fn note(&mut self, code: &'static str, count: u64, message: impl Into<String>) {
        self.note_detail(code, count, String::new(), message);
    }

    /// Like [`Context::note`], with the variable part (a column, a preset) kept apart so the
    /// page can put it into a translated sentence.
    pub fn note_detail(&mut self, code: &'static str, count: u64, detail: impl Into<String>, message: impl Into<String>) {
        self.stats.notes.push(Note { code: code.to_string(), count, detail: detail.into(), message: message.into() });
    }

    /// Counts one skipped row and lists the first [`MAX_LISTED_SKIPS`] reasons.
    pub fn skip(&mut self, line: u64, why: Why) {
        self.stats.skipped_count += 1;
        if self.stats.skipped.len() < MAX_LISTED_SKIPS {
            self.stats.skipped.push(Skip::new(line, why));
        }
    }
}

/// Something the reader fixed or decided on the way, with nothing lost (e.g. invalid JSON
/// escapes repaired): shown to the user, not counted as skipped.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Stable code for translations: `repaired_escapes`, `repaired_values`, `preset`,
    /// `unreadable_values`, `footer_lines`, `column_map`, `unknown_map_fields`, `chunk_manifest`.
    pub code: String,
    /// How many times it happened.
    pub count: u64,
    /// The variable part of the message (a column and example value, a preset, a mapping
    /// name, field names), empty when there is none.
    pub detail: String,
    /// The same in plain language (English).
    pub message: String,
}

/// Per-file counters.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileStats {
    pub rows: u64,
    pub skipped_count: u64,
    pub skipped: Vec<Skip>,
    pub notes: Vec<Note>,
}

/// A format's streaming parser. `feed` receives decoded text in arbitrary pieces (always
/// whole characters); `finish` is called once after the last piece.
pub trait FormatParser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>);
    fn finish(&mut self, cx: &mut Context<'_>);

    /// After text ending with a line break: handles every complete record still held back and
    /// returns the newlines read so far when the parser stands between records (`None` inside
    /// one, or for formats that cannot be read in pieces). See [`pieces`].
    fn at_boundary(&mut self, _cx: &mut Context<'_>) -> Option<u64> {
        None
    }

    /// What a reader continuing the file from a record boundary needs; `None` when this
    /// format (or this file, so far) cannot be continued elsewhere. See [`pieces`].
    fn seed(&self) -> Option<pieces::ParserSeed> {
        None
    }

    /// False when this parser, continuing a file as a piece, met something it cannot read
    /// without the text before its range: the piece is then refused. See [`pieces`].
    fn read_soundly(&self) -> bool {
        true
    }

    /// Counts `lines` more lines read (by piece readers) before the next text.
    fn skip_lines(&mut self, _lines: u64) {}

    /// The text this parser holds whole until the file ends (a JSON document read as one
    /// value), if it does: the caps weigh it ([`crate::config::Loaded::held_bytes`]), and when
    /// it holds from the start, room for the whole file is reserved in it at once, so it never
    /// doubles. Streamed JSON documents (every JSON export: [`json_scan`], [`json_records`])
    /// hold only their envelope, and say so only if they fall back to holding (messages that
    /// come before what they belong to).
    fn held_text(&mut self) -> Option<&mut String> {
        None
    }

    /// True for a file that does not say which chat it belongs to, read only once told (a QQ
    /// NT chunk: [`qq_nt_chunks`]); the file is refused when no manifest lists it.
    fn needs_listing(&self) -> bool {
        false
    }

    /// The chat (`chatInfo`) the manifest listing this file gives it, before the first text.
    fn listed_in(&mut self, _chat: &serde_json::Value) {}
}

/// One entry of the format registry: a content sniffer and a parser constructor.
struct FormatEntry {
    format: Format,
    /// Looks at the start of the decoded text (BOM removed) and the file name.
    sniff: fn(head: &str, file_name: &str) -> bool,
    make: fn(head: &str, file_name: &str) -> Box<dyn FormatParser>,
}

/// Formats in detection order (most specific signature first).
const FORMATS: &[FormatEntry] = &[
    FormatEntry { format: Format::WeChatMsgCsv, sniff: wechatmsg_csv::sniff, make: wechatmsg_csv::parser },
    FormatEntry { format: Format::PyWxDumpCsv, sniff: pywxdump_csv::sniff, make: pywxdump_csv::parser },
    FormatEntry { format: Format::QqTxt, sniff: qq_txt::sniff, make: qq_txt::parser },
    FormatEntry { format: Format::QqNtJson, sniff: qq_nt_json::sniff, make: qq_nt_json::parser },
    FormatEntry { format: Format::QqNtJson, sniff: qq_nt_chunks::sniff, make: qq_nt_chunks::parser },
    FormatEntry {
        format: Format::WeComGroupMembers,
        sniff: wecom_members::sniff,
        make: wecom_members::parser,
    },
    FormatEntry { format: Format::WeComArchive, sniff: wecom_archive::sniff, make: wecom_archive::parser },
    FormatEntry { format: Format::WeFlowJson, sniff: weflow_json::sniff, make: weflow_json::parser },
    FormatEntry { format: Format::ChatLab, sniff: chatlab::sniff, make: chatlab::parser },
    FormatEntry { format: Format::Chatlog, sniff: chatlog::sniff, make: chatlog::parser },
    FormatEntry { format: Format::TelegramJson, sniff: telegram_json::sniff, make: telegram_json::parser },
    FormatEntry { format: Format::Discord, sniff: discord::sniff, make: discord::parser },
    FormatEntry { format: Format::WhatsAppTxt, sniff: whatsapp_txt::sniff, make: whatsapp_txt::parser },
    // Business files last: their headers are recognised loosely, after every chat signature.
    FormatEntry { format: Format::SdrLogCsv, sniff: business::sniff_sdr_log, make: business::parser },
    FormatEntry { format: Format::RosterCsv, sniff: business::sniff_roster, make: business::parser },
    FormatEntry { format: Format::CrmCsv, sniff: business::sniff_crm, make: business::parser },
];

/// Reads `bytes` as `format`, skipping detection, in `chunk`-byte pieces: the entry point of
/// the fuzz targets (`fuzz/`), which must reach every parser whatever its input looks like.
/// `None` for formats without a text parser of their own (Slack, mapped CSV).
pub fn read_as(format: Format, file_name: &str, bytes: &[u8], chunk: usize) -> Option<(crate::model::Model, FileStats)> {
    let entry = FORMATS.iter().find(|f| f.format == format)?;
    let mut builder = ModelBuilder::new();
    let mut zone = Zone::new(crate::time::DEFAULT_TIMEZONE).ok()?;
    let mut stats = FileStats::default();
    let encoding = sniff_encoding(bytes, true);
    let mut decoder = StreamDecoder::new(encoding);
    let mut head = String::new();
    StreamDecoder::new(encoding).decode(&bytes[..bytes.len().min(SNIFF_BYTES)], &mut head, bytes.len() <= SNIFF_BYTES);
    let mut parser = (entry.make)(&head, file_name);
    let mut text = String::new();
    let pieces = bytes.chunks(chunk.max(1));
    let count = pieces.len();
    for (i, piece) in pieces.enumerate() {
        text.clear();
        decoder.decode(piece, &mut text, i + 1 == count);
        let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name };
        parser.feed(&text, &mut cx);
    }
    let mut cx = Context { builder: &mut builder, zone: &mut zone, stats: &mut stats, file_name };
    parser.finish(&mut cx);
    Some((builder.finish(), stats))
}

/// Every format with a text parser of its own, for [`read_as`].
pub fn text_formats() -> impl Iterator<Item = Format> {
    FORMATS.iter().map(|f| f.format)
}

/// Detects the format of a file from the start of its decoded text.
pub fn detect_format(head: &str, file_name: &str) -> Option<Format> {
    FORMATS.iter().find(|f| (f.sniff)(head, file_name)).map(|f| f.format)
}

/// What the report says about one input file.
#[derive(Clone, Debug, PartialEq)]
pub struct InputOutcome {
    pub file: String,
    pub format: Option<Format>,
    pub encoding: Option<TextEncoding>,
    pub bytes: u64,
    pub stats: FileStats,
    /// Messages read from this file: those an overlapping export of the same group already
    /// brought are counted too (and once in the group, as its `duplicates`), so the count does
    /// not depend on which of two overlapping files was read first, or by which worker.
    pub messages: u64,
    /// Set when the whole file could not be read (not a chat export, empty, ...).
    pub error: Option<String>,
    /// Stable code of `error`, for translated messages: `empty`, `binary`, `unknown_format`,
    /// `no_messages` (a header only), `no_readable_rows` (every row skipped), `bad_archive`
    /// (a damaged zip), `archive_limits` (a zip over the entry/size/ratio limits), `bad_workbook`
    /// (an .xlsx/.xls that cannot be read), `missing_columns` (a CRM export, roster or SDR log
    /// without a column it needs; the message names it), `limit_reached` (a cap of config
    /// `limits` stopped reading; what was read before it is kept), `chunk_without_manifest` (a
    /// chunk of a chunked QQ NT export no manifest of the load lists).
    pub error_code: Option<&'static str>,
    /// Bytes that were not valid in the detected encoding (replaced with U+FFFD).
    pub malformed_bytes: u64,
}

enum State {
    Sniffing { head: Vec<u8> },
    /// A zip: held whole (its directory is at the end), expanded when the file ends.
    Archive { bytes: Vec<u8> },
    Parsing { decoder: StreamDecoder, parser: Box<dyn FormatParser>, format: Format },
    /// Stopped at a cap (config `limits`): what was read stays, read as `format`.
    Stopped { format: Format, malformed: u64 },
    Rejected,
}

/// One file being read, fed chunk by chunk.
pub struct FileIngest {
    name: String,
    state: State,
    bytes: u64,
    stats: FileStats,
    messages_before: usize,
    /// Messages offered to the model before this file, repeats of overlapping exports included
    /// (see [`InputOutcome::messages`]).
    offered_before: u64,
    error: Option<String>,
    error_code: Option<&'static str>,
    encoding: Option<TextEncoding>,
    /// The user's mappings for CSVs no known format matches.
    column_maps: Vec<mapped_csv::ColumnMap>,
    /// Reading in pieces: the byte range this reader parses, and the lead's bookkeeping.
    window: Option<pieces::Window>,
    lead: Option<pieces::Lead>,
    /// What the pieces of this file were given (the lead's [`FileIngest::continuation`]).
    given: Option<pieces::ParserSeed>,
    /// The bytes this reader will see in all ([`FileIngest::expect_bytes`]), until the model
    /// has been sized for them; and the model's text bytes when the file began.
    expected: Option<u64>,
    text_before: usize,
    /// The caps reading will stop at: the model is never sized past them.
    limits: Option<crate::config::Limits>,
    /// The chunks of chunked exports the manifests read so far list, and the file's size
    /// ([`FileIngest::expect_bytes`]) that tells same-named chunks apart.
    chunk_chats: std::sync::Arc<qq_nt_chunks::ChunkChats>,
    size: Option<u64>,
}

/// Room for the chunk that passes the memory cap in a text held whole: the page hands over at
/// most 4 MiB at a time (`www/read.js`), 6 MiB decoded; the CLI 4 MiB.
const HELD_CHUNK_ROOM: u64 = 16 << 20;

/// Input read before [`FileIngest::expect_bytes`] sizes the model's columns: enough rows that
/// their bytes per message and text bytes per byte predict the rest within a few per cent.
const SIZE_SAMPLE_BYTES: u64 = 1 << 20;
/// Room sized beyond the sample's prediction, so that a rest slightly denser than the sample
/// still fits (the columns give back what stays unused at the end of the load).
const SIZE_MARGIN: f64 = 1.04;

impl FileIngest {
    /// Starts reading a file called `name` (its name is shown in the report and, for some
    /// formats, gives the group name).
    pub fn new(name: &str, builder: &ModelBuilder) -> Self {
        FileIngest {
            name: name.to_string(),
            state: State::Sniffing { head: Vec::new() },
            bytes: 0,
            stats: FileStats::default(),
            messages_before: builder.message_count(),
            offered_before: builder.offered_count(),
            text_before: builder.text_bytes(),
            expected: None,
            error: None,
            error_code: None,
            encoding: None,
            column_maps: Vec::new(),
            window: None,
            lead: None,
            given: None,
            limits: None,
            chunk_chats: Default::default(),
            size: None,
        }
    }

    /// Lets a chunk of a chunked export be read into the chat of the manifest listing it.
    pub fn with_chunk_chats(mut self, chats: &std::sync::Arc<qq_nt_chunks::ChunkChats>) -> Self {
        self.chunk_chats = chats.clone();
        self
    }

    /// Lets the file be read through one of these mappings if no known format matches.
    pub fn with_column_maps(mut self, maps: &[mapped_csv::ColumnMap]) -> Self {
        self.column_maps = maps.to_vec();
        self
    }

    /// The caps that will stop reading (config `limits`): sizing the model for the whole file
    /// then stops where they would (a file larger than the caps allow would otherwise reserve
    /// columns for all of it, past the memory the caps are there to keep).
    pub fn with_limits(mut self, limits: &crate::config::Limits) -> Self {
        self.limits = Some(limits.clone());
        self
    }

    /// Says how many bytes this reader will be given in all (the file's size, or its piece's),
    /// so that once it has read a sample it sizes the model's columns for the whole file at
    /// once. Growing them by doubling instead copies every column several times, touches
    /// fresh memory for each copy (the most expensive part in the browser) and, where memory
    /// never shrinks (WebAssembly), leaves the last doubling's room as the high-water mark.
    /// Only speed and peak memory depend on it; small files ignore it.
    pub fn expect_bytes(&mut self, total: u64) {
        self.size = Some(total);
        self.expected = (total >= 4 * SIZE_SAMPLE_BYTES).then_some(total);
    }

    /// Sizes the model for the expected bytes, once a sample of them has been read.
    fn size_model(&mut self, builder: &mut ModelBuilder) {
        let Some(total) = self.expected.filter(|_| self.bytes >= SIZE_SAMPLE_BYTES) else { return };
        self.expected = None;
        let rest = total.saturating_sub(self.bytes) as f64 / self.bytes as f64 * SIZE_MARGIN;
        let messages = builder.message_count().saturating_sub(self.messages_before);
        let text = builder.text_bytes().saturating_sub(self.text_before);
        let mut more = (messages as f64 * rest) as usize;
        if let Some(limits) = &self.limits {
            // With the margin too: reading stops after the chunk that passed a cap, and columns
            // one message short of it would double.
            let fitting = limits.messages_fitting(&builder.loaded(self.bytes), text as f64 / messages.max(1) as f64);
            more = more.min((fitting as f64 * SIZE_MARGIN) as usize);
        }
        builder.reserve(more, (text as f64 * rest) as usize);
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8], builder: &mut ModelBuilder, zone: &mut Zone) {
        let chunk = self.windowed(chunk);
        let chunk = &chunk[..];
        self.bytes += chunk.len() as u64;
        match &mut self.state {
            State::Sniffing { head } => {
                head.extend_from_slice(chunk);
                if sniff_is_decisive(head) {
                    let head = std::mem::take(head);
                    self.start(&head, false, builder, zone);
                }
            }
            State::Parsing { .. } => self.decode_and_feed(chunk, false, builder, zone),
            State::Archive { bytes } => bytes.extend_from_slice(chunk),
            State::Stopped { .. } | State::Rejected => {}
        }
        self.size_model(builder);
    }

    /// Ends the file and returns what the report says about it.
    pub fn finish(self, builder: &mut ModelBuilder, zone: &mut Zone) -> InputOutcome {
        let mut outcome = self.finish_reading(builder, zone);
        if let (n @ 1.., Some((earliest, latest))) = builder.take_implausible() {
            outcome.stats.skipped_count += n;
            if outcome.stats.skipped.len() < MAX_LISTED_SKIPS {
                let span = format!("{} … {}", zone.format(earliest), zone.format(latest));
                let reason = format!("{n} message{} dated outside 1990–2099 skipped ({span})", if n == 1 { "" } else { "s" });
                outcome.stats.skipped.push(Skip::new(0, Why::new(SkipCode::ImplausibleDates, format!("{n} ({span})"), reason)));
            }
        }
        builder.end_file();
        outcome
    }

    fn finish_reading(mut self, builder: &mut ModelBuilder, zone: &mut Zone) -> InputOutcome {
        match &mut self.state {
            State::Sniffing { head } => {
                let head = std::mem::take(head);
                self.start(&head, true, builder, zone);
            }
            State::Parsing { .. } => self.decode_and_feed(&[], true, builder, zone),
            State::Archive { .. } | State::Stopped { .. } | State::Rejected => {}
        }
        if let State::Archive { bytes } = &mut self.state {
            let bytes = std::mem::take(bytes);
            return self.finish_archive(&bytes, builder, zone);
        }
        let (format, malformed) = match &mut self.state {
            State::Parsing { parser, format, decoder } => {
                let mut cx = Context {
                    builder,
                    zone,
                    stats: &mut self.stats,
                    file_name: &self.name,
                };
                parser.finish(&mut cx);
                (Some(*format), decoder.malformed + self.lead.as_ref().map_or(0, |l| l.malformed))
            }
            State::Stopped { format, malformed } => (Some(*format), *malformed),
            _ => (None, 0),
        };
        self.outcome(format, malformed, builder)
    }

    fn finish_archive(mut self, bytes: &[u8], builder: &mut ModelBuilder, zone: &mut Zone) -> InputOutcome {
        match archive::ingest(bytes, &self.name, builder, zone, &mut self.stats, &self.column_maps, &self.chunk_chats) {
            Ok(got) => {
                self.encoding = got.encoding;
                self.outcome(got.format, got.malformed, builder)
            }
            Err(e) => {
                self.fail(e.code, e.message);
                self.outcome(None, 0, builder)
            }
        }
    }

    fn outcome(mut self, format: Option<Format>, malformed: u64, builder: &ModelBuilder) -> InputOutcome {
        let messages = builder.offered_count() - self.offered_before;
        if format.is_some() && self.error.is_none() && self.stats.rows == 0 && messages == 0 {
            if self.stats.skipped_count > 0 {
                self.fail("no_readable_rows", "no row of this file could be read; see the skipped rows".to_string());
            } else if format.is_some_and(Format::is_business) {
                self.fail("no_messages", "the file has a header but no rows".to_string());
            } else {
                self.fail("no_messages", "the file has a header but no messages".to_string());
            }
        }
        InputOutcome {
            file: self.name,
            format,
            encoding: self.encoding,
            bytes: self.bytes,
            stats: self.stats,
            messages,
            error: self.error,
            error_code: self.error_code,
            malformed_bytes: malformed,
        }
    }

    fn start(&mut self, head: &[u8], complete: bool, builder: &mut ModelBuilder, zone: &mut Zone) {
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return self.fail("empty", "the file is empty".to_string());
        }
        // Zips (exports, .xlsx) and old Office files (.xls) are held whole: both keep their
        // directory at the end.
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") || head.starts_with(workbook::CFB_MAGIC) {
            self.state = State::Archive { bytes: head.to_vec() };
            return;
        }
        if let Some(kind) = binary_kind(head) {
            return self.fail(
                "binary",
                format!("this is {kind}, not a chat export; export the chat as CSV, TXT or JSON and drop that file"),
            );
        }
        let encoding = sniff_encoding(head, complete);
        self.encoding = Some(encoding);
        let mut decoder = StreamDecoder::new(encoding);
        let mut text = String::new();
        decoder.decode(head, &mut text, complete);
        let sniff_text = prefix_chars(&text, SNIFF_BYTES);
        let (format, mut parser) = match FORMATS.iter().find(|f| (f.sniff)(sniff_text, &self.name)) {
            Some(entry) => (entry.format, (entry.make)(sniff_text, &self.name)),
            None => match mapped_csv::find_map(sniff_text, &self.column_maps) {
                Some(map) => (Format::MappedCsv, mapped_csv::parser(map.clone(), sniff_text, &self.name)),
                None => match business::find_map(sniff_text, &self.column_maps) {
                    Some(found) => found,
                    None => match business::diagnose(sniff_text) {
                        Some(message) => return self.fail("missing_columns", message),
                        None => return self.fail("unknown_format", not_a_chat_export(sniff_text)),
                    },
                },
            },
        };
        if parser.needs_listing() {
            match self.chunk_chats.find(&self.name, self.size) {
                Ok(chat) => parser.listed_in(chat),
                Err(why) => return self.fail("chunk_without_manifest", why),
            }
        }
        if let (Some(held), Some(total)) = (parser.held_text(), self.expected) {
            // Decoded, a GB18030 or UTF-16 byte is at most 1.5 bytes of UTF-8; no more than the
            // memory cap lets be read, and the chunk that passes it (reading stops after it:
            // without room for it the text would double, past the memory the cap keeps).
            let utf8 = matches!(encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom);
            let decoded = if utf8 { total } else { total + total / 2 };
            let fitting = self.limits.as_ref().map_or(u64::MAX, |l| l.held_bytes_fitting().saturating_add(HELD_CHUNK_ROOM));
            held.reserve_exact(decoded.min(fitting) as usize);
        }
        let mut cx = Context { builder, zone, stats: &mut self.stats, file_name: &self.name };
        parser.feed(&text, &mut cx);
        self.state = State::Parsing { decoder, parser, format };
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// What the caps weigh after `builder` read this file so far: the model, and the text its
    /// parser holds whole until the file ends (see [`FormatParser::held_text`]).
    pub fn loaded(&mut self, builder: &ModelBuilder) -> crate::config::Loaded {
        let held_bytes = match &mut self.state {
            State::Parsing { parser, .. } => parser.held_text().map_or(0, |t| t.len()),
            _ => 0,
        };
        crate::config::Loaded { held_bytes, ..builder.loaded(self.bytes) }
    }

    /// Stops reading at a cap (config `limits`): what was read stays, the rest is ignored (the
    /// record cut by the chunk's end too), and the file says why (`limit_reached`) and what
    /// format it was read as.
    pub fn stop_at_limit(&mut self, message: String) {
        if self.error_code != Some("limit_reached") {
            self.error = Some(message);
            self.error_code = Some("limit_reached");
            self.state = match std::mem::replace(&mut self.state, State::Rejected) {
                State::Parsing { decoder, format, .. } => {
                    State::Stopped { format, malformed: decoder.malformed + self.lead.as_ref().map_or(0, |l| l.malformed) }
                }
                _ => State::Rejected,
            };
        }
    }

    /// Rejects the whole file with a plain-language reason and its stable code.
    fn fail(&mut self, code: &'static str, message: String) {
        self.error = Some(message);
        self.error_code = Some(code);
        if !matches!(self.state, State::Parsing { .. }) {
            self.state = State::Rejected;
        }
    }

    fn decode_and_feed(&mut self, chunk: &[u8], last: bool, builder: &mut ModelBuilder, zone: &mut Zone) {
        if let State::Parsing { decoder, parser, .. } = &mut self.state {
            let mut cx = Context { builder, zone, stats: &mut self.stats, file_name: &self.name };
            decoder.decode_each(chunk, last, &mut |text| parser.feed(text, &mut cx));
        }
    }
}

/// Enough bytes to decide: 64 KiB containing a non-ASCII byte, or 1 MiB.
fn sniff_is_decisive(head: &[u8]) -> bool {
    head.len() >= SNIFF_BYTES_MAX || (head.len() >= SNIFF_BYTES && !head.is_ascii())
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix_chars(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Recognises common non-text files people drop by mistake.
fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"SQLite format 3\0", "an SQLite database (decrypt and export it with a chat export tool first)"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(kind);
    }
    // Control bytes (NUL and friends, outside a UTF-16 pattern) in more than 2% of the start
    // mean binary data; a stray NUL in a chat message does not.
    let sample = &head[..head.len().min(4096)];
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    let utf16 = sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") || nuls * 3 >= sample.len();
    let control = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)).count();
    (!utf16 && control * 50 > sample.len()).then_some("a binary file")
}

/// A plain-language rejection that shows what the file starts with (and, for a CSV, its
/// columns, which the page offers to map).
fn not_a_chat_export(head: &str) -> String {
    let first_line: String = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(80)
        .collect();
    let csv_hint = match mapped_csv::header_of(head) {
        Some(columns) => format!(
            "; it looks like a CSV with columns {}: map its time, sender and text columns to read it",
            columns.join(", ")
        ),
        None => String::new(),
    };
    format!(
        "not a recognised chat export (line 1: {first_line:?}){csv_hint}; qunlens reads WeChat (WeChatMsg, \
         PyWxDump, WeFlow, chatlog, ChatLab), WeCom, QQ, WhatsApp, Telegram, Discord and Slack exports"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_images_and_unknown_text_plainly() {
        let mut b = ModelBuilder::new();
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        let mut f = FileIngest::new("photo.csv", &b);
        f.push(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &mut b, &mut z);
        let out = f.finish(&mut b, &mut z);
        assert_eq!(out.error_code, Some("binary"));
        assert!(out.error.unwrap().contains("PNG"));

        let mut f = FileIngest::new("notes.txt", &b);
        f.push("购物清单\n鸡蛋\n".as_bytes(), &mut b, &mut z);
        let out = f.finish(&mut b, &mut z);
        assert_eq!(out.error_code, Some("unknown_format"));
        let err = out.error.unwrap();
        assert!(err.contains("not a recognised chat export") && err.contains("购物清单"), "{err}");

        let f = FileIngest::new("empty.csv", &b);
        let out = f.finish(&mut b, &mut z);
        assert_eq!((out.error.as_deref(), out.error_code), (Some("the file is empty"), Some("empty")));

        let mut f = FileIngest::new("header.csv", &b);
        f.push(b"id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n", &mut b, &mut z);
        assert_eq!(f.finish(&mut b, &mut z).error_code, Some("no_messages"));
    }

    /// Reads `bytes` in 64 KiB chunks, telling the reader its size when `sized`: the model,
    /// and the messages its columns had room for before the load ended.
    fn read_chunked(bytes: &[u8], sized: bool) -> (crate::model::Model, usize) {
        let mut b = ModelBuilder::new();
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        let mut f = FileIngest::new("big.csv", &b);
        if sized {
            f.expect_bytes(bytes.len() as u64);
        }
        for chunk in bytes.chunks(1 << 16) {
            f.push(chunk, &mut b, &mut z);
        }
        f.finish(&mut b, &mut z);
        let capacity = b.message_capacity();
        (b.finish(), capacity)
    }

    #[test]
    fn a_file_of_known_size_is_read_into_columns_sized_once() {
        let mut csv = Vec::new();
        crate::sample::write_benchmark_csv(&crate::sample::SampleSpec::benchmark(40_000), &mut csv);
        assert!(csv.len() as u64 >= 4 * SIZE_SAMPLE_BYTES, "the file must be large enough to be sized: {}", csv.len());
        let ((grown, grown_room), (sized, sized_room)) = (read_chunked(&csv, false), read_chunked(&csv, true));
        let (g, s) = (&grown.messages, &sized.messages);
        assert_eq!((g.time.as_slice(), g.sender.as_slice(), g.flags.as_slice()), (s.time.as_slice(), s.sender.as_slice(), s.flags.as_slice()));
        assert!((0..g.len()).all(|i| g.text(i) == s.text(i)));
        // Sized from the first MiB: the room left over is the margin and the sample's error
        // (a few per cent), where doubling leaves up to as much again as the file needs.
        let n = s.len();
        assert!(sized_room >= n && sized_room <= n + n / 10, "{sized_room} for {n}");
        assert!(grown_room >= n + n / 4, "growing by doubling: {grown_room} for {n}");
    }

    #[test]
    fn sizing_stops_where_the_caps_would() {
        let mut csv = Vec::new();
        crate::sample::write_benchmark_csv(&crate::sample::SampleSpec::benchmark(40_000), &mut csv);
        let limits = crate::config::Limits { max_memory_bytes: 1_500_000, ..Default::default() };
        let mut b = ModelBuilder::new();
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        let mut f = FileIngest::new("big.csv", &b).with_limits(&limits);
        f.expect_bytes(csv.len() as u64);
        for chunk in csv[..SIZE_SAMPLE_BYTES as usize + (1 << 16)].chunks(1 << 16) {
            f.push(chunk, &mut b, &mut z);
        }
        assert_eq!(f.expected, None, "sized after the sample");
        let (read, room) = (b.message_count(), b.message_capacity());
        let fitting = limits.messages_fitting(&b.loaded(0), b.text_bytes() as f64 / read as f64);
        // The whole file would be ≈ 41,600 messages of room; the cap leaves room for a few
        // thousand more than the sample's.
        assert!(fitting > 1_000 && fitting < 10_000, "{fitting} more fit after {read}");
        assert!(room >= read && room <= read + fitting + 1_000, "room for {room} after {read}, {fitting} more fit");
    }

    #[test]
    fn small_files_and_unknown_sizes_are_not_sized() {
        let mut f = FileIngest::new("small.csv", &ModelBuilder::new());
        f.expect_bytes(4 * SIZE_SAMPLE_BYTES - 1);
        assert_eq!(f.expected, None);
        f.expect_bytes(4 * SIZE_SAMPLE_BYTES);
        assert_eq!(f.expected, Some(4 * SIZE_SAMPLE_BYTES));
    }

    #[test]
    fn prefix_respects_char_boundaries() {
        assert_eq!(prefix_chars("群聊", 4), "群");
        assert_eq!(prefix_chars("ab", 4), "ab");
    }
}
