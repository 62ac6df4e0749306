//! qunlens (群 + lens): community analytics over chat-group exports, computed where the data
//! is — in the browser via WebAssembly, or natively by the `qunlens` CLI. Both produce the
//! same [`report::Report`].
//!
//! The core is pure Rust: [`ingest`] reads exports (WeChat, WeCom, QQ, …) in any of the
//! encodings people really have, into the normalized [`model`]; [`report`] computes the
//! report sections from it. The `#[wasm_bindgen]` boundary lives in one module, `wasm`.
//!
//! ```
//! use qunlens::{Analyzer, Config};
//!
//! let csv = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n\
//!            1,11,文本,0,wxid_a,123@chatroom,大家好,,2024-03-01 10:00:00\n";
//! let mut analyzer = Analyzer::new(Config::default()).unwrap(); // ok: doc example, not runtime code
//! analyzer.add_file("123@chatroom_0_5000.csv", csv.as_bytes());
//! let report = analyzer.report();
//! assert_eq!(report.inputs[0].format.as_deref(), Some("pywxdump-csv"));
//! ```

pub mod attribution;
pub mod config;
pub mod decode;
pub mod export;
pub mod identity;
pub mod ingest;
pub mod journey;
mod mem;
pub mod model;
pub mod parallel;
pub mod report;
pub mod sample;
pub mod text;
pub mod time;
mod xorshift;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::Config;
pub use ingest::pieces::{Continuation, PieceOutcome, PieceReader};

use ingest::FileIngest;
use report::InputReport;
use model::ModelBuilder;
use time::Zone;

/// Loads files (whole or chunk by chunk) and computes reports. Changing the configuration's
/// report settings does not need the files again: call [`Analyzer::set_config`] and
/// [`Analyzer::report`].
pub struct Analyzer {
    config: Config,
    zone: Zone,
    builder: ModelBuilder,
    inputs: Vec<InputReport>,
    current: Option<FileIngest>,
    /// What settings changes reuse (the leaderboard's classification, the journeys).
    caches: report::Caches,
    /// The chunks the chunked exports' manifests list ([`Analyzer::add_chunk_manifest`]).
    chunk_chats: std::sync::Arc<ingest::qq_nt_chunks::ChunkChats>,
}

impl Analyzer {
    /// A new analyzer; fails only for an invalid configuration (e.g. an unknown time zone).
    pub fn new(config: Config) -> Result<Analyzer, String> {
        let zone = Zone::new(&config.timezone)?;
        Ok(Analyzer { config, zone, builder: ModelBuilder::new(), inputs: Vec::new(), current: None, caches: Default::default(), chunk_chats: Default::default() })
    }

    /// Replaces the configuration used by the next [`Analyzer::report`]. Returns true when the
    /// change affects how files are *read* (time zone, column mappings): the files already
    /// loaded were read with the old settings and must be loaded again to reflect it. Report
    /// settings (rules, thresholds, targets, overrides) never need the files again.
    pub fn set_config(&mut self, config: Config) -> Result<bool, String> {
        self.zone = Zone::new(&config.timezone)?;
        let reload = self.config.affects_reading(&config);
        self.config = config;
        Ok(reload)
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Reads a whole file.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) {
        self.begin_file(name);
        self.expect_bytes(bytes.len() as u64);
        for chunk in bytes.chunks(1 << 20) {
            self.push(chunk);
        }
        self.end_file();
    }

    /// Learns which chat each chunk of a chunked QQ NT export belongs to, from its
    /// `manifest.json` (see [`ingest::qq_nt_chunks`]): call it for every manifest before the
    /// chunks are read (the manifest is also read as a file of its own, for its line in the
    /// report). Returns the chunks it lists, 0 when `bytes` is no such manifest. Parallel
    /// readers each need the manifests.
    pub fn add_chunk_manifest(&mut self, bytes: &[u8]) -> usize {
        std::sync::Arc::make_mut(&mut self.chunk_chats).learn(bytes)
    }

