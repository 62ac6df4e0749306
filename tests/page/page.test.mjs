// Page tests: drive the real page (www/, built by scripts/build.sh) in headless Chromium.
//   node --test            (from tests/page, after `npm ci`)
// Checks: the sample loads through the worker and the tables show the report's numbers;
// uploaded files show the hand-known numbers, skipped rows and plain errors; the language
// switch; no request leaves the page's origin. Screenshots go to tests/page/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { installStallProbe } from './probes.mjs';

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { FIXTURES, useBrowser, openPage, waitForReport, groupRows, shot, num, minute, bigCsv } from './harness.mjs';

const PYWXDUMP = path.join(FIXTURES, '45678901234@chatroom_0_5000.csv');
const PNG = path.join(FIXTURES, 'photo.csv');

useBrowser();

test('(a) the sample loads in the worker and every table shows the report numbers', async () => {
  const { page, finish } = await openPage();
  assert.equal(await page.locator('#empty').isVisible(), true, 'empty state before data');
  await shot(page, '0-empty.png');

  // Watch the progress text and the main thread's responsiveness while the worker runs.
  await page.evaluate(() => {
    window.__progressTexts = [];
    new MutationObserver(() => window.__progressTexts.push(document.getElementById('progress-bytes').textContent))
      .observe(document.getElementById('progress-bytes'), { childList: true, characterData: true, subtree: true });
  });
  await page.evaluate(installStallProbe);
  await page.getByRole('button', { name: 'Load sample data' }).click();
  assert.equal(await page.locator('#progress').isVisible(), true, 'progress shows at once');
  const report = await waitForReport(page);
  const { texts, maxGap, maxTask } = await page.evaluate(() => {
    window.__stopTicks = true;
    return { texts: window.__progressTexts, maxGap: Math.max(...window.__gaps), maxTask: Math.max(0, ...window.__longTasks) };
  });
  assert.ok(texts.some((s) => /\d+(\.\d+)? (KB|MB) of .*\d+%/.test(s)), `progress shows bytes and percent: ${texts.slice(0, 5)}`);
  console.log(`# sample: ${report.inputs.length} files, ${report.groups.length} groups, ${report.members.length} members; longest main-thread task ${maxTask.toFixed(0)} ms, longest timer gap ${maxGap.toFixed(0)} ms`);
  assert.ok(maxTask < 1000, `main thread stayed responsive (longest task ${maxTask} ms)`);

  // Groups: one row per group, in the report's order, with the report's numbers.
  await page.locator('#tab-groups').click();
  const rows = await groupRows(page);
  assert.deepEqual(rows.map((r) => r.id), report.groups.map((g) => g.id));
  for (const [i, g] of report.groups.entries()) {
    const c = rows[i].cells;
    assert.equal(c.name, g.name);
    for (const k of ['members', 'speakers', 'active_members', 'messages', 'joins', 'leaves']) {
      assert.equal(num(c[k]), g[k], `${g.name}.${k}`);
    }
    assert.equal(c.first_message, minute(g.first_message));
    assert.equal(c.last_message, minute(g.last_message));
  }
  // Summary cards and tab counts come straight from the report.
  assert.equal(num(await page.locator('#tab-members .count').textContent()), report.members.length);
  await shot(page, 'a1-sample-groups.png');

  // Sorting by clicking headers: name ascending, then members ascending/descending.
  await page.locator('#groups-table th[data-col="name"] button').click();
  const byName = (await groupRows(page)).map((r) => r.cells.name);
  assert.deepEqual(byName, [...byName].sort(new Intl.Collator('en-US', { numeric: true }).compare));
  await page.locator('#groups-table th[data-col="members"] button').click();
  let members = (await groupRows(page)).map((r) => num(r.cells.members));
  assert.deepEqual(members, [...members].sort((a, b) => b - a));
  await page.locator('#groups-table th[data-col="members"] button').click();
  members = (await groupRows(page)).map((r) => num(r.cells.members));
  assert.deepEqual(members, [...members].sort((a, b) => a - b));

  // Members: paginated (never more than 100 rows), searchable, numbers from the report.
  await page.locator('#tab-members').click();
  const memberRows = page.locator('#members-table tbody tr');
  assert.equal(await memberRows.count(), Math.min(100, report.members.length));
  assert.equal(await memberRows.first().getAttribute('data-member-id'), report.members[0].id);
  assert.equal(num(await memberRows.first().locator('[data-col="messages"]').textContent()), report.members[0].messages);
  assert.match(await page.locator('#member-count').textContent(), new RegExp(`of ${report.members.length.toLocaleString('en-US')}$`));
  await shot(page, 'a2-sample-members.png');
  await page.locator('#page-next').click();
  assert.equal(await memberRows.first().getAttribute('data-member-id'), report.members[100].id);
  const target = report.members.find((m) => m.platform_id && m.messages > 0 && m.inviter) || report.members[7];
  await page.locator('#member-search').fill(target.platform_id || target.name);
  await page.waitForFunction((id) => document.querySelector('#members-table tbody tr')?.dataset.memberId === id, target.id);
  const found = memberRows.first();
  assert.equal(num(await found.locator('[data-col="messages"]').textContent()), target.messages);
  assert.equal(await found.locator('[data-col="last_active"]').textContent(), minute(target.last_active));
  if (target.inviter) assert.match(await found.locator('[data-col="inviter"]').textContent(), new RegExp(escape(target.inviter.name)));
  await page.locator('#member-search').fill('no such member xyzzy');
  await page.waitForFunction(() => document.querySelector('#members-table tbody tr td.empty-line'));
  await page.locator('#member-search').fill('');

  // Activity: both charts render; the group filter switches to one group's series.
  await page.locator('#tab-activity').click();
  await page.waitForFunction(() => document.querySelectorAll('#chart-daily canvas, #chart-heatmap canvas').length >= 2);
  await page.waitForTimeout(300);
  await shot(page, 'a3-sample-activity.png');
  await page.locator('#activity-group').selectOption(report.groups[1].id);
  await page.waitForTimeout(300);
  await shot(page, 'a4-sample-activity-group.png');

  // Hand-known facts of the default SampleSpec: 4 WeChatMsg groups + PyWxDump GBK + QQ TXT + WeCom
  // archive (+ its member list, same group) + CRM, roster and SDR log = 11 files, 7 groups, thousands of people.
  assert.equal(report.inputs.length, 11);
  for (const input of report.inputs) {
    assert.equal(input.error, null, `${input.file}: ${input.error}`);
    assert.ok(input.format, `${input.file} recognised`);
  }
  assert.equal(report.groups.length, 7);
  assert.ok(report.members.length >= 1000, `thousands of members (${report.members.length})`);
  assert.ok(report.groups.every((g) => g.messages > 0 && g.joins > 0));
  await finish();
});

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('(b) uploaded files: hand-known numbers, skipped rows and a plain error for a non-export', async () => {
  const { page, finish } = await openPage();
  await page.setInputFiles('#file-input', [PYWXDUMP, PNG]);
  const report = await waitForReport(page);
  await page.locator('#tab-inputs').click();
  await shot(page, 'b1-upload-inputs.png');

  assert.equal(report.inputs.length, 2);
  const csvRow = page.locator('#inputs-table tr.input-row', { hasText: '45678901234@chatroom_0_5000.csv' });
  const pngRow = page.locator('#inputs-table tr.input-row', { hasText: 'photo.csv' });
  // The CSV: 7 data rows; row 6 (file line 7) has no valid time and is skipped.
  assert.equal(await csvRow.locator('td').nth(1).textContent(), 'pywxdump-csv');
  assert.equal(await csvRow.locator('td').nth(2).textContent(), 'utf-8');
  assert.equal(num(await csvRow.locator('[data-col="rows"]').textContent()), 6);
  assert.equal(num(await csvRow.locator('[data-col="messages"]').textContent()), 6);
  assert.equal(num(await csvRow.locator('[data-col="skipped"]').textContent()), 1);
  const skip = page.locator('#inputs-table tr.input-details .skips li').first();
  assert.match(await skip.locator('.skip-where').textContent(), /45678901234@chatroom_0_5000\.csv, line 7$/);
  const csvInput = report.inputs.find((i) => i.file === '45678901234@chatroom_0_5000.csv');
  assert.equal(csvInput.skipped[0].code, 'bad_time');
  assert.equal(await skip.locator('.skip-reason').textContent(), csvInput.skipped[0].reason, 'in English, the core\'s own sentence');
  // The PNG: not read, with a plain-language reason; the CSV still loaded.
  assert.equal(await pngRow.locator('.badge').textContent(), 'Not read');
  assert.match(await page.locator('#inputs-table .input-error').textContent(), /PNG image, not a chat export/);
  assert.equal(await page.locator('.notice.warn').isVisible(), true, 'problems are announced');

  // Groups: one group — 3 speakers (wxid_alice, wxid_bob, wxid_carol), 6 messages including the
  // join tip, 1 join; members = 3 speakers + inviter "Alice" + invitee "小李" (names only in the
  // tip; PyWxDump has no display names to merge them with a wxid).
  await page.locator('#tab-groups').click();
  const rows = await groupRows(page);
  assert.equal(rows.length, 1);
  const c = rows[0].cells;
  assert.equal(c.name, report.groups[0].name);
  assert.deepEqual(
    { members: num(c.members), speakers: num(c.speakers), active: num(c.active_members), messages: num(c.messages), joins: num(c.joins), leaves: num(c.leaves) },
    { members: 5, speakers: 3, active: 3, messages: 6, joins: 1, leaves: 0 },
  );
  assert.equal(c.first_message, '2024-05-01 09:00');
  assert.equal(c.last_message, '2024-05-03 20:15');
  await shot(page, 'b2-upload-groups.png');

  await page.locator('#tab-members').click();
  assert.equal(await page.locator('#members-table tbody tr').count(), 5);
  const bob = page.locator('#members-table tr[data-member-id="wechat:wxid_bob"]');
  assert.equal(num(await bob.locator('[data-col="messages"]').textContent()), 2, 'bob: text + image (the undated row is skipped)');
  const invitee = page.locator('#members-table tbody tr', { hasText: '小李' });
  assert.match(await invitee.locator('[data-col="inviter"]').textContent(), /Alice/);
  await shot(page, 'b3-upload-members.png');

  // The same file again is not counted twice.
  await page.setInputFiles('#file-input', [PYWXDUMP]);
  await page.waitForSelector('.notice.info');
  assert.match(await page.locator('.notice.info').textContent(), /Already loaded/);
  assert.equal((await page.evaluate(() => window.__qunlensReport)).inputs.length, 2);
  await finish();
});

