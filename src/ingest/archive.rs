//! Zip archives: WhatsApp's iOS export (`_chat.txt` beside the media), Slack workspace
//! exports (a folder per channel), or any zip of exports. Read in memory (a zip's directory is
//! at its end) with limits against zip bombs: entry count, total uncompressed size, and the
//! compression ratio of big entries, each failing with a plain error.
//!
//! A Slack export is read as a whole (`slack`); otherwise every text entry (`.txt`, `.csv`,
//! `.json`, `.jsonl`) goes through the normal detection as if dropped on its own, and the zip's
//! report line sums them.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use std::sync::Arc;

use super::qq_nt_chunks::{is_manifest_name, ChunkChats};
use super::{slack, Context, FileIngest, FileStats, Format};
use crate::model::ModelBuilder;
use crate::time::Zone;

/// More entries than this is not an export (Slack: one file per channel per day).
const MAX_ENTRIES: usize = 200_000;
/// Total bytes unpacked from one archive.
const MAX_TOTAL_BYTES: u64 = 2 << 30;
/// An entry over 10 MiB that compresses better than this is a bomb, not text.
const MAX_RATIO: u64 = 200;
const RATIO_CHECK_FROM: u64 = 10 << 20;

/// Why an archive could not be read.
#[derive(Debug)]
pub(crate) struct ArchiveError {
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn fail(code: &'static str, message: String) -> ArchiveError {
    ArchiveError { code, message }
}

/// What reading an archive gave, for its line in `inputs`.
pub(crate) struct ArchiveOutcome {
    pub format: Option<Format>,
    pub encoding: Option<crate::decode::TextEncoding>,
    pub malformed: u64,
}

/// Reads every export inside `bytes` (a zip) into `builder`.
pub(crate) fn ingest(
    bytes: &[u8],
    zip_name: &str,
    builder: &mut ModelBuilder,
    zone: &mut Zone,
    stats: &mut FileStats,
    column_maps: &[super::mapped_csv::ColumnMap],
    chunk_chats: &Arc<ChunkChats>,
) -> Result<ArchiveOutcome, ArchiveError> {
    if bytes.starts_with(super::workbook::CFB_MAGIC) {
        return read_sheets(bytes, zip_name, builder, zone, stats, column_maps);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail("bad_archive", format!("the zip archive is damaged or incomplete: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(fail(
            "archive_limits",
            format!("the zip has {} entries; more than {MAX_ENTRIES} is not a chat export", archive.len()),
        ));
    }
    let mut budget = Budget { left: MAX_TOTAL_BYTES };
    let names: Vec<String> = (0..archive.len())
        .filter_map(|i| archive.name_for_index(i).and_then(|n| n.ok()).map(|n| n.to_string()))
        .filter(|n| !n.ends_with('/') && !n.starts_with("__MACOSX/"))
        .collect();
    if super::workbook::is_workbook_zip(&names) {
        // calamine inflates on its own: hold its entries to the same limits first.
        for name in &names {
            budget.check(&mut archive, name)?;
        }
        return read_sheets(bytes, zip_name, builder, zone, stats, column_maps);
    }
    if names.iter().any(|n| n == "word/document.xml" || n.starts_with("ppt/")) {
        return Err(fail("binary", "this is a Word/PowerPoint document, not a chat or CRM export".to_string()));
    }
    if slack::is_slack_export(&names) {
        let mut cx = Context { builder, zone, stats, file_name: zip_name };
        slack::ingest(&mut archive, &names, &mut budget, &mut cx)?;
        return Ok(ArchiveOutcome { format: Some(Format::Slack), encoding: None, malformed: 0 });
    }
    let mut sorted = names;
    sorted.sort();
    let mut inner = Inner::new(zip_name, column_maps);
    // A chunked export's manifest sorts after its chunks: learnt first.
    let mut chats = ChunkChats::clone(chunk_chats);
    for name in sorted.iter().filter(|n| is_manifest_name(n)) {
        chats.learn(&budget.read(&mut archive, name)?);
    }
    inner.chunk_chats = Arc::new(chats);
    for name in sorted.iter().filter(|n| is_text_entry(n)) {
        let data = budget.read(&mut archive, name)?;
        inner.read(name, &data, builder, zone, stats);
    }
    inner.outcome("the zip holds no chat export qunlens reads", "no text files")
}

/// The sheets of a workbook, each read like a dropped CSV.
fn read_sheets(
    bytes: &[u8],
    book_name: &str,
    builder: &mut ModelBuilder,
    zone: &mut Zone,
    stats: &mut FileStats,
    column_maps: &[super::mapped_csv::ColumnMap],
) -> Result<ArchiveOutcome, ArchiveError> {
    let mut inner = Inner::new(book_name, column_maps);
    for (sheet, csv) in super::workbook::sheets_as_csv(bytes)? {
        inner.read(&sheet, csv.as_bytes(), builder, zone, stats);
    }
    inner.outcome("no sheet of the workbook is an export qunlens reads", "all sheets are empty")
}

/// Files inside a container (zip entries, workbook sheets), read through normal detection
/// and summed into the container's line of the report.
struct Inner<'a> {
    container: &'a str,
    column_maps: &'a [super::mapped_csv::ColumnMap],
    outcome: ArchiveOutcome,
    unknown: Vec<String>,
    chunk_chats: Arc<ChunkChats>,
}

