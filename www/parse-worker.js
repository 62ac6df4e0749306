// A parse worker: the analysis worker (worker.js) starts one per spare core when several
// files arrive, hands each a share of the files, and merges what they read. It only reads:
// files in, an unresolved partial model out (Analyzer.take_partial), which the coordinator
// absorbs; names are resolved once, after the merge, so the report equals a single worker's.
//
// It also reads consecutive ranges of a large file the coordinator has started (PieceReader),
// one after another, handing each over as soon as it is read: the coordinator takes them back
// in order (Analyzer.absorb_piece), the first ones while this worker still reads the last.
//
// Once its job is done, the coordinator may hand it the loaded model to compute the
// leaderboard while the coordinator computes the other sections (Analyzer.begin_report).
//
// Messages in:  {type:'init', module, warmUpMessages, warmUpRounds, warmPort}  instantiate the
//                                       module ahead of a job (rounds: small warm-ups after the
//                                       first); 'warm' is posted on warmPort (a MessagePort, not
//                                       this worker's own channel, which a job may own by then)
//                                       once the warm-up is over
//               {type:'warm-memory', bytes}     (after 'init') fault in that much wasm memory once
//                                               warmed up (see warmMemory)
//               {type:'parse', module, config, files: File[], manifests: Uint8Array[]}  (manifests:
//                                               chunked exports' manifest.json, learnt first)
//               {type:'pieces', module, config, continuation, file: File, ranges: [[from, to], ...],
//                prepare: fileSize or 0}         (fileSize: the model of that file comes next)
//               {type:'leaderboard', model: Uint8Array, config}   (after a job, or after 'init')
// Messages out: {type:'progress', bytes, messages}  bytes and messages read so far (all its
//                                               files or ranges)
//               {type:'partial', bytes}         Uint8Array (transferred)
//               {type:'piece', index, bytes, messages}  range `index`'s piece, Uint8Array
//                                               (transferred), and the messages in it
//               {type:'spare', buffer}          after the last piece when told to prepare: an ArrayBuffer
//                                               of about the model's size, touched, for the
//                                               coordinator's Analyzer.model_bytes_into (transferred)
//               {type:'leaderboard', json}      the section (LeaderboardReport JSON)
//               {type:'error', message}
import init, { Analyzer, PieceReader, leaderboard_of_model, prepare_memory, warm_up } from './pkg/qunlens.js';
import { readChunks } from './read.js';

const PROGRESS_EVERY_MS = 50;

/** The model's hand-over against the pieces' (per byte of the file read), with room to spare. */
const SPARE_MARGIN = 1.15;

/** Messages in the warm-up of a worker not told otherwise (see worker.js's WARM_UP_MESSAGES). */
const WARM_UP_MESSAGES = 2_000;

/** The wasm instance, started by 'init' (or by the first job), then warmed up on `messages`
 *  generated messages and `rounds` more small warm-ups so that a job runs optimized code from
 *  its start (see `warm_up`, and worker.js's DEEP_WARM_UP_ROUNDS). */
let instance = null;
const instantiate = (module, messages = WARM_UP_MESSAGES, rounds = 0) =>
  (instance ||= init({ module_or_path: module }).then(() => warmUp(messages, rounds)));

/** Only speed depends on it: a failure (a bug, caught by the wasm tests) is not a job's error. */
function warmUp(messages, rounds) {
  try {
    warm_up(messages);
    for (let k = 0; k < rounds; k++) warm_up(WARM_UP_MESSAGES);
  } catch {}
}

/** Grows this instance's memory by `bytes` and touches it while the worker idles (after its
 *  warm-up, as worker.js's warmMemory asks, and before a model's hand-over): the allocations
 *  that follow then reuse pages already faulted in. */
function warmMemory(bytes) {
  try {
    if (bytes > 0) prepare_memory(bytes);
  } catch {}
}

