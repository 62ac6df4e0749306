// Leaderboard view: the sample's leaderboard on screen equals the report; changing a rule
// value re-ranks in the worker (no re-reading) and gives what a full report with that rule
// gives; the table exports as CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, openPage, waitForReport, shot, num } from './harness.mjs';

useBrowser();

const rows = (page) => page.$$eval('#lb-table tbody tr', (trs) => trs.map((tr) => ({
  member: tr.dataset.member,
  rank: Number(tr.querySelector('[data-col="rank"]').textContent),
  points: tr.querySelector('[data-col="points"]').textContent,
})));
const expected = (entries) => entries.map((e) => ({ member: e.member, rank: e.rank, points: e.points }));

test('leaderboard: sample on screen equals the report; a rule change re-ranks', async () => {
  const { page, finish } = await openPage('en-US');
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-leaderboard').click();
  const lb = report.leaderboard;
  assert.ok(lb.entries.length >= 5, 'the sample has a leaderboard');
  assert.equal(lb.window.kind, 'month');
  const shown = (await rows(page)).map((r) => ({ ...r, points: num(r.points) }));
  assert.deepEqual(shown, expected(lb.entries));
  assert.match(await page.locator('#lb-semantics').textContent(), /1, 2, 2, 4/);
  // The first entry's breakdown lines read "count × value = points".
  const first = lb.entries[0];
  await page.locator('#lb-table tbody tr').first().locator('summary').click();
  const line = first.breakdown[0];
  assert.match(await page.locator(`#lb-table tbody tr >> nth=0 >> li[data-rule="${line.rule}"]`).textContent(), new RegExp(` ${line.count} × ${line.value} = ${line.points}`));
  assert.ok(await page.locator('#lb-chart canvas').count() > 0, 'bar chart drawn');

  // CSV export: a header and one line per entry.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#lb-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8'));
  assert.ok(lines.startsWith('\uFEFF'), 'CSV has a BOM');
  assert.equal(lines.split('\r\n').filter(Boolean).length, lb.entries.length + 1);

  // Joining a discussion is worth 50 now: re-ranked by the worker, not re-read.
  const readsBefore = await page.evaluate(() => performance.getEntriesByName('qunlens:load').length);
  await page.locator('#lb-rule-discussion').evaluate((e) => { e.value = '50'; e.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => document.getElementById('leaderboard-view').dataset.rerank === '1');
  const after = (await rows(page)).map((r) => ({ ...r, points: num(r.points) }));
  assert.notDeepEqual(after, shown, 'the ranking changed');
  assert.equal(await page.evaluate(() => performance.getEntriesByName('qunlens:load').length), readsBefore, 'no new load');
  const talker = lb.entries.find((e) => e.breakdown.some((l) => l.rule === 'discussion'));
  const talkerNow = after.find((r) => r.member === talker.member);
  assert.ok(talkerNow.points > talker.points, 'a discussion member gained points');
  console.log(`re-rank round trip ${await page.locator('#leaderboard-view').getAttribute('data-rerank-ms')} ms (worker ${await page.locator('#leaderboard-view').getAttribute('data-worker-ms')} ms)`);

  // A full report computed with the saved rule (fresh page, same browser storage) is the same ranking.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.locator('#sample-button').click();
  const full = await waitForReport(page);
  assert.equal(full.leaderboard.rules.points.discussion, 50);
  assert.deepEqual(expected(full.leaderboard.entries), after);
  // Ties share a rank and the next rank skips (standard competition ranking).
  full.leaderboard.entries.forEach((e, i, all) => {
    if (i === 0) return assert.equal(e.rank, 1);
    assert.equal(e.rank, all[i - 1].points === e.points ? all[i - 1].rank : i + 1);
  });
  await page.locator('#tab-leaderboard').click();
  await shot(page, 'leaderboard-en.png');
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await finish();
});

test('leaderboard: Chinese labels and a group filter', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-leaderboard').click();
  assert.equal(await page.locator('#tab-leaderboard').textContent(), '积分榜');
  assert.equal(await page.locator('#lb-table th[data-col="points"]').textContent(), '积分');
  const group = report.groups[0].id;
  await page.selectOption('#lb-group', group);
  await page.waitForFunction(() => document.getElementById('leaderboard-view').dataset.rerank === '1');
  assert.equal(await page.locator('#lb-group').inputValue(), group);
  const members = await page.$$eval('#lb-table tbody tr', (trs) => trs.map((tr) => tr.dataset.member));
  const inGroup = new Set(report.members.filter((m) => m.groups.some((g) => (g.id ?? g) === group)).map((m) => m.id));
  assert.ok(members.every((m) => inGroup.has(m)), 'only members of the group are ranked');
  await shot(page, 'leaderboard-zh.png');
  await page.evaluate(() => localStorage.removeItem('qunlens.leaderboard'));
  await finish();
});
