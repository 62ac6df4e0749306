//! The JavaScript boundary: the only `#[wasm_bindgen]` code in the crate, kept thin.
//!
//! Everything here converts and delegates to the core ([`crate::Analyzer`], [`crate::analyze`],
//! [`crate::sample::generate`]). The report crosses as one JSON string, which the page hands
//! to `JSON.parse` (faster in Chromium than building the objects from wasm); its schema is
//! `www/qunlens-report.d.ts`. Errors (a bad config, a malformed argument) are thrown as JS
//! `Error`s with a readable message; a bad *file* is never an error but a report entry.
//!
//! ```js
//! import init, { Analyzer } from "./pkg/qunlens.js";
//! await init();
//! const a = new Analyzer("{}");
//! a.begin_file(file.name);
//! for await (const chunk of file.stream()) a.push(chunk);
//! a.end_file();
//! const report = JSON.parse(a.report_json());
//! ```

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A named file's bytes: the input of `analyze()` and the output of `sample_files()`. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}
"#;

/// Bytes handed to the core per call when a whole buffer arrives at once (keeps the copy into
/// wasm memory small and lets V8 tier the hot loop up between calls).
const CHUNK: u32 = 1 << 20;

/// Installs the panic hook (a panic then logs its message before the abort). Cheap after the
/// first call; every entry point calls it because a library has no single `main`.
fn init() {
    console_error_panic_hook::set_once();
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn config(json: &str) -> Result<crate::Config, JsValue> {
    crate::Config::from_json(json).map_err(|e| js_error(&e))
}

/// Where to cut the bytes `[read, size)` of a file into `parts` ranges of about equal size:
/// the start of each range after the first (the lead's own range ends at the first cut).
#[wasm_bindgen]
pub fn piece_cuts(read: f64, size: f64, parts: u32) -> Vec<f64> {
    crate::ingest::pieces::cuts(read as u64, size as u64, parts as usize).into_iter().map(|c| c as f64).collect()
}

/// Reads one byte range of a file another `Analyzer` has started (see its `continuation`):
/// push the file's bytes from `PieceReader.first_byte(from)` on until `wants_more()` is
/// false or the file ends, then hand `finish()` to that analyzer's `absorb_piece`.
#[wasm_bindgen]
pub struct PieceReader {
    inner: Option<crate::PieceReader>,
}

#[wasm_bindgen]
impl PieceReader {
    /// A reader of the records of `[from, to)` of the file `continuation` describes, with
    /// local times in the config's zone. Throws on a bad config or continuation.
    #[wasm_bindgen(constructor)]
    pub fn new(continuation: &[u8], config_json: &str, from: f64, to: f64) -> Result<PieceReader, JsValue> {
        init();
        let continuation = crate::Continuation::from_bytes(continuation).map_err(|e| js_error(&e))?;
        let timezone = config(config_json)?.timezone;
        let inner = crate::PieceReader::new(&continuation, &timezone, from as u64, to as u64).map_err(|e| js_error(&e))?;
        Ok(PieceReader { inner: Some(inner) })
    }

    /// The file offset of the first byte to push for a range starting at `from`.
    pub fn first_byte(from: f64) -> f64 {
        crate::PieceReader::first_byte(from as u64) as f64
    }

    /// Feeds the next bytes of the file.
    pub fn push(&mut self, bytes: &[u8]) {
        if let Some(r) = self.inner.as_mut() {
            r.push(bytes);
        }
    }

    /// False once the range's end boundary has been read.
    pub fn wants_more(&self) -> bool {
        self.inner.as_ref().is_some_and(crate::PieceReader::wants_more)
    }

    /// Messages read so far (for progress).
    pub fn message_count(&self) -> usize {
        self.inner.as_ref().map_or(0, crate::PieceReader::message_count)
    }

    /// Ends the piece; the bytes for the lead's `absorb_piece`, its columns and texts copied
    /// straight from wasm memory into the array. Throws when called twice.
    pub fn finish(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let reader = self.inner.take().ok_or_else(|| js_error("this piece is already finished"))?;
        let piece = reader.finish().into_wire();
        Ok(runs_to_array(&piece.runs().map_err(|e| js_error(&e))?))
    }
}

/// Reads files incrementally and computes the report: `begin_file`, `push` chunks,
/// `end_file`, repeat, then `report_json()`.
#[wasm_bindgen]
pub struct Analyzer {
    inner: crate::Analyzer,
    /// The report `begin_report` computed, waiting for its leaderboard.
    pending: Option<crate::report::Report>,
}

#[wasm_bindgen]
impl Analyzer {
    /// A new analyzer. `config_json` is the config JSON (`"{}"` or `""` for the defaults);
    /// throws an `Error` naming the bad field or time zone.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Analyzer, JsValue> {
        init();
        let inner = crate::Analyzer::new(config(config_json)?).map_err(|e| js_error(&e))?;
        Ok(Analyzer { inner, pending: None })
    }

    /// Replaces the configuration for the next `report_json()`. Returns true when the change
    /// affects how files are read (time zone, column mappings): re-read them into a new
    /// `Analyzer` then; otherwise the loaded data is reused.
    pub fn set_config(&mut self, config_json: &str) -> Result<bool, JsValue> {
        self.inner.set_config(config(config_json)?).map_err(|e| js_error(&e))
    }

    /// Starts a file (ending any file still open). The name appears in the report.
    pub fn begin_file(&mut self, name: &str) {
        self.inner.begin_file(name);
    }

    /// Optional: the size in bytes of the file begun (of the whole file when it is read in
    /// pieces). The model is then sized for all of it at once, which is faster and leaves
    /// less unused memory behind than growing it as rows arrive.
    pub fn expect_bytes(&mut self, bytes: f64) {
        self.inner.expect_bytes(bytes as u64);
    }

    /// Feeds the next chunk of the current file; chunks may split rows and characters anywhere.
    pub fn push(&mut self, bytes: &[u8]) {
        self.inner.push(bytes);
    }

    /// Ends the current file.
    pub fn end_file(&mut self) {
        self.inner.end_file();
    }

    /// Learns which chat each chunk of a chunked QQ NT export (QQ Chat Exporter's
    /// `manifest.json` + `chunks/c000001.jsonl` …) belongs to, from the manifest's bytes:
    /// call it for every `manifest.json` of a load before its chunks are read, here and in
    /// each parallel reader. Returns the chunks listed, 0 for any other file.
    pub fn add_chunk_manifest(&mut self, bytes: &[u8]) -> u32 {
        self.inner.add_chunk_manifest(bytes) as u32
    }

    /// Takes back the refusal of chunk file `name` of `size` bytes, read before the manifest
    /// that lists it (see the core's `Analyzer::retry_chunk`): true when the caller is to read
    /// the file again.
    pub fn retry_chunk(&mut self, name: &str, size: f64) -> bool {
        self.inner.retry_chunk(name, size as u64)
    }

    /// Everything loaded so far, unresolved, as bytes for another `Analyzer`'s `absorb`
    /// (parallel workers hand their files to the coordinator this way); empties this one.
    pub fn take_partial(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let partial = self.inner.take_partial();
        Ok(runs_to_array(&partial.runs().map_err(|e| js_error(&e))?))
    }

    /// Merges another analyzer's `take_partial()`: the report is the one a single analyzer
    /// reading every file would give. False when the merge would pass a cap of config
    /// `limits`: nothing is merged, read those files here. Throws on damaged bytes (nothing is
    /// merged then).
    pub fn absorb(&mut self, partial: &js_sys::Uint8Array) -> Result<bool, JsValue> {
        self.inner.absorb_read(partial.length() as usize, &mut copy_from_array(partial)).map_err(|e| js_error(&e))
    }

    /// Starts reading the rest of the open file in parallel pieces: this analyzer reads on up
    /// to the first record boundary at or after byte `to` (push until `wants_more()` is
    /// false); returns the continuation bytes for `PieceReader`s of the later ranges, or
    /// `undefined` when the file cannot be continued elsewhere (yet): read on as usual then.
    pub fn continuation(&mut self, to: f64) -> Result<Option<Vec<u8>>, JsValue> {
        match self.inner.continuation(to as u64) {
            Some(c) => c.to_bytes().map(Some).map_err(|e| js_error(&e)),
            None => Ok(None),
        }
    }

    /// False once the open file's own range (see `continuation`) is read.
    pub fn wants_more(&self) -> bool {
        self.inner.wants_more()
    }

    /// Takes back the next piece of the open file (a `PieceReader`'s `finish()` bytes), in
    /// order. False when it was refused: read the file on from `resume_offset()` then.
    pub fn absorb_piece(&mut self, piece: &js_sys::Uint8Array) -> Result<bool, JsValue> {
        let array = piece.clone();
        let copy = Box::new(move |at: usize, out: &mut [u8]| copy_from_array(&array)(at, out));
        let piece = crate::PieceOutcome::read(piece.length() as usize, copy).map_err(|e| js_error(&e))?;
        Ok(self.inner.absorb_piece(piece))
    }

    /// After the pieces: the byte offset to push the rest of the open file from, or
    /// `undefined` when it is complete.
    pub fn resume_offset(&mut self) -> Option<f64> {
        self.inner.resume_offset().map(|at| at as f64)
    }

    /// Messages loaded so far.
    pub fn message_count(&self) -> usize {
        self.inner.message_count()
    }

    /// The report over everything loaded so far, as JSON (`Report` in `qunlens-report.d.ts`).
    pub fn report_json(&mut self) -> String {
        self.inner.report().to_json()
    }

    /// The loaded model as bytes for `leaderboard_of_model` in another worker of this build:
    /// its columns and texts copied straight from wasm memory into the array.
    pub fn model_bytes(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        self.model_bytes_into(None)
    }

    /// `model_bytes()` written into `spare` when they fit (the result is then a view of its
    /// first bytes), else into a new array. The worker the model goes to can allocate and
    /// touch `spare` while it waits, sparing this worker the first touch of fresh memory
    /// (≈0.3 ms per MB) on the path the report waits for.
    pub fn model_bytes_into(&mut self, spare: Option<js_sys::Uint8Array>) -> Result<js_sys::Uint8Array, JsValue> {
        let runs = self.inner.model_runs().map_err(|e| js_error(&e))?;
        Ok(runs_into(&runs, spare))
    }

    /// Computes every section but the leaderboard, which another worker computes meanwhile
    /// (`leaderboard_of_model`); `finish_report_json` completes the report.
    pub fn begin_report(&mut self) {
        self.pending = Some(self.inner.report_without_leaderboard());
    }

    /// The report `begin_report` started, with `leaderboard_json` (the other worker's answer)
    /// as its leaderboard; without it (the worker failed) the leaderboard is computed here.
    /// Without `begin_report`, the same as `report_json()`.
    pub fn finish_report_json(&mut self, leaderboard_json: Option<String>) -> String {
        self.finished_report(leaderboard_json).to_json()
    }

    /// `report_json()` in parts, for a main thread that must not parse one 100 MB string in a
    /// single task: `on_part(path, json)` is called for each slice (a JSON array of about
    /// `part_bytes`) of the arrays that grow with the members (`members`, `roles.members`,
    /// `health.members_silent`), in order; the returned JSON is the rest of the report, those
    /// arrays empty. Appending each part's items to the array at its path gives `report_json()`.
    pub fn report_json_parts(&mut self, part_bytes: usize, on_part: &js_sys::Function) -> Result<String, JsValue> {
        let report = self.inner.report();
        report_parts(report, part_bytes, on_part)
    }

    /// `finish_report_json` in parts (see `report_json_parts`).
    pub fn finish_report_json_parts(&mut self, leaderboard_json: Option<String>, part_bytes: usize, on_part: &js_sys::Function) -> Result<String, JsValue> {
        let report = self.finished_report(leaderboard_json);
        report_parts(report, part_bytes, on_part)
    }

    /// The report `begin_report` started, completed with `leaderboard_json` (else computed
    /// here); without `begin_report`, the whole report.
    fn finished_report(&mut self, leaderboard_json: Option<String>) -> crate::report::Report {
        let Some(mut report) = self.pending.take() else { return self.inner.report() };
        let given = leaderboard_json.and_then(|json| serde_json::from_str(&json).ok());
        report.leaderboard = match given {
            Some(board) => board,
            // The config in force never changes how files are read, so this cannot fail.
            None => self.inner.leaderboard(self.inner.config().clone()).unwrap_or_default(),
        };
        report
    }

    /// Only the `leaderboard` section (`LeaderboardReport` in `qunlens-report.d.ts`) under
    /// `config_json`, which becomes the configuration in force: re-ranks from the cached
    /// per-message classification when only leaderboard rules or the window changed. Throws
    /// when the config changes how files are read (use `set_config` and reload then).
    pub fn leaderboard_json(&mut self, config_json: &str) -> Result<String, JsValue> {
        let report = self.inner.leaderboard(config(config_json)?).map_err(|e| js_error(&e))?;
        serde_json::to_string(&report).map_err(|e| js_error(&e.to_string()))
    }

    /// Only the `funnel` section (`FunnelReport`) under `config_json`, which becomes the
    /// configuration in force: recomputed from the cached per-person journeys when only funnel
    /// settings changed. Throws when the config changes how files are read.
    pub fn funnel_json(&mut self, config_json: &str) -> Result<String, JsValue> {
        let report = self.inner.funnel(config(config_json)?).map_err(|e| js_error(&e))?;
        serde_json::to_string(&report).map_err(|e| js_error(&e.to_string()))
    }

    /// Only the `attribution` section (`AttributionReport`) under `config_json`, likewise
    /// recomputed from the cached journeys and touches.
    pub fn attribution_json(&mut self, config_json: &str) -> Result<String, JsValue> {
        let report = self.inner.attribution(config(config_json)?).map_err(|e| js_error(&e))?;
        serde_json::to_string(&report).map_err(|e| js_error(&e.to_string()))
    }
}