    /// Takes back the refusal of chunk file `name` of `size` bytes (`error_code`
    /// `chunk_without_manifest`) when a manifest learnt since lists it: its input is removed and
    /// true returned, and the caller reads the file again. This is how a folder's chunks
    /// dropped before their `manifest.json` are read once it arrives. False when no such
    /// refusal is held, or still no manifest lists the file.
    ///
    /// ```
    /// use qunlens::{Analyzer, Config};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qq/qce_chunked");
    /// let chunk = std::fs::read(format!("{dir}/chunks/c000003.jsonl")).unwrap(); // ok: doc example
    /// let mut a = Analyzer::new(Config::default()).unwrap(); // ok: doc example
    /// a.add_file("c000003.jsonl", &chunk);
    /// assert!(!a.retry_chunk("c000003.jsonl", chunk.len() as u64), "no manifest yet");
    /// a.add_chunk_manifest(&std::fs::read(format!("{dir}/manifest.json")).unwrap()); // ok: doc example
    /// assert!(a.retry_chunk("c000003.jsonl", chunk.len() as u64));
    /// a.add_file("c000003.jsonl", &chunk);
    /// let report = a.report();
    /// assert_eq!((report.inputs.len(), report.inputs[0].error_code.as_deref()), (1, None));
    /// ```
    pub fn retry_chunk(&mut self, name: &str, size: u64) -> bool {
        if self.chunk_chats.find(name, Some(size)).is_err() {
            return false;
        }
        let refused = |i: &InputReport| i.file == name && i.error_code.as_deref() == Some("chunk_without_manifest");
        // Same-named chunks of two exports: the refusal of this one (its bytes) first.
        let at = self.inputs.iter().position(|i| refused(i) && i.bytes == size).or_else(|| self.inputs.iter().position(refused));
        let Some(at) = at else { return false };
        self.inputs.remove(at);
        self.caches.clear();
        true
    }

    /// Starts a file that will arrive in chunks (ends any file still open).
    pub fn begin_file(&mut self, name: &str) {
        self.end_file();
        self.caches.clear();
        let mut file = FileIngest::new(name, &self.builder)
            .with_column_maps(&self.config.column_maps)
            .with_limits(&self.config.limits)
            .with_chunk_chats(&self.chunk_chats);
        if let Some(why) = self.config.limits.reached(&self.builder.loaded(0)) {
            file.stop_at_limit(format!("not read: {why}"));
        }
        self.current = Some(file);
    }

    /// The size of the file begun, when known: the model is then sized for all of it once a
    /// sample has been read (see [`FileIngest::expect_bytes`]). Read in pieces, the size of
    /// the whole file, since the pieces are taken back into this model.
    pub fn expect_bytes(&mut self, total: u64) {
        if let Some(f) = self.current.as_mut() {
            f.expect_bytes(total);
        }
    }

