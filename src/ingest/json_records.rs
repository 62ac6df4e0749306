//! JSON exports that are an array of records — at the document's root, or under one of a few
//! keys of its root object (`messages`, `chatdata`, …) beside an envelope of other members —
//! read record by record as the file arrives: WeFlow / EchoTrace, ChatLab, QQ NT (QCE),
//! chatlog, WeCom archives and member lists.
//!
//! The records are streamed over [`JsonStream`], so memory holds one record at a time, not the
//! file; the envelope is held and walked with [`Json`] when the file ends. That walk is also
//! how a document is read when its records cannot be streamed (they need a member written
//! after them, see [`RecordReader::ready`]), and both ways give the [`RecordReader`] the same
//! calls in the same order and report a break in the same words at the same line.
//!
//! Shapes read: `[record, …]`; `{…, "messages": [record, …], …}` (the first member under one
//! of the format's keys whose value is an array); a root object without such an array (itself
//! one record, see [`RecordReader::lone`]); several such values one after another
//! (concatenated dumps, held and walked at the end).
//!
//! A record that is not valid JSON is skipped alone; a break of the array's structure (a
//! missing comma, a cut-off file) stops the reading there, and what came before is kept.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::json_scan::{After, Broken, Json, JsonStream, Step, Streamer, Take};
use super::wechat_types::shown;
use super::{Context, FormatParser, SkipCode, Why};

/// What a format makes of its records and of their envelope.
pub(super) trait RecordReader {
    /// What a record is called in the reasons of skips ("message", "record").
    const NOUN: &'static str;

    /// Whether the records can be read knowing only the envelope members written `before`
    /// them. When not, the document is held whole and read when the file ends, with every
    /// member given to [`RecordReader::begin`] first.
    fn ready(&self, _before: &Map<String, Value>) -> bool {
        true
    }

    /// The envelope's members, before the first record: those written before the records (when
    /// [`RecordReader::ready`]), else all. Called once per file (with no members for a root
    /// array).
    fn begin(&mut self, _members: &Map<String, Value>, _cx: &mut Context<'_>) {}

    /// A record, its JSON `text` starting at `line`: `position` is its 1-based index in its
    /// array, or the line of a record that is a value of its own. Read straight into the
    /// format's own types, or through [`value`].
    fn record(&mut self, position: u64, text: &str, line: u64, cx: &mut Context<'_>);

    /// A root object holding no array of records, its `text` starting at `line` (after
    /// [`RecordReader::begin`] with its members): by default a record itself.
    fn lone(&mut self, line: u64, text: &str, cx: &mut Context<'_>) {
        self.record(line, text, line, cx);
    }

    /// The envelope's members written after the records, when they were read before them.
    fn end(&mut self, _members: &Map<String, Value>, _cx: &mut Context<'_>) {}
}

/// The parser of one records document.
pub(super) struct RecordsParser<R> {
    stream: JsonStream,
    records: Records<R>,
}

impl<R: RecordReader> RecordsParser<R> {
    /// A parser whose records are a root array, or the array under the first of `keys` met in
    /// the root object.
    pub(super) fn new(keys: &'static [&'static str], reader: R) -> Self {
        let records = Records { reader, keys, offered: false, streamed: false, begun: false, broke: false };
        RecordsParser { stream: JsonStream::default(), records }
    }
}

impl<R: RecordReader> FormatParser for RecordsParser<R> {
    fn feed(&mut self, text: &str, cx: &mut Context<'_>) {
        self.stream.push(text, &mut self.records, cx);
    }

    fn held_text(&mut self) -> Option<&mut String> {
        self.stream.held_messages()
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        let held = self.stream.finish(&mut self.records, cx);
        // After a break in the streamed records nothing is read (as the walk would stop there).
        if !self.records.broke {
            self.records.walk(&held.json(), cx);
        }
    }
}

/// The reader and where the document stands.
struct Records<R> {
    reader: R,
    keys: &'static [&'static str],
    /// The first array of records began (streamed or held: only it is the records').
    offered: bool,
    /// ... and was streamed, the envelope members before it given to `begin` then.
    streamed: bool,
    /// [`RecordReader::begin`] was called.
    begun: bool,
    /// The streamed records broke (and said so).
    broke: bool,
}

impl<R: RecordReader> Streamer for Records<R> {
    /// The records are streamed when the members written before them are enough to read them.
    fn begins(&mut self, path: &[Step], envelope: &Json<'_>, object: Option<usize>, cx: &mut Context<'_>) -> Take {
        let records = match path {
            [] => true,
            [Step::Key(k)] => self.keys.contains(&k.as_str()),
            _ => false,
        };
        if !records || self.offered {
            return Take::Envelope;
        }
        self.offered = true;
        let mut before = Map::new();
        if let Some(object) = object {
            envelope.members(object, |key, vs, ve| member(envelope, key, vs, ve, &mut before, cx));
        }
        if !self.reader.ready(&before) {
            return Take::Hold;
        }
        self.begin(&before, cx);
        self.streamed = true;
        Take::Stream
    }

