// Widgets: the example intranet page renders every widget from a report JSON (the built-in
// sample analysed in the page, then a report served by URL), follows the host page's language,
// isolates styles in shadow roots, trims the leaderboard to `top`, and reports member clicks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, shot, num } from './harness.mjs';

useBrowser();

const WIDGETS = ['w-leaderboard', 'w-funnel', 'w-attribution', 'w-health', 'w-activity', 'w-roles', 'w-identity'];

/** Text inside a widget's shadow root. */
const inside = (page, id, selector) => page.evaluate(([i, s]) => {
  const root = document.getElementById(i).shadowRoot;
  return [...root.querySelectorAll(s)].map((n) => n.textContent);
}, [id, selector]);

test('widgets: the example page renders every widget from the sample report', async () => {
  const { page, finish } = await openPage('en-US', 'widgets-example.html');
  const report = await page.evaluate(() => document.getElementById('w-leaderboard').report);
  for (const id of WIDGETS) {
    await page.waitForFunction((i) => document.getElementById(i).shadowRoot.querySelector('.widget-view')?.childElementCount > 0, id);
  }
  // Leaderboard: top 10 (ties at the boundary kept), the same members and points as the report.
  const rows = await page.evaluate(() => [...document.getElementById('w-leaderboard').shadowRoot.querySelectorAll('#lb-table tbody tr')]
    .map((tr) => [tr.dataset.member, tr.querySelector('[data-col="points"]').textContent]));
  const expected = report.leaderboard.entries.filter((e) => e.rank <= 10).map((e) => [e.member, e.points]);
  assert.deepEqual(rows.map(([m, p]) => [m, num(p)]), expected);
  // Funnel counts = the report's.
  const counts = await inside(page, 'w-funnel', '#funnel-table tbody [data-col="count"]');
  assert.deepEqual(counts.map(num), report.funnel.steps.map((s) => s.count));
  // Attribution, fixed to SDRs by its `dimension` attribute: the SDR credit table and the
  // comparison rows are the report's.
  const sdrs = await page.evaluate(() => [...document.getElementById('w-attribution').shadowRoot.querySelectorAll('#attr-sdr tbody tr')].map((tr) => tr.dataset.sdr));
  assert.deepEqual(sdrs, report.attribution.sdr.map((s) => s.sdr));
  const keys = await page.evaluate(() => [...document.getElementById('w-attribution').shadowRoot.querySelectorAll('#attr-comparison tbody tr')].map((tr) => tr.dataset.key));
  assert.deepEqual(keys, report.attribution.comparison.filter((c) => c.dimension === 'sdr').map((c) => c.key));
  // Charts drawn inside shadow roots (activity, health, funnel, attribution's Sankey).
  for (const id of ['w-activity', 'w-funnel', 'w-health', 'w-attribution']) {
    assert.ok((await page.evaluate((i) => document.getElementById(i).shadowRoot.querySelectorAll('canvas').length, id)) > 0, `${id} has a chart`);
  }
  // Styles are isolated: the host page's body font is not the widget's table style, and the
  // widget's stylesheet does not leak out (the host's h2 keeps its own size).
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.tile h2')).fontSize), '16px');
  // The host page is zh-CN: Chinese labels; switching the host to English re-renders.
  assert.equal((await inside(page, 'w-funnel', '#funnel-table th[data-col="count"]'))[0], '人数');
  await page.locator('#lang-en').click();
  await page.waitForFunction(() => document.getElementById('w-funnel').shadowRoot.querySelector('#funnel-table th[data-col="count"]')?.textContent === 'People');
  // A click on a member row is an event the host page hears.
  await page.evaluate(() => document.getElementById('w-leaderboard').shadowRoot.querySelector('#lb-table tbody tr [data-col="member"]').click());
  assert.equal(await page.locator('#last-member').textContent(), expected[0][0]);
  await shot(page, 'widgets-example.png');
  await finish();
});

test('widgets: a report by URL (src attribute)', async () => {
  const { page, finish } = await openPage('zh-CN', 'widgets-example.html');
  const report = await page.evaluate(() => document.getElementById('w-leaderboard').report);
  report.leaderboard.entries = report.leaderboard.entries.slice(0, 3);
  await page.route('**/team-report.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(report) }));
  await page.goto(page.url().replace(/\?.*$/, '') + '?src=team-report.json');
  await page.waitForFunction(() => document.getElementById('w-leaderboard').shadowRoot.querySelectorAll('#lb-table tbody tr').length === 3, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.getElementById('w-funnel').shadowRoot.querySelectorAll('#funnel-table tbody tr').length > 0);
  await finish();
});