test('(c) the language follows the browser and the switch is remembered', async () => {
  const zh = await openPage('zh-CN');
  assert.equal(await zh.page.locator('#sample-button').textContent(), '加载示例数据');
  await zh.finish();

  const { page, finish } = await openPage('en-US');
  await page.setInputFiles('#file-input', [PYWXDUMP]);
  await waitForReport(page);
  await page.locator('#tab-groups').click();
  assert.equal(await page.locator('#groups-table th[data-col="name"]').textContent(), 'Group');
  await page.locator('#lang-select').selectOption('zh');
  assert.equal(await page.locator('#groups-table th[data-col="name"]').textContent(), '群名称');
  assert.equal(await page.locator('#tab-groups [data-i18n]').textContent(), '群概览');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await shot(page, 'c1-zh-groups.png');
  await page.locator('#tab-inputs').click();
  await shot(page, 'c2-zh-inputs.png');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  assert.equal(await page.locator('#sample-button').textContent(), '加载示例数据', 'choice persisted');
  await finish();
});

test('(e0) the progress line estimates reading time left at the rate so far, in the page language', async () => {
  const { page, finish } = await openPage('zh-CN');
  const shown = await page.evaluate(async () => {
    const { readingLeft, fmtSeconds } = await import('./progress.js');
    return [readingLeft(25, 100, 3000), readingLeft(10, 100, 500), readingLeft(100, 100, 5000), fmtSeconds(9), fmtSeconds(125.2)];
  });
  // A quarter in 3 s: 9 s left; nothing in the first second or once all is read.
  assert.deepEqual(shown, [9, null, null, '9 秒', '2 分 6 秒']);
  await finish();
});

