// Shareable reports: the full report downloads as JSON equal to the page's report, and the
// single-file HTML report opens from file:// in a fresh browser context, fetches nothing, and
// shows the leaderboard (same members and points) and the funnel with charts as images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { useBrowser, openPage, waitForReport, num, browserOf } from './harness.mjs';

useBrowser();

test('report files: JSON and a single-file HTML report that opens offline', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);

  const [json] = await Promise.all([page.waitForEvent('download'), page.locator('#report-json').click()]);
  assert.deepEqual(JSON.parse(await readFile(await json.path(), 'utf8')), report);

  const [html] = await Promise.all([page.waitForEvent('download'), page.locator('#report-html').click()]);
  const dir = await mkdtemp(path.join(tmpdir(), 'qunlens-html-'));
  const file = path.join(dir, html.suggestedFilename());
  await copyFile(await html.path(), file);
  assert.match(html.suggestedFilename(), /^qunlens-report-\d{4}-\d{2}-\d{2}\.html$/);
  // The page still works after the export (the visible tab is drawn again).
  assert.ok(await page.locator('#tab-groups').isVisible());
  await finish();

  // Open it by "double-click": file://, a fresh context, and record every request.
  const context = await browserOf().newContext();
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const offline = await context.newPage();
  await offline.goto(pathToFileURL(file).href);
  assert.equal(await offline.locator('h1').textContent(), '社群运营报告');
  const rows = await offline.$$eval('#report-leaderboard #lb-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.member, tr.querySelector('[data-col="points"]').textContent]));
  assert.deepEqual(rows.map(([m, p]) => [m, num(p)]), report.leaderboard.entries.map((e) => [e.member, e.points]));
  const counts = await offline.$$eval('#report-funnel #funnel-table tbody [data-col="count"]', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(counts.map(num), report.funnel.steps.map((s) => s.count));
  const sdrs = await offline.$$eval('#report-attribution #attr-sdr tbody tr', (trs) => trs.map((tr) => tr.dataset.sdr));
  assert.deepEqual(sdrs, report.attribution.sdr.map((s) => s.sdr), 'the attribution SDR table is in the report');
  const images = await offline.$$eval('img.chart-img', (imgs) => imgs.map((i) => [i.src.slice(0, 22), i.naturalWidth]));
  assert.ok(images.length >= 4, `charts inlined: ${images.length}`);
  assert.ok(images.every(([src, w]) => src === 'data:image/png;base64,' && w > 0), 'every chart is an inline PNG');
  assert.equal(await offline.locator('button, input, select, script').count(), 0, 'static: no controls, no scripts');
  // The page's styles come along (taken from its loaded sheet: the export fetches nothing).
  assert.equal(await offline.$eval('#report-funnel', (s) => getComputedStyle(s).borderTopStyle), 'solid', 'styled as on the page');
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), [], 'nothing fetched');
  await context.close();
});