    fn element(&mut self, index: u64, text: &str, line: u64, cx: &mut Context<'_>) {
        self.reader.record(index, text, line, cx);
    }

    fn ends(&mut self, last: u64, broken: Option<(u64, &Broken)>, cx: &mut Context<'_>) {
        if let Some((line, b)) = broken {
            b.report_at(line, &after_record::<R>(last), cx);
            self.broke = true;
        }
    }
}

/// Record `position`'s `text` (starting at `line`) as a [`Value`], for readers that look its
/// fields up by name; `None`, and a skip saying why, when it is not valid JSON.
pub(super) fn value<R: RecordReader>(position: u64, text: &str, line: u64, cx: &mut Context<'_>) -> Option<Value> {
    serde_json::from_str(text)
        .map_err(|e| cx.skip(line + e.line().saturating_sub(1) as u64, not_json::<R>(position, &e)))
        .ok()
}

/// Record `position`'s `text` (starting at `line`) read into `F`, a struct of the fields a
/// reader uses, each any JSON value: straight from the text when it is an object (building a
/// [`Value`] of the whole record, a map of every field, and looking them up was a third of the
/// reading), through a `Value` when it has a key twice (the last one counts, as there). `None`,
/// and a skip saying why, when it is not an object or not JSON.
pub(super) fn object_fields<R: RecordReader, F: DeserializeOwned + Default>(
    position: u64,
    text: &str,
    line: u64,
    cx: &mut Context<'_>,
) -> Option<F> {
    // (Only an object: a struct would also take an array as its fields in order.)
    if let Some(fields) = text.starts_with('{').then(|| serde_json::from_str::<F>(text).ok()).flatten() {
        return Some(fields);
    }
    match value::<R>(position, text, line, cx)? {
        v @ Value::Object(_) => Some(F::deserialize(v).unwrap_or_default()),
        v => {
            let found = shown(&v.to_string());
            let reason = format!("expected a {} object, found {found}", R::NOUN);
            cx.skip(line, Why::new(SkipCode::UnexpectedShape, format!("#{position}: {found}"), reason));
            None
        }
    }
}

/// Why record `position` was skipped: `e`, its JSON's error.
pub(super) fn not_json<R: RecordReader>(position: u64, e: &serde_json::Error) -> Why {
    let error = error_text(e);
    let reason = format!("{} #{position} is not valid JSON: {error}; skipped", R::NOUN);
    Why::new(SkipCode::NotJson, format!("#{position}: {error}"), reason)
}

/// A record's JSON error without serde's position, which counts from the record's start (the
/// skip gives the line in the file).
pub(super) fn error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Adds the envelope member `key` (its value at `vs..ve`) to `members`, or says why not.
fn member(json: &Json<'_>, key: &str, vs: usize, ve: usize, members: &mut Map<String, Value>, cx: &mut Context<'_>) {
    match serde_json::from_str::<Value>(&json.text[vs..ve]) {
        Ok(v) => drop(members.insert(key.to_string(), v)),
        Err(e) => {
            let line = json.line_of(vs) + e.line().saturating_sub(1) as u64;
            let error = error_text(&e);
            cx.skip(line, Why::new(SkipCode::NotJson, format!("\"{key}\": {error}"), format!("\"{key}\" is not valid JSON: {error}; ignored")));
        }
    }
}

/// Where a break of an array of records stands.
fn after_record<R: RecordReader>(last: u64) -> After {
    After::item(R::NOUN, last, None)
}

impl<R: RecordReader> Records<R> {
    fn begin(&mut self, members: &Map<String, Value>, cx: &mut Context<'_>) {
        if !self.begun {
            self.begun = true;
            self.reader.begin(members, cx);
        }
    }