/// The `leaderboard` section (JSON) of another worker's `Analyzer.model_bytes()` under
/// `config_json`, that analyzer's config: what its `finish_report_json` takes.
#[wasm_bindgen]
pub fn leaderboard_of_model(model: &js_sys::Uint8Array, config_json: &str) -> Result<String, JsValue> {
    init();
    let read = crate::model::wire::read(model.length() as usize, &mut copy_from_array(model));
    let board = crate::leaderboard_of(&read.map_err(|e| js_error(&e))?, config(config_json)?).map_err(|e| js_error(&e))?;
    serde_json::to_string(&board).map_err(|e| js_error(&e.to_string()))
}

/// Grows this instance's memory by about `bytes`, touches every page of it and gives it
/// back to the allocator, so that later allocations do not pay for the first touch of fresh
/// pages (≈0.3 ms per MB) on the path a load waits for. The page's workers do it while idle:
/// after their warm-up, for the loads to come, and a worker about to be handed a model for
/// `leaderboard_of_model`, for that copy.
#[wasm_bindgen]
pub fn prepare_memory(bytes: f64) {
    // Fallible: memory that cannot grow this far leaves nothing to prepare (an infallible
    // allocation would abort, and a trap could leave the instance unusable).
    let mut room: Vec<u8> = Vec::new();
    if room.try_reserve_exact(bytes as usize).is_err() {
        return;
    }
    for page in room.spare_capacity_mut().iter_mut().step_by(4096) {
        page.write(1);
    }
    std::hint::black_box(&mut room);
}

