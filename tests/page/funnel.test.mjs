// Funnel view: the sample's funnel on screen equals the report (steps, conversions, the SDR
// breakdown and the SDR funnel); editing the steps recomputes in the worker from the cached
// journeys (no re-reading) and equals a fresh report with those settings; drop-offs export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, openPage, waitForReport, shot, num } from './harness.mjs';

useBrowser();

const stepRows = (page) => page.$$eval('#funnel-table tbody tr', (trs) => trs.map((tr) => ({
  name: tr.dataset.step,
  count: tr.querySelector('[data-col="count"]').textContent,
  from_previous: tr.querySelector('[data-col="from_previous"]').textContent,
})));
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const expected = (f) => f.steps.map((s) => ({ name: s.name, count: s.count, from_previous: pct(s.conversion_from_previous) }));

test('funnel: sample on screen equals the report; editing steps recomputes without re-reading', async () => {
  const { page, finish } = await openPage('en-US');
  await page.evaluate(() => localStorage.removeItem('qunlens.funnel'));
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-funnel').click();
  const f = report.funnel;
  assert.deepEqual(f.steps.map((s) => s.name), ['invited', 'joined', 'active', 'lead', 'mql', 'sql', 'opportunity', 'won']);
  assert.ok(f.steps[0].count > 100 && f.steps.at(-1).count > 0, 'the sample reaches won');
  const shown = (await stepRows(page)).map((r) => ({ ...r, count: num(r.count) }));
  assert.deepEqual(shown, expected(f));
  assert.ok(await page.locator('#funnel-chart canvas').count() > 0, 'funnel chart drawn');

  // The breakdown by SDR / owner is the default and equals the report.
  assert.equal(await page.locator('#funnel-breakdown').getAttribute('data-dimension'), 'owner');
  const owners = f.breakdowns.find((b) => b.dimension === 'owner').values;
  const ownerRows = await page.$$eval('#funnel-breakdown tbody tr', (trs) => trs.map((tr) => [tr.dataset.key, [...tr.querySelectorAll('td.num')].slice(0, -1).map((td) => td.textContent)]));
  assert.deepEqual(ownerRows.map(([k, c]) => [k, c.map(num)]), owners.map((v) => [v.key, v.counts]));
  // The SDR funnel totals.
  const sdr = await page.$$eval('#funnel-sdr tbody tr', (trs) => trs.map((tr) => [tr.dataset.sdr, tr.querySelector('[data-col="joined"]').textContent]));
  assert.deepEqual(sdr.map(([s, j]) => [s, num(j)]), f.sdr.totals.map((r) => [r.sdr, r.joined]));
  assert.ok(f.sdr.totals.length >= 2, 'the sample log has SDRs');
  await shot(page, 'funnel-en.png');

  // Drop the "invited" step and move "active" last: recomputed by the worker, not re-read.
  const readsBefore = await page.evaluate(() => performance.getEntriesByName('qunlens:load').length);
  await page.locator('#funnel-steps-editor li[data-step="invited"] button[aria-label="Remove"]').click();
  await page.waitForFunction(() => document.getElementById('funnel-view').dataset.recompute === '1');
  await page.locator('#funnel-mode').selectOption('any_order');
  await page.waitForFunction(() => document.getElementById('funnel-view').dataset.recompute === '2');
  const after = (await stepRows(page)).map((r) => ({ ...r, count: num(r.count) }));
  assert.equal(after[0].name, 'joined');
  assert.equal(await page.evaluate(() => performance.getEntriesByName('qunlens:load').length), readsBefore, 'no new load');
  console.log(`funnel recompute round trip ${await page.locator('#funnel-view').getAttribute('data-recompute-ms')} ms (worker ${await page.locator('#funnel-view').getAttribute('data-worker-ms')} ms)`);

  // Drop-off export: everyone who stopped before the chosen step, not just the listed ones.
  const chosen = await page.locator('#funnel-drop-step').inputValue();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#funnel-dropoff-csv').click()]);
  const text = await readFile(await csv.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'CSV has a BOM');

  // A fresh report with the saved settings gives the same numbers.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.locator('#sample-button').click();
  const full = await waitForReport(page);
  assert.equal(full.funnel.settings.mode, 'any_order');
  assert.deepEqual(expected(full.funnel).map((s) => ({ ...s, from_previous: undefined })), after.map((s) => ({ ...s, from_previous: undefined })));
  const dropped = full.funnel.steps.find((s) => s.name === chosen).dropped;
  assert.equal(text.split('\r\n').filter(Boolean).length, dropped + 1, 'one line per person who stopped');
  await page.evaluate(() => localStorage.removeItem('qunlens.funnel'));
  await finish();
});

test('funnel: Chinese labels', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.evaluate(() => localStorage.removeItem('qunlens.funnel'));
  await page.locator('#sample-button').click();
  await waitForReport(page);
  await page.locator('#tab-funnel').click();
  assert.equal(await page.locator('#tab-funnel').textContent(), '漏斗');
  assert.equal(await page.locator('#funnel-table th[data-col="count"]').textContent(), '人数');
  assert.equal(await page.locator('#funnel-table tbody tr[data-step="joined"] [data-col="step"]').textContent(), '入群');
  assert.match(await page.locator('#funnel-semantics').textContent(), /转化窗口/);
  await shot(page, 'funnel-zh.png');
  await finish();
});

test('funnel: the chart downloads as PNG and SVG', async () => {
  const { page, finish } = await openPage('en-US');
  await page.evaluate(() => localStorage.removeItem('qunlens.funnel'));
  await page.locator('#sample-button').click();
  await waitForReport(page);
  await page.locator('#tab-funnel').click();
  await page.waitForFunction(() => document.querySelector('#funnel-chart canvas'));
  const box = page.locator('.chart-box', { has: page.locator('#funnel-chart') });
  const [png] = await Promise.all([page.waitForEvent('download'), box.locator('button[data-format="png"]').click()]);
  const bytes = await readFile(await png.path());
  assert.equal(png.suggestedFilename(), 'funnel-chart.png');
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  const [svg] = await Promise.all([page.waitForEvent('download'), box.locator('button[data-format="svg"]').click()]);
  const text = await readFile(await svg.path(), 'utf8');
  assert.match(text, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(text, /Joined/, 'the SVG carries the step labels as text');
  await finish();
});
