// Saved setups: the page exports its whole config (view settings, mappings, decisions) as the
// JSON the CLI reads, and importing that file restores every setting and recomputes; a file
// that is not a setup is refused with a clear notice and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useBrowser, openPage, waitForReport } from './harness.mjs';

useBrowser();

test('setup: export, clear, import restores the funnel settings and recomputes', async () => {
  const { page, finish } = await openPage('en-US');
  await page.evaluate(() => localStorage.clear());
  await page.locator('#sample-button').click();
  await waitForReport(page);
  await page.locator('#tab-funnel').click();
  await page.locator('#funnel-window').evaluate((e) => { e.value = '30'; e.dispatchEvent(new Event('change')); });
  await page.waitForFunction(() => document.getElementById('funnel-view').dataset.recompute === '1');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#setup-export').click()]);
  const setup = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(setup.funnel.window_days, 30, 'the funnel window is in the exported setup');
  // Keys no view edits survive an import too (the CLI's config file is the same format).
  setup.timezone = 'Asia/Shanghai';
  setup.health = { silent_days: 45 };
  const dir = await mkdtemp(path.join(tmpdir(), 'qunlens-setup-'));
  const file = path.join(dir, 'weekly.json');
  await writeFile(file, JSON.stringify(setup));

  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.locator('#sample-button').click();
  const before = await waitForReport(page);
  assert.equal(before.funnel.settings.window_days, 90, 'defaults after clearing');

  await page.setInputFiles('#setup-input', file);
  await page.waitForFunction(() => window.__qunlensReport && window.__qunlensReport.funnel.settings.window_days === 30, null, { timeout: 60_000 });
  const after = await page.evaluate(() => window.__qunlensReport);
  assert.equal(after.health.settings.silent_days, 45);
  assert.match(await page.locator('#notices').textContent(), /Setup imported from weekly\.json/);

  // Not a setup: refused, settings unchanged.
  const bad = path.join(dir, 'notes.json');
  await writeFile(bad, '[1, 2, 3]');
  await page.setInputFiles('#setup-input', bad);
  await page.waitForFunction(() => /notes\.json is not a qunlens setup/.test(document.getElementById('notices').textContent));
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('qunlens.funnel')).window_days), 30);
  await page.evaluate(() => localStorage.clear());
  await finish();
});

/** A WeChatMsg CSV of `count` messages in one group (`room`), 20 people. */
function chatCsv(room, count) {
  let csv = '\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n';
  for (let i = 1; i <= count; i++) {
    csv += `${i},1,1,0,0,${1700000000 + i * 60},2,${room}第${i}条消息，大家好，今天的资料已经上传到群文件了,,成员${i % 20},成员${i % 20},wxid_${room}${i % 20}\n`;
  }
  return csv;
}

/** A page in `locale` with a setup of these `limits` imported (none: `null`), and a folder for
 *  the files; `options` as openPage's. */
async function openWithLimits(locale, limits, options) {
  const opened = await openPage(locale, '', options);
  await opened.page.evaluate(() => localStorage.clear());
  const dir = await mkdtemp(path.join(tmpdir(), 'qunlens-cap-'));
  if (limits) {
    const setup = path.join(dir, 'cap.json');
    await writeFile(setup, JSON.stringify({ limits }));
    await opened.page.setInputFiles('#setup-input', setup);
    await opened.page.waitForFunction(() => /cap\.json/.test(document.getElementById('notices').textContent));
  }
  return { ...opened, dir };
}

/** Drops a WeChatMsg CSV of 60,000 messages (7.9 MB: several of the chunks, up to 2 MB, the
 *  browser hands over; caps are checked per chunk) and returns its input once the report has
 *  come, stopped at a cap. */
async function dropCapped(page, dir) {
  const file = path.join(dir, '产品群_utf8.csv');
  await writeFile(file, chatCsv('m', 60000));
  await page.setInputFiles('#file-input', file);
  const input = (await waitForReport(page)).inputs[0];
  assert.equal(input.error_code, 'limit_reached');
  return input;
}

test('setup: a cap from an imported setup stops a file part way, and the page says it was partly read', async () => {
  const { page, finish, dir } = await openWithLimits('zh-CN', { max_messages: 500 });
  const input = await dropCapped(page, dir);
  assert.ok(input.messages > 500 && input.messages < 60000, `stopped part way: ${input.messages}`);
  await page.locator('#tab-inputs').click();
  const row = page.locator('#inputs-table tr.input-row').first();
  assert.equal((await row.locator('td').nth(1).textContent()).trim(), 'wechatmsg-csv', 'the format it was read as');
  assert.equal((await row.locator('.badge').textContent()).trim(), '已读取一部分（达到上限）');
  assert.match(await page.locator('#inputs-table').textContent(), /已达到读取上限（配置 limits）.*limits\.max_messages is 500/);
  await page.evaluate(() => localStorage.clear());
  await finish();
});

test('setup: a device reporting little memory stops reading at a lower cap, unless the setup says otherwise', async () => {
  // The browser says how much memory the device has (navigator.deviceMemory: 0.25 to 8 GB);
  // the worker is told 0.01 GB here, a 3 MB cap, for a small file to reach it.
  const device = "Object.defineProperty(WorkerNavigator.prototype, 'deviceMemory', { get: () => 0.01 });";
  const { page, finish, dir } = await openWithLimits('zh-CN', null, { workerPrelude: device });
  const input = await dropCapped(page, dir);
  // 3 MB at ≈80 bytes a message plus ≈100 of text: about 16,000 messages (and the rest of the
  // chunk that crossed it).
  assert.ok(input.messages > 10000 && input.messages < 40000, `stopped part way: ${input.messages}`);
  await page.locator('#tab-inputs').click();
  assert.match(await page.locator('#inputs-table').textContent(), /已达到读取上限（配置 limits）.*it reports 0\.01 GB of memory, so the page keeps to 3 MB/);
  // A setup that names the device's memory is taken at its word: 8 GB, no lower cap.
  const setup = path.join(dir, 'big-machine.json');
  await writeFile(setup, JSON.stringify({ limits: { device_memory_gb: 8 } }));
  await page.setInputFiles('#setup-input', setup);
  await page.waitForFunction(() => window.__qunlensReport?.inputs[0]?.messages === 60000, null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.__qunlensReport.inputs[0].error_code ?? null), null);
  await page.evaluate(() => localStorage.clear());
  await finish();
});

