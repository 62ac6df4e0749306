// The analysis worker: runs the wasm core off the main thread, reads File objects chunk by
// chunk with file.stream(), reports progress and posts the report JSON.
//
// Messages in:  {type:'files', files: File[], replace: boolean}   read files (after clearing if replace),
//                                                                 but not those loaded already
//               {type:'sample'}                                   clear, then load the built-in sample
//               {type:'clear'}                                    forget everything
//               {type:'cancel'}                                   stop the current load; keep earlier files
//               {type:'config', config}                           use this config JSON (re-reads loaded files only
//                                                                 when reading settings changed)
//               {type:'preview', file}                            header + first rows of a loaded file
//               {type:'export', id, table, format}                a table as CSV (BOM) or .xlsx bytes
//               {type:'leaderboard', id, config}                  only the leaderboard under this config (which
//                                                                 stays in force), re-ranked without re-reading
//               {type:'funnel', id, config}                       only the funnel, likewise (cached journeys)
//               {type:'attribution', id, config}                  only attribution, likewise (cached journeys)
//               {type:'floor', files: File[]}                     benchmark floor: read + decode + split only
//               {type:'warm-memory'}                              fault in wasm memory for the loads to come,
//                                                                 here and in the parse workers (the page
//                                                                 sends it once ready; widgets do not)
// Messages out: {type:'ready'}
//               {type:'progress', phase, file, fileIndex, fileCount, bytesDone, bytesTotal, allDone, allTotal,
//                messages}                                        messages this load has read so far, all
//                                                                 workers (phase 'report': all loaded)
//               {type:'report-part', path, json}                  a slice of one of the report's big arrays
//                                                                 (JSON array of items), sent before the
//                                                                 report it belongs to (report-parts.js)
//               {type:'report', json, parts, source, wasmBytes, threads, reportThreads, readMs, reportMs}
//                                                                 json: the report, its parted arrays empty;
//                                                                 parts: report-part messages sent for it;
//                                                                 source: 'files' | 'sample' | 'empty';
//                                                                 wasmBytes: wasm memory size (= its peak);
//                                                                 threads: workers that read the last load;
//                                                                 reportThreads: workers that computed it;
//                                                                 readMs / reportMs: time reading the last
//                                                                 load / computing this report (benchmarks)
//               {type:'duplicates', files}                        names of dropped files already loaded
//                                                                 (or twice in the drop): not read again
//               {type:'unchanged'}                                the answer to 'files' when all were
//                                                                 duplicates: the report stands
//               {type:'cancelled'}
//               {type:'error', message, fatal}                    fatal: the wasm instance is unusable
//               {type:'preview', file, json}                      json: {encoding, columns, rows} or null
//               {type:'floor', records, ms}
//               {type:'exported', id, bytes, error}               bytes: Uint8Array (transferred) or error text
//               {type:'leaderboard', id, json, ms, error}         json: LeaderboardReport; ms: time in the worker
//               {type:'funnel', id, json, ms, error}              json: FunnelReport
//               {type:'attribution', id, json, ms, error}         json: AttributionReport
import init, { Analyzer, RecordCounter, sample_files, preview_csv, export_table, piece_cuts, prepare_memory, warm_up, is_chunk_manifest_name } from './pkg/qunlens.js';
import { readChunks } from './read.js';

const PROGRESS_EVERY_MS = 50;
/** JSON bytes per 'report-part' message: about 3 ms for the main thread to parse. */
const REPORT_PART_BYTES = 1 << 20;
const SAMPLE_CHUNK = 1 << 20;
const CANCELLED = Symbol('cancelled');

let analyzer = null;
/** What the analyzer holds, to rebuild it after a cancel: File objects, or 'sample'. */
let committed = [];
let cancelRequested = false;
let dead = false;
/** The config JSON (column mappings come from the page's localStorage, which workers lack). */
let configJson = withDeviceMemory({});

/** The wasm linear memory: it only grows, so its size is the peak (benchmarks report it). */
let wasmMemory = null;

/** Threads (this worker + parse workers) that read the last load, and the pieces of large
 *  files taken back from parse workers, for benchmarks and tests. */
let lastThreads = 1;
let lastPieces = 0;
/** Time the last load took to read, for benchmarks. */
let lastReadMs = 0;

/** The manifests (bytes) of chunked QQ NT exports the analyzer has learnt: every parse worker
 *  of a load learns them too before it reads, since only a manifest says which chat each of
 *  its chunk files belongs to (Analyzer.add_chunk_manifest). A manifest larger than this is
 *  not one (its statistics list each sender: a few MB for the largest groups). */
let manifests = [];
const MANIFEST_MAX_BYTES = 64 << 20;

