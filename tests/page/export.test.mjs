// Table exports: the members table downloads as CSV (UTF-8 with BOM, every filtered row, not
// just the visible page) and as .xlsx, both written by the wasm core in the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, openPage, waitForReport } from './harness.mjs';

useBrowser();

test('the members table exports as CSV with BOM and as xlsx', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-members').click();

  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#members-csv').click()]);
  assert.equal(csv.suggestedFilename(), '成员.csv');
  const bytes = await readFile(await csv.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
  const lines = bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean);
  assert.equal(lines[0], '昵称（含曾用名）,ID,所在群,消息数,最近发言,邀请人', 'Chinese headers as on screen');
  assert.equal(lines.length, report.members.length + 1, 'header + one line per member (all pages)');
  const top = [...report.members].sort((a, b) => b.messages - a.messages)[0];
  assert.ok(lines.some((l) => l.includes(`,${top.messages},`) && l.includes(top.name)), `the busiest member ${top.name} is in the CSV`);

  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('#members-xlsx').click()]);
  assert.equal(xlsx.suggestedFilename(), '成员.xlsx');
  const book = await readFile(await xlsx.path());
  assert.equal(book.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
  assert.ok(book.length > 2000);
  await finish();
});

test('export: a table without its own export (groups) downloads as shown, numbers as numbers', async () => {
  const { page, finish } = await openPage('en-US');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  await page.locator('#tab-groups').click();
  const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#groups-table-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8')).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  assert.equal(lines.length, report.groups.length + 1, 'a header and one line per group');
  const biggest = Math.max(...report.groups.map((g) => g.messages));
  assert.ok(biggest > 999 && lines.some((l) => l.split(',').includes(String(biggest))), 'message counts exported as plain numbers');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('#groups-table-xlsx').click()]);
  const bytes = await readFile(await xlsx.path());
  assert.deepEqual([...bytes.subarray(0, 2)], [0x50, 0x4b], 'an .xlsx (zip) file');
  await finish();
});
