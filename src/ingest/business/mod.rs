//! Business files read beside the chats: CRM exports (`crm-csv`), group rosters
//! (`roster-csv`) and SDR activity logs (`sdr-log-csv`), as CSV in any supported encoding or
//! as a sheet of an `.xlsx` / `.xls` workbook (which [`super::workbook`] turns into CSV text).
//!
//! The kind and the columns are recognised from the header ([`columns`]); rows go into
//! [`crate::model::Business`] through the [`ModelBuilder`](crate::model::ModelBuilder). A row
//! without anything to identify a person, or an SDR row whose counts are not numbers, is
//! skipped with its line and reason; a cell that cannot be read (a date that is not a date)
//! is left empty and counted in a note, so the rest of the row is kept.

pub(crate) mod columns;
pub(crate) mod values;

use columns::{classify, Field, Kind, Layout, Preset, Verdict};

use super::mapped_csv::{BusinessKind, ColumnMap};
use super::split::sniff_delimiter;
use super::{Context, CsvRecord, CsvSplitter, Format, FormatParser, SkipCode, Why};
use crate::identity::{normalize_email, normalize_phone};
use crate::model::{CrmRecord, RosterRow, SdrActivity};

/// The header of `head` classified, if it is a business file of `kind`.
fn sniff_kind(head: &str, kind: Kind) -> bool {
    match header(head) {
        Some(h) => matches!(classify(&h), Verdict::Fits(k, ..) if k == kind),
        None => false,
    }
}

/// The header row, split on the file's own separator (business files also come as Excel's
/// tab-separated "Unicode Text" or with semicolons).
fn header(head: &str) -> Option<Vec<String>> {
    super::mapped_csv::header_split(head, sniff_delimiter(head))
}

pub(crate) fn sniff_crm(head: &str, _file_name: &str) -> bool {
    sniff_kind(head, Kind::Crm)
}

pub(crate) fn sniff_roster(head: &str, _file_name: &str) -> bool {
    sniff_kind(head, Kind::Roster)
}

pub(crate) fn sniff_sdr_log(head: &str, _file_name: &str) -> bool {
    sniff_kind(head, Kind::SdrLog)
}

/// A parser for any of the three kinds (the kind is read again from the header row).
pub(crate) fn parser(head: &str, _file_name: &str) -> Box<dyn FormatParser> {
    Box::new(Parser { splitter: CsvSplitter::with_delimiter(sniff_delimiter(head)), state: State::Header, mapped: None, bad_cells: Vec::new(), footer: 0 })
}

/// The first of the user's business mappings (config `column_maps` with a `kind`) whose
/// columns the file's header has: the file's format and a parser reading it that way. For
/// files no preset recognises, or that lack a column a preset requires.
pub(crate) fn find_map(head: &str, maps: &[ColumnMap]) -> Option<(Format, Box<dyn FormatParser>)> {
    let header = header(head)?;
    maps.iter().find_map(|m| {
        let (kind, format) = match m.kind? {
            BusinessKind::Crm => (Kind::Crm, Format::CrmCsv),
            BusinessKind::Roster => (Kind::Roster, Format::RosterCsv),
            BusinessKind::SdrLog => (Kind::SdrLog, Format::SdrLogCsv),
        };
        let (layout, unknown) = columns::mapped_layout(&header, kind, &m.fields)?;
        let mapped = Mapped { kind, layout, name: m.name.clone(), unknown };
        let parser = Parser { splitter: CsvSplitter::with_delimiter(sniff_delimiter(head)), state: State::Header, mapped: Some(mapped), bad_cells: Vec::new(), footer: 0 };
        Some((format, Box::new(parser) as Box<dyn FormatParser>))
    })
}

/// A user's mapping chosen for the file.
struct Mapped {
    kind: Kind,
    layout: Layout,
    name: String,
    /// Field names in the mapping that mean nothing.
    unknown: Vec<String>,
}

/// Why a file that looks like a business file cannot be read (names the missing columns).
pub(crate) fn diagnose(head: &str) -> Option<String> {
    match classify(&header(head)?) {
        Verdict::Missing(message) => Some(message),
        _ => None,
    }
}

enum State {
    Header,
    Rows { kind: Kind, layout: Layout, preset: &'static Preset, columns: usize },
    Rejected,
}

struct Parser {
    splitter: CsvSplitter,
    state: State,
    /// Read the header through this mapping instead of the presets.
    mapped: Option<Mapped>,
    /// `(column header, count, first example)` of cells that could not be read.
    bad_cells: Vec<(String, u64, String)>,
    footer: u64,
}

impl FormatParser for Parser {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        self.split(text, false, cx);
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        self.split("", true, cx);
        for (column, count, example) in std::mem::take(&mut self.bad_cells) {
            cx.note_detail("unreadable_values", count, format!("{column} ({example:?})"), format!("{count} value(s) of column {column} could not be read and were left empty (e.g. {example:?})"));
        }
        if self.footer > 0 {
            cx.note("footer_lines", self.footer, format!("{} footer line(s) after the data were ignored", self.footer));
        }
    }
}

