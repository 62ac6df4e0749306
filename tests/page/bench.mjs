// Page benchmark (scripts/bench.sh): end to end in headless Chromium — file input, worker,
// wasm, report JSON on screen — for the given export file(s).
//   node bench.mjs FILE... [--runs N] [--workers N] [--root DIR] [--settle MS]
// --workers 1: no parse workers; --root: serve another build of www/ (e.g. a worktree of an
// earlier commit, to compare two builds on the same machine in the same hour); --settle: how
// long after the page is ready each run (and floor) starts, once the workers' warm-up is over
// (default 1000).
// Prints MB/s, messages/s, the time to the first progress message and the main thread's
// longest stall while the worker ran.
import { stat } from 'node:fs/promises';
import { serve, launchChromium, openReadyPage, WWW } from './server.mjs';
import { installStallProbe, reportShown } from './probes.mjs';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Peak RSS (VmHWM) of the largest Chromium renderer process — the one running the page and
 *  its worker: V8 heaps + wasm memory + everything else. Linux only; 0 elsewhere. */
function rendererPeakBytes() {
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium') || !cmd.includes('--type=renderer')) continue;
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch { /* the process ended */ }
  }
  return peak;
}

const args = process.argv.slice(2);
let runs = 3;
let query = '';
let root = WWW;
let settleMs = 1000;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--workers') query = `?workers=${Number(args[++i])}`;
  else if (args[i] === '--root') root = path.resolve(args[++i]);
  else if (args[i] === '--settle') settleMs = Number(args[++i]);
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node bench.mjs FILE... [--runs N] [--workers N] [--root DIR] [--settle MS]');
  process.exit(2);
}
let bytes = 0;
for (const f of files) bytes += (await stat(f)).size;
// Read once so that no run measures the disk (this VM's page cache gives up idle files).
for (const f of files) for await (const _ of createReadStream(f, { highWaterMark: 1 << 24 }));

const server = await serve(root);
const browser = await launchChromium();
/** One floor measurement: a fresh worker reads the files and only splits them into records. */
async function floorRun(browser, url, files) {
  // Neither the floor nor the analysis is measured against the workers' warm-up.
  const { context, page } = await openReadyPage(browser, url + '/', { settleMs });
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', multiple: true, id: 'floor-input' });
    document.body.append(input);
  });
  await page.setInputFiles('#floor-input', files);
  const result = await page.evaluate(() => new Promise((resolve) => {
    // One worker and no parse workers: nothing else warming up or reading beside it.
    const worker = new Worker('./worker.js?workers=1', { type: 'module' });
    worker.onmessage = ({ data }) => {
      if (data.type === 'ready') worker.postMessage({ type: 'floor', files: [...document.getElementById('floor-input').files] });
      if (data.type === 'floor') {
        worker.terminate();
        resolve(data);
      }
    };
  }));
  await context.close();
  return result;
}

