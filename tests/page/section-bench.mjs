// Section recompute benchmark in headless Chromium: loads FILE(s) once through the page, opens
// the section's tab, then changes one setting N times and reports the worker's recompute time
// (Analyzer.leaderboard_json / funnel_json: from the cached model, plus JSON) and the round
// trip including the table and chart render.
//   leaderboard: a rule value changes;  funnel: the conversion window changes (5 steps)
//   node section-bench.mjs [--section leaderboard|funnel] FILE... [--runs N]
import { serve, launchChromium } from './server.mjs';

const args = process.argv.slice(2);
let runs = 10;
let section = 'leaderboard';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--section') section = args[++i];
  else files.push(args[i]);
}
if (!files.length || !['leaderboard', 'funnel'].includes(section)) {
  console.error('usage: node section-bench.mjs [--section leaderboard|funnel] FILE... [--runs N]');
  process.exit(2);
}
/** The tab, the input changed per run, the view and its data attribute counting recomputes. */
const SECTIONS = {
  leaderboard: { tab: '#tab-leaderboard', input: '#lb-rule-discussion', value: (i) => String(5 + i), view: 'leaderboard-view', seq: 'rerank', ms: 'rerankMs', store: 'qunlens.leaderboard' },
  funnel: { tab: '#tab-funnel', input: '#funnel-window', value: (i) => String(30 + i), view: 'funnel-view', seq: 'recompute', ms: 'recomputeMs', store: 'qunlens.funnel',
    setup: { steps: ['invited', 'joined', 'active', 'lead', 'won'] } },
};
const s = SECTIONS[section];
const server = await serve();
const browser = await launchChromium();
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url + '/');
  await page.evaluate(([key, setup]) => (setup ? localStorage.setItem(key, JSON.stringify(setup)) : localStorage.removeItem(key)), [s.store, s.setup]);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  const t0 = Date.now();
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && window.__qunlensReport, null, { timeout: 600_000, polling: 50 });
  const messages = await page.evaluate(() => window.__qunlensReport.inputs.reduce((n, i) => n + i.messages, 0));
  console.log(`loaded ${messages} messages in ${((Date.now() - t0) / 1000).toFixed(2)} s (includes the first classification)`);
  await page.locator(s.tab).click();
  const worker = [];
  const roundTrip = [];
  for (let i = 1; i <= runs; i++) {
    // Exactly one change event per run (as a user's edit gives).
    const ref = { view: s.view, seq: s.seq };
    const before = await page.evaluate((v) => document.getElementById(v.view).dataset[v.seq] || '0', ref);
    await page.locator(s.input).evaluate((e, v) => { e.value = v; e.dispatchEvent(new Event('change')); }, s.value(i));
    await page.waitForFunction(([v, b]) => (document.getElementById(v.view).dataset[v.seq] || '0') !== b, [ref, before], { timeout: 60_000 });
    const d = await page.evaluate((v) => ({ ...document.getElementById(v.view).dataset }), ref);
    worker.push(Number(d.workerMs));
    roundTrip.push(Number(d[s.ms]));
  }
  console.log(`${section} recompute after a settings change, ${runs} runs: worker (${section}_json) median ${median(worker)} ms, max ${Math.max(...worker)} ms; ` +
    `round trip incl. table + chart render median ${median(roundTrip)} ms, max ${Math.max(...roundTrip)} ms`);
  await page.evaluate((key) => localStorage.removeItem(key), s.store);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