self.onmessage = async ({ data }) => {
  if (data.type === 'init') {
    // (A job awaiting the instance reports its error.)
    instantiate(data.module, data.warmUpMessages, data.warmUpRounds).then(() => data.warmPort?.postMessage('warm'), () => {});
    return;
  }
  if (data.type === 'warm-memory') {
    // After 'init' (the same sender): ahead of any job sent after it.
    instance?.then(() => warmMemory(data.bytes), () => {});
    return;
  }
  if (data.type === 'pieces') {
    await readPieces(data);
    return;
  }
  if (data.type === 'leaderboard') {
    try {
      await instance;
      self.postMessage({ type: 'leaderboard', json: leaderboard_of_model(data.model, data.config) });
    } catch (e) {
      self.postMessage({ type: 'error', message: String(e && e.message || e) });
    }
    return;
  }
  if (data.type !== 'parse') return;
  try {
    // The coordinator's compiled module: no second fetch or compile.
    await instantiate(data.module);
    const analyzer = new Analyzer(data.config);
    for (const manifest of data.manifests || []) analyzer.add_chunk_manifest(manifest);
    let bytes = 0;
    let last = 0;
    for (const file of data.files) {
      analyzer.begin_file(file.name);
      analyzer.expect_bytes(file.size);
      try {
        await readChunks(file, (chunk) => {
          analyzer.push(chunk);
          bytes += chunk.byteLength;
          const now = performance.now();
          if (now - last >= PROGRESS_EVERY_MS) {
            last = now;
            self.postMessage({ type: 'progress', bytes, messages: analyzer.message_count() });
          }
        });
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        throw new Error(`${file.name}: ${e && e.message || e}`);
      }
      analyzer.end_file();
    }
    self.postMessage({ type: 'progress', bytes, messages: analyzer.message_count() });
    const partial = analyzer.take_partial();
    analyzer.free();
    self.postMessage({ type: 'partial', bytes: partial }, [partial.buffer]);
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
};

/** Reads the records of each range of a file the coordinator has started, in order, and
 *  hands each piece over as soon as it is read. */
async function readPieces({ module, config, continuation, file, ranges, prepare }) {
  try {
    await instantiate(module);
    let before = 0;
    let messagesBefore = 0;
    let pieceBytes = 0;
    for (const [index, [from, to]] of ranges.entries()) {
      const reader = new PieceReader(continuation, config, from, to);
      let bytes = 0;
      let last = 0;
      try {
        await readChunks(file.slice(PieceReader.first_byte(from)), (chunk) => {
          reader.push(chunk);
          bytes += chunk.byteLength;
          const now = performance.now();
          if (now - last >= PROGRESS_EVERY_MS) {
            last = now;
            self.postMessage({ type: 'progress', bytes: before + Math.min(bytes, to - from), messages: messagesBefore + reader.message_count() });
          }
          return reader.wants_more();
        });
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        throw new Error(`${file.name}: ${e && e.message || e}`);
      }
      const messages = reader.message_count();
      before += to - from;
      messagesBefore += messages;
      self.postMessage({ type: 'progress', bytes: before, messages: messagesBefore });
      const piece = reader.finish();
      reader.free();
      pieceBytes += piece.byteLength;
      self.postMessage({ type: 'piece', index, bytes: piece, messages }, [piece.buffer]);
    }
    if (prepare) prepareForModel(Math.ceil(pieceBytes * prepare / before * SPARE_MARGIN));
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
}

/** Once the coordinator has this worker's pieces, it hands it the model of the whole file for
 *  the leaderboard. Meanwhile (this core is idle), the buffer for that hand-over is allocated
 *  and touched here, sent back for the coordinator to fill, and this instance's memory is grown
 *  and touched for the copy in: first touches of fresh memory (≈0.3 ms per MB) then happen off
 *  the report's path. */
function prepareForModel(bytes) {
  const spare = new Uint8Array(bytes);
  for (let at = 0; at < spare.length; at += 4096) spare[at] = 0;
  self.postMessage({ type: 'spare', buffer: spare.buffer }, [spare.buffer]);
  warmMemory(bytes);
}
