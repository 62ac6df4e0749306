//! Report section `inputs`: what was read from each file and what was not.

use serde::Serialize;

use crate::ingest::{InputOutcome, Note, Skip};

/// One input file.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct InputReport {
    pub file: String,
    /// Detected format (`wechatmsg-csv`, `pywxdump-csv`, `wecom-archive`,
    /// `wecom-group-members`, `qq-txt`, `qq-nt-json`), or null if not recognised.
    pub format: Option<String>,
    /// Detected encoding (`utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `gb18030`).
    pub encoding: Option<String>,
    pub bytes: u64,
    /// Rows (records, messages, member entries) read.
    pub rows: u64,
    /// Messages read from this file, those another export of the same group also has
    /// included (see [`crate::ingest::InputOutcome::messages`]).
    pub messages: u64,
    /// The first skipped rows with the reason, in file order.
    pub skipped: Vec<Skip>,
    /// All skipped rows.
    pub skipped_count: u64,
    /// Repairs made with nothing lost (e.g. Telegram's invalid `\xNN` escapes), with counts.
    pub notes: Vec<Note>,
    /// Bytes invalid in the detected encoding, shown as U+FFFD.
    pub malformed_bytes: u64,
    /// Why the file could not be read at all, in plain language (English).
    pub error: Option<String>,
    /// Stable code of `error` for translations: `empty`, `binary`, `unknown_format`,
    /// `no_messages`, `no_readable_rows`, `bad_archive`, `archive_limits`.
    pub error_code: Option<String>,
}

impl From<&InputOutcome> for InputReport {
    fn from(o: &InputOutcome) -> Self {
        InputReport {
            file: o.file.clone(),
            format: o.format.map(|f| f.label().to_string()),
            encoding: o.encoding.map(|e| e.label().to_string()),
            bytes: o.bytes,
            rows: o.stats.rows,
            messages: o.messages,
            skipped: o.stats.skipped.clone(),
            skipped_count: o.stats.skipped_count,
            notes: o.stats.notes.clone(),
            malformed_bytes: o.malformed_bytes,
            error: o.error.clone(),
            error_code: o.error_code.map(str::to_string),
        }
    }
}
