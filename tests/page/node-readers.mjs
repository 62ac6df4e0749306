// How fast the page's own wasm build reads a file on N threads at once, outside the browser:
// N Node worker threads each read the whole FILE (64 KiB chunks, as the page's workers do)
// after the page workers' warm-up, then build the report. Set beside the page's readers
// (bench.mjs), it tells the wasm's own cost from what the browser adds (its file reading,
// the renderer's other threads) on the same cores.
//   node tests/page/node-readers.mjs FILE [--threads N] [--rounds R]
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadPageWasm, readInChunks } from './node-wasm.mjs';

if (isMainThread) {
  const args = process.argv.slice(2);
  let threads = 2;
  let rounds = 3;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--rounds') rounds = Number(args[++i]);
    else files.push(args[i]);
  }
  if (files.length !== 1) {
    console.error('usage: node node-readers.mjs FILE [--threads N] [--rounds R]');
    process.exit(2);
  }
  const mb = statSync(files[0]).size / 1e6;
  // Every thread is ready (instantiated, warmed up, file in memory) before any starts.
  const start = new SharedArrayBuffer(4);
  for (let round = 1; round <= rounds; round++) {
    for (const n of [1, threads]) {
      const ready = [];
      const results = Array.from({ length: n }, () => new Promise((resolve) => {
        const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { file: files[0], start } });
        ready.push(new Promise((r) => worker.once('message', r)));
        worker.on('message', (m) => { if (m.read) { resolve(m); worker.terminate(); } });
      }));
      await Promise.all(ready);
      Atomics.store(new Int32Array(start), 0, round * 10 + n);
      Atomics.notify(new Int32Array(start), 0);
      const line = (await Promise.all(results)).map((r) => `read ${r.read.toFixed(0)} ms (${(mb / r.read * 1000).toFixed(0)} MB/s), report ${r.report.toFixed(0)} ms`);
      console.log(`round ${round}, ${n} thread(s): ${line.join(' | ')}`);
    }
  }
} else {
  const { Analyzer } = await loadPageWasm();
  const bytes = readFileSync(workerData.file);
  const flag = new Int32Array(workerData.start);
  const seen = Atomics.load(flag, 0);
  parentPort.postMessage({ ready: true });
  Atomics.wait(flag, 0, seen);
  const analyzer = new Analyzer('{}');
  const read = readInChunks(analyzer, path.basename(workerData.file), bytes);
  const t = performance.now();
  analyzer.report_json();
  parentPort.postMessage({ read, report: performance.now() - t });
}
