//! Push splitters that turn text pieces of any size into whole CSV records or lines, with
//! 1-based line numbers for error messages. Parsers build on these instead of buffering files.

mod blocks;

/// One CSV record: fields as `&str`, valid until the next record.
pub struct CsvRecord<'a> {
    data: &'a str,
    ends: &'a [usize],
    /// True when `data` still has the commas between fields (each field then starts one
    /// byte after the previous end); false when fields are packed back to back.
    separated: bool,
}

impl<'a> CsvRecord<'a> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True for a record with no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, or `None` past the end (ragged rows are common in real exports).
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + self.separated as usize,
        };
        self.data.get(start..end)
    }

    /// Field `i`, or `""` past the end.
    pub fn field(&self, i: usize) -> &'a str {
        self.get(i).unwrap_or("")
    }

    /// All fields.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.field(i))
    }
}

/// RFC 4180 CSV split from text pieces (quoted fields may span lines and pieces).
///
/// The separators outside quotes are found 64 bytes at a time ([`blocks`]): a record without
/// a quote is emitted where it lies, one whose quotes all wrap whole fields is unquoted into a
/// buffer, and only a record with any other quote (rare: `ab"c`, `"a"b`) is read by the byte
/// by byte state machine. Semantics match csv-core's defaults (checked by a differential
/// test): blank lines are skipped, a quote inside an unquoted field is literal, bytes after a
/// closing quote are kept, a CR before LF ends the line, an unterminated quoted field at the
/// end of input ends the record.
#[derive(Default)]
pub struct CsvSplitter {
    /// Bytes of a record not yet complete when the previous piece ended.
    carry: Vec<u8>,
    /// Unescaped fields of the current quoted record.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Line number of the next unread byte.
    line: u64,
    /// Size of `carry` when a split last found no complete record in it; the next attempt
    /// waits until it has doubled, so a 50 MB single record is scanned O(n), not O(n²).
    stalled: usize,
    /// Field separator: `,` unless made [`CsvSplitter::with_delimiter`].
    delim: u8,
}

/// The field separator of delimited text whose first line is a header: a tab (Excel's
/// "Unicode Text", UTF-16LE) or a semicolon (Excel in comma-decimal locales) when that line
/// has more of it than commas, else a comma.
pub fn sniff_delimiter(head: &str) -> u8 {
    let line = head.split('\n').next().unwrap_or("");
    let count = |d: char| line.matches(d).count();
    let commas = count(',');
    [b'\t', b';'].into_iter().map(|d| (count(d as char), d)).filter(|&(n, _)| n > commas).max().map_or(b',', |(_, d)| d)
}

/// How far [`CsvSplitter::split_blocks`] got.
enum Split {
    /// Records emitted up to this index (the rest is an incomplete record).
    Used(usize),
    /// Records emitted up to this index, where one starts that must be read byte by byte.
    Reread(usize),
}

/// Appends `field` unquoted to `out` and returns the quotes that took: its inside with doubled
/// quotes made single when it is wholly quoted, else the field as it is (0). `None` (and `out`
/// partly written) for a quoted field with a lone quote inside.
fn push_unquoted(out: &mut Vec<u8>, field: &[u8]) -> Option<u64> {
    let [b'"', inside @ .., b'"'] = field else {
        out.extend_from_slice(field);
        return Some(0);
    };
    let mut rest = inside;
    let mut quotes = 2;
    while let Some(q) = memchr::memchr(b'"', rest) {
        if rest.get(q + 1) != Some(&b'"') {
            return None;
        }
        out.extend_from_slice(&rest[..=q]);
        rest = &rest[q + 2..];
        quotes += 2;
    }
    out.extend_from_slice(rest);
    Some(quotes)
}

/// Where a quoted record ends: the byte after its terminator and the newlines it spans.
struct QuotedEnd {
    next: usize,
    newlines: u64,
}

impl CsvSplitter {
    /// A comma-separated splitter.
    pub fn new() -> Self {
        CsvSplitter::with_delimiter(b',')
    }

    /// A splitter on another separator (tab, semicolon); quoting rules are unchanged.
    pub fn with_delimiter(delim: u8) -> Self {
        CsvSplitter { line: 1, delim, ..Default::default() }
    }

