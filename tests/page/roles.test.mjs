// Roles tab: the sample's role counts on screen equal the report's, the recommendation list
// is not empty (the sample has groups without KOLs or lecturers), and confirming a staff
// suggestion recomputes the report (without re-reading files) with that member left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, waitForReport, shot, num } from './harness.mjs';

useBrowser();

const ROLES = ['big_name', 'lecturer', 'kol', 'active', 'ordinary'];

async function roleRows(page) {
  return page.$$eval('#roles-groups tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.groupId,
    counts: Object.fromEntries([...tr.querySelectorAll('td')].filter((td) => td.querySelector('.count'))
      .map((td) => [td.dataset.col, td.querySelector('.count').textContent.trim()])),
    ranked: tr.querySelector('[data-col="ranked"]').textContent.trim(),
  })));
}

test('roles tab shows the report counts, recommendations and confirms staff', async () => {
  const { page, finish } = await openPage('en-US');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  assert.ok(report.roles.groups.length >= 5, 'one roles row per sample group');
  await page.locator('#tab-roles').click();
  const rows = await roleRows(page);
  assert.deepEqual(rows.map((r) => r.id), report.roles.groups.map((g) => g.id));
  for (const [i, g] of report.roles.groups.entries()) {
    for (const role of ROLES) assert.equal(num(rows[i].counts[role]), g.counts[role], `${g.name}.${role}`);
    assert.equal(num(rows[i].ranked), g.ranked);
    assert.equal(ROLES.reduce((n, r) => n + g.counts[r], 0), g.ranked, 'every non-staff member has one role');
  }
  // The sample has groups without any KOL: the recommendation list names them.
  const unbalanced = report.roles.groups.find((g) => g.counts.kol === 0 && g.ranked >= 20);
  assert.ok(unbalanced, 'the sample has an unbalanced group');
  const recs = page.locator('#roles-recommendations li');
  assert.ok(await recs.count() > 0, 'recommendations are listed');
  assert.equal(await recs.count(), report.roles.recommendations.length);
  const rec = page.locator(`#roles-recommendations li[data-code="lacking_kol"][data-group="${unbalanced.id}"]`);
  assert.match(await rec.textContent(), new RegExp(`${unbalanced.name} has 0 KOL`));
  // Sorting by the KOL column (descending) puts the group with most KOLs first.
  await page.locator('#roles-groups th[data-col="kol"] button').click();
  const sorted = (await roleRows(page)).map((r) => num(r.counts.kol));
  assert.deepEqual(sorted, [...sorted].sort((a, b) => b - a));
  // Member list: role + translated reason from the report.
  const first = report.roles.members[0];
  const firstRow = page.locator('#roles-members tbody tr').first();
  assert.equal(await firstRow.getAttribute('data-member-id'), first.id);
  assert.equal(await firstRow.locator('[data-col="role"]').textContent(), { big_name: 'Big name', lecturer: 'Lecturer', kol: 'KOL', active: 'Active', ordinary: 'Ordinary' }[first.role]);
  assert.ok((await page.locator('#roles-snapshots tbody tr').count()) === report.roles.transitions.snapshots.length);
  await shot(page, 'roles-en.png');

  // Confirming a staff suggestion: the member leaves the composition after a recompute.
  const suggestion = report.roles.staff_suggestions[0];
  assert.ok(suggestion, 'the sample has staff-like accounts (SDRs invite many people)');
  const before = report.roles.staff.length;
  await page.locator(`#roles-suggestions tr[data-member-id="${suggestion.id}"] .confirm-staff`).click();
  await page.waitForFunction((n) => window.__qunlensReport?.roles.staff.length > n, before, { timeout: 60_000 });
  const after = await waitForReport(page);
  assert.ok(after.roles.staff.some((s) => s.id === suggestion.id), 'now staff');
  assert.ok(!after.roles.staff_suggestions.some((s) => s.id === suggestion.id), 'no longer suggested');
  assert.ok(!after.roles.members.some((m) => m.id === suggestion.id), 'left out of member roles');
  assert.deepEqual(JSON.parse(await page.evaluate(() => localStorage.getItem('qunlens.roles'))).staff, [suggestion.id]);

  // Editable targets: a new KOL target changes the deviation the report computes.
  await page.locator('#roles-target-kol').fill('20');
  await page.locator('#roles-targets-apply').click();
  await page.waitForFunction(() => window.__qunlensReport?.roles.targets.kol === 20, null, { timeout: 60_000 });
  const retargeted = await waitForReport(page);
  const g0 = retargeted.roles.groups[0];
  assert.equal(g0.deviation.kol, Math.round((g0.shares.kol - 20) * 10) / 10);

  // Chinese.
  await page.selectOption('#lang-select', 'zh');
  assert.equal(await page.locator('#tab-roles').textContent(), '角色');
  assert.match(await page.locator('#roles-recommendations li').first().textContent(), /现有|已有/);
  await shot(page, 'roles-zh.png');
  await finish();
});
