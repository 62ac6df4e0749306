// International exports in the page: one file of each format, uploaded together, read in the
// worker; the inputs, groups and members on screen carry the hand-checked numbers of the
// golden tests (tests/ingest_*.rs), Telegram's repaired escapes show as a note, and skipped rows
// say why in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    'result.json': '没有时间（"Growth Club" #11: date）',
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

test('a QQ NT chunked export chosen as a folder: chunks read into their chat, media not read, in Chinese', async () => {
  // The folder as QQ Chat Exporter leaves it: manifest.json, chunks/, and the media it copied.
  const dir = await mkdtemp(path.join(os.tmpdir(), '周末徒步群_chunked_jsonl-'));
  try {
    await cp(path.join(FIX, 'qq', 'qce_chunked'), dir, { recursive: true });
    await mkdir(path.join(dir, 'resources', 'images'), { recursive: true });
    await writeFile(path.join(dir, 'resources', 'images', 'doge.gif'), 'GIF89a');
    await writeFile(path.join(dir, 'resources', 'images', 'photo.JPG'), '\xff\xd8\xff');
    const { page, finish } = await openPage('zh-CN');
    await page.setInputFiles('#folder-input', dir);
    const report = await waitForReport(page);
    assert.deepEqual(report.inputs.map((i) => [i.file, i.messages, i.error_code]),
      [['c000001.jsonl', 6, null], ['c000002.jsonl', 4, null], ['c000003.jsonl', 2, null], ['manifest.json', 0, null]]);
    assert.deepEqual(report.groups.map((g) => [g.id, g.messages]), [['qq:周末徒步群', 12]]);
    assert.match(await page.locator('#notices').textContent(), /文件夹里的 2 个媒体文件（图片、音视频、文档）不是聊天记录，未读取/);
    await page.locator('#tab-inputs').click();
    assert.equal(await page.locator('#inputs-table .input-note').textContent(),
      'QQ Chat Exporter 分块导出“周末徒步群”的清单：消息在它列出的 3 个分块文件里。');
    await shot(page, 'qq-chunked-folder.png');
    // A chunk on its own (its folder's manifest not chosen) says what to drop, in Chinese.
    await page.locator('#clear-button').click();
    await page.setInputFiles('#file-input', path.join(dir, 'chunks', 'c000002.jsonl'));
    const alone = await waitForReport(page);
    assert.equal(alone.inputs[0].error_code, 'chunk_without_manifest');
    await page.locator('#tab-inputs').click();
    assert.match(await page.locator('#inputs-table .input-error').textContent(), /^这是 QQ Chat Exporter 分块导出中的一块，只有同一导出的 manifest\.json 才说明它属于哪个群/);
    // The rest of the chunks, then the manifest in a drop of its own: the refusals are taken
    // back and every chunk is read into the chat, as from the whole folder at once.
    await page.setInputFiles('#file-input', ['c000001.jsonl', 'c000003.jsonl'].map((c) => path.join(dir, 'chunks', c)));
    assert.equal((await waitForReport(page)).inputs.filter((i) => i.error_code === 'chunk_without_manifest').length, 3);
    await page.setInputFiles('#file-input', path.join(dir, 'manifest.json'));
    await page.waitForFunction(() => window.__qunlensReport?.inputs.length === 4 && document.body.dataset.busy === 'false');
    const late = await waitForReport(page);
    assert.deepEqual(late.inputs, report.inputs, 'the same inputs as the folder at once');
    assert.deepEqual(late.groups, report.groups);
    assert.equal(await page.locator('#inputs-table .input-error').count(), 0);
    await finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