/** The compiled wasm module, shared with parse workers so they skip fetching and compiling. */
let wasmModule = null;

/** Parse workers to add beside this one: one per spare core, at most 3; `?workers=N` in the
 *  worker URL (set from the page's own URL) caps the total, `workers=1` keeps one thread. */
const PARSE_WORKERS = Math.max(0, Math.min(
  (navigator.hardwareConcurrency || 1) - 1, 3,
  Number(new URL(self.location.href).searchParams.get('workers') || 4) - 1,
));
/** Below this many bytes a drop is read here alone: starting workers would cost more. */
const PARALLEL_MIN_BYTES = 4 << 20;
/** A file at least this large is read in pieces by the idle parse workers and this one, at any
 *  size: a piece is taken back a range of rows at a time straight from its hand-over, so its
 *  columns never sit whole beside the model (the 2 GB benchmark in two pieces: 12.4 s and
 *  1,249 MB of wasm memory, against 13.9 s and 1,244 MB read by one worker). */
const PIECES_MIN_BYTES = 32 << 20;
/** A parse worker's range of a large file is read as consecutive pieces of at most about this
 *  size (at least 2, at most PIECES_PER_WORKER), each handed over as soon as it is read: this
 *  worker takes the first ones back while that one reads the last, and only the last piece's
 *  hand-over is left once both are done, and the parse worker holds one piece, not its whole
 *  range (the 2 GB benchmark's renderer peak 1.78 → 1.66 GB). Each piece costs ≈10 ms of CPU
 *  (its own tables, boundary, hand-over): at 1M messages three pieces of 24 MiB cost ≈20 ms
 *  more CPU than one and gained nothing on two saturated cores; two gain a little. */
const PIECE_BYTES = 64 << 20;
const PIECES_PER_WORKER = 16;
/** A report over this many messages computes its leaderboard in a parse worker left idle by
 *  the load, beside the other sections here (the worker is already running: the cost is the
 *  model's copy, ≈1 ms per 20k messages, against a leaderboard's ≈4 ms): below, not worth a
 *  message round trip; above, the copy would weigh on memory (a 2 GB load stays within its
 *  budget). */
const SPLIT_REPORT_MIN_MESSAGES = 20_000;
const SPLIT_REPORT_MAX_MESSAGES = 4_000_000;
/** How long the report waits for that worker's leaderboard once its own sections are done: the
 *  two take about as long, so a worker still silent after four times as long (two seconds at
 *  least) is taken for stuck, and the leaderboard is computed here instead — a load must not
 *  wait on a worker that neither answers nor fails. */
const HELPER_PATIENCE_MIN_MS = 2000;
const HELPER_PATIENCE_FACTOR = 4;

/** Messages in this worker's warm-up before it reports ready (≈0.1 s): enough to make the
 *  loops hot (see `warm_up`). */
const WARM_UP_MESSAGES = 2_000;
/** Messages in the first parse worker's warm-up, in the background (≈0.3 s of one core): V8
 *  then has also optimized the functions each message calls, which would otherwise compile
 *  during the first large load on the cores it needs (60–70 ms of CPU at 1M messages). The
 *  workers share the compiled module, so later parse workers need only the small warm-up. */
const DEEP_WARM_UP_MESSAGES = 50_000;
/** Small warm-ups (WARM_UP_MESSAGES, ≈12 ms each) after the deep one: V8 optimizes a function
 *  once it has run enough, counted over its calls, and the functions a load calls once (the
 *  report's sections, the hand-overs between workers) get there only in a large load. They
 *  then compiled during it, on the cores it needs, for a call already run unoptimized: ≈75 ms
 *  of CPU at 1M messages (traced with --trace-wasm-compilation-times), ≈40 ms after these
 *  rounds, and the 1M benchmark ≈20 ms sooner. */
const DEEP_WARM_UP_ROUNDS = 20;

/** Wasm memory this worker, and the parse workers together, fault in once told ('warm-memory'),
 *  while idle. A load's first touch of fresh memory costs ≈0.3 ms per MB on the 2-core VM (page
 *  faults), on the cores reading the load; the 1M benchmark grows this worker from ≈13 to 86 MB
 *  and its parse worker by ≈38 MB (with these, it loads ≈20 ms sooner). The idle page's
 *  renderer then holds ≈90 MB more. A load uses that memory anyway, but after it the parse
 *  worker replacing the one it used faults in its share beside the loaded model: the 2 GB
 *  benchmark's renderer peak went from 1.61 to 1.72 GB (the wasm memory, 1,239 MB, is unchanged). */
const WARM_MEMORY_BYTES = 64 << 20;
const PARSE_WARM_MEMORY_BYTES = 64 << 20;
/** What each parse worker faults in after its warm-up: 0 until 'warm-memory'. */
let parseWarmMemory = 0;