/// [`crate::report::Report::to_json_parts`] with each part handed to `on_part(path, json)`;
/// throws what `on_part` throws.
fn report_parts(report: crate::report::Report, part_bytes: usize, on_part: &js_sys::Function) -> Result<String, JsValue> {
    let mut thrown = None;
    let skeleton = report.to_json_parts(part_bytes, |path, json| {
        if thrown.is_none() {
            thrown = on_part.call2(&JsValue::NULL, &JsValue::from_str(path), &JsValue::from_str(&json)).err();
        }
    });
    match (thrown, skeleton) {
        (Some(e), _) => Err(e),
        (None, skeleton) => skeleton.map_err(|e| js_error(&e)),
    }
}

/// A hand-over's byte runs (`model::wire`) in one new array, each run copied straight out of
/// wasm memory.
fn runs_to_array(runs: &crate::model::wire::Runs) -> js_sys::Uint8Array {
    runs_into(runs, None)
}

/// `runs_to_array`, into the first bytes of `spare` when they fit.
fn runs_into(runs: &crate::model::wire::Runs, spare: Option<js_sys::Uint8Array>) -> js_sys::Uint8Array {
    let len = runs.len() as u32;
    let out = match spare {
        Some(spare) if spare.length() >= len => spare.subarray(0, len),
        _ => js_sys::Uint8Array::new_with_length(len),
    };
    let mut at = 0;
    for run in runs.iter() {
        out.subarray(at, at + run.len() as u32).copy_from(run);
        at += run.len() as u32;
    }
    out
}