    /// Feeds the next chunk of the current file.
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(f) = self.current.as_mut() {
            f.push(chunk, &mut self.builder, &mut self.zone);
            if let Some(why) = self.config.limits.reached(&f.loaded(&self.builder)) {
                f.stop_at_limit(why);
            }
        }
    }

    /// Ends the current file.
    pub fn end_file(&mut self) {
        if let Some(f) = self.current.take() {
            let outcome = f.finish(&mut self.builder, &mut self.zone);
            self.inputs.push(InputReport::from(&outcome));
        }
    }

    /// Starts reading the rest of the open file in parallel pieces (see [`ingest::pieces`]):
    /// this analyzer reads on up to the first record boundary at or after byte `to` (push
    /// until [`Analyzer::wants_more`] is false), [`PieceReader`]s read the later ranges, and
    /// [`Analyzer::absorb_piece`] takes them back in order. `None` when the file cannot be
    /// continued elsewhere (format, encoding, or nothing yet tells the exporter's id): then
    /// read on as usual.
    ///
    /// ```
    /// use qunlens::{Analyzer, Config, PieceReader};
    ///
    /// let mut csv = String::from("localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n");
    /// for i in 0..3000 {
    ///     let (me, who) = if i % 3 == 0 { (1, "wxid_me") } else { (0, "wxid_a") };
    ///     csv += &format!("{i},1,1,0,{me},{},2,第{i}条,,A,A,{who}\n", 1_700_000_000 + i * 60);
    /// }
    /// let bytes = csv.as_bytes();
    /// let whole = qunlens::analyze(&[("群_utf8.csv", bytes)], Config::default()).unwrap(); // ok: doc example
    ///
    /// let mut lead = Analyzer::new(Config::default()).unwrap(); // ok: doc example
    /// lead.begin_file("群_utf8.csv");
    /// lead.push(&bytes[..70_000]); // enough to tell the format (64 KiB) and the exporter
    /// let half = bytes.len() as u64 / 2;
    /// let continuation = lead.continuation(half).expect("a WeChatMsg CSV can be continued"); // ok: doc example
    /// lead.push(&bytes[70_000..]); // the lead stops by itself at its boundary
    /// assert!(!lead.wants_more());
    /// let mut piece = PieceReader::new(&continuation, "Asia/Shanghai", half, bytes.len() as u64).unwrap(); // ok: doc example
    /// piece.push(&bytes[PieceReader::first_byte(half) as usize..]);
    /// assert!(lead.absorb_piece(piece.finish()));
    /// assert_eq!(lead.resume_offset(), None); // nothing left to read
    /// assert_eq!(lead.report().to_json(), whole.to_json());
    /// ```
    pub fn continuation(&mut self, to: u64) -> Option<ingest::pieces::Continuation> {
        self.current.as_mut()?.continuation(to)
    }

    /// False once the open file's own range (see [`Analyzer::continuation`]) is read.
    pub fn wants_more(&self) -> bool {
        self.current.as_ref().is_some_and(FileIngest::wants_more)
    }

    /// Takes back the next piece of the open file. False when it was refused (it does not
    /// start where the previous range ended, it ended inside a record, or it would pass a
    /// `limits` cap): every later piece is refused too, and the caller reads the file on from
    /// [`Analyzer::resume_offset`] itself. The result is the same either way.
    pub fn absorb_piece(&mut self, piece: PieceOutcome) -> bool {
        let Some(f) = self.current.as_mut() else { return false };
        self.caches.clear();
        let (limits, so_far) = (&self.config.limits, self.builder.loaded(f.bytes_read()));
        let fits = |p: &PieceOutcome| limits.reached(&(so_far + p.loaded())).is_none();
        f.absorb_piece(piece, &mut self.builder, &mut self.zone, fits)
    }

    /// After the pieces: the byte offset from which the caller must push the rest of the open
    /// file itself, or `None` when it is complete. Ends reading in pieces.
    pub fn resume_offset(&mut self) -> Option<u64> {
        self.current.as_mut()?.resume_offset(&mut self.builder, &mut self.zone)
    }

    /// Reads a whole file with `readers` threads besides this one (native builds; in
    /// WebAssembly the page does the same with workers, and this reads alone): the start here until [`Analyzer::continuation`] is
    /// possible, then the rest cut into equal ranges read side by side and taken back in
    /// order. Files that cannot be read in pieces are read here alone. The report is the one
    /// [`Analyzer::add_file`] gives. `read_from(offset, sink)` must feed the file's bytes from
    /// `offset` on to `sink` until it returns false or the file ends.
    pub fn add_file_in_pieces<R>(&mut self, name: &str, size: u64, readers: usize, read_from: R) -> Result<(), String>
    where
        R: Fn(u64, &mut dyn FnMut(&[u8]) -> bool) -> Result<(), String> + Sync,
    {
        let timezone = self.config.timezone.clone();
        self.begin_file(name);
        self.expect_bytes(size);
        // A WebAssembly instance has one thread (the page uses workers instead): read alone.
        // (A piece there holds a JS array, which cannot go to another thread.)
        #[cfg(target_arch = "wasm32")]
        let outcomes: Vec<PieceOutcome> = {
            let _ = (readers, timezone);
            read_from(0, &mut |chunk| {
                self.push(chunk);
                true
            })?;
            Vec::new()
        };
        #[cfg(not(target_arch = "wasm32"))]
        let outcomes = std::thread::scope(|scope| -> Result<Vec<PieceOutcome>, String> {
            let mut handles = Vec::new();
            let mut read = 0u64;
            let read_from = &read_from;
            let timezone = &timezone;
            read_from(0, &mut |chunk| {
                self.push(chunk);
                read += chunk.len() as u64;
                // Worth it while most of the file is still ahead.
                if readers > 0 && handles.is_empty() && read < size / 2 {
                    let cuts = ingest::pieces::cuts(read, size, readers + 1);
                    if let Some(continuation) = self.continuation(cuts[0]) { // ok: readers + 1 ≥ 2 parts give a cut
                        for (i, &from) in cuts.iter().enumerate() {
                            let to = cuts.get(i + 1).copied().unwrap_or(size);
                            let continuation = continuation.clone();
                            handles.push(scope.spawn(move || -> Result<PieceOutcome, String> {
                                let mut piece = PieceReader::new(&continuation, timezone, from, to)?;
                                read_from(PieceReader::first_byte(from), &mut |chunk| {
                                    piece.push(chunk);
                                    piece.wants_more()
                                })?;
                                Ok(piece.finish())
                            }));
                        }
                    }
                }
                self.wants_more()
            })?;
            // A reader thread's panic is a bug: re-raised here as if it had happened here.
            handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect() // ok: re-raises a bug's panic
        })?;
        for piece in outcomes {
            if !self.absorb_piece(piece) {
                break;
            }
        }
        if let Some(at) = self.resume_offset() {
            read_from(at, &mut |chunk| {
                self.push(chunk);
                true
            })?;
        }
        self.end_file();
        Ok(())
    }

    /// Messages loaded so far.
    pub fn message_count(&self) -> usize {
        self.builder.message_count()
    }

    /// Everything loaded so far, unresolved, for another analyzer to
    /// [`absorb`](Analyzer::absorb) ([`PartialWire::runs`] are its bytes): how the page's
    /// parallel workers hand over their files. The analyzer is emptied.
    pub fn take_partial(&mut self) -> PartialWire {
        self.end_file();
        self.caches.clear();
        let mut model = std::mem::take(&mut self.builder).into_partial();
        let messages = model.take_messages();
        PartialWire { head: PartialAnalysis { model, inputs: std::mem::take(&mut self.inputs) }, messages }
    }

    /// Merges what another analyzer read ([`Analyzer::take_partial`]). The merged report is
    /// the one a single analyzer reading all the files would give, byte for byte. False when
    /// the merge would pass a cap of config `limits` (each analyzer kept to the caps alone,
    /// not to their sum): nothing is merged, and the caller reads those files here itself,
    /// where reading stops at the cap.
    pub fn absorb(&mut self, bytes: &[u8]) -> Result<bool, String> {
        self.absorb_read(bytes.len(), &mut model::wire::copy_from(bytes))
    }

    /// [`Analyzer::absorb`] of `len` bytes that `copy(offset, out)` copies into `out`, from
    /// wherever they are (another memory): each column straight into its place. Errs on a
    /// truncated or damaged hand-over, and then merges nothing.
    pub fn absorb_read(&mut self, len: usize, copy: &mut dyn FnMut(usize, &mut [u8])) -> Result<bool, String> {
        let (mut part, messages): (PartialAnalysis, model::Messages) = model::wire::read_with("partial analysis", len, copy)?;
        part.model.put_messages(messages);
        if self.config.limits.reached(&(self.builder.loaded(0) + part.model.loaded())).is_some() {
            return Ok(false);
        }
        self.end_file();
        self.caches.clear();
        self.builder.absorb(part.model)?;
        self.inputs.extend(part.inputs);
        Ok(true)
    }

    /// Computes the report over everything loaded so far.
    pub fn report(&mut self) -> report::Report {
        self.report_computing(report::Leaderboard::Compute)
    }

    /// The report with an empty `leaderboard`, for when another worker computes that section
    /// at the same time from [`Analyzer::model_bytes`] ([`leaderboard_of_model`]): set
    /// `report.leaderboard` to its answer. Where wasm has one thread, this is how the page
    /// computes the heaviest section beside the others.
    pub fn report_without_leaderboard(&mut self) -> report::Report {
        self.report_computing(report::Leaderboard::LeaveEmpty)
    }

    fn report_computing(&mut self, board: report::Leaderboard) -> report::Report {
        self.end_file();
        let model = self.builder.model();
        report::build_cached(model, &self.inputs, &self.config, &self.zone, &mut self.caches, board)
    }

    /// The loaded model, resolved, in binary form: what [`leaderboard_of_model`] reads in
    /// another worker. Only for a worker of the same build (the form is not a file format).
    pub fn model_bytes(&mut self) -> Result<Vec<u8>, String> {
        Ok(self.model_runs()?.to_vec())
    }

    /// [`Analyzer::model_bytes`] as the runs it concatenates, for copying them straight into
    /// another memory (the page's hand-over to a worker).
    pub fn model_runs(&mut self) -> Result<model::wire::Runs<'_>, String> {
        self.end_file();
        model::wire::runs(self.builder.model())
    }

    /// Only the `leaderboard` section, under `config` (which becomes the configuration in
    /// force): what the page calls when leaderboard rules change. Re-ranks from the cached
    /// classification, never re-reading files; errs when `config` changes how files are read.
    pub fn leaderboard(&mut self, config: Config) -> Result<report::leaderboard::LeaderboardReport, String> {
        if self.set_config(config)? {
            return Err("this configuration changes how files are read: load them again".into());
        }
        self.end_file();
        let model = self.builder.model();
        Ok(report::leaderboard::build(model, &self.config, &self.zone, &mut self.caches.leaderboard))
    }

    /// Only the `funnel` section, under `config` (which becomes the configuration in force):
    /// what the page calls when funnel steps, mode, window or range change. Reuses the cached
    /// journeys, never re-reading files; errs when `config` changes how files are read.
    pub fn funnel(&mut self, config: Config) -> Result<report::funnel::FunnelReport, String> {
        self.from_journeys(config, |model, journeys, config, zone| report::funnel::build(model, journeys, &config.funnel, zone))
    }

    /// Only the `attribution` section, under `config` (which becomes the configuration in
    /// force): what the page calls when the conversion, lookback or model settings change.
    /// Reuses the cached journeys and touches; errs when `config` changes how files are read.
    pub fn attribution(&mut self, config: Config) -> Result<report::attribution::AttributionReport, String> {
        self.from_journeys(config, |model, journeys, config, _| report::attribution::build(model, journeys, &config.attribution, config.funnel.active_min_days))
    }

    /// One section computed from the cached per-person journeys under `config`, which becomes
    /// the configuration in force.
    fn from_journeys<T>(&mut self, config: Config, section: impl FnOnce(&model::Model, &mut journey::Journeys, &Config, &time::Zone) -> T) -> Result<T, String> {
        if self.set_config(config)? {
            return Err("this configuration changes how files are read: load them again".into());
        }
        self.end_file();
        let model = self.builder.model();
        let config = &self.config;
        let journeys = self.caches.journeys.get(model, config, &self.zone, || identity::resolve(model, config));
        Ok(section(model, journeys, config, &self.zone))
    }
}