impl Parser {
    fn split(&mut self, text: &str, last: bool, cx: &mut Context<'_>) {
        let Parser { splitter, state, mapped, bad_cells, footer } = self;
        splitter.feed(text, last, |line, r| {
            let filled = r.iter().filter(|c| !values::blank(c)).count();
            match state {
                State::Header => {
                    let header: Vec<String> = r.iter().map(|f| f.trim_start_matches('\u{FEFF}').trim().to_string()).collect();
                    if let Some(m) = mapped.take() {
                        cx.note_detail("column_map", 1, m.name.clone(), format!("read through the column mapping {:?}", m.name));
                        if !m.unknown.is_empty() {
                            cx.note_detail("unknown_map_fields", m.unknown.len() as u64, m.unknown.join(", "), format!("the mapping names fields qunlens does not know: {}", m.unknown.join(", ")));
                        }
                        *state = State::Rows { kind: m.kind, layout: m.layout, preset: &columns::GENERIC, columns: header.len() };
                        return;
                    }
                    *state = match classify(&header) {
                        Verdict::Fits(kind, layout, preset) => {
                            if kind == Kind::Crm {
                                cx.note_detail("preset", 1, preset.label, format!("read as a {} export ({})", preset.label, preset.key));
                            }
                            State::Rows { kind, layout, preset, columns: header.len() }
                        }
                        _ => State::Rejected,
                    };
                }
                State::Rejected => {}
                State::Rows { .. } if filled == 0 => {}
                // A one-field line in a many-column file is not a row: Salesforce report
                // exports end with the report name, a copyright and "Generated By" lines.
                State::Rows { columns, .. } if r.len() == 1 && *columns >= 3 => *footer += 1,
                State::Rows { kind, layout, preset, .. } => {
                    let mut row = Row { r, layout, line, bad_cells, cx };
                    match kind {
                        Kind::Crm => row.crm(preset),
                        Kind::Roster => row.roster(),
                        Kind::SdrLog => row.sdr(),
                    }
                }
            }
        });
    }
}

/// One data row being read.
struct Row<'a, 'r, 'c> {
    r: &'a CsvRecord<'r>,
    layout: &'a Layout,
    line: u64,
    bad_cells: &'a mut Vec<(String, u64, String)>,
    cx: &'a mut Context<'c>,
}