/// The `copy` with which `model::wire`'s readers take a hand-over from `array`: each column
/// and text block straight into its place in wasm memory.
fn copy_from_array(array: &js_sys::Uint8Array) -> impl FnMut(usize, &mut [u8]) + '_ {
    move |at, out| array.subarray(at as u32, (at + out.len()) as u32).copy_to(out)
}

/// Benchmark: times every attribution model on `persons` synthetic people with up to
/// `max_touches` touches over `keys` keys, in this browser; `{"touches": n, "ms": {model: ms}}`.
#[wasm_bindgen]
pub fn attribution_bench(persons: usize, max_touches: usize, keys: usize) -> String {
    let paths = crate::attribution::synthetic::paths(persons, max_touches, keys, 7);
    let now = || js_sys::Date::now();
    let times = crate::attribution::synthetic::time_models(&paths, &now);
    let ms: serde_json::Map<String, serde_json::Value> = times.into_iter().map(|(n, t)| (n.to_string(), t.into())).collect();
    serde_json::json!({ "touches": paths.touch_count(), "ms": ms }).to_string()
}

/// One-shot: reads `files` (`{name, bytes: Uint8Array}` objects) and returns the report JSON.
/// Throws on a bad config or a malformed file object; unreadable files are reported, not thrown.
#[wasm_bindgen]
pub fn analyze(
    #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: js_sys::Array,
    config_json: &str,
) -> Result<String, JsValue> {
    init();
    let mut analyzer = crate::Analyzer::new(config(config_json)?).map_err(|e| js_error(&e))?;
    let mut inputs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = js_sys::Reflect::get(&file, &JsValue::from_str("name"))
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| js_error(&format!("files[{i}].name must be a string")))?;
        let bytes = js_sys::Reflect::get(&file, &JsValue::from_str("bytes"))
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
            .ok_or_else(|| js_error(&format!("files[{i}].bytes must be a Uint8Array")))?;
        // Chunked exports' manifests first: they say which chat each chunk file belongs to.
        if crate::ingest::qq_nt_chunks::is_manifest_name(&name) {
            analyzer.add_chunk_manifest(&bytes.to_vec());
        }
        inputs.push((name, bytes));
    }
    for (name, bytes) in inputs {
        analyzer.begin_file(&name);
        analyzer.expect_bytes(bytes.length() as u64);
        // Copy chunk by chunk so wasm memory holds one chunk, not a second copy of the file.
        let mut buf = Vec::new();
        let len = bytes.length();
        let mut start = 0;
        while start < len {
            let end = len.min(start + CHUNK);
            buf.resize((end - start) as usize, 0);
            bytes.subarray(start, end).copy_to(&mut buf);
            analyzer.push(&buf);
            start = end;
        }
        analyzer.end_file();
    }
    Ok(analyzer.report().to_json())
}