/// The `leaderboard` section computed from another analyzer's [`Analyzer::model_bytes`] under
/// `config` (the one that analyzer's report uses): equal to that report's own leaderboard.
///
/// ```
/// use qunlens::{leaderboard_of_model, Analyzer, Config};
///
/// let csv = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n\
///            1,1,1,0,0,1700000000,2,大家好，今天分享一下,2023-11-15 06:13:20,,产品群,wxid_a\n";
/// let mut a = Analyzer::new(Config::default()).unwrap(); // ok: doc example, not runtime code
/// a.add_file("产品群.csv", csv.as_bytes());
/// let elsewhere = leaderboard_of_model(&a.model_bytes().unwrap(), Config::default()).unwrap(); // ok: doc example
/// let mut report = a.report_without_leaderboard();
/// assert!(report.leaderboard.entries.is_empty());
/// report.leaderboard = elsewhere;
/// assert_eq!(report.to_json(), a.report().to_json());
/// ```
pub fn leaderboard_of_model(model: &[u8], config: Config) -> Result<report::leaderboard::LeaderboardReport, String> {
    leaderboard_of(&model::wire::from_bytes(model)?, config)
}

/// The `leaderboard` section of a model read back from [`Analyzer::model_runs`].
pub fn leaderboard_of(model: &model::Model, config: Config) -> Result<report::leaderboard::LeaderboardReport, String> {
    let zone = Zone::new(&config.timezone)?;
    Ok(report::leaderboard::build(model, &config, &zone, &mut Default::default()))
}

/// What [`Analyzer::take_partial`] hands over.
#[derive(serde::Serialize, serde::Deserialize)]
struct PartialAnalysis {
    model: model::Partial,
    inputs: Vec<InputReport>,
}

/// What one analyzer read, ready to be handed to another as byte runs ([`model::wire`]): the
/// partial's encoded form never sits whole in the memory of either worker.
pub struct PartialWire {
    head: PartialAnalysis,
    messages: model::Messages,
}

impl PartialWire {
    /// The partial as byte runs; concatenated, they are what [`Analyzer::absorb`] reads.
    pub fn runs(&self) -> Result<model::wire::Runs<'_>, String> {
        model::wire::runs_with("partial analysis", &self.head, &self.messages)
    }
}

/// One-shot analysis of in-memory files: `(name, bytes)` pairs.
pub fn analyze(files: &[(&str, &[u8])], config: Config) -> Result<report::Report, String> {
    let mut a = Analyzer::new(config)?;
    for (_, bytes) in files.iter().filter(|(name, _)| ingest::qq_nt_chunks::is_manifest_name(name)) {
        a.add_chunk_manifest(bytes);
    }
    for (name, bytes) in files {
        a.add_file(name, bytes);
    }
    Ok(a.report())
}