test('(e) a long load shows progress and can be cancelled, keeping the files loaded before', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-page-'));
  try {
    const big = await bigCsv(dir, 150);
    const { page, finish } = await openPage();
    await page.setInputFiles('#file-input', [PYWXDUMP]);
    await waitForReport(page);
    await page.setInputFiles('#file-input', [big]);
    // Bytes, percent and the messages read so far (all workers).
    await page.waitForFunction(() => /\d+% · [\d,]+ messages/.test(document.getElementById('progress-bytes').textContent));
    assert.match(await page.locator('#progress-label').textContent(), /99999999999@chatroom_0_9999999\.csv \(1 of 1\)/);
    await shot(page, 'e1-progress.png');
    await page.locator('#cancel-button').click();
    const report = await waitForReport(page);
    assert.deepEqual(report.inputs.map((i) => i.file), ['45678901234@chatroom_0_5000.csv'], 'only the earlier file is kept');
    assert.match(await page.locator('.notice.info').textContent(), /cancelled/);
    assert.equal(await page.locator('#progress').isVisible(), false);
    await finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('(f) members: display names over time, inviter resolved by name, search', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.setInputFiles('#file-input', [path.join(FIXTURES, '改名测试群_utf8.csv')]);
  const report = await waitForReport(page);
  assert.equal(report.inputs[0].format, 'wechatmsg-csv');
  await page.locator('#tab-members').click();
  const wang = page.locator('#members-table tr[data-member-id="wechat:wxid_wang"]');
  assert.equal(await wang.locator('.name').textContent(), '小王-上海', 'the latest name first');
  assert.equal(await wang.locator('.names-history').textContent(), '曾用名：小王 (2024-05-01 – 2024-05-01)');
  assert.equal(await wang.locator('[data-col="groups"]').textContent(), '改名测试群');
  const zhao = page.locator('#members-table tbody tr', { hasText: '小赵' });
  assert.equal(await zhao.locator('[data-col="inviter"]').textContent(), '老李邀请');
  await page.locator('#member-search').fill('小王');
  await page.waitForFunction(() => document.querySelectorAll('#members-table tbody tr').length === 1);
  await shot(page, 'f1-zh-members-names.png');
  await finish();
});

test('(g) an unknown CSV is read after mapping its columns, and the mapping is remembered', async () => {
  const { page, finish } = await openPage();
  const CRM = path.join(FIXTURES, 'crm_chat_log.csv');
  await page.setInputFiles('#file-input', [CRM]);
  await waitForReport(page);
  await page.locator('#tab-inputs').click();
  assert.match(await page.locator('#inputs-table .input-error').textContent(), /columns 时间, 群, 发送人, 内容/);
  await page.locator('.map-button').click();
  await page.waitForSelector('#map-dialog[open]');
  // The preview shows the file's own rows; time/sender/text are guessed from the headers.
  assert.equal(await page.locator('#map-dialog table.preview tbody tr').count(), 4);
  assert.equal(await page.locator('#map-time').inputValue(), '时间');
  assert.equal(await page.locator('#map-sender').inputValue(), '发送人');
  assert.equal(await page.locator('#map-text').inputValue(), '内容');
  await page.selectOption('#map-group', '群');
  await page.selectOption('#map-date_order', 'dmy');
  await shot(page, 'g1-map-dialog.png');
  await page.locator('#map-save').click();
  await page.waitForFunction(() => window.__qunlensReport?.inputs[0]?.format === 'mapped-csv', null, { timeout: 30_000 });
  await page.locator('#tab-groups').click();
  const rows = await groupRows(page);
  const east = rows.find((r) => r.cells.name === '华东客户群').cells;
  // 3 messages from 小王 and Amy; 13/03 proves day-first dates.
  assert.deepEqual({ messages: num(east.messages), speakers: num(east.speakers) }, { messages: 3, speakers: 2 });
  assert.equal(east.last_message, '2024-03-13 09:00');
  assert.equal(rows.length, 2);
  await shot(page, 'g2-mapped-groups.png');

  // A new page in the same browser profile reads the same file through the saved mapping.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.setInputFiles('#file-input', [CRM]);
  await page.waitForFunction(() => window.__qunlensReport?.inputs[0]?.format === 'mapped-csv', null, { timeout: 30_000 });
  await finish();
});

test('(h) an .xlsx of messages is previewed, mapped and read like a CSV', async () => {
  const { page, finish } = await openPage('zh-CN');
  await page.setInputFiles('#file-input', [path.join(FIXTURES, 'crm_chat_log.xlsx')]);
  await waitForReport(page);
  await page.locator('#tab-inputs').click();
  await page.locator('.map-button').click();
  await page.waitForSelector('#map-dialog[open]');
  // The first sheet's rows, dates as people see them, the merged group cell filled down.
  assert.equal(await page.locator('#map-dialog table.preview tbody tr').count(), 5);
  assert.match(await page.locator('#map-dialog table.preview tbody tr').first().textContent(), /2024-03-01 10:00:00华东客户群小王大家好/);
  assert.equal(await page.locator('#map-time').inputValue(), '时间');
  await page.selectOption('#map-group', '群');
  await shot(page, 'h1-map-xlsx.png');
  await page.locator('#map-save').click();
  await page.waitForFunction(() => window.__qunlensReport?.inputs[0]?.format === 'mapped-csv', null, { timeout: 30_000 });
  const report = await page.evaluate(() => window.__qunlensReport);
  assert.deepEqual([report.inputs[0].messages, report.inputs[0].skipped_count], [4, 1]);
  await page.locator('#tab-groups').click();
  const east = (await groupRows(page)).find((r) => r.cells.name === '华东客户群').cells;
  assert.deepEqual({ messages: num(east.messages), speakers: num(east.speakers) }, { messages: 3, speakers: 2 });
  assert.equal(east.last_message, '2024-03-13 09:00');
  await finish();
});

test('(i) a file dropped again is skipped with a notice, and the new files of a drop are read', async () => {
  const { page, finish } = await openPage();
  await page.setInputFiles('#file-input', [PYWXDUMP]);
  const first = await waitForReport(page);
  assert.deepEqual(first.inputs.map((i) => i.file), ['45678901234@chatroom_0_5000.csv']);
  // The worker tells the duplicate apart (the page never reads a file's size or time itself).
  await page.setInputFiles('#file-input', [PYWXDUMP]);
  await page.waitForFunction(() => document.querySelector('.notice.info')?.textContent.includes('Already loaded'));
  const again = await waitForReport(page);
  assert.match(await page.locator('.notice.info').textContent(), /Already loaded, skipped: 45678901234@chatroom_0_5000\.csv/);
  assert.equal(again.inputs.length, 1, 'the report stands');
  assert.equal(await page.locator('#progress').isVisible(), false);
  await page.setInputFiles('#file-input', [PYWXDUMP, PNG]);
  const both = await waitForReport(page);
  assert.deepEqual(both.inputs.map((i) => i.file), ['45678901234@chatroom_0_5000.csv', 'photo.csv']);
  await finish();
});

test('(i2) overlapping exports of one group: each file counts what it read, the page says what was counted once, in Chinese', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-overlap-'));
  try {
    // A second export of the same group, from message 3 on, with one message more.
    const rows = (await readFile(PYWXDUMP, 'utf8')).trimEnd().split('\n');
    const later = path.join(dir, '45678901234@chatroom_2_5000.csv');
    await writeFile(later, [rows[0], ...rows.slice(3), '8,1008,文本,0,wxid_carol,45678901234@chatroom,新的一条,,2024-05-04 08:00:00', ''].join('\n'));
    const { page, finish } = await openPage('zh-CN');
    await page.setInputFiles('#file-input', [PYWXDUMP, later]);
    const r = await waitForReport(page);
    const messages = Object.fromEntries(r.inputs.map((i) => [i.file, i.messages]));
    assert.deepEqual(messages, { '45678901234@chatroom_0_5000.csv': 6, '45678901234@chatroom_2_5000.csv': 5 });
    const group = r.groups.find((g) => g.id === 'wechat:45678901234@chatroom');
    assert.deepEqual([group.messages, group.duplicates], [7, 4], 'messages 3, 4, 5 and 7 counted once');
    await page.click('#tab-inputs');
    const cells = await page.$$eval('#inputs-table td[data-col="messages"]', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(cells, ['6', '5']);
    assert.equal(await page.locator('#inputs-overlap').textContent(),
      `导出有重叠：4 条消息在不止一个文件里（${group.name}）。上表每个文件都计入，各群的统计只计一次。`);
    await shot(page, 'overlap-zh.png');
    // One file alone: no overlap, no line.
    await page.click('#clear-button');
    await page.setInputFiles('#file-input', [later]);
    await waitForReport(page);
    assert.equal(await page.locator('#inputs-overlap').isVisible(), false);
    await finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