/// Whether a file of this name may be a chunked QQ NT export's manifest, to be handed to
/// `Analyzer.add_chunk_manifest` before the load's other files.
#[wasm_bindgen]
pub fn is_chunk_manifest_name(name: &str) -> bool {
    crate::ingest::qq_nt_chunks::is_manifest_name(name)
}

/// The fewest WhatsApp messages [`warm_up`] reads: a piece can be cut only once the reader
/// has decided the file's date style, which takes tens of kilobytes. A warm-up of fewer than
/// four times as many messages reads only the WeChatMsg CSV.
const WARM_UP_WHATSAPP_MIN: usize = 2_000;

/// Does once, on a generated export of `messages` messages (a WeChatMsg CSV, and from 8,000
/// on a WhatsApp text of a quarter as many too), what the page's workers do with real files —
/// reads a whole file and hands it over (`take_partial`, `absorb`), reads a file in two pieces
/// (`continuation`, `PieceReader`, `absorb_piece`), hands the model over for the leaderboard
/// (`model_bytes`, `leaderboard_of_model`) and computes the report — and returns the time it
/// took in ms. Workers call it while idle so that V8 has compiled the hot functions with its
/// optimizing tier before real data arrives: V8 does not replace a running wasm function with
/// its optimized code, so a section whose loop runs once over a million messages would
/// otherwise run that whole loop in the baseline tier (the first report on the 1M benchmark
/// took 0.84 s instead of 0.35 s). A few thousand messages make the loops hot; it takes tens of
/// thousands before V8 has also optimized the functions each message calls (it tiers a
/// function up once it has run enough of its code), which otherwise compile during the first
/// large load, on the cores that load needs. Workers share the compiled module, so one
/// worker's warm-up serves all. Throws only on a bug.
#[wasm_bindgen]
pub fn warm_up(messages: u32) -> Result<f64, JsValue> {
    init();
    let started = js_sys::Date::now();
    let spec = crate::sample::SampleSpec::benchmark(messages as usize);
    let mut files = crate::sample::generate(&spec);
    if messages as usize >= 4 * WARM_UP_WHATSAPP_MIN {
        // The other format read in pieces, a quarter as many messages: WhatsApp's parser too.
        let mut whatsapp = Vec::new();
        crate::sample::write_whatsapp_benchmark(messages as usize / 4, &mut whatsapp);
        files.push(crate::sample::SampleFile { name: "warm-up.txt".into(), bytes: whatsapp });
    }
    for file in files {
        let (name, bytes) = (file.name.as_str(), &file.bytes[..]);
        let mut whole = Analyzer::new("")?;
        whole.begin_file(name);
        whole.push(bytes);
        let partial = whole.take_partial()?;

        let mut analyzer = Analyzer::new("")?;
        analyzer.begin_file(name);
        let first = (bytes.len() / 2).min(1 << 16); // a start, and the rest to cut
        analyzer.push(&bytes[..first]);
        let size = bytes.len() as f64;
        let cut = piece_cuts(first as f64, size, 2)[0]; // ok: two parts always give one cut
        let continuation = analyzer.continuation(cut)?.ok_or_else(|| js_error("warm-up: the export cannot be read in pieces"))?;
        let mut reader = PieceReader::new(&continuation, "", cut, size)?;
        reader.push(&bytes[PieceReader::first_byte(cut) as usize..]);
        let piece = reader.finish()?;
        let mut read = first;
        while analyzer.wants_more() && read < bytes.len() {
            let next = (read + 4096).min(bytes.len());
            analyzer.push(&bytes[read..next]);
            read = next;
        }
        if !analyzer.absorb_piece(&piece)? {
            return Err(js_error("warm-up: the piece was refused"));
        }
        analyzer.end_file();
        if !analyzer.absorb(&partial)? {
            return Err(js_error("warm-up: the partial was refused"));
        }

        let board = leaderboard_of_model(&analyzer.model_bytes()?, "")?;
        analyzer.begin_report();
        // In parts, as the page writes it (worker.js: REPORT_PART_BYTES).
        let _ = analyzer.finished_report(Some(board)).to_json_parts(1 << 20, |_, _| {});
    }
    Ok(js_sys::Date::now() - started)
}

