// Nothing leaves the browser: a full session — load, upload chats + CRM + roster + SDR log,
// every tab, recomputes, every kind of export, the HTML report — is recorded request by request.
// After the page has loaded there is no request at all (blob: and data: URLs are not requests
// to anyone): not even for the page's own scripts or styles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBrowser, openPage, waitForReport, HERE } from './harness.mjs';

useBrowser();

const CRM = path.join(HERE, '..', 'fixtures', 'crm');

test('a full session sends no user data anywhere', async () => {
  const { page, context, finish } = await openPage('zh-CN');
  const after = [];
  context.on('request', (r) => after.push({ url: r.url(), method: r.method(), body: r.postData() }));
  await page.setInputFiles('#file-input', [
    path.join(CRM, '财税交流群_utf8.csv'), path.join(CRM, '产品交流群_utf8.csv'), path.join(CRM, 'fxiaoke_leads_gbk.csv'),
    path.join(CRM, 'roster.csv'), path.join(CRM, 'sdr_log.csv'), path.join(CRM, 'wecom_customers.xlsx'),
  ]);
  const report = await waitForReport(page);
  assert.ok(report.identity.sources.some((s) => s.matched > 0), 'the files joined');
  for (const tab of ['inputs', 'groups', 'members', 'activity', 'roles', 'health', 'leaderboard', 'funnel', 'identity']) {
    await page.locator(`#tab-${tab}`).click();
  }
  // A recompute in the worker, then exports of each kind.
  await page.locator('#tab-funnel').click();
  await page.locator('#funnel-mode').selectOption('any_order');
  await page.waitForFunction(() => document.getElementById('funnel-view').dataset.recompute);
  const downloads = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  for (const id of ['#funnel-steps-csv', '#funnel-steps-xlsx', '#report-json', '#report-html']) {
    await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
  }
  await page.locator('#tab-members').click();
  await Promise.all([page.waitForEvent('download'), page.locator('#members-xlsx').click()]);
  assert.equal(downloads.length, 5);
  // None at all: the HTML report's styles come from the loaded sheet (and parse workers
  // started after load from blob: copies, see parallel.test.mjs for a load that needs them).
  const network = after.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  assert.deepEqual(network, [], 'no request after load but blob: and data: URLs');
  await page.evaluate(() => localStorage.removeItem('qunlens.funnel'));
  await finish();
});
