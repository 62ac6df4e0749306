// Page benchmark (scripts/bench.sh): end to end in headless Chromium — file input, worker,
// wasm, report JSON on screen — for the given export file(s).
//   node bench.mjs FILE... [--runs N]
// Prints MB/s, messages/s, the time to the first progress message and the main thread's
// longest stall while the worker ran.
import { stat } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { installStallProbe } from './probes.mjs';

const args = process.argv.slice(2);
let runs = 3;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node bench.mjs FILE... [--runs N]');
  process.exit(2);
}
let bytes = 0;
for (const f of files) bytes += (await stat(f)).size;

const server = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
try {
  const results = [];
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(server.url + '/');
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    await page.evaluate(installStallProbe);
    await page.evaluate(() => {
      window.__firstProgress = 0;
      new MutationObserver(() => { window.__firstProgress ||= performance.now(); })
        .observe(document.getElementById('progress-bytes'), { childList: true, characterData: true, subtree: true });
    });
    const t0 = await page.evaluate(() => performance.now());
    await page.setInputFiles('#file-input', files);
    await page.waitForFunction(() => document.body.dataset.busy === 'false' && window.__qunlensReport, null, { timeout: 600_000, polling: 50 });
    const r = await page.evaluate((start) => {
      window.__stopTicks = true;
      const rep = window.__qunlensReport;
      return {
        ms: performance.now() - start,
        // From the app's own User Timing: file list handed over -> report rendered.
        appMs: performance.getEntriesByName('qunlens:load').at(-1)?.duration ?? NaN,
        firstProgressMs: window.__firstProgress ? window.__firstProgress - start : null,
        maxGap: Math.max(...window.__gaps),
        messages: rep.inputs.reduce((n, i) => n + i.messages, 0),
        members: rep.members.length,
        groups: rep.groups.length,
        errors: rep.inputs.filter((i) => i.error).map((i) => `${i.file}: ${i.error}`),
      };
    }, t0);
    results.push(r);
    console.log(`page run ${run + 1}: ${(r.ms / 1000).toFixed(3)} s (in-app ${(r.appMs / 1000).toFixed(3)} s), ${r.messages} messages, ${r.groups} groups, ${r.members} members, ` +
      `first progress after ${r.firstProgressMs?.toFixed(0)} ms, longest main-thread stall ${r.maxGap.toFixed(0)} ms`);
    for (const e of r.errors) console.log(`  error: ${e}`);
    await page.close();
  }
  const best = results.reduce((a, b) => (a.ms < b.ms ? a : b));
  const s = best.ms / 1000;
  const app = best.appMs / 1000;
  console.log(`page: ${(bytes / 1e6).toFixed(1)} MB, ${best.messages} messages, best of ${runs} ${s.toFixed(3)} s -> ` +
    `${(bytes / 1e6 / s).toFixed(0)} MB/s, ${(best.messages / s / 1e6).toFixed(2)} M messages/s ` +
    `(end to end from Playwright's setInputFiles: file input, worker, wasm, report JSON parsed and rendered)`);
  console.log(`page (in-app User Timing, files handed over -> report rendered): ${app.toFixed(3)} s -> ` +
    `${(bytes / 1e6 / app).toFixed(0)} MB/s, ${(best.messages / app / 1e6).toFixed(2)} M messages/s`);
} finally {
  await browser.close();
  await server.close();
}
