// International exports in the page: one file of each format, uploaded together, read in the
// worker; the inputs, groups and members on screen carry the hand-checked numbers of the
// golden tests (tests/ingest_*.rs), Telegram's repaired escapes show as a note, and skipped rows
// say why in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useBrowser, openPage, waitForReport, groupRows, shot, num, HERE } from './harness.mjs';

useBrowser();

const FIX = path.join(HERE, '..', 'fixtures');
const FILES = {
  'whatsapp-txt': path.join(FIX, 'whatsapp', '与跨境客户群的 WhatsApp 聊天.txt'),
  'whatsapp-zip': path.join(HERE, 'fixtures', 'WhatsApp Chat - Lappers.zip'),
  'telegram-json': path.join(FIX, 'telegram', 'result.json'),
  discord: path.join(FIX, 'discord', 'Growth Srv - general [770000000000000001].json'),
  'slack-zip': path.join(FIX, 'slack', 'slack-export-viewer_testarchive.zip'),
  'weflow-json': path.join(FIX, 'wechat4', 'weflow_group.json'),
  chatlog: path.join(FIX, 'wechat4', 'chatlog_group.csv'),
  chatlab: path.join(FIX, 'wechat4', 'chatlab_group.json'),
};

// file -> [format, messages, skipped]
const INPUTS = [
  ['与跨境客户群的 WhatsApp 聊天.txt', 'whatsapp-txt', 11, 0],
  ['WhatsApp Chat - Lappers.zip', 'whatsapp-txt', 11, 0],
  ['result.json', 'telegram-json', 16, 1],
  ['Growth Srv - general [770000000000000001].json', 'discord', 8, 1],
  ['slack-export-viewer_testarchive.zip', 'slack-zip', 158, 0],
  ['weflow_group.json', 'weflow-json', 11, 1],
  ['chatlog_group.csv', 'chatlog', 5, 1],
  ['chatlab_group.json', 'chatlab', 6, 1],
];

// group id -> [members, speakers, messages]
const GROUPS = {
  'whatsapp:跨境客户群': [4, 3, 11],
  'whatsapp:Lappers': [3, 2, 11],
  'telegram:1001': [4, 4, 11],
  'telegram:2': [2, 2, 3],
  'telegram:3003': [2, 1, 2],
  'discord:770000000000000001': [4, 4, 8],
  'slack:C0JGLMMNX': [6, 6, 102],
  'slack:C0JL6CGQ2': [5, 4, 56],
  'wechat:34567890123@chatroom': [4, 3, 11],
  'wechat:56789012345@chatroom': [4, 3, 6],
  'wechat:67890123456@chatroom': [2, 2, 5],
};

test('one file of each international format: inputs, groups and members on screen', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.setInputFiles('#file-input', Object.values(FILES));
  const report = await waitForReport(page);

  await page.locator('#tab-inputs').click();
  for (const [file, format, messages, skipped] of INPUTS) {
    const row = page.locator('#inputs-table tr.input-row', { has: page.locator('td.file', { hasText: file }) });
    assert.equal(await row.count(), 1, file);
    assert.equal(await row.locator('td').nth(1).textContent(), format, `${file} format`);
    assert.equal(num(await row.locator('[data-col="messages"]').textContent()), messages, `${file} messages`);
    assert.equal(num(await row.locator('[data-col="skipped"]').textContent()), skipped, `${file} skipped`);
  }
  // Telegram's two invalid \xNN escapes were repaired: a note, in Chinese, not a skipped row.
  assert.match(await page.locator('#inputs-table .input-note').first().textContent(), /已修复 2 处无效的 \\xNN 转义/);
  // Skipped rows in Chinese too: the sentence for each skip's code, with its detail (the core's
  // reason is English), one per skip, in the report's order.
  const shown = {
    'result.json': '没有时间（#11 of chat "Growth Club": date）',
    'Growth Srv - general [770000000000000001].json': '没有时间（#9: timestamp）',
    'weflow_group.json': '没有时间（createTime）',
    'chatlog_group.csv': '时间无法识别：Time "昨天"',
    'chatlab_group.json': '没有时间（timestamp）',
  };
  const skipping = report.inputs.filter((i) => i.skipped.length);
  assert.deepEqual(await page.locator('#inputs-table .skip-reason').allTextContents(), skipping.map((i) => shown[i.file]),
    skipping.map((i) => `${i.file}: ${i.skipped[0].reason}`).join('\n'));
  await shot(page, 'intl-inputs.png');

  await page.locator('#tab-groups').click();
  const rows = await groupRows(page);
  assert.deepEqual(rows.map((r) => r.id).sort(), Object.keys(GROUPS).sort());
  for (const { id, cells } of rows) {
    assert.deepEqual([num(cells.members), num(cells.speakers), num(cells.messages)], GROUPS[id], id);
  }
  await shot(page, 'intl-groups.png');

  await page.locator('#tab-members').click();
  assert.equal(num(await page.locator('#tab-members .count').textContent()), 32);
  assert.equal(report.members.length, 32);
  await finish();
});