    /// Walks the held document when the file ends: the envelope, and the records that were not
    /// streamed (a streamed array is held as `[]`).
    fn walk(&mut self, json: &Json<'_>, cx: &mut Context<'_>) {
        let mut p = json.ws(0);
        while p < json.text.len() {
            // Only the first value's records can have been streamed.
            let streamed = std::mem::take(&mut self.streamed);
            let read = match json.byte(p) {
                Some(b'[') => {
                    self.begin(&Map::new(), cx);
                    self.array(json, p, cx)
                }
                Some(b'{') => self.object(json, p, streamed, cx),
                _ => Err(Broken::at(p, "expected an object or an array")),
            };
            match read {
                Ok(end) => p = json.ws(end),
                Err(b) => return json.report(&b, &After::start(), cx),
            }
        }
    }

    /// The array of records at `p`; a break in it is reported here.
    fn array(&mut self, json: &Json<'_>, p: usize, cx: &mut Context<'_>) -> Result<usize, Broken> {
        let mut last = 0;
        json.array(p, |index, s, e| {
            last = index;
            self.reader.record(index, &json.text[s..e], json.line_of(s), cx);
        })
        .map_err(|mut b| {
            json.report(&b, &after_record::<R>(last), cx);
            b.reported = true;
            b
        })
    }