    /// Splits `text`; `on_record(line, record)` is called for every complete record. Call
    /// once more with `last = true` (any text, usually empty) to flush the final record.
    pub fn feed(&mut self, text: &str, last: bool, mut on_record: impl FnMut(u64, &CsvRecord<'_>)) {
        if !last && !self.carry.is_empty() && self.carry.len() + text.len() < 2 * self.stalled {
            self.carry.extend_from_slice(text.as_bytes());
            return;
        }
        let mut text = text.as_bytes();
        if !self.carry.is_empty() {
            // The record the previous piece cut usually ends at this text's first line break:
            // finish it with that line alone, and split the rest where it lies (copying every
            // piece behind the carried bytes was a tenth of the splitting time).
            if let Some(nl) = memchr::memchr(b'\n', text) {
                let mut input = std::mem::take(&mut self.carry);
                input.extend_from_slice(&text[..=nl]);
                let used = self.split(&input, false, &mut on_record);
                input.drain(..used);
                self.carry = input;
                // Split where it lies, or (a quoted field goes on past that line) behind it.
                text = &text[nl + 1..];
            }
        }
        if self.carry.is_empty() {
            let used = self.split(text, last, &mut on_record);
            self.carry.extend_from_slice(&text[used..]);
        } else {
            let mut input = std::mem::take(&mut self.carry);
            input.extend_from_slice(text);
            let used = self.split(&input, last, &mut on_record);
            input.drain(..used);
            self.carry = input;
        }
        self.stalled = self.carry.len();
    }

    /// Emits every complete record still held back, then tells whether the splitter stands
    /// between records: `Some(newlines read so far)` when nothing is left over, `None` inside
    /// a record (e.g. a quoted field spanning the last line break). How a reader that stopped
    /// at a line break checks it stopped at a record boundary.
    pub fn at_boundary(&mut self, mut on_record: impl FnMut(u64, &CsvRecord<'_>)) -> Option<u64> {
        if !self.carry.is_empty() {
            let input = std::mem::take(&mut self.carry);
            let used = self.split(&input, false, &mut on_record);
            self.carry = input[used..].to_vec();
            self.stalled = 0;
        }
        self.carry.is_empty().then(|| self.line - 1)
    }

    /// Counts `lines` more lines as read (by someone else) before the next text.
    pub fn skip_lines(&mut self, lines: u64) {
        self.line += lines;
    }

    /// Emits every complete record of `input` (all of it when `last`); returns bytes used.
    fn split(&mut self, input: &[u8], last: bool, on_record: &mut impl FnMut(u64, &CsvRecord<'_>)) -> usize {
        let mut from = 0;
        loop {
            match self.split_blocks(&input[from..], last, on_record) {
                Split::Used(used) => return from + used,
                // A record the block scan could not confirm: read it byte by byte, then go on.
                Split::Reread(at) => match self.quoted(&input[from + at..], last) {
                    Some(end) => {
                        self.emit_out(on_record);
                        self.line += end.newlines;
                        from += at + end.next;
                    }
                    None => return from + at,
                },
            }
        }
    }

    /// Emits the records of `input` found by walking its separators outside quotes
    /// ([`blocks::Structure`]), until the input ends or a record needs [`Self::quoted`].
    fn split_blocks(&mut self, input: &[u8], last: bool, on_record: &mut impl FnMut(u64, &CsvRecord<'_>)) -> Split {
        let mut structure = blocks::Structure::new(input, self.delim);
        let mut start = 0;
        let mut quotes_before = 0;
        self.ends.clear();
        while let Some(at) = structure.next() {
            if input[at] != b'\n' {
                self.ends.push(at - start);
                continue;
            }
            let quotes_through = structure.quotes_through(at);
            let record = &input[start..at];
            if !self.emit_record(record, quotes_through - quotes_before, on_record) {
                return Split::Reread(start);
            }
            // Only a quoted field holds line breaks.
            let inner = if quotes_through > quotes_before { memchr::memchr_iter(b'\n', record).count() as u64 } else { 0 };
            self.line += 1 + inner;
            quotes_before = quotes_through;
            start = at + 1;
            self.ends.clear();
        }
        if start == input.len() || !last {
            return Split::Used(start);
        }
        // The last record, with no line break after it.
        let quotes = structure.quotes_through(input.len() - 1) - quotes_before;
        if structure.ends_quoted() || !self.emit_record(&input[start..], quotes, on_record) {
            return Split::Reread(start);
        }
        Split::Used(input.len())
    }

    /// Emits one record whose delimiters outside quotes are at `self.ends` (relative to its
    /// start) and which holds `quotes` quotes. A record without quotes is emitted as it lies;
    /// one whose quotes all wrap whole fields (doubled inside) is unquoted into `out`; for any
    /// other, nothing is emitted and false returned (the block scan misread a quote that RFC
    /// 4180 readers take literally: see `quoted`).
    fn emit_record(&mut self, record: &[u8], quotes: u64, on_record: &mut impl FnMut(u64, &CsvRecord<'_>)) -> bool {
        let record = record.strip_suffix(b"\r").unwrap_or(record);
        if quotes == 0 {
            if !record.is_empty() {
                self.ends.push(record.len());
                on_record(self.line, &CsvRecord { data: as_str(record), ends: &self.ends, separated: true });
            }
            return true;
        }
        self.ends.push(record.len());
        self.out.clear();
        let (mut field_start, mut unquoted) = (0, 0);
        for end in self.ends.iter_mut() {
            let field = &record[field_start..*end];
            field_start = *end + 1;
            match push_unquoted(&mut self.out, field) {
                Some(n) => unquoted += n,
                None => return false,
            }
            *end = self.out.len();
        }
        // A quote left over lies inside a field that does not start with one.
        if unquoted != quotes {
            return false;
        }
        self.emit_out(on_record);
        true
    }

    /// A record read by `quoted` (never blank: it has a quote, even if only `""`).
    fn emit_out(&mut self, on_record: &mut impl FnMut(u64, &CsvRecord<'_>)) {
        let data = as_str(&self.out);
        on_record(self.line, &CsvRecord { data, ends: &self.ends, separated: false });
    }

    /// Reads one record that contains a quote into `out`/`ends`, byte by byte (any quote, even
    /// one RFC 4180 does not allow); `None` if it does not end within `input` (and more input
    /// may come).
    fn quoted(&mut self, input: &[u8], last: bool) -> Option<QuotedEnd> {
        #[derive(PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            AfterQuote,
        }
        self.out.clear();
        self.ends.clear();
        let mut state = State::FieldStart;
        let mut field_start = 0;
        let mut newlines = 0;
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            match state {
                State::Quoted => {
                    // Copy the run up to the next quote or line break at once (one search, not
                    // a search and a count: quoted XML has a quote every few bytes).
                    let run = memchr::memchr2(b'"', b'\n', &input[i..]).unwrap_or(input.len() - i);
                    self.out.extend_from_slice(&input[i..i + run]);
                    i += run;
                    match input.get(i) {
                        Some(b'\n') => {
                            newlines += 1;
                            self.out.push(b'\n');
                        }
                        Some(_) => state = State::AfterQuote,
                        None => {}
                    }
                    i += 1;
                    continue;
                }
                // Outside quotes, up to the next quote or line end: copy the run at once, ending
                // a field at each delimiter (a quote inside an unquoted field is literal).
                State::FieldStart | State::Unquoted if b != b'"' && b != b'\n' => {
                    let run = memchr::memchr2(b'"', b'\n', &input[i..]).unwrap_or(input.len() - i);
                    let segment = &input[i..i + run];
                    let mut from = 0;
                    for at in memchr::memchr_iter(self.delim, segment) {
                        self.out.extend_from_slice(&segment[from..at]);
                        self.ends.push(self.out.len());
                        field_start = self.out.len();
                        from = at + 1;
                    }
                    self.out.extend_from_slice(&segment[from..]);
                    state = if from == segment.len() { State::FieldStart } else { State::Unquoted };
                    i += run;
                    continue;
                }
                State::AfterQuote if b == b'"' => {
                    self.out.push(b'"');
                    state = State::Quoted;
                }
                State::FieldStart if b == b'"' => state = State::Quoted,
                _ if b == self.delim => {
                    self.ends.push(self.out.len());
                    field_start = self.out.len();
                    state = State::FieldStart;
                }
                _ if b == b'\n' => {
                    self.finish_field(field_start);
                    return Some(QuotedEnd { next: i + 1, newlines: newlines + 1 });
                }
                // A CR straight after a closing quote belongs to a CRLF terminator.
                State::AfterQuote if b == b'\r' => {}
                _ => {
                    self.out.push(b);
                    state = State::Unquoted;
                }
            }
            i += 1;
        }
        if !last {
            return None;
        }
        self.finish_field(field_start);
        Some(QuotedEnd { next: input.len(), newlines })
    }

    /// Ends the last field of a record, dropping the CR of a CRLF terminator.
    fn finish_field(&mut self, field_start: usize) {
        if self.out.len() > field_start && self.out.last() == Some(&b'\r') {
            self.out.pop();
        }
        self.ends.push(self.out.len());
    }
}

/// `input` bytes back to `&str`.
fn as_str(bytes: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    // SAFETY: the splitter's input only ever comes from `&str` pieces, cut or filtered only
    // at ASCII bytes (`,` `"` `\r` `\n`); removing or cutting at ASCII bytes keeps valid
    // UTF-8 valid. (Re-validating every record cost 18% of ingest time.)
    unsafe { std::str::from_utf8_unchecked(bytes) } // ok: valid UTF-8 cut only at ASCII bytes (SAFETY above)
}

/// Splits text pieces into lines (LF, CRLF, or bare CR-free mixes), without terminators.
#[derive(Default)]
pub struct LineSplitter {
    carry: String,
    line: u64,
}

impl LineSplitter {
    /// A splitter at line 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `on_line(line_number, line)` for every complete line in `text`; with
    /// `last = true` the unterminated final line is emitted too.
    pub fn feed(&mut self, text: &str, last: bool, mut on_line: impl FnMut(u64, &str)) {
        let mut rest = text;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', rest.as_bytes()) {
                Some(i) => {
                    self.carry.push_str(&rest[..i]);
                    rest = &rest[i + 1..];
                    self.line += 1;
                    let carry = std::mem::take(&mut self.carry);
                    on_line(self.line, carry.strip_suffix('\r').unwrap_or(&carry));
                }
                None => {
                    self.carry.push_str(rest);
                    rest = "";
                }
            }
        }
        while let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) {
            let line = &rest[..i];
            self.line += 1;
            on_line(self.line, line.strip_suffix('\r').unwrap_or(line));
            rest = &rest[i + 1..];
        }
        self.carry.push_str(rest);
        if last && !self.carry.is_empty() {
            self.line += 1;
            let carry = std::mem::take(&mut self.carry);
            on_line(self.line, carry.strip_suffix('\r').unwrap_or(&carry));
        }
    }

    /// Lines read so far when the text so far ended with a line break; `None` mid-line.
    pub fn lines_at_line_start(&self) -> Option<u64> {
        self.carry.is_empty().then_some(self.line)
    }

    /// Counts `lines` more lines as read (by someone else) before the next text.
    pub fn skip_lines(&mut self, lines: u64) {
        self.line += lines;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_from_the_header_line() {
        assert_eq!(sniff_delimiter("姓名\t手机\t备注\r\na,b\t1\t2"), b'\t');
        assert_eq!(sniff_delimiter("Name;Phone;Amount\nx;1;2,5"), b';');
        assert_eq!(sniff_delimiter("Name,Phone;x\n"), b',', "a tie keeps the comma");
        assert_eq!(sniff_delimiter("just text"), b',');
        let mut s = CsvSplitter::with_delimiter(b'\t');
        let mut got = Vec::new();
        s.feed("a\t\"b\tc\"\td,e\n", true, |_, r| got.push(r.iter().map(str::to_string).collect::<Vec<_>>()));
        assert_eq!(got, [vec!["a", "b\tc", "d,e"]]);
    }

    fn split_csv(text: &str, chunk: usize) -> Vec<(u64, Vec<String>)> {
        let mut s = CsvSplitter::new();
        let mut got = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let mut j = (i + chunk).min(bytes.len());
            while !text.is_char_boundary(j) {
                j += 1;
            }
            s.feed(&text[i..j], false, |line, r| got.push((line, r.iter().map(String::from).collect())));
            i = j;
        }
        s.feed("", true, |line, r| got.push((line, r.iter().map(String::from).collect())));
        got
    }

    #[test]
    fn csv_records_with_quotes_multiline_and_line_numbers_survive_any_chunking() {
        let text = "a,b,c\r\n1,\"多行\n文本, \"\"引号\"\"\",x\r\n\r\n2,,\"\"\n3,末行,无换行";
        let want = vec![
            (1, vec!["a", "b", "c"]),
            (2, vec!["1", "多行\n文本, \"引号\"", "x"]),
            (5, vec!["2", "", ""]),
            (6, vec!["3", "末行", "无换行"]),
        ];
        let want: Vec<(u64, Vec<String>)> =
            want.into_iter().map(|(l, v)| (l, v.into_iter().map(String::from).collect())).collect();
        for chunk in [1, 2, 3, 7, 64, 1 << 20] {
            assert_eq!(split_csv(text, chunk), want, "chunk {chunk}");
        }
    }

    /// Random CSV-like text over the bytes that matter (no lone CR, which csv-core would
    /// treat as a line end and exports never contain).
    fn random_csv(seed: u64, len: usize) -> String {
        let mut rng = crate::xorshift::Xorshift::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut s = String::new();
        while s.len() < len {
            s.push_str(match rng.below(9) {
                0 => ",",
                1 => "\"",
                2 => "\n",
                3 => "\r\n",
                4 => "中",
                5 => "\"\"",
                _ => "ab",
            });
        }
        s
    }

    /// `text` split at each chunk size gives the records the `csv` crate reads, and the line
    /// numbers of reading it whole.
    fn assert_agrees_with_the_csv_crate(text: &str, chunks: &[usize], case: &str) {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let want: Vec<Vec<String>> = reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(|f| String::from_utf8(f.to_vec()).unwrap()).collect())
            .collect();
        let whole = split_csv(text, 1 << 20);
        for &chunk in chunks {
            assert_eq!(split_csv(text, chunk), whole, "{case} chunk {chunk} input {text:?}");
        }
        let got: Vec<Vec<String>> = whole.into_iter().map(|(_, r)| r).collect();
        assert_eq!(got, want, "{case} input {text:?}");
    }

