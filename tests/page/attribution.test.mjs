// Attribution view: the sample's SDR table and model comparison on screen equal the report;
// changing the conversion step, the lookback and the U-shaped weights recomputes in the worker
// from the cached journeys (no re-reading); the Sankey is drawn; Chinese labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, waitForReport, shot, num } from './harness.mjs';

useBrowser();

const comparison = (page) => page.$$eval('#attr-comparison tbody tr', (trs) => trs.map((tr) => [tr.dataset.key, [...tr.querySelectorAll('td.num')].slice(0, -1).map((td) => td.textContent)]));
const headers = (page) => page.$$eval('#attr-comparison thead th[data-model]', (ths) => ths.map((th) => th.dataset.model));
const round2 = (x) => Math.round(x * 100) / 100;

async function open(locale) {
  const { page, finish } = await openPage(locale);
  await page.evaluate(() => { localStorage.removeItem('qunlens.attribution'); localStorage.removeItem('qunlens.attribution.view'); });
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-attribution').click();
  return { page, finish, report };
}

test('attribution: sample SDR table and model comparison equal the report; settings recompute', async () => {
  const { page, finish, report } = await open('en-US');
  const a = report.attribution;
  assert.equal(a.settings.conversion, 'won');
  assert.ok(a.conversions > 0 && a.revenue > 0, 'the sample has won deals');

  // SDR table = report.attribution.sdr.
  const sdr = await page.$$eval('#attr-sdr tbody tr', (trs) => trs.map((tr) => [tr.dataset.sdr, ...[...tr.querySelectorAll('td.num')].map((td) => td.textContent)]));
  assert.deepEqual(sdr.map(([s, ...v]) => [s, ...v.map(num)]), a.sdr.map((r) => [r.sdr, r.invited, r.owned_conversions, round2(r.conversions), round2(r.revenue)]));
  assert.ok(a.sdr.length >= 2, 'the sample has SDRs');

  // Model comparison (groups, conversions, the default models) = report.attribution.comparison.
  const shown = await headers(page);
  assert.ok(shown.includes('markov') && shown.includes('linear') && shown.includes('first_touch'));
  const index = shown.map((m) => a.models.findIndex((x) => x.name === m));
  const want = a.comparison.filter((c) => c.dimension === 'group').map((c) => [c.key, index.map((i) => (c.conversions[i] == null ? '' : round2(c.conversions[i])))]);
  const got = (await comparison(page)).map(([k, v]) => [k, v.map((x) => (x === '' ? '' : num(x)))]);
  assert.deepEqual(got, want);
  assert.ok(want.length >= 2, 'several groups credited');
  assert.ok(await page.locator('#attr-chart canvas').count() > 0, 'comparison chart drawn');
  assert.ok(await page.locator('#attr-sankey canvas').count() > 0, 'Sankey drawn');
  await shot(page, 'attribution-en.png');

  // The SDR dimension and revenue: also equal to the report.
  await page.locator('#attr-dimension').selectOption('sdr');
  await page.locator('#attr-metric').selectOption('revenue');
  const sdrIndex = (await headers(page)).map((m) => a.models.findIndex((x) => x.name === m));
  assert.ok(sdrIndex.includes(a.models.findIndex((x) => x.name === 'sdr_rule')), 'the SDR rule shows for SDRs');
  assert.ok(!index.includes(a.models.findIndex((x) => x.name === 'sdr_rule')), 'and not for groups');
  const sdrWant = a.comparison.filter((c) => c.dimension === 'sdr').map((c) => [c.key, sdrIndex.map((i) => (c.revenue[i] == null ? '' : round2(c.revenue[i])))]);
  const sdrGot = (await comparison(page)).map(([k, v]) => [k, v.map((x) => (x === '' ? '' : num(x)))]);
  assert.deepEqual(sdrGot, sdrWant);
  // Hiding a model removes its column.
  await page.locator('#attr-models input[data-model="markov"]').uncheck();
  assert.ok(!(await headers(page)).includes('markov'));

  // Settings: conversion = lead, then a 30-day lookback: worker recomputes, no new load.
  const loads = await page.evaluate(() => performance.getEntriesByName('qunlens:load').length);
  await page.locator('#attr-conversion').selectOption('lead');
  await page.waitForFunction(() => Number(document.getElementById('attribution-view').dataset.recompute) >= 1);
  const leadSummary = await page.locator('#attr-summary').textContent();
  await page.locator('#attr-lookback').fill('30');
  await page.locator('#attr-lookback').dispatchEvent('change');
  await page.waitForFunction(() => Number(document.getElementById('attribution-view').dataset.recompute) >= 2);
  assert.equal(await page.evaluate(() => performance.getEntriesByName('qunlens:load').length), loads, 'no new load');
  console.log(`attribution recompute round trip ${await page.locator('#attribution-view').getAttribute('data-recompute-ms')} ms (worker ${await page.locator('#attribution-view').getAttribute('data-worker-ms')} ms)`);

  // A fresh page with the saved settings gives the same section.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.locator('#sample-button').click();
  const full = await waitForReport(page);
  assert.equal(full.attribution.settings.conversion, 'lead');
  assert.equal(full.attribution.settings.lookback_days, 30);
  await page.locator('#tab-attribution').click();
  assert.ok(leadSummary.startsWith(`${full.attribution.conversions.toLocaleString("en-US")} people reached “Lead”`), leadSummary);
  await page.evaluate(() => { localStorage.removeItem('qunlens.attribution'); localStorage.removeItem('qunlens.attribution.view'); });
  await finish();
});

test('attribution: Chinese labels', async () => {
  const { page, finish } = await open('zh-CN');
  assert.equal(await page.locator('#tab-attribution').textContent(), '归因');
  assert.equal(await page.locator('#attr-comparison thead th[data-model="markov"]').textContent(), '马尔可夫');
  assert.ok((await page.locator('#attr-sdr tbody').textContent()).includes('社群运营'));
  await shot(page, 'attribution-zh.png');
  await finish();
});
