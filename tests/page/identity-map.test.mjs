// A CRM sheet no preset knows (tests/fixtures/crm/house_leads.csv: 学员姓名 / 微信 / 联系号码 …)
// is refused, mapped in the page as "CRM records", read again without re-dropping, and joins
// the chats: the Identity tab counts equal the report and the hand-worked numbers of
// tests/crm_presets.rs (4 records: 张伟 by WeChat id, 刘洋 by nickname, 小李 ambiguous, 路人乙
// unmatched). The saved mapping is the CLI's config shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBrowser, openPage, waitForReport, num, shot, HERE } from './harness.mjs';

useBrowser();

const CRM = path.join(HERE, '..', 'fixtures', 'crm');
const FILES = ['财税交流群_utf8.csv', '产品交流群_utf8.csv', 'house_leads.csv'].map((f) => path.join(CRM, f));

test('a business file no preset knows is read after mapping it as CRM records', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.setInputFiles('#file-input', FILES);
  let report = await waitForReport(page);
  const house = () => report.inputs.find((i) => i.file === 'house_leads.csv');
  assert.equal(house().error_code, 'unknown_format');

  await page.locator('#tab-inputs').click();
  await page.locator('.map-button[data-file="house_leads.csv"]').click();
  await page.waitForSelector('#map-dialog[open]');
  assert.equal(await page.locator('#map-kind').inputValue(), 'messages');
  await page.selectOption('#map-kind', 'crm');
  assert.equal(await page.locator('#map-fields label').count(), 16, 'one select per CRM field');
  assert.match(await page.locator('#map-fields').textContent(), /微信号 \/ 企业微信外部联系人 ID/);
  await page.selectOption('#map-name', '学员姓名');
  await page.selectOption('#map-platform_id', '微信');
  await page.selectOption('#map-phone', '联系号码');
  await page.selectOption('#map-owner', '归属顾问');
  await page.selectOption('#map-stage', '意向等级');
  await page.selectOption('#map-created', '报名时间');
  await shot(page, 'identity-map-1-dialog.png');
  await page.locator('#map-save').click();
  await page.waitForFunction(() => window.__qunlensReport?.inputs.find((i) => i.file === 'house_leads.csv')?.format === 'crm-csv', null, { timeout: 30_000 });
  report = await waitForReport(page);
  assert.equal(house().rows, 4);
  assert.equal(house().notes[0].code, 'column_map');

  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('qunlens.columnMaps')));
  assert.deepEqual(saved, [{
    name: 'house_leads.csv', kind: 'crm',
    fields: { name: '学员姓名', platform_id: '微信', phone: '联系号码', owner: '归属顾问', stage: '意向等级', created: '报名时间' },
  }]);

  const crm = report.identity.sources.find((s) => s.source === 'crm');
  assert.deepEqual({ records: crm.records, matched: crm.matched, ambiguous: crm.ambiguous, unmatched: crm.unmatched },
    { records: 4, matched: 2, ambiguous: 1, unmatched: 1 });
  await page.locator('#tab-identity').click();
  const row = page.locator('#identity-counts tbody tr[data-source="crm"]');
  const cell = async (k) => num(await row.locator(`td.${k}`).textContent());
  assert.deepEqual([await cell('records'), await cell('matched'), await cell('ambiguous'), await cell('unmatched')], [4, 2, 1, 1]);
  assert.equal(report.members.find((m) => m.id === 'wechat:wxid_zhang').crm_record, 'house_leads.csv#2');
  await shot(page, 'identity-map-2-tab.png');
  await finish();
});