/** Stream reads often resolve as microtasks (data already buffered), which never lets
 *  onmessage run: a load yields a real task now and then so a 'cancel' message gets through.
 *  Through a channel of its own, not setTimeout(0): in a chain of timers the browser clamps
 *  that to 4 ms, and a yield every 50 ms of reading made this worker 8% slower than a parse
 *  worker (the 10M benchmark's first half took 0.34 s longer than its second). */
const yieldChannel = new MessageChannel();
const yieldTask = () => new Promise((resolve) => {
  yieldChannel.port1.onmessage = resolve;
  yieldChannel.port2.postMessage(null);
});

/** A parse worker whose job in the last load is done, kept for the report that follows. */
let idleHelper = null;
/** The buffer a piece worker was told to prepare for the model's hand-over (its 'spare', see
 *  parse-worker.js): `came` resolves once `buffer` has arrived; null when none was asked for. */
let modelSpare = null;
/** How long the report waits for that buffer: it comes right after the worker's last piece,
 *  while this one takes that piece back; writing the model into fresh memory instead costs
 *  ≈25–30 ms more at 1M messages (first touches of its pages). */
const SPARE_WAIT_MS = 30;

/** parse-worker.js at its own URL: where a parse worker starts when a copy cannot. */
const PARSE_WORKER_SCRIPT = new URL('./parse-worker.js', import.meta.url);
/** Where parse workers start: a blob: copy of parse-worker.js made while the page loads (see
 *  parseWorkerSource), else the script's URL. */
let parseWorkerUrl = PARSE_WORKER_SCRIPT;
/** Whether a worker started from the copy has warmed up: the copy works here. */
let copyStarted = false;

const ready = Promise.all([
  WebAssembly.compileStreaming(fetch(new URL('./pkg/qunlens_bg.wasm', import.meta.url))),
  parseWorkerSource().then((url) => { parseWorkerUrl = url; }, () => {}),
])
  .then(([module]) => {
    wasmModule = module;
    refillPool();
    return init({ module_or_path: module });
  })
  .then(
  (wasm) => {
    wasmMemory = wasm.memory;
    // Once, before the first job (≈0.1 s): the first real report then runs optimized code.
    // Only speed depends on it: a failure (a bug, caught by the wasm tests) is not fatal.
    try {
      warm_up(WARM_UP_MESSAGES);
    } catch {}
    analyzer = new Analyzer(configJson);
    self.postMessage({ type: 'ready' });
  },
  (e) => {
    dead = true;
    self.postMessage({ type: 'error', fatal: true, message: String(e && e.message || e) });
  },
);

let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  if (data.type === 'cancel') {
    cancelRequested = true;
    return;
  }
  if (data.type === 'export') {
    // Not queued behind a long load: exporting a table needs only the wasm module.
    ready.then(() => exportTable(data));
    return;
  }
  queue = queue.then(() => handle(data));
};

async function handle(msg) {
  await ready;
  if (dead) return;
  cancelRequested = false;
  try {
    if (msg.type === 'clear') {
      reset();
      post(await reportMessage('empty'));
    } else if (msg.type === 'sample') {
      reset();
      await load(['sample']);
      committed = ['sample'];
      await finish('sample');
    } else if (msg.type === 'config') {
      configJson = withDeviceMemory(msg.config);
      // Report settings recompute from the loaded model; only reading settings re-read files.
      if (!analyzer.set_config(configJson)) {
        await finish(committed.includes('sample') ? 'sample' : committed.length ? 'files' : 'empty');
        return;
      }
      const previous = committed;
      reset();
      if (previous.length) {
        await load(previous, true);
        committed = previous;
        await finish(previous.includes('sample') ? 'sample' : 'files');
      } else {
        post(await reportMessage('empty'));
      }
    } else if (msg.type in SECTIONS) {
      section(msg);
    } else if (msg.type === 'preview') {
      const file = committed.find((f) => f !== 'sample' && f.name === msg.file);
      // A CSV's start is enough; a spreadsheet is a zip with its directory at the end.
      const whole = file && /\.xlsx?$/i.test(file.name) && file.size < (256 << 20);
      const bytes = file ? new Uint8Array(await (whole ? file : file.slice(0, 256 * 1024)).arrayBuffer()) : null;
      post({ type: 'preview', file: msg.file, json: bytes ? preview_csv(bytes) ?? null : null });
    } else if (msg.type === 'floor') {
      post(await floor(msg.files));
    } else if (msg.type === 'warm-memory') {
      warmMemory();
    } else if (msg.type === 'files') {
      if (msg.replace || committed.includes('sample')) reset();
      const { fresh, duplicates } = newFiles(msg.files);
      if (duplicates.length) post({ type: 'duplicates', files: duplicates });
      if (!fresh.length) {
        post({ type: 'unchanged' });
        return;
      }
      await load(fresh);
      committed.push(...fresh);
      await finish('files');
    }
  } catch (e) {
    if (e === CANCELLED) {
      await restore();
      return;
    }
    // A trap (out of memory, a bug) leaves the wasm instance unusable: the page restarts us.
    dead = true;
    post({ type: 'error', fatal: true, message: String(e && e.message || e) });
  }
}

