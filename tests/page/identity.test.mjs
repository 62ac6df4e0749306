// The Identity / 身份匹配 tab: chats + CRM exports (GBK CSV, real .xlsx) + roster + SDR log
// dropped together; the counts on screen equal the report's (and the hand-worked numbers of
// tests/identity.rs); an ambiguous record is settled in the page, the override persists in
// localStorage and recomputes the report without reading the files again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBrowser, openPage, waitForReport, num, shot, HERE } from './harness.mjs';

useBrowser();

const CRM = path.join(HERE, '..', 'fixtures', 'crm');
const FILES = [
  '财税交流群_utf8.csv', '产品交流群_utf8.csv', 'fxiaoke_leads_gbk.csv', 'hubspot_contacts.csv',
  'salesforce_leads.csv', 'wecom_customers.xlsx', 'roster.csv', 'sdr_log.csv',
].map((f) => path.join(CRM, f));

async function countsOnScreen(page) {
  const out = {};
  for (const row of await page.locator('#identity-counts tbody tr').all()) {
    const source = await row.getAttribute('data-source');
    const cell = async (k) => num(await row.locator(`td.${k}`).textContent());
    out[source] = { records: await cell('records'), matched: await cell('matched'), ambiguous: await cell('ambiguous'), unmatched: await cell('unmatched') };
  }
  return out;
}

const fromReport = (report) => Object.fromEntries(report.identity.sources.map((s) =>
  [s.source, { records: s.records, matched: s.matched, ambiguous: s.ambiguous, unmatched: s.unmatched }]));

test('identity tab: match counts on screen equal the report, and an override recomputes', async () => {
  const { page, finish } = await openPage('en-US');
  await page.setInputFiles('#file-input', FILES);
  let report = await waitForReport(page);
  assert.equal(report.inputs.filter((i) => i.error).length, 0);
  assert.deepEqual(fromReport(report), {
    crm: { records: 13, matched: 5, ambiguous: 4, unmatched: 4 },
    roster: { records: 6, matched: 5, ambiguous: 0, unmatched: 1 },
    sdr_log: { records: 2, matched: 2, ambiguous: 0, unmatched: 0 },
  });
  await page.locator('#tab-identity').click();
  assert.equal(num(await page.locator('#tab-identity .count').textContent()), 21);
  assert.deepEqual(await countsOnScreen(page), fromReport(report));
  assert.equal(await page.locator('#identity-list tbody tr.identity-row').count(), 4, 'ambiguous list first');
  const xiaoli = page.locator('#identity-list tr.identity-row[data-record="fxiaoke_leads_gbk.csv#6"]');
  assert.match(await xiaoli.textContent(), /wechat:wxid_xiaoli1.*wechat:wxid_xiaoli2/);
  await shot(page, 'identity-1-ambiguous.png');

  // Settle it: the 小李 lead is the one in 产品交流群.
  await xiaoli.locator('select.identity-choice').selectOption('wechat:wxid_xiaoli2');
  await page.waitForFunction(() => window.__qunlensReport.identity.overrides_applied === 1, null, { timeout: 30_000 });
  report = await waitForReport(page);
  assert.deepEqual(fromReport(report).crm, { records: 13, matched: 6, ambiguous: 3, unmatched: 4 });
  assert.deepEqual(await countsOnScreen(page), fromReport(report));
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('qunlens.identityOverrides')));
  assert.deepEqual(saved, [{ source: 'crm', record: 'fxiaoke_leads_gbk.csv#6', member: 'wechat:wxid_xiaoli2' }]);
  assert.equal(report.members.find((m) => m.id === 'wechat:wxid_xiaoli2').crm_record, 'fxiaoke_leads_gbk.csv#6');

  // The matched list shows what matched and why.
  await page.locator('#identity-lists [data-list="matched"]').click();
  const wang = page.locator('#identity-list tr.identity-row[data-record="fxiaoke_leads_gbk.csv#3"]');
  assert.match(await wang.textContent(), /王芳🌸 \(wechat:wxid_wangfang1\).*phone.*0\.95/);
  await shot(page, 'identity-2-matched.png');
  await finish();
});

test('identity tab in Chinese, with the sample data', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-identity').click();
  assert.equal(await page.locator('#tab-identity [data-i18n]').textContent(), '身份匹配');
  assert.deepEqual(await countsOnScreen(page), fromReport(report));
  const crm = report.identity.sources.find((s) => s.source === 'crm');
  assert.ok(crm.matched > 0 && crm.ambiguous > 0 && crm.unmatched > 0, JSON.stringify(crm));
  await shot(page, 'identity-3-sample-zh.png');
  await finish();
});
