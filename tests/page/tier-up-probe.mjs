// Which wasm functions V8 optimizes (TurboFan) during a load rather than before it. Each is
// compile CPU taken from the load on the cores it needs, for a call that has already run
// unoptimized (wasm has no on-stack replacement), which the page's warm-ups (worker.js:
// WARM_UP_MESSAGES, DEEP_WARM_UP_MESSAGES, DEEP_WARM_UP_ROUNDS) are there to prevent. Loads
// FILE in headless Chromium started with --trace-wasm-compilation-times, once the page is
// ready and SETTLE ms more have passed (the warm-ups), RUNS times, and prints per run the
// compile time spent during the load, then the functions (named from the module's name
// section) by compile time per load.
//   node tests/page/tier-up-probe.mjs FILE [--runs N] [--settle MS] [--root DIR]
import { readFileSync } from 'node:fs';
import path from 'node:path';

// Chromium's output reaches this script only as Playwright's debug log of the browser
// (stderr), which Playwright sets up when it is imported: hence DEBUG first, then the import.
process.env.DEBUG = 'pw:browser';
process.env.CHROMIUM_EXTRA = [process.env.CHROMIUM_EXTRA, '--js-flags=--trace-wasm-compilation-times'].filter(Boolean).join(' ');
const { serve, launchChromium, openReadyPage, WWW } = await import('./server.mjs');
const { reportShown } = await import('./probes.mjs');

const args = process.argv.slice(2);
let runs = 3;
let settleMs = 1000;
let root = WWW;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--settle') settleMs = Number(args[++i]);
  else if (args[i] === '--root') root = path.resolve(args[++i]);
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node tier-up-probe.mjs FILE... [--runs N] [--settle MS] [--root DIR]');
  process.exit(2);
}

/** Function names by index, from the wasm name section (function names subsection). */
function functionNames(bytes) {
  const names = new Map();
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
  };
  const text = (len) => new TextDecoder().decode(bytes.subarray(at, (at += len)));
  while (at < bytes.length) {
    const id = bytes[at++];
    const end = leb() + at;
    if (id === 0 && text(leb()) === 'name') {
      while (at < end) {
        const sub = bytes[at++];
        const subEnd = leb() + at;
        if (sub === 1) for (let n = leb(); n > 0; n--) names.set(leb(), text(leb()));
        at = subEnd;
      }
    }
    at = end;
  }
  return names;
}
const names = functionNames(readFileSync(path.join(root, 'pkg/qunlens_bg.wasm')));

// "Compiled function 0x…#INDEX using TurboFan, took MICROSECONDS μs …", on Chromium's stdout;
// the rest of the browser's log is dropped.
let loading = false;
const compiled = [];
const writeStderr = process.stderr.write.bind(process.stderr);
process.stderr.write = (chunk, ...rest) => {
  const text = String(chunk);
  if (!text.includes('pw:browser')) return writeStderr(chunk, ...rest);
  for (const m of text.matchAll(/#(\d+) using TurboFan, took (\d+)/g)) {
    if (loading) compiled.at(-1).push([Number(m[1]), Number(m[2]) / 1000]);
  }
  return true;
};
const server = await serve(root);
const browser = await launchChromium();
try {
  for (let run = 0; run < runs; run++) {
    const { context, page } = await openReadyPage(browser, server.url + '/', { settleMs });
    compiled.push([]);
    const loaded = page.evaluate(reportShown);
    loading = true;
    await page.setInputFiles('#file-input', files);
    await loaded;
    // Chromium's output arrives through a pipe: give the last lines time to.
    await page.waitForTimeout(200);
    loading = false;
    const ms = compiled.at(-1).reduce((sum, [, t]) => sum + t, 0);
    console.log(`load ${run + 1}: ${compiled.at(-1).length} functions optimized during the load, ${ms.toFixed(1)} ms of compiling`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const perFunction = new Map();
for (const [index, ms] of compiled.flat()) perFunction.set(index, (perFunction.get(index) || 0) + ms);
for (const [index, ms] of [...perFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`  ${(ms / runs).toFixed(1).padStart(6)} ms  ${names.get(index) ?? `#${index}`}`);
}