/** A file's identity for "already loaded": name, size and modification time. Read here, not in
 *  the page: the first read of a dropped file's size or time is a round trip to the browser
 *  process (≈0.16 ms each, 0.125 s of the main thread for a folder of 779 files). */
const fileKey = (f) => `${f.name}\u0000${f.size}\u0000${f.lastModified}`;

/** `files` without those loaded already (or twice in `files`), and the names of those. */
function newFiles(files) {
  const loaded = new Set(committed.filter((f) => f !== 'sample').map(fileKey));
  const fresh = [];
  const duplicates = [];
  for (const f of files) {
    const key = fileKey(f);
    if (loaded.has(key)) duplicates.push(f.name);
    else {
      loaded.add(key);
      fresh.push(f);
    }
  }
  return { fresh, duplicates };
}

/** Sections recomputed alone, by the analyzer method that does it. */
const SECTIONS = {
  leaderboard: (a, config) => a.leaderboard_json(config),
  funnel: (a, config) => a.funnel_json(config),
  attribution: (a, config) => a.attribution_json(config),
};

/** Recomputes one section from the cached model; a config that changes reading is an error
 *  (use 'config'). */
function section({ type, id, config }) {
  const started = performance.now();
  try {
    const next = withDeviceMemory(config);
    const json = SECTIONS[type](analyzer, next);
    configJson = next;
    post({ type, id, json, ms: Math.round((performance.now() - started) * 10) / 10 });
  } catch (e) {
    post({ type, id, error: String(e && e.message || e) });
  }
}

function exportTable({ id, table, format }) {
  try {
    const bytes = export_table(JSON.stringify(table), format);
    self.postMessage({ type: 'exported', id, bytes }, [bytes.buffer]);
  } catch (e) {
    self.postMessage({ type: 'exported', id, error: String(e && e.message || e) });
  }
}

function reset() {
  if (analyzer) analyzer.free();
  analyzer = new Analyzer(configJson);
  committed = [];
  manifests = [];
}

/** Learns the chunked exports' manifests among `files` before any file is read; returns how
 *  many were manifests. */
async function learnManifests(files) {
  let learnt = 0;
  for (const f of files) {
    if (!f.file || f.size > MANIFEST_MAX_BYTES || !is_chunk_manifest_name(f.name)) continue;
    const bytes = new Uint8Array(await f.file.arrayBuffer());
    if (analyzer.add_chunk_manifest(bytes) > 0) {
      manifests.push(bytes);
      learnt++;
    }
  }
  return learnt;
}

/** Files loaded earlier that were refused as chunks no manifest listed, and that a manifest
 *  just learnt lists (a folder's chunks dropped before its manifest.json): their refusals are
 *  taken back, and they are to be read again with this load. */
function chunksNowListed() {
  return committed
    .filter((f) => f !== 'sample' && analyzer.retry_chunk(f.name, f.size))
    .map((f) => ({ name: f.name, size: f.size, file: f }));
}

async function finish(source) {
  post({ type: 'progress', phase: 'report', messages: analyzer.message_count() });
  post(await reportMessage(source));
}

