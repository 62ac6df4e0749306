// Where the machine's CPU goes during a page load (Linux only): loads FILE in headless
// Chromium RUNS times and reports, per kind of thread, the CPU time it ran and the time it
// waited, runnable, for a core (/proc/<pid>/task/<tid>/schedstat), averaged over the runs.
// The page's workers are one line; the rest is what competes with them for the cores: the
// browser process's file reading, the renderer's main thread, its thread pool (V8's
// background compilation and GC), compositing, and this script with Playwright. Threads are
// sampled every 40 ms, so a worker that ends during the load still counts.
//   node tests/page/cpu-probe.mjs FILE [--runs N] [--root DIR]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve, launchChromium, openReadyPage, WWW } from './server.mjs';
import { reportShown } from './probes.mjs';

const args = process.argv.slice(2);
let runs = 5;
let root = WWW;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--root') root = path.resolve(args[++i]);
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node cpu-probe.mjs FILE... [--runs N] [--root DIR]');
  process.exit(2);
}

/** The kind of a Chromium or Node thread, from its process's command line and its name. */
function kindOf(cmdline, comm) {
  if (/node/.test(cmdline) && !/chromium/.test(cmdline)) return 'node (this script, Playwright)';
  const type = cmdline.match(/--type=([a-z-]+)/)?.[1] || 'browser';
  if (type !== 'renderer') return type === 'browser' ? 'browser process' : `${type} process`;
  if (comm === 'DedicatedWorker') return 'renderer: page workers';
  if (comm === 'chromium') return 'renderer: main thread';
  if (comm.startsWith('ThreadPool')) return 'renderer: thread pool';
  if (comm === 'Compositor') return 'renderer: compositor';
  return 'renderer: other';
}

/** [ran ns, waited ns] of every Chromium and Node thread, keyed by kind and thread id. */
function sample() {
  const threads = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!/chromium|node/.test(cmdline)) continue;
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const tid of tids) {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const [ran, waited] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        threads.set(`${kindOf(cmdline, comm)}\t${tid}`, [ran, waited]);
      } catch {} // the thread ended
    }
  }
  return threads;
}

const server = await serve(root);
const browser = await launchChromium();
const totals = new Map();
let wallTotal = 0;
try {
  for (let run = 0; run < runs; run++) {
    const { context, page } = await openReadyPage(browser, server.url + '/', { settleMs: 1500 });
    const before = sample();
    const latest = new Map(before);
    const sampler = setInterval(() => {
      for (const [k, v] of sample()) latest.set(k, v);
    }, 40);
    const loaded = page.evaluate(reportShown);
    const started = Date.now();
    await page.setInputFiles('#file-input', files);
    await loaded;
    wallTotal += Date.now() - started;
    clearInterval(sampler);
    for (const [k, v] of sample()) latest.set(k, v);
    for (const [k, [ran, waited]] of latest) {
      const [ran0, waited0] = before.get(k) || [0, 0];
      const kind = k.split('\t')[0];
      const sum = totals.get(kind) || [0, 0];
      totals.set(kind, [sum[0] + ran - ran0, sum[1] + waited - waited0]);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const ms = (ns) => (ns / runs / 1e6).toFixed(0).padStart(6);
let ran = 0;
for (const [r] of totals.values()) ran += r;
console.log(`${files.join(' ')}: ${runs} loads, mean wall ${(wallTotal / runs).toFixed(0)} ms, CPU ${ms(ran).trim()} ms per load`);
for (const [kind, [r, w]] of [...totals].sort((a, b) => b[1][0] - a[1][0])) {
  if (r / runs < 2e6) continue;
  console.log(`${ms(r)} ms ran, ${ms(w)} ms waited for a core  ${kind}`);
}