    #[test]
    fn agrees_with_the_csv_crate_on_random_input_and_any_chunking() {
        for seed in 1..300u64 {
            let text = random_csv(seed, (seed as usize * 7) % 200 + 1);
            assert_agrees_with_the_csv_crate(&text, &[1, 3, 16], &format!("seed {seed}"));
        }
    }

    /// Random CSV as exports write it, records of several 64-byte blocks: plain and wholly
    /// quoted fields (doubled quotes, delimiters and line breaks inside), blank lines, CRLF,
    /// and now and then a quote RFC 4180 does not allow (`ab"c`, `"a"b`, a lone `"`). No lone
    /// CR, as in [`random_csv`].
    fn random_export_csv(seed: u64, records: usize) -> String {
        let mut rng = crate::xorshift::Xorshift::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut next = move |n: u64| rng.below(n);
        let mut s = String::new();
        for _ in 0..records {
            let fields = 1 + next(12);
            for f in 0..fields {
                if f > 0 {
                    s.push(',');
                }
                let len = next(40) as usize;
                match next(20) {
                    0..=11 => s.extend((0..len).map(|i| if i % 5 == 4 { '中' } else { 'a' })),
                    12..=17 => {
                        s.push('"');
                        for i in 0..len {
                            s.push_str(match (i + next(7) as usize) % 7 {
                                0 => "\"\"",
                                1 => ",",
                                2 => "\n",
                                3 => "\r\n",
                                _ => "群",
                            });
                        }
                        s.push('"');
                    }
                    18 => s.push_str(["ab\"c", "\"a\"b", "\"", "a\"\"", "\"x\"y"][next(5) as usize]),
                    _ => {}
                }
            }
            s.push_str(["\n", "\r\n", "\n\n", "\n"][next(4) as usize]);
        }
        s
    }

