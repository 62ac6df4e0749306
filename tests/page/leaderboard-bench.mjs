// Leaderboard re-rank benchmark in headless Chromium: loads FILE(s) once through the page,
// opens the Leaderboard tab, then changes a rule value N times and reports the worker's
// re-rank time (Analyzer.leaderboard_json: rule pass + JSON) and the round trip including
// the table and chart render.
//   node leaderboard-bench.mjs FILE... [--runs N]
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

const args = process.argv.slice(2);
let runs = 10;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node leaderboard-bench.mjs FILE... [--runs N]');
  process.exit(2);
}
const server = await serve();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url + '/');
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  const t0 = Date.now();
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && window.__qunlensReport, null, { timeout: 600_000, polling: 50 });
  const messages = await page.evaluate(() => window.__qunlensReport.inputs.reduce((n, i) => n + i.messages, 0));
  console.log(`loaded ${messages} messages in ${((Date.now() - t0) / 1000).toFixed(2)} s (includes the first classification)`);
  await page.locator('#tab-leaderboard').click();
  const worker = [];
  const roundTrip = [];
  for (let i = 1; i <= runs; i++) {
    // Exactly one change event per run (as a user's edit gives).
    await page.locator('#lb-rule-discussion').evaluate((e, v) => { e.value = v; e.dispatchEvent(new Event('change')); }, String(5 + i));
    await page.waitForFunction((n) => document.getElementById('leaderboard-view').dataset.rerank === String(n), i, { timeout: 60_000 });
    const d = await page.evaluate(() => ({ ...document.getElementById('leaderboard-view').dataset }));
    worker.push(Number(d.workerMs));
    roundTrip.push(Number(d.rerankMs));
  }
  console.log(`re-rank after a rule change, ${runs} runs: worker (leaderboard_json) median ${median(worker)} ms, max ${Math.max(...worker)} ms; ` +
    `round trip incl. table + chart render median ${median(roundTrip)} ms, max ${Math.max(...roundTrip)} ms`);
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