/** A Telegram export of one chat, `count` messages; with `idFirst`, as Telegram Desktop writes it
 * (streamed), else with the chat's id after its messages (held whole until the file ends). */
function telegramExport(count, idFirst) {
  const messages = Array.from({ length: count }, (_, i) =>
    ({ id: i, type: 'message', date_unixtime: String(1709254800 + i * 30), from: `User ${i % 7}`, from_id: `user${i % 7}`, text: `第${i}条消息，大家好` }));
  const chat = idFirst ? { name: 'Growth Club', type: 'private_supergroup', id: 1001, messages } : { name: 'Growth Club', type: 'private_supergroup', messages, id: 1001 };
  return JSON.stringify(chat, null, 1);
}

test('setup: a JSON export held whole is weighed by the memory cap, and past it not read at all', async () => {
  const { page, finish, dir } = await openWithLimits('zh-CN', { max_memory_bytes: 500000 });
  // 2,000 messages of a chat named after them: one JSON document of ≈300 KB, weighed twice.
  const file = path.join(dir, 'result.json');
  await writeFile(file, telegramExport(2000, false));
  await page.setInputFiles('#file-input', file);
  const input = (await waitForReport(page)).inputs[0];
  assert.equal(input.error_code, 'limit_reached');
  assert.equal(input.messages, 0);
  await page.locator('#tab-inputs').click();
  const row = page.locator('#inputs-table tr.input-row').first();
  assert.equal((await row.locator('.badge').textContent()).trim(), '未读取');
  assert.match(await page.locator('#inputs-table').textContent(), /已达到读取上限（配置 limits），这个文件没有读取（not read: this file is one JSON document/);
  await page.evaluate(() => localStorage.clear());
  await finish();
});

/** A QQ NT group export as qq-chat-exporter writes it (an array of records under `messages`). */
function qceExport(count) {
  const messages = Array.from({ length: count }, (_, i) => {
    const text = `第${i}条消息，大家好`;
    return {
      id: `m_${i}`, seq: String(i), timestamp: 1709254800000 + i * 30000,
      sender: { uid: `u_${i % 7}`, uin: String(10001 + (i % 7)), name: `群友${i % 7}` },
      type: 'type_1', content: { text, elements: [{ type: 'text', data: { text } }], mentions: [] },
      recalled: false, system: false,
    };
  });
  const envelope = { metadata: { name: 'QQChatExporter V5', version: '5.0.0' }, chatInfo: { name: '产品交流群', type: 'group', selfUin: '10001' } };
  return JSON.stringify({ ...envelope, messages }, null, 2);
}

test('setup: Telegram and QQ NT exports are streamed, read up to the memory cap like a CSV', async () => {
  // As Telegram Desktop and qq-chat-exporter write them, 20,000 messages: more than the 2,000
  // refused whole above are read before the cap stops the stream, and what was read is kept.
  for (const [name, text] of [['result.json', telegramExport(20000, true)], ['产品交流群.json', qceExport(20000)]]) {
    const { page, finish, dir } = await openWithLimits('zh-CN', { max_memory_bytes: 500000 });
    const file = path.join(dir, name);
    await writeFile(file, text);
    await page.setInputFiles('#file-input', file);
    const input = (await waitForReport(page)).inputs[0];
    assert.equal(input.error_code, 'limit_reached', name);
    assert.ok(input.messages > 2000 && input.messages < 20000, `${name}: read up to the cap: ${input.messages}`);
    await page.locator('#tab-inputs').click();
    assert.match(await page.locator('#inputs-table').textContent(), /已达到读取上限（配置 limits），之后的内容没有读取；已读取的数据保留（stopped at \d+ messages/);
    await page.evaluate(() => localStorage.clear());
    await finish();
  }
});

test('setup: files read side by side keep to a cap together, not each alone', async () => {
  const { page, finish, dir } = await openWithLimits('en-US', { max_messages: 90000 });
  // Two files of 60,000 messages (7.9 MB each: a drop large enough to be read by two workers),
  // each under the cap alone.
  const files = ['a', 'b'].map((room) => path.join(dir, `${room}群_utf8.csv`));
  await writeFile(files[0], chatCsv('a', 60000));
  await writeFile(files[1], chatCsv('b', 60000));
  await page.setInputFiles('#file-input', files);
  const report = await waitForReport(page);
  assert.equal(await page.evaluate(() => window.__qunlensThreads), 2, 'read by two workers');
  const total = report.inputs.reduce((n, input) => n + input.messages, 0);
  // (Past it by what was left of the chunk that crossed it.)
  assert.ok(total > 90000 && total < 120000, `stopped past the cap, not at 120,000: ${total}`);
  const stopped = report.inputs.filter((input) => input.error_code === 'limit_reached');
  assert.equal(stopped.length, 1, 'one file stopped at the cap');
  assert.ok(stopped[0].messages > 0 && stopped[0].messages < 60000, `partly read: ${stopped[0].messages}`);
  await page.evaluate(() => localStorage.clear());
  await finish();
});