    #[test]
    fn agrees_with_the_csv_crate_on_export_shaped_input_across_blocks() {
        for seed in 1..120u64 {
            let text = random_export_csv(seed, 1 + seed as usize % 40);
            assert_agrees_with_the_csv_crate(&text, &[7, 64, 100, 4096], &format!("seed {seed}"));
        }
    }

    #[test]
    fn a_single_huge_record_in_small_pieces_is_read_once() {
        let text = format!("a,\"{}\"\nb,c\n", "x\n".repeat(200_000));
        let got = split_csv(&text, 4096);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], (200_002, vec!["b".to_string(), "c".to_string()]));
    }

    #[test]
    fn csv_fields_longer_than_the_buffer_grow_it() {
        let long = "长".repeat(100_000);
        let text = format!("x,{long}\ny,z\n");
        let got = split_csv(&text, 4096);
        assert_eq!(got[0].1[1], long);
        assert_eq!(got[1], (2, vec!["y".to_string(), "z".to_string()]));
    }

    #[test]
    fn lines_handle_crlf_lf_and_pieces() {
        let text = "一\r\n二\n\r\n三";
        for chunk in [1, 2, 5, 100] {
            let mut s = LineSplitter::new();
            let mut got = Vec::new();
            let b = text.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let mut j = (i + chunk).min(b.len());
                while !text.is_char_boundary(j) {
                    j += 1;
                }
                s.feed(&text[i..j], false, |n, l| got.push((n, l.to_string())));
                i = j;
            }
            s.feed("", true, |n, l| got.push((n, l.to_string())));
            let want: Vec<(u64, String)> =
                vec![(1, "一".into()), (2, "二".into()), (3, "".into()), (4, "三".into())];
            assert_eq!(got, want, "chunk {chunk}");
        }
    }
}