    /// A root object: an envelope around the records (`streamed` already, with the members
    /// before them), or a record itself.
    fn object(&mut self, json: &Json<'_>, p: usize, streamed: bool, cx: &mut Context<'_>) -> Result<usize, Broken> {
        let line = json.line_of(p);
        let (mut before, mut after) = (Map::new(), Map::new());
        let mut records = None;
        let keys = self.keys;
        let scanned = json.object(p, |key, vs| {
            if records.is_none() && keys.contains(&key) && json.byte(vs) == Some(b'[') {
                records = Some(vs);
                return json.value_end(vs);
            }
            let ve = json.value_end(vs)?;
            match records {
                // Given (and any problem said) when the records began.
                None if streamed => {}
                None => member(json, key, vs, ve, &mut before, cx),
                Some(_) => member(json, key, vs, ve, &mut after, cx),
            }
            Ok(ve)
        });
        let Some(at) = records else {
            self.begin(&before, cx);
            let end = scanned?;
            self.reader.lone(line, &json.text[p..end], cx);
            return Ok(end);
        };
        if !self.begun && !self.reader.ready(&before) {
            before.append(&mut after);
        }
        self.begin(&before, cx);
        self.array(json, at, cx)?;
        self.reader.end(&after, cx);
        scanned.map_err(|mut b| {
            json.report(&b, &After::part(format!("after the {}s", R::NOUN)), cx);
            b.reported = true;
            b
        })
    }
}

#[cfg(test)]
impl<R: RecordReader> RecordsParser<R> {
    /// Reads `text` as a document held whole: what a streamed read must equal.
    pub(super) fn read_held(mut self, text: &str, cx: &mut Context<'_>) {
        self.records.walk(&Json::new(text), cx);
    }
}

/// The format's `parser` reads `text` into `messages` messages (one row each) whose texts
/// include `texts`, skipping exactly `skips` (line, reason); and streams it as held. Returns
/// the model read.
#[cfg(test)]
pub(super) fn assert_reads<R: RecordReader>(
    text: &str,
    parser: fn(&str, &str) -> Box<dyn FormatParser>,
    records: fn() -> RecordsParser<R>,
    (messages, skips, texts): (usize, &[(u64, &str)], &[&str]),
) -> crate::model::Model {
    let (model, stats) = super::json_scan::testing::read_streamed(text, text, 64, parser);
    assert_eq!((model.messages.len() as u64, stats.rows), (messages as u64, messages as u64));
    let skipped: Vec<(u64, &str)> = stats.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
    assert_eq!(skipped, skips);
    let read: Vec<&str> = (0..model.messages.len()).map(|i| model.messages.text(i)).collect();
    assert!(texts.iter().all(|t| read.contains(t)), "{read:?}");
    assert_streamed_as_held(text, parser, records);
    model
}

/// The format's `parser` streams `text` (and every cut-off start of it) as a fresh `records`
/// parser reads it held whole.
#[cfg(test)]
pub(super) fn assert_streamed_as_held<R: RecordReader>(
    text: &str,
    parser: fn(&str, &str) -> Box<dyn FormatParser>,
    records: fn() -> RecordsParser<R>,
) {
    super::json_scan::testing::assert_streamed_as_held(text, parser, |t, cx| records().read_held(t, cx));
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::super::json_scan::testing::read_with;
    use super::*;

    thread_local! {
        static CALLS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    /// Writes down every call; ready when the member it `needs` came first.
    struct Log {
        needs: Option<&'static str>,
    }

    fn log(call: String) {
        CALLS.with(|c| c.borrow_mut().push(call));
    }

    fn keys(members: &Map<String, Value>) -> String {
        members.keys().cloned().collect::<Vec<_>>().join(",")
    }

    impl RecordReader for Log {
        const NOUN: &'static str = "item";
        fn ready(&self, before: &Map<String, Value>) -> bool {
            self.needs.is_none_or(|k| before.contains_key(k))
        }
        fn begin(&mut self, members: &Map<String, Value>, _cx: &mut Context<'_>) {
            log(format!("begin [{}]", keys(members)));
        }
        fn record(&mut self, position: u64, text: &str, line: u64, cx: &mut Context<'_>) {
            if let Some(v) = value::<Self>(position, text, line, cx) {
                log(format!("{position}: {v}"));
            }
        }
        fn lone(&mut self, line: u64, text: &str, cx: &mut Context<'_>) {
            if let Some(v) = value::<Self>(line, text, line, cx) {
                log(format!("lone at line {line}: {v}"));
            }
        }
        fn end(&mut self, members: &Map<String, Value>, _cx: &mut Context<'_>) {
            log(format!("end [{}]", keys(members)));
        }
    }

    const KEYS: &[&str] = &["messages", "data"];

    /// The calls and skips of `text` fed in pieces of `chunk` characters (`None`: held whole),
    /// and whether the parser held messages at the end.
    fn read(text: &str, chunk: Option<usize>, needs: Option<&'static str>) -> (Vec<String>, String, bool) {
        CALLS.with(|c| c.borrow_mut().clear());
        let mut held = false;
        let (_, stats) = read_with(|cx| {
            let mut p = RecordsParser::new(KEYS, Log { needs });
            let Some(chunk) = chunk else { return p.read_held(text, cx) };
            let chars: Vec<char> = text.chars().collect();
            for piece in chars.chunks(chunk) {
                p.feed(&piece.iter().collect::<String>(), cx);
            }
            held = p.held_text().is_some();
            p.finish(cx);
        });
        (CALLS.with(|c| c.take()), format!("{:?}", stats.skipped), held)
    }

    /// Streamed in pieces and held whole, `text` and every cut-off start of it read the same.
    fn assert_streamed_as_held(text: &str, needs: Option<&'static str>) {
        for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
            let (calls, skips, _) = read(&text[..cut], None, needs);
            for chunk in [usize::MAX, 7, 1] {
                let (c, s, _) = read(&text[..cut], Some(chunk), needs);
                assert_eq!((&c, &s), (&calls, &skips), "{:?} in pieces of {chunk}", &text[..cut]);
            }
        }
    }

    #[test]
    fn records_stream_from_a_root_array_or_an_envelope() {
        let root = "[{\"a\":1},\n 2, \"s\"]";
        assert_eq!(read(root, Some(3), None).0, ["begin []", "1: {\"a\":1}", "2: 2", "3: \"s\""]);
        let envelope = "{\"head\":{\"x\":1},\"data\":null,\"messages\":[{\"a\":1},[2]],\"data\":[3],\"tail\":1}";
        let (calls, skips, held) = read(envelope, Some(5), None);
        assert_eq!(calls, ["begin [data,head]", "1: {\"a\":1}", "2: [2]", "end [data,tail]"]);
        assert_eq!((skips.as_str(), held), ("[]", false), "only the envelope is held");
        for text in [root, envelope, "{\"messages\":[]}", "[]"] {
            assert_streamed_as_held(text, None);
        }
    }

    #[test]
    fn records_that_need_a_later_member_are_held_and_read_after_all_members() {
        let text = "{\"messages\":[{\"a\":1}],\"head\":2}";
        let (calls, _, held) = read(text, Some(4), Some("head"));
        assert_eq!(calls, ["begin [head]", "1: {\"a\":1}", "end []"]);
        assert!(held, "the document counts as held, for the memory cap");
        assert_eq!(read(text, Some(4), None).0, ["begin []", "1: {\"a\":1}", "end [head]"]);
        assert_streamed_as_held(text, Some("head"));
    }

    #[test]
    fn objects_without_records_are_records_themselves_and_may_follow_each_other() {
        let text = "{\"x\":1}\n{\"x\":2,\n\"data\":{\"y\":3}}\n[{\"z\":4}]";
        let (calls, _, held) = read(text, Some(6), None);
        assert_eq!(calls, ["begin [x]", "lone at line 1: {\"x\":1}", "lone at line 2: {\"data\":{\"y\":3},\"x\":2}", "1: {\"z\":4}"]);
        assert!(held, "values after the first are held");
        assert_streamed_as_held(text, None);
    }

    #[test]
    fn a_bad_record_is_skipped_alone_and_a_broken_array_stops_with_what_came_before() {
        let bad = "{\"messages\":[{\"a\":1},\n{\"a\": tru e},\n{\"a\":3}]}";
        let (calls, skips, _) = read(bad, Some(5), None);
        assert_eq!(calls, ["begin []", "1: {\"a\":1}", "3: {\"a\":3}", "end []"]);
        assert!(skips.contains("line: 2, reason: \"item #2 is not valid JSON: expected ident; skipped\""), "{skips}");
        let no_comma = "{\"messages\":[{\"a\":1}\n{\"a\":2}]}";
        let (calls, skips, _) = read(no_comma, Some(5), None);
        assert_eq!(calls, ["begin []", "1: {\"a\":1}"]);
        assert!(skips.contains("line: 2, reason: \"not valid JSON (expected ',' or ']') after item #1; nothing after this point is read\""), "{skips}");
        let cut = "{\"messages\":[{\"a\":1},\n{\"a\":";
        let (_, skips, _) = read(cut, Some(5), None);
        assert!(skips.contains("line: 2, reason: \"the JSON ends early (file cut off?) after item #1; what came before was read\""), "{skips}");
        let bad_member = "{\"head\":{1:2},\"messages\":[1]}";
        let (calls, skips, _) = read(bad_member, Some(5), None);
        assert_eq!(calls, ["begin []", "1: 1", "end []"]);
        assert!(skips.contains("line: 1, reason: \"\\\"head\\\" is not valid JSON: key must be a string; ignored\""), "{skips}");
        for text in [bad, no_comma, bad_member, "{\"messages\":[1,]}", "{\"messages\":[1],,}", "42", "{\"a\" 1}"] {
            assert_streamed_as_held(text, None);
        }
    }
}