/// The built-in sample data set (`qunlens::sample`, default spec) as `{name, bytes}` objects,
/// for the page's "load sample data" button.
#[wasm_bindgen(unchecked_return_type = "InputFile[]")]
pub fn sample_files() -> js_sys::Array {
    init();
    let out = js_sys::Array::new();
    for file in crate::sample::generate(&Default::default()) {
        let entry = js_sys::Object::new();
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("name"), &JsValue::from_str(&file.name));
        let bytes = js_sys::Uint8Array::from(&file.bytes[..]);
        let _ = js_sys::Reflect::set(&entry, &JsValue::from_str("bytes"), &bytes);
        out.push(&entry);
    }
    out
}

/// Header and first rows of a CSV (its start is enough) or of a spreadsheet's first sheet (the
/// whole .xlsx/.xls) no known format matched, as `{encoding, columns, rows}` JSON for the
/// page's column-mapping dialog; `undefined` if it is neither.
#[wasm_bindgen]
pub fn preview_csv(bytes: &[u8]) -> Option<String> {
    init();
    let preview = if crate::ingest::workbook::is_workbook(bytes) {
        crate::ingest::workbook::preview(bytes)
    } else {
        crate::ingest::mapped_csv::preview(bytes)
    };
    preview.and_then(|p| serde_json::to_string(&p).ok())
}