/// The benchmark floor: decode a file's bytes and split them into CSV records (or lines, for
/// text exports) with no analysis at all. `scripts/bench.sh` states the full analysis as a
/// multiple of this time, natively and in the browser.
pub struct RecordCounter {
    head: Vec<u8>,
    decoder: Option<crate::decode::StreamDecoder>,
    csv: Option<CsvSplitter>,
    lines: LineSplitter,
    /// Records (or lines) seen.
    pub records: u64,
}

impl RecordCounter {
    /// `csv`: split as CSV records (quotes may hold line breaks); else as lines.
    pub fn new(csv: bool) -> Self {
        RecordCounter {
            head: Vec::new(),
            decoder: None,
            csv: csv.then(CsvSplitter::new),
            lines: LineSplitter::new(),
            records: 0,
        }
    }

    /// Feeds the next chunk of bytes.
    pub fn push(&mut self, chunk: &[u8]) {
        self.run(chunk, false);
    }

    /// Ends the file; returns the record count.
    pub fn finish(mut self) -> u64 {
        self.run(&[], true);
        self.records
    }

    fn run(&mut self, chunk: &[u8], last: bool) {
        if self.decoder.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < 4096 && !last {
                return;
            }
            let encoding = crate::decode::sniff_encoding(&self.head, last);
            self.decoder = Some(crate::decode::StreamDecoder::new(encoding));
            let head = std::mem::take(&mut self.head);
            return self.split(&head, last);
        }
        self.split(chunk, last);
    }

    fn split(&mut self, bytes: &[u8], last: bool) {
        let Some(decoder) = self.decoder.as_mut() else { return };
        let (records, csv, lines) = (&mut self.records, &mut self.csv, &mut self.lines);
        let mut feed = |text: &str, last: bool| match csv.as_mut() {
            Some(csv) => csv.feed(text, last, |_, _| *records += 1),
            None => lines.feed(text, last, |_, _| *records += 1),
        };
        // Decoded as the analysis decodes (valid UTF-8 is not copied).
        decoder.decode_each(bytes, last, &mut |text| feed(text, false));
        if last {
            feed("", true);
        }
    }
}
