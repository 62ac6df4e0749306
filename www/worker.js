// The analysis worker: runs the wasm core off the main thread, reads File objects chunk by
// chunk with file.stream(), reports progress and posts the report JSON.
//
// Messages in:  {type:'files', files: File[], replace: boolean}   read files (after clearing if replace)
//               {type:'sample'}                                   clear, then load the built-in sample
//               {type:'clear'}                                    forget everything
//               {type:'cancel'}                                   stop the current load; keep earlier files
//               {type:'config', config}                           use this config JSON (re-reads loaded files only
//                                                                 when reading settings changed)
//               {type:'preview', file}                            header + first rows of a loaded file
//               {type:'export', id, table, format}                a table as CSV (BOM) or .xlsx bytes
//               {type:'floor', files: File[]}                     benchmark floor: read + decode + split only
// Messages out: {type:'ready'}
//               {type:'progress', phase, file, fileIndex, fileCount, bytesDone, bytesTotal, allDone, allTotal}
//               {type:'report', json, source, wasmBytes}          source: 'files' | 'sample' | 'empty';
//                                                                 wasmBytes: wasm memory size (= its peak)
//               {type:'cancelled'}
//               {type:'error', message, fatal}                    fatal: the wasm instance is unusable
//               {type:'preview', file, json}                      json: {encoding, columns, rows} or null
//               {type:'floor', records, ms}
//               {type:'exported', id, bytes, error}               bytes: Uint8Array (transferred) or error text
import init, { Analyzer, RecordCounter, sample_files, preview_csv, export_table } from './pkg/qunlens.js';

const PROGRESS_EVERY_MS = 50;
const SAMPLE_CHUNK = 1 << 20;
const CANCELLED = Symbol('cancelled');

let analyzer = null;
/** What the analyzer holds, to rebuild it after a cancel: File objects, or 'sample'. */
let committed = [];
let cancelRequested = false;
let dead = false;
/** The config JSON (column mappings come from the page's localStorage, which workers lack). */
let configJson = '{}';

/** The wasm linear memory: it only grows, so its size is the peak (benchmarks report it). */
let wasmMemory = null;

const ready = init().then(
  (wasm) => {
    wasmMemory = wasm.memory;
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
      post(reportMessage('empty'));
    } else if (msg.type === 'sample') {
      reset();
      await load(['sample']);
      committed = ['sample'];
      finish('sample');
    } else if (msg.type === 'config') {
      configJson = JSON.stringify(msg.config || {});
      // Report settings recompute from the loaded model; only reading settings re-read files.
      if (!analyzer.set_config(configJson)) {
        finish(committed.includes('sample') ? 'sample' : committed.length ? 'files' : 'empty');
        return;
      }
      const previous = committed;
      reset();
      if (previous.length) {
        await load(previous, true);
        committed = previous;
        finish(previous.includes('sample') ? 'sample' : 'files');
      } else {
        post(reportMessage('empty'));
      }
    } else if (msg.type === 'preview') {
      const file = committed.find((f) => f !== 'sample' && f.name === msg.file);
      const bytes = file ? new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer()) : null;
      post({ type: 'preview', file: msg.file, json: bytes ? preview_csv(bytes) ?? null : null });
    } else if (msg.type === 'floor') {
      post(await floor(msg.files));
    } else if (msg.type === 'files') {
      if (msg.replace || committed.includes('sample')) reset();
      await load(msg.files);
      committed.push(...msg.files);
      finish('files');
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
}

function finish(source) {
  post({ type: 'progress', phase: 'report' });
  post(reportMessage(source));
}

function reportMessage(source) {
  return { type: 'report', source, json: analyzer.report_json(), wasmBytes: wasmMemory?.buffer.byteLength ?? 0 };
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
  post(reportMessage(previous.includes('sample') ? 'sample' : previous.length ? 'files' : 'empty'));
}

/** Reads every source (File or 'sample') into the analyzer, posting throttled progress. */
async function load(sources, uncancellable = false) {
  let files = [];
  for (const s of sources) {
    if (s === 'sample') {
      post({ type: 'progress', phase: 'sample' });
      for (const f of sample_files()) files.push({ name: f.name, size: f.bytes.byteLength, bytes: f.bytes });
    } else {
      files.push({ name: s.name, size: s.size, file: s });
    }
  }
  const allTotal = files.reduce((n, f) => n + f.size, 0);
  let allDone = 0;
  let last = 0;
  /** Posts progress at most every PROGRESS_EVERY_MS; true when it did (time to yield). */
  const progress = (i, bytesDone, force) => {
    const now = performance.now();
    if (!force && now - last < PROGRESS_EVERY_MS) return false;
    last = now;
    post({
      type: 'progress', phase: 'read', file: files[i].name, fileIndex: i, fileCount: files.length,
      bytesDone, bytesTotal: files[i].size, allDone: allDone + bytesDone, allTotal,
    });
    return true;
  };
  // Stream reads often resolve as microtasks (data already buffered), which never lets
  // onmessage run: yield a real task now and then so a 'cancel' message gets through.
  const yieldTask = () => new Promise((r) => setTimeout(r, 0));
  const check = () => {
    if (cancelRequested && !uncancellable) throw CANCELLED;
  };
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    progress(i, 0, true);
    analyzer.begin_file(f.name);
    let done = 0;
    if (f.bytes) {
      for (let start = 0; start < f.bytes.byteLength; start += SAMPLE_CHUNK) {
        const chunk = f.bytes.subarray(start, start + SAMPLE_CHUNK);
        analyzer.push(chunk);
        done += chunk.byteLength;
        // Yield a task now and then so a cancel message can arrive.
        if (progress(i, done, false)) await yieldTask();
        check();
      }
    } else {
      try {
        await readChunks(f.file, async (value) => {
          check();
          analyzer.push(value);
          done += value.byteLength;
          if (progress(i, done, false)) await yieldTask();
        });
      } catch (e) {
        if (e === CANCELLED || e instanceof WebAssembly.RuntimeError) throw e;
        // The browser could not read the file (deleted, permission): report it as that file's error.
        throw new Error(`${f.name}: ${e && e.message || e}`);
      }
    }
    analyzer.end_file();
    allDone += f.size;
    progress(i, f.size, true);
  }
}

/** Reads a File chunk by chunk, asking for the next chunk before handing over this one so
 *  reading overlaps parsing. */
async function readChunks(file, onChunk) {
  const reader = file.stream().getReader();
  try {
    let pending = reader.read();
    for (;;) {
      const { value, done } = await pending;
      if (done) return;
      pending = reader.read();
      await onChunk(value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
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

function post(msg) {
  self.postMessage(msg);
}