/// A report table as a file: `format` is `"csv"` (UTF-8 with BOM) or `"xlsx"`;
/// `table_json` is `{sheet?, headers, rows}` (see `qunlens::export::Table`). Cells that
/// spreadsheets would run as formulas are written inertly.
#[wasm_bindgen]
pub fn export_table(table_json: &str, format: &str) -> Result<Vec<u8>, JsValue> {
    init();
    let table = crate::export::Table::from_json(table_json).map_err(|e| js_error(&e))?;
    match format {
        "csv" => Ok(table.to_csv()),
        "xlsx" => table.to_xlsx().map_err(|e| js_error(&e)),
        other => Err(js_error(&format!("export format must be \"csv\" or \"xlsx\", not {other:?}"))),
    }
}

/// The benchmark floor: decodes and splits a file into CSV records (or lines) with no
/// analysis, so the page benchmark can state the analysis time as a multiple of it.
#[wasm_bindgen]
pub struct RecordCounter {
    inner: Option<crate::ingest::RecordCounter>,
}

#[wasm_bindgen]
impl RecordCounter {
    /// `csv`: count CSV records; else lines.
    #[wasm_bindgen(constructor)]
    pub fn new(csv: bool) -> RecordCounter {
        init();
        RecordCounter { inner: Some(crate::ingest::RecordCounter::new(csv)) }
    }

    /// Feeds the next chunk.
    pub fn push(&mut self, bytes: &[u8]) {
        if let Some(c) = self.inner.as_mut() {
            c.push(bytes);
        }
    }

    /// Ends the file and returns the count (0 after the first call).
    pub fn finish(&mut self) -> f64 {
        self.inner.take().map_or(0.0, |c| c.finish() as f64)
    }
}