/** Computes the report; after a large load, its leaderboard in the idle parse worker. */
async function reportMessage(source) {
  const started = performance.now();
  const messages = analyzer.message_count();
  const split = messages >= SPLIT_REPORT_MIN_MESSAGES && messages <= SPLIT_REPORT_MAX_MESSAGES;
  // A helper the report will not use goes now: its memory (a piece's worth after a large load)
  // would otherwise stay for the whole report. After a load read here alone (one file not cut
  // into pieces: a QQ TXT, a JSON export, a spreadsheet), an idle parse worker of the pool,
  // warmed up, takes the leaderboard instead (the pool is refilled after the report).
  const helper = split ? idleHelper || warmPoolWorker() : null;
  if (!split) idleHelper?.terminate();
  idleHelper = null;
  const prepared = helper ? modelSpare : null;
  modelSpare = null;
  let json;
  let parts = 0;
  const onPart = (path, partJson) => {
    post({ type: 'report-part', path, json: partJson });
    parts++;
  };
  let reportThreads = 1;
  try {
    if (helper) {
      if (prepared) await Promise.race([prepared.came, new Promise((resolve) => setTimeout(resolve, SPARE_WAIT_MS))]);
      const model = analyzer.model_bytes_into(prepared?.buffer ? new Uint8Array(prepared.buffer) : undefined);
      const board = new Promise((resolve) => {
        helper.onmessage = ({ data }) => {
          if (data.type !== 'spare') resolve(data.json);
        };
        helper.onerror = () => resolve(undefined);
      });
      helper.postMessage({ type: 'leaderboard', model, config: configJson }, [model.buffer]);
      const ownStarted = performance.now();
      analyzer.begin_report();
      const patience = Math.max(HELPER_PATIENCE_MIN_MS, HELPER_PATIENCE_FACTOR * (performance.now() - ownStarted));
      // Without an answer (the worker failed, or stayed silent) the leaderboard is computed here.
      const answer = await Promise.race([board, new Promise((resolve) => setTimeout(resolve, patience))]);
      json = analyzer.finish_report_json_parts(answer, REPORT_PART_BYTES, onPart);
      if (answer !== undefined) reportThreads = 2;
    } else {
      json = analyzer.report_json_parts(REPORT_PART_BYTES, onPart);
    }
  } finally {
    helper?.terminate();
  }
  // Replace the parse workers the load used, now that both cores are free again.
  setTimeout(refillPool, 0);
  return {
    type: 'report', source, json, parts,
    wasmBytes: wasmMemory?.buffer.byteLength ?? 0, threads: lastThreads, pieces: lastPieces, reportThreads,
    readMs: lastReadMs, reportMs: performance.now() - started,
  };
}

/** After a cancel: rebuild the analyzer from the files loaded before the cancelled batch. */
async function restore() {
  const previous = committed;
  reset();
  if (previous.length) {
    post({ type: 'progress', phase: 'restoring' });
    await load(previous, true);
    committed = previous;
  }
  post({ type: 'cancelled' });
  post(await reportMessage(previous.includes('sample') ? 'sample' : previous.length ? 'files' : 'empty'));
}

/** Reads every source (File or 'sample') into the analyzer, posting throttled progress.
 *  Several large files are shared out to parse workers (planShares) and merged here. */