try {
  const results = [];
  for (let run = 0; run < runs; run++) {
    // A fresh context per run: its own renderer process, so the peak RSS belongs to this run.
    const { context, page } = await openReadyPage(browser, server.url + '/' + query, { settleMs, viewport: { width: 1360, height: 900 } });
    const baseline = rendererPeakBytes(); // the page and its worker loaded, no data yet
    await page.evaluate(installStallProbe);
    await page.evaluate(() => {
      window.__firstProgress = 0;
      new MutationObserver(() => { window.__firstProgress ||= performance.now(); })
        .observe(document.getElementById('progress-bytes'), { childList: true, characterData: true, subtree: true });
    });
    const t0 = await page.evaluate(() => performance.now());
    const loaded = page.evaluate(reportShown);
    await page.setInputFiles('#file-input', files);
    await loaded;
    const r = await page.evaluate((start) => {
      window.__stopTicks = true;
      const rep = window.__qunlensReport;
      return {
        ms: performance.now() - start,
        // From the app's own User Timing: file list handed over -> report rendered.
        appMs: performance.getEntriesByName('qunlens:load').at(-1)?.duration ?? NaN,
        firstProgressMs: window.__firstProgress ? window.__firstProgress - start : null,
        maxGap: Math.max(...window.__gaps),
        wasmBytes: window.__qunlensWasmBytes,
        threads: window.__qunlensThreads,
        times: window.__qunlensTimes,
        messages: rep.inputs.reduce((n, i) => n + i.messages, 0),
        members: rep.members.length,
        groups: rep.groups.length,
        errors: rep.inputs.filter((i) => i.error).map((i) => `${i.file}: ${i.error}`),
      };
    }, t0);
    r.rendererPeak = rendererPeakBytes();
    r.rendererBaseline = baseline;
    results.push(r);
    console.log(`page run ${run + 1}: ${(r.ms / 1000).toFixed(3)} s (in-app ${(r.appMs / 1000).toFixed(3)} s), ${r.messages} messages, ${r.groups} groups, ${r.members} members, ` +
      `first progress after ${r.firstProgressMs?.toFixed(0)} ms, longest main-thread stall ${r.maxGap.toFixed(0)} ms, ` +
      `wasm memory ${(r.wasmBytes / 1e6).toFixed(0)} MB, renderer peak RSS ${(r.rendererPeak / 1e6).toFixed(0)} MB; ` +
      `in the worker: read ${(r.times.readMs / 1000).toFixed(3)} s by ${r.threads} thread(s), report ${(r.times.reportMs / 1000).toFixed(3)} s by ${r.times.reportThreads}`);
    for (const e of r.errors) console.log(`  error: ${e}`);
    await context.close();
  }
  const best = results.reduce((a, b) => (a.ms < b.ms ? a : b));
  const floors = [];
  for (let run = 0; run < runs; run++) floors.push(await floorRun(browser, server.url, files));
  const floorMs = Math.min(...floors.map((f) => f.ms));
  const s = best.ms / 1000;
  const app = best.appMs / 1000;
  console.log(`page: ${(bytes / 1e6).toFixed(1)} MB, ${best.messages} messages, best of ${runs} ${s.toFixed(3)} s -> ` +
    `${(bytes / 1e6 / s).toFixed(0)} MB/s, ${(best.messages / s / 1e6).toFixed(2)} M messages/s ` +
    `(end to end from Playwright's setInputFiles: file input, worker, wasm, report JSON parsed and rendered)`);
  console.log(`page memory: wasm ${(best.wasmBytes / 1e6).toFixed(0)} MB (${(best.wasmBytes / bytes).toFixed(2)}x the input), ` +
    `renderer peak RSS ${(best.rendererPeak / 1e6).toFixed(0)} MB, of which ${((best.rendererPeak - best.rendererBaseline) / 1e6).toFixed(0)} MB ` +
    `(${((best.rendererPeak - best.rendererBaseline) / bytes).toFixed(2)}x the input) above the empty page's ${(best.rendererBaseline / 1e6).toFixed(0)} MB`);
  console.log(`page floor (same File.stream reading + decoding + splitting into records in the worker, no analysis): ` +
    `${(floorMs / 1000).toFixed(3)} s, ${floors[0].records} records -> ${(bytes / 1e6 / (floorMs / 1000)).toFixed(0)} MB/s; ` +
    `analysis in-app = ${(best.appMs / floorMs).toFixed(2)}x the floor`);
  console.log(`page (in-app User Timing, files handed over -> report rendered): ${app.toFixed(3)} s -> ` +
    `${(bytes / 1e6 / app).toFixed(0)} MB/s, ${(best.messages / app / 1e6).toFixed(2)} M messages/s`);
  // The spread, since a target near the line is met by some runs and not by others.
  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const apps = results.map((r) => r.appMs);
  const floorMedian = median(floors.map((f) => f.ms));
  console.log(`page in-app over ${runs} runs: ${(Math.min(...apps) / 1000).toFixed(3)}–${(Math.max(...apps) / 1000).toFixed(3)} s, ` +
    `median ${(median(apps) / 1000).toFixed(3)} s -> ${(bytes / 1e6 / (median(apps) / 1000)).toFixed(0)} MB/s; ` +
    `floor median ${(floorMedian / 1000).toFixed(3)} s, median analysis = ${(median(apps) / floorMedian).toFixed(2)}x the median floor`);
} finally {
  await browser.close();
  await server.close();
}