impl Row<'_, '_, '_> {
    fn cell(&self, f: Field) -> Option<&str> {
        self.layout.col(f).map(|c| self.r.field(c))
    }

    fn text(&self, f: Field) -> Option<String> {
        self.cell(f).and_then(values::value)
    }

    fn header(&self, col: usize) -> String {
        self.layout.names.iter().find(|(i, _)| *i == col).map_or_else(|| format!("#{}", col + 1), |(_, h)| h.clone())
    }

    fn bad(&mut self, col: usize, raw: &str) {
        let header = self.header(col);
        match self.bad_cells.iter_mut().find(|(h, ..)| *h == header) {
            Some(entry) => entry.1 += 1,
            None => self.bad_cells.push((header, 1, raw.trim().chars().take(40).collect())),
        }
    }

    fn time_at(&mut self, col: usize) -> Option<i64> {
        let raw = self.r.field(col);
        match values::parse_time(raw, self.cx.zone) {
            Ok(t) => t,
            Err(()) => {
                self.bad(col, raw);
                None
            }
        }
    }

    fn time(&mut self, f: Field) -> Option<i64> {
        let col = self.layout.col(f)?;
        self.time_at(col)
    }

    /// The first phone number in a cell (`138…; 139…` lists several).
    fn phone(&mut self, f: Field) -> Option<String> {
        let col = self.layout.col(f)?;
        let raw = self.r.field(col);
        if values::blank(raw) {
            return None;
        }
        let found = raw.split([';', '；', ',', '，', '/', '、']).find_map(normalize_phone);
        if found.is_none() {
            self.bad(col, raw);
        }
        found
    }

    fn email(&mut self, f: Field) -> Option<String> {
        let col = self.layout.col(f)?;
        let raw = self.r.field(col);
        if values::blank(raw) {
            return None;
        }
        let found = normalize_email(raw);
        if found.is_none() {
            self.bad(col, raw);
        }
        found
    }

    fn crm(&mut self, preset: &Preset) {
        let name = self.text(Field::Name).or_else(|| {
            let (first, last) = (self.text(Field::FirstName), self.text(Field::LastName));
            match (first, last) {
                // Chinese names are written surname first, without a space.
                (Some(f), Some(l)) if !f.is_ascii() || !l.is_ascii() => Some(format!("{l}{f}")),
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l),
            }
        });
        let mut rec = CrmRecord {
            file: self.cx.file_name.to_string(),
            line: self.line,
            vendor: preset.key.to_string(),
            id: self.text(Field::Id).unwrap_or_else(|| format!("{}#{}", self.cx.file_name, self.line)),
            name,
            phone: self.phone(Field::Phone),
            email: self.email(Field::Email),
            platform_id: self.text(Field::PlatformId),
            remark: self.text(Field::Remark),
            nickname: self.text(Field::Nickname),
            company: self.text(Field::Company),
            owner: self.text(Field::Owner),
            source: self.text(Field::Source),
            campaign: self.text(Field::Campaign),
            created: self.time(Field::Created),
            stage: self.text(Field::Stage).or_else(|| self.text(Field::LeadStatus)),
            stage_times: Vec::new(),
            amount: None,
            currency: self.text(Field::Currency),
            close_date: self.time(Field::CloseDate),
        };
        for (label, col) in self.layout.stage_dates.clone() {
            if let Some(t) = self.time_at(col) {
                rec.stage_times.push((label, t));
            }
        }
        if let Some(col) = self.layout.col(Field::Amount) {
            let raw = self.r.field(col);
            match values::parse_amount(raw) {
                Ok((amount, currency)) => {
                    rec.amount = amount;
                    if rec.currency.is_none() {
                        rec.currency = currency.map(str::to_string);
                    }
                }
                Err(()) => self.bad(col, raw),
            }
        }
        if let Some(c) = rec.currency.as_deref() {
            rec.currency = Some(values::currency_code(c).map_or_else(|| c.to_uppercase(), str::to_string));
        }
        let identified = [&rec.name, &rec.phone, &rec.email, &rec.platform_id, &rec.remark, &rec.nickname].iter().any(|v| v.is_some());
        if !identified {
            let reason = "no name, phone, email, WeChat id, remark or nickname to identify the person";
            return self.cx.skip(self.line, Why::new(SkipCode::NoIdentity, "name, phone, email, WeChat id, remark, nickname", reason));
        }
        self.cx.row();
        self.cx.builder.crm_record(rec);
    }

    fn roster(&mut self) {
        let tag_label = self.text(Field::Tag);
        let row = RosterRow {
            file: self.cx.file_name.to_string(),
            line: self.line,
            member_id: self.text(Field::Member),
            name: self.text(Field::Name),
            group: self.text(Field::Group),
            tag: tag_label.as_deref().and_then(values::parse_tag),
            tag_label,
            inviter: self.text(Field::Inviter),
            channel: self.text(Field::Channel),
            join_time: self.time(Field::JoinTime),
            phone: self.phone(Field::Phone),
            email: self.email(Field::Email),
            remark: self.text(Field::Remark),
        };
        if row.member_id.is_none() && row.name.is_none() && row.phone.is_none() {
            return self.cx.skip(self.line, Why::new(SkipCode::NoIdentity, "member id, name, phone", "no member id, name or phone"));
        }
        if let (Some(label), None) = (row.tag_label.as_ref().filter(|l| !values::is_plain_member(l)), row.tag) {
            let col = self.layout.col(Field::Tag).unwrap_or(0);
            let label = label.clone();
            self.bad(col, &label);
        }
        self.cx.row();
        self.cx.builder.roster_row(row);
    }

    fn sdr(&mut self) {
        let Some(sdr) = self.text(Field::Sdr) else {
            return self.cx.skip(self.line, Why::new(SkipCode::EmptyField, "SDR", "the SDR column is empty"));
        };
        let raw_date = self.cell(Field::Date).unwrap_or("").trim().to_string();
        let date = match values::parse_time(&raw_date, self.cx.zone) {
            Ok(Some(t)) => t,
            _ => return self.cx.skip(self.line, Why::new(SkipCode::BadTime, format!("date {raw_date:?}"), format!("date {raw_date:?} is not a date"))),
        };
        let mut counts = [0u64; 2];
        for (slot, f) in counts.iter_mut().zip([Field::Calls, Field::Invitations]) {
            let raw = self.cell(f).unwrap_or("").trim().to_string();
            match values::parse_count(&raw) {
                Ok(n) => *slot = n,
                Err(()) => {
                    let what = format!("{} {raw:?}", self.header(self.layout.col(f).unwrap_or(0)));
                    return self.cx.skip(self.line, Why::new(SkipCode::NotANumber, &what, format!("{what} is not a count")));
                }
            }
        }
        let row = SdrActivity {
            file: self.cx.file_name.to_string(),
            line: self.line,
            sdr,
            date,
            calls: counts[0],
            invitations: counts[1],
            invited: self.text(Field::Invited),
            invited_phone: self.phone(Field::Phone),
        };
        self.cx.row();
        self.cx.builder.sdr_activity(row);
    }
}