async function load(sources, uncancellable = false) {
  const started = performance.now();
  let files = [];
  for (const s of sources) {
    if (s === 'sample') {
      post({ type: 'progress', phase: 'sample' });
      for (const f of sample_files()) files.push({ name: f.name, size: f.bytes.byteLength, bytes: f.bytes });
    } else {
      files.push({ name: s.name, size: s.size, file: s });
    }
  }
  if (await learnManifests(files)) files.push(...chunksNowListed());
  const allTotal = files.reduce((n, f) => n + f.size, 0);
  const [own, ...shares] = planShares(files);
  lastThreads = 1 + shares.length;
  lastPieces = 0;
  // A buffer asked for by an earlier load that never reached its report is not this one's.
  modelSpare = null;
  /** What each parse worker has read (bytes, messages), the part of its messages already in
   *  this analyzer, and whether the rest no longer counts (merged, refused or abandoned). */
  const helpers = [];
  /** A new parse worker's record; its `progress(bytes, messages)` takes the worker's posts. */
  const helper = () => {
    const h = { bytes: 0, messages: 0, merged: 0, done: false };
    h.progress = (bytes, messages) => {
      Object.assign(h, { bytes, messages });
      progress(false);
    };
    helpers.push(h);
    return h;
  };
  /** Messages loaded before this load (the progress counts this load's). */
  const messagesBefore = analyzer.message_count();
  let ownDone = 0;
  let current = { index: 0, done: 0 };
  let last = 0;
  /** Posts progress at most every PROGRESS_EVERY_MS; true when it did (time to yield). */
  const progress = (force) => {
    const now = performance.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return false;
    last = now;
    const f = own[current.index] || own[own.length - 1] || files[0];
    const allDone = ownDone + current.done + helpers.reduce((n, h) => n + h.bytes, 0);
    const messages = analyzer.message_count() - messagesBefore + helpers.reduce((n, h) => n + (h.done ? 0 : h.messages - h.merged), 0);
    post({
      type: 'progress', phase: 'read', file: f.name, fileIndex: files.indexOf(f), fileCount: files.length,
      bytesDone: current.done, bytesTotal: f.size, allDone: Math.min(allDone, allTotal), allTotal, messages,
    });
    return true;
  };
  const check = () => {
    if (cancelRequested && !uncancellable) throw CANCELLED;
  };
  const parsers = shares.map((share) => startParser(share, helper()));
  /** Parse workers not busy with whole files: they read pieces of large files. */
  const spare = PARSE_WORKERS - shares.length;
  const pieceWorkers = [];
  /** The first piece of the worker told to prepare for the model's hand-over (see parse-worker.js). */
  let prepared = null;
  /** Waits for `pending` workers to answer, still answering a cancel. */
  let completed = false;
  const settle = async (pending) => {
    while (pending.some((p) => !p.result)) {
      await Promise.race([...pending.map((p) => p.done), new Promise((r) => setTimeout(r, 50))]);
      check();
    }
  };
  try {
    // A partial that would pass a cap of config `limits` (each worker keeps to the caps
    // alone, not to their sum) is refused by absorb: its files are read here after all, where
    // reading stops at the cap.
    const pending = new Set(parsers);
    for (let i = 0; ; ) {
      for (; i < own.length; i++) {
        const f = own[i];
        current = { index: i, done: 0 };
        progress(true);
        analyzer.begin_file(f.name);
        analyzer.expect_bytes(f.size);
        if (f.bytes) {
          for (let start = 0; start < f.bytes.byteLength; start += SAMPLE_CHUNK) {
            const chunk = f.bytes.subarray(start, start + SAMPLE_CHUNK);
            analyzer.push(chunk);
            current.done += chunk.byteLength;
            // Yield a task now and then so a cancel message can arrive.
            if (progress(false)) await yieldTask();
            check();
          }
        } else {
          const pieces = [];
          try {
            await readChunks(f.file, async (value) => {
              check();
              analyzer.push(value);
              current.done += value.byteLength;
              // A large file: once the reader can hand over a continuation, the idle parse
              // workers read the rest in ranges while this one reads on to the first cut. Equal
              // ranges: a piece worker's hand-overs (copying its columns out) cost it about what
              // this worker's progress posts and yields cost it.
              if (spare > 0 && f.size >= PIECES_MIN_BYTES && !pieces.length && current.done < f.size / 2) {
                const cuts = piece_cuts(current.done, f.size, spare + 1);
                const continuation = analyzer.continuation(cuts[0]);
                if (continuation) {
                  // The first piece worker prepares for the report's hand-over (see reportMessage)
                  // when the file will have about as many messages as a split report takes.
                  const messages = analyzer.message_count() * f.size / current.done;
                  const prepare = messages >= SPLIT_REPORT_MIN_MESSAGES && messages <= SPLIT_REPORT_MAX_MESSAGES ? f.size : 0;
                  cuts.forEach((from, i) => {
                    const to = i + 1 < cuts.length ? cuts[i + 1] : f.size;
                    const count = Math.min(PIECES_PER_WORKER, Math.max(2, Math.ceil((to - from) / PIECE_BYTES)));
                    const starts = [from, ...piece_cuts(from, to, count)];
                    const ranges = starts.map((at, j) => [at, j + 1 < starts.length ? starts[j + 1] : to]);
                    const message = { type: 'pieces', continuation, file: f.file, ranges, prepare: i ? 0 : prepare };
                    const chain = startPieces(message, helper());
                    if (message.prepare) prepared = chain[0];
                    pieces.push(...chain);
                  });
                  pieceWorkers.push(...pieces);
                }
              }
              if (progress(false)) await yieldTask();
              return analyzer.wants_more();
            });
            if (pieces.length) {
              const readers = new Set();
              // In order, each as soon as it has come (the later ones are still being read).
              for (const p of pieces) {
                await settle([p]);
                if (p.result.error) throw new Error(p.result.error);
                const takenBack = analyzer.absorb_piece(p.result.bytes);
                // Its bytes (a part of a large file's model) need not wait for the load to end.
                p.result.bytes = null;
                if (!takenBack) break;
                p.helper.merged += p.result.messages;
                readers.add(p.worker);
                lastPieces++;
              }
              // Threads that read the load: the workers whose pieces were taken back count.
              lastThreads = Math.max(lastThreads, 1 + readers.size);
              // Whatever of their reading was not taken back is read here.
              for (const p of pieces) p.helper.done = true;
              // A refused piece (a cut inside a quoted record): read on from the last good cut.
              const at = analyzer.resume_offset();
              if (at !== undefined) {
                await readChunks(f.file.slice(at), async (value) => {
                  check();
                  analyzer.push(value);
                  if (progress(false)) await yieldTask();
                });
              }
            }
          } catch (e) {
            if (e === CANCELLED || e instanceof WebAssembly.RuntimeError) throw e;
            // The browser could not read the file (deleted, permission): report it as that file's error.
            throw new Error(`${f.name}: ${e && e.message || e}`);
          }
        }
        analyzer.end_file();
        ownDone += f.size;
        current = { index: i + 1, done: 0 };
      }
      // Merge the parse workers' partials as they arrive (the merge is order-independent),
      // still answering a cancel while waiting.
      while (pending.size) {
        const settled = parsers.filter((p) => pending.has(p) && p.result);
        for (const p of settled) {
          pending.delete(p);
          if (p.result.error) throw new Error(p.result.error);
          if (!analyzer.absorb(p.result.bytes)) own.push(...p.files);
          p.helper.done = true;
        }
        if (pending.size) await Promise.race([...[...pending].map((p) => p.done), new Promise((r) => setTimeout(r, 50))]);
        check();
      }
      if (i === own.length) break;
    }
    progress(true);
    completed = true;
  } finally {
    // One worker that did its job stays for the report (reportMessage); the rest go.
    const used = [...parsers, ...pieceWorkers];
    // (Not one still reading pieces no longer wanted: after a refused piece.)
    const idle = (p) => p.result && !p.result.error && used.every((q) => q.worker !== p.worker || q.result);
    const keep = completed ? (prepared && idle(prepared) ? prepared : used.find(idle)) : undefined;
    for (const worker of new Set(used.map((p) => p.worker))) if (worker !== keep?.worker) worker.terminate();
    idleHelper?.terminate();
    idleHelper = keep ? keep.worker : null;
    lastReadMs = performance.now() - started;
  }
}