impl<'a> Inner<'a> {
    fn new(container: &'a str, column_maps: &'a [super::mapped_csv::ColumnMap]) -> Self {
        let outcome = ArchiveOutcome { format: None, encoding: None, malformed: 0 };
        Inner { container, column_maps, outcome, unknown: Vec::new(), chunk_chats: Default::default() }
    }

    fn read(&mut self, name: &str, data: &[u8], builder: &mut ModelBuilder, zone: &mut Zone, stats: &mut FileStats) {
        let inner_name = format!("{}/{name}", self.container);
        let mut inner = FileIngest::new(&inner_name, builder).with_column_maps(self.column_maps).with_chunk_chats(&self.chunk_chats);
        inner.expect_bytes(data.len() as u64);
        inner.push(data, builder, zone);
        let got = inner.finish(builder, zone);
        let Some(format) = got.format else {
            // A business sheet without a needed column says which one.
            match (got.error_code, got.error) {
                (Some("missing_columns"), Some(why)) => self.unknown.push(format!("{name}: {why}")),
                _ => self.unknown.push(name.to_string()),
            }
            return;
        };
        self.outcome.format.get_or_insert(format);
        self.outcome.encoding = self.outcome.encoding.or(got.encoding);
        self.outcome.malformed += got.malformed_bytes;
        stats.rows += got.stats.rows;
        stats.skipped_count += got.stats.skipped_count;
        stats.notes.extend(got.stats.notes);
        for skip in got.stats.skipped {
            if stats.skipped.len() < super::MAX_LISTED_SKIPS {
                // The entry's name leads the detail too: the page's sentence for the code lacks it.
                let detail = if skip.detail.is_empty() { name.to_string() } else { format!("{name}: {}", skip.detail) };
                stats.skipped.push(super::Skip { reason: format!("{name}: {}", skip.reason), detail, ..skip });
            }
        }
    }

    fn outcome(self, none_read: &str, nothing_there: &str) -> Result<ArchiveOutcome, ArchiveError> {
        if self.outcome.format.is_none() {
            let listed = if self.unknown.is_empty() { nothing_there.to_string() } else { self.unknown.join(", ") };
            return Err(fail("unknown_format", format!("{none_read} ({listed})")));
        }
        Ok(self.outcome)
    }
}

/// Text entries worth detecting (media in a WhatsApp zip is skipped unread).
fn is_text_entry(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".txt", ".csv", ".json", ".jsonl"].iter().any(|ext| lower.ends_with(ext))
}

