// Health view: the sample's silent list and a group's response rate on screen equal the
// report; the threshold filter and the silent-members export work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, openPage, waitForReport, shot, num } from './harness.mjs';

useBrowser();

test('health: response rates, silent members and unanswered questions equal the report', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-health').click();
  const health = report.health;
  assert.ok(health.groups.length >= 5);

  // Every group's row: score, response rate and silent count as in the report.
  for (const g of health.groups) {
    const row = page.locator(`#health-groups tr[data-row-id="${g.id}"]`);
    assert.equal(num(await row.locator('[data-col="silent_members"]').textContent()), g.silent_members, g.name);
    const rate = g.response_rate == null ? '—' : `${(g.response_rate * 100).toFixed(1)}%`;
    assert.equal(await row.locator('[data-col="response_rate"]').textContent(), rate, g.name);
    assert.match(await row.locator('[data-col="score"]').textContent(), new RegExp(`^${g.score} `));
  }
  // Sorting by response rate (descending, then ascending).
  await page.locator('#health-groups th[data-col="response_rate"] button').click();
  const rates = await page.$$eval('#health-groups tbody td[data-col="response_rate"]', (tds) => tds.map((td) => parseFloat(td.textContent)));
  assert.deepEqual(rates, [...rates].sort((a, b) => b - a));

  // Silent members at the first threshold (7 days): the count and the first rows.
  const atSeven = health.members_silent.filter((s) => s.never_spoke || s.days_silent >= 7);
  assert.equal(await page.locator('#health-silent-count').textContent(), `${atSeven.length.toLocaleString('zh-CN')} 人`);
  const first = page.locator('#health-silent tbody tr').first();
  assert.equal(await first.getAttribute('data-member'), atSeven[0].member);
  // A stricter threshold lists fewer.
  await page.selectOption('#health-threshold', '90');
  const at90 = health.members_silent.filter((s) => s.never_spoke || s.days_silent >= 90);
  assert.equal(await page.locator('#health-silent-count').textContent(), `${at90.length.toLocaleString('zh-CN')} 人`);
  assert.ok(at90.length < atSeven.length);

  // One group's silent members on screen are exactly the report's, in its order (at 90 days).
  const shownGroup = at90[0].group;
  const onScreen = await page.$$eval(`#health-silent tbody tr[data-group="${shownGroup}"]`, (trs) => trs.map((tr) => tr.dataset.member));
  assert.deepEqual(onScreen, at90.filter((s) => s.group === shownGroup).map((s) => s.member).slice(0, onScreen.length));
  assert.ok(onScreen.length > 0);

  // The chosen group's joins by inviter and cohorts.
  const chosen = health.groups.find((g) => g.inviters.length) ?? health.groups[0];
  await page.selectOption('#health-group', chosen.id);
  assert.equal(await page.locator('#health-inviters tbody tr').count(), chosen.inviters.length);
  assert.equal(num(await page.locator('#health-inviters tbody tr').first().locator('td').nth(1).textContent()), chosen.inviters[0].joins);
  assert.equal(await page.locator('#health-cohorts tbody tr').count(), chosen.cohorts.length);
  assert.equal(await page.locator('#health-active').textContent(),
    `近 1 天发言：${chosen.dau.toLocaleString('zh-CN')} · 近 7 天：${chosen.wau.toLocaleString('zh-CN')} · 近 30 天：${chosen.mau.toLocaleString('zh-CN')}`);

  // The list exports as CSV with BOM, every row.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#health-silent-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8')).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines.length, at90.length + 1);

  // Unanswered questions are listed with their text.
  if (health.unanswered.length) {
    assert.equal(await page.locator('#health-unanswered li').first().locator('.skip-reason').textContent(), health.unanswered[0].text);
  }
  await shot(page, 'health-zh.png');
  await finish();
});