/** Splits files into [own share, ...parse-worker shares]: largest first to the lightest
 *  share. Small drops, single files and the sample stay in this worker. */
function planShares(files) {
  const total = files.reduce((n, f) => n + f.size, 0);
  const helpers = Math.min(PARSE_WORKERS, files.length - 1);
  if (helpers < 1 || total < PARALLEL_MIN_BYTES || files.some((f) => f.bytes)) return [files];
  const shares = Array.from({ length: helpers + 1 }, () => ({ files: [], bytes: 0 }));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const lightest = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(f);
    lightest.bytes += f.size;
  }
  return shares.filter((s, i) => i === 0 || s.files.length).map((s) => s.files);
}

/** Starts a parse worker on `share`, its progress going to `helper.progress`; `.result` is set
 *  when it answers ({bytes}: its partial, or {error}). */
function startParser(share, helper) {
  const worker = takeWorker();
  const parser = { worker, files: share, helper, result: null, done: null };
  parser.done = new Promise((resolve) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') helper.progress(data.bytes, data.messages);
      else {
        parser.result = data.type === 'error' ? { error: data.message } : { bytes: data.bytes };
        resolve();
      }
    };
    worker.onerror = (e) => {
      parser.result = { error: `parse worker: ${e.message || 'failed to start'}` };
      resolve();
    };
  });
  worker.postMessage({ type: 'parse', files: share.map((f) => f.file), manifests, module: wasmModule, config: configJson });
  return parser;
}

/** Starts a parse worker on `message.ranges` of a file, its progress going to
 *  `helper.progress`; returns one piece per range, whose `.result` is set when that range's
 *  piece has come ({bytes, messages} or {error}: a worker's error ends its remaining ranges). */
function startPieces(message, helper) {
  const worker = takeWorker();
  const pieces = message.ranges.map(([from]) => {
    const piece = { worker, helper, result: null, done: null, from };
    piece.done = new Promise((resolve) => { piece.resolve = resolve; });
    return piece;
  });
  const fail = (error) => {
    for (const p of pieces) if (!p.result) { p.result = { error }; p.resolve(); }
  };
  const prepared = message.prepare ? { buffer: null } : null;
  if (prepared) {
    prepared.came = new Promise((resolve) => { prepared.resolve = resolve; });
    modelSpare = prepared;
  }
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') helper.progress(data.bytes, data.messages);
    else if (data.type === 'spare' && prepared) {
      prepared.buffer = data.buffer;
      prepared.resolve();
    }
    else if (data.type === 'piece') {
      const p = pieces[data.index];
      p.result = { bytes: data.bytes, messages: data.messages };
      p.resolve();
    } else fail(data.type === 'error' ? data.message : `parse worker: unexpected ${data.type}`);
  };
  worker.onerror = (e) => fail(`parse worker: ${e.message || 'failed to start'}`);
  worker.postMessage({ ...message, module: wasmModule, config: configJson });
  return pieces;
}

/** Parse workers started ahead of need, the wasm module already instantiated in them: a
 *  worker takes 0.2–0.3 s to start, which is most of what a 70 MB piece saves. Each one does
 *  one job and is then replaced (a worker's wasm memory never shrinks). */
const pool = [];

/** Whether a parse worker has been told to warm up on DEEP_WARM_UP_MESSAGES. */
let deepWarmUpStarted = false;

/** A blob: URL of parse-worker.js whose imports point at blob: copies of its modules. Every
 *  load replaces the parse workers it used; started from the script's URL, each replacement
 *  was a request after the page had loaded, and once the host was gone (a laptop gone offline,
 *  an intranet server restarted) it never started and the next large load waited forever for
 *  its half. The copies are made once, while the page loads. */