/// Unpacked-bytes budget shared by all entries of one archive.
pub(crate) struct Budget {
    left: u64,
}

impl Budget {
    /// Checks one entry's declared size and ratio against the limits without inflating it
    /// (for readers that inflate on their own, like the spreadsheet reader).
    pub(crate) fn check(&mut self, archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<(), ArchiveError> {
        let entry = archive
            .by_name(name)
            .map_err(|e| fail("bad_archive", format!("{name}: cannot be read from the zip: {e}")))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        if size > self.left || (size > RATIO_CHECK_FROM && size / packed > MAX_RATIO) {
            return Err(bomb(name));
        }
        self.left -= size;
        Ok(())
    }

    /// Reads one entry, refusing bombs before and while inflating.
    pub(crate) fn read(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        name: &str,
    ) -> Result<Vec<u8>, ArchiveError> {
        let mut entry = archive
            .by_name(name)
            .map_err(|e| fail("bad_archive", format!("{name}: cannot be read from the zip: {e}")))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        if size > self.left || (size > RATIO_CHECK_FROM && size / packed > MAX_RATIO) {
            return Err(bomb(name));
        }
        let mut data = Vec::with_capacity(size.min(64 << 20) as usize);
        // The declared size can lie: never inflate more than the budget allows.
        let read = (&mut entry)
            .take(self.left + 1)
            .read_to_end(&mut data)
            .map_err(|e| fail("bad_archive", format!("{name}: damaged inside the zip: {e}")))?;
        if read as u64 > self.left {
            return Err(bomb(name));
        }
        self.left -= read as u64;
        Ok(data)
    }
}

fn bomb(name: &str) -> ArchiveError {
    fail(
        "archive_limits",
        format!(
            "{name}: unpacks to more than {} GiB or compresses suspiciously well (a zip bomb?); not read",
            MAX_TOTAL_BYTES >> 30
        ),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of `(name, bytes)` entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn run(bytes: &[u8]) -> (Result<ArchiveOutcome, ArchiveError>, FileStats, usize) {
        let mut b = ModelBuilder::new();
        let mut z = Zone::new("Asia/Shanghai").unwrap();
        let mut stats = FileStats::default();
        let r = ingest(bytes, "x.zip", &mut b, &mut z, &mut stats, &[], &Default::default());
        let n = b.message_count();
        (r, stats, n)
    }

    #[test]
    fn exports_inside_a_zip_are_detected_and_media_skipped() {
        let csv = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n\
                   1,1,文本,0,wxid_a,1@chatroom,你好,,2024-03-01 10:00:00\n";
        let zip = zip_of(&[("chat/a.csv", csv.as_bytes()), ("chat/photo.jpg", b"\xFF\xD8\xFF")]);
        let (r, stats, n) = run(&zip);
        assert_eq!(r.ok().and_then(|o| o.format), Some(Format::PyWxDumpCsv));
        assert_eq!((stats.rows, n), (1, 1));
    }

    #[test]
    fn a_bomb_is_refused_with_a_clear_error() {
        let zeros = vec![b'a'; 12 << 20];
        let zip = zip_of(&[("big.txt", &zeros)]);
        let (r, _, _) = run(&zip);
        let err = r.err().expect("refused");
        assert_eq!(err.code, "archive_limits");
        assert!(err.message.contains("zip bomb"), "{}", err.message);
    }

    #[test]
    fn damaged_and_foreign_zips_fail_plainly() {
        let (r, _, _) = run(b"PK\x03\x04garbage");
        assert_eq!(r.err().map(|e| e.code), Some("bad_archive"));
        let zip = zip_of(&[("notes.txt", "购物清单".as_bytes())]);
        let (r, _, _) = run(&zip);
        let err = r.err().expect("no export inside");
        assert_eq!(err.code, "unknown_format");
        assert!(err.message.contains("notes.txt"));
    }
}