async function parseWorkerSource() {
  const text = async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.text();
  };
  const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  // Static `from './…'` imports (one level: the modules imported import nothing). Should that
  // ever change, the copy fails to start and warmWorker falls back to the script.
  const IMPORT = /(\bfrom\s*)'(\.[^']*)'/g;
  const main = await text(PARSE_WORKER_SCRIPT);
  const specs = [...new Set([...main.matchAll(IMPORT)].map((m) => m[2]))];
  const copies = new Map(await Promise.all(specs.map(async (spec) => [spec, blobUrl(await text(new URL(spec, PARSE_WORKER_SCRIPT)))])));
  return blobUrl(main.replace(IMPORT, (_, from, spec) => `${from}'${copies.get(spec)}'`));
}

function warmWorker() {
  const worker = new Worker(parseWorkerUrl, { type: 'module' });
  const fromCopy = parseWorkerUrl !== PARSE_WORKER_SCRIPT;
  // A worker that fails before its job is never handed one (see takeWorker). Copies that cannot
  // start (a host's policy refusing blob: workers) are given up for the script.
  worker.onerror = () => {
    worker.failed = true;
    if (fromCopy && !copyStarted && parseWorkerUrl !== PARSE_WORKER_SCRIPT) {
      parseWorkerUrl = PARSE_WORKER_SCRIPT;
      const at = pool.indexOf(worker);
      if (at >= 0) {
        worker.terminate();
        pool.splice(at, 1, warmWorker());
      }
    }
  };
  const [warmUpMessages, warmUpRounds] = deepWarmUpStarted ? [WARM_UP_MESSAGES, 0] : [DEEP_WARM_UP_MESSAGES, DEEP_WARM_UP_ROUNDS];
  deepWarmUpStarted = true;
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    worker.warm = true;
    copyStarted ||= fromCopy;
    port1.close();
  };
  worker.postMessage({ type: 'init', module: wasmModule, warmUpMessages, warmUpRounds, warmPort: port2 }, [port2]);
  if (parseWarmMemory) worker.postMessage({ type: 'warm-memory', bytes: parseWarmMemory });
  return worker;
}

/** Faults in WARM_MEMORY_BYTES here and PARSE_WARM_MEMORY_BYTES across the parse workers,
 *  idle ones now and later ones after their warm-up. Only speed depends on it. */
function warmMemory() {
  if (parseWarmMemory) return;
  parseWarmMemory = Math.floor(PARSE_WARM_MEMORY_BYTES / Math.max(1, PARSE_WORKERS));
  for (const worker of pool) worker.postMessage({ type: 'warm-memory', bytes: parseWarmMemory });
  try {
    prepare_memory(WARM_MEMORY_BYTES);
  } catch {}
}

/** A parse worker of the pool whose warm-up is over (taken out of the pool), or null: one
 *  still warming up would make the report wait for it. */
function warmPoolWorker() {
  const at = pool.findIndex((w) => w.warm && !w.failed);
  return at < 0 ? null : pool.splice(at, 1)[0];
}

/** The pool's first worker that has not failed to start (the failed ones go), else a new one:
 *  a job given to a worker whose start failed before the job's handlers were set would wait
 *  forever. */
function takeWorker() {
  for (let worker; (worker = pool.shift()); ) {
    if (!worker.failed) return worker;
    worker.terminate();
  }
  return warmWorker();
}

function refillPool() {
  while (pool.length < PARSE_WORKERS) pool.push(warmWorker());
}

/** Benchmark floor: the same reading and decoding, split into records, nothing analysed. */
async function floor(files) {
  const t0 = performance.now();
  let records = 0;
  for (const file of files) {
    const counter = new RecordCounter(/\.csv$/i.test(file.name));
    await readChunks(file, (chunk) => counter.push(chunk));
    records += counter.finish();
    counter.free();
  }
  return { type: 'floor', records, ms: performance.now() - t0 };
}

/** `config` as JSON, with the memory the device reports (`navigator.deviceMemory`, in secure
 *  contexts) as `limits.device_memory_gb` unless the config sets it: on a device reporting
 *  under 8 GB the memory cap is lower, so reading stops with a message before the tab runs out
 *  of memory. */
function withDeviceMemory(config) {
  const gb = self.navigator?.deviceMemory;
  const limits = config?.limits || {};
  if (typeof gb !== 'number' || limits.device_memory_gb !== undefined) return JSON.stringify(config || {});
  return JSON.stringify({ ...config, limits: { ...limits, device_memory_gb: gb } });
}

function post(msg) {
  self.postMessage(msg);
}
