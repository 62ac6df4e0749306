// Parallel parsing in the browser: a drop of several large files is shared out to parse
// workers and merged, one large file is read in pieces, and a parse worker computes the
// leaderboard beside the other sections; the report is byte-identical to one worker's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useBrowser, openPage, waitForReport, bigCsv, bigWeChatMsgCsv, bigWhatsAppTxt, bigWeComArchive, HERE } from './harness.mjs';

useBrowser();

const FIX = path.join(HERE, '..', 'fixtures');

async function loadIn(workers, files, { settleMs = 0 } = {}) {
  const { page, finish } = await openPage('en-US', workers ? `?workers=${workers}` : '');
  await page.waitForTimeout(settleMs);
  await page.setInputFiles('#file-input', files);
  await waitForReport(page);
  const { json, threads, pieces, reportThreads } = await page.evaluate(() => ({
    json: JSON.stringify(window.__qunlensReport),
    threads: window.__qunlensThreads,
    pieces: window.__qunlensPieces,
    reportThreads: window.__qunlensTimes.reportThreads,
  }));
  await finish();
  return { json, threads, pieces, reportThreads };
}

/** Loads `file` with one worker and with the parse workers reading it in pieces; checks both
 *  threads counts and that the reports are byte-identical; returns the report, its threads and
 *  the pieces taken back. */
async function loadInPieces(file) {
  const single = await loadIn(1, [file]);
  const pieces = await loadIn(null, [file]);
  assert.equal(single.threads, 1);
  assert.ok(pieces.threads >= 2, `the file was read in pieces (threads: ${pieces.threads})`);
  assert.equal(pieces.json, single.json, 'byte-identical report');
  return { report: JSON.parse(pieces.json), reportThreads: pieces.reportThreads, pieces: pieces.pieces };
}

test('several files read by parse workers give the single-worker report', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-parallel-'));
  try {
    // Two large groups sharing speakers (merged by wxid across workers), plus exports whose
    // name-only references must resolve after the merge.
    const second = await bigCsv(dir, 2, '22222222222', 25);
    // The same group exported again (another assistant's copy): its messages are counted
    // once in the group, and each file says what was read from it, whichever worker read it.
    await mkdir(path.join(dir, 'again'));
    const again = path.join(dir, 'again', path.basename(second));
    await writeFile(again, await readFile(second));
    // Not the first file's modification time: the page would take it for the same file again.
    await utimes(again, new Date('2024-01-01'), new Date('2024-01-01'));
    const files = [
      await bigCsv(dir, 3, '11111111111', 30),
      second,
      again,
      path.join(FIX, 'whatsapp', 'WhatsApp Chat with Team Berlin.txt'),
      path.join(FIX, 'wechat4', 'weflow_group.json'),
      path.join(FIX, 'wechat4', 'pywxdump_same_room.csv'),
      path.join(FIX, 'telegram', 'result.json'),
    ];
    const single = await loadIn(1, files);
    const parallel = await loadIn(null, files);
    assert.equal(single.threads, 1);
    assert.ok(parallel.threads >= 2, `parse workers were used (threads: ${parallel.threads})`);
    assert.equal(single.reportThreads, 1);
    assert.equal(parallel.reportThreads, 2, 'a parse worker computed the leaderboard');
    const report = JSON.parse(parallel.json);
    assert.equal(report.inputs.length, files.length);
    assert.ok(report.members.some((m) => m.id === 'wechat:wxid_user3' && m.groups.length === 2), 'one person in two groups read by two workers');
    const copies = report.inputs.filter((i) => i.file === path.basename(second));
    assert.equal(copies.length, 2);
    assert.ok(copies[0].messages > 0 && copies[1].messages === copies[0].messages, JSON.stringify(copies.map((i) => i.messages)));
    const group = report.groups.find((g) => g.id === 'wechat:22222222222@chatroom');
    assert.deepEqual([group.messages, group.duplicates], [copies[0].messages, copies[0].messages], 'the copy counted once');
    assert.equal(parallel.json, single.json, 'byte-identical report');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('one large file read in pieces by the parse workers gives the one-reader report', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-pieces-'));
  try {
    const { report, reportThreads, pieces } = await loadInPieces(await bigWeChatMsgCsv(dir, 40));
    // Each parse worker's range comes back as at least two pieces, each handed over when read.
    assert.ok(pieces >= 2, `pieces taken back: ${pieces}`);
    assert.equal(reportThreads, 2, 'a parse worker computed the leaderboard');
    assert.equal(report.inputs.length, 1);
    assert.ok(report.inputs[0].skipped_count > 0 && report.inputs[0].skipped.every((s) => s.line > 1), 'skipped rows keep their lines');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('after a file read by the report worker alone, an idle parse worker computes the leaderboard', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-board-'));
  try {
    // One 5 MB file (≈33,000 messages): too small for pieces, large enough for a split report.
    // Dropped two seconds after the page is ready, as a user would: the parse workers are warm.
    const file = await bigCsv(dir, 5);
    const single = await loadIn(1, [file]);
    const alone = await loadIn(null, [file], { settleMs: 2000 });
    assert.equal(alone.threads, 1, 'read by the report worker alone');
    assert.equal(single.reportThreads, 1);
    assert.equal(alone.reportThreads, 2, 'a parse worker of the pool computed the leaderboard');
    assert.ok(JSON.parse(alone.json).leaderboard.entries.length > 0);
    assert.equal(alone.json, single.json, 'byte-identical report');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a large WhatsApp export read in pieces gives the one-reader report, its late rename too', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-pieces-wa-'));
  try {
    const { report } = await loadInPieces(await bigWhatsAppTxt(dir, 40));
    assert.equal(report.inputs[0].format, 'whatsapp-txt');
    assert.ok(report.inputs[0].skipped_count > 0 && report.inputs[0].skipped.every((s) => s.line > 1), 'skipped lines keep their numbers');
    assert.equal(report.groups[0].name, '新名字');
    assert.ok(!report.members.some((m) => m.name === '新名字'), 'lines from the new name are the group\'s own');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a large WeCom archive (JSON Lines) read in pieces gives the one-reader report', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-pieces-wecom-'));
  try {
    const { report } = await loadInPieces(await bigWeComArchive(dir, 40));
    const input = report.inputs[0];
    assert.equal(input.format, 'wecom-archive');
    assert.ok(input.skipped_count > 0 && input.skipped.every((s) => s.line % 1000 === 500), 'skipped lines keep their numbers');
    assert.ok(report.groups.some((g) => g.id.startsWith('wecom:staff001|wmCustomer')), 'one-to-one chats');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the page\'s workers fault in memory for loads while idle, unless the device has little', async () => {
  // worker.js's WARM_MEMORY_BYTES: the sample alone needs far less.
  const WARM = 64 << 20;
  const sampleWasmBytes = async (initScript) => {
    const { page, finish } = await openPage('en-US', '', { initScript });
    await page.locator('#sample-button').click();
    await waitForReport(page);
    const bytes = await page.evaluate(() => window.__qunlensWasmBytes);
    await finish();
    return bytes;
  };
  const warmed = await sampleWasmBytes();
  assert.ok(warmed > WARM, `wasm memory ${warmed} bytes`);
  const small = await sampleWasmBytes(() => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 2 }));
  assert.ok(small < WARM, `wasm memory ${small} bytes on a device with 2 GB`);
});

/** Writes a chunked QQ Chat Exporter export in `dir`: `manifest.json` and `chunks/c00000N.jsonl`
 *  (`chunks` files of `perChunk` messages each, one compact message per line, a line that is
 *  not JSON every 1000), as QCE writes it for a large group. Returns the paths, manifest first,
 *  and the messages written. */
async function chunkedQceExport(dir, chunks, perChunk) {
  await mkdir(path.join(dir, 'chunks'), { recursive: true });
  const listed = [];
  const paths = [];
  let messages = 0;
  for (let c = 1; c <= chunks; c++) {
    let text = '';
    for (let k = 0; k < perChunk; k++) {
      const i = (c - 1) * perChunk + k;
      if (i % 1000 === 500) {
        text += '这一行不是 JSON\n';
        continue;
      }
      const uin = String(100000 + (i % 97));
      const words = `今天的课程资料已经发到群文件了，大家记得查收 ${i}`;
      text += JSON.stringify({
        id: String(7_370_000_000_000_000 + i), seq: String(i + 1), timestamp: 1_717_200_000_000 + i * 37_000, time: '2024-06-01 08:00:00',
        sender: { uid: `u_${uin}`, uin, name: `学员${i % 97}`, nickname: `学员${i % 97}` }, type: 'type_1',
        content: { text: words, html: '', elements: [{ type: 'text', data: { text: words } }], resources: [], mentions: [] },
        recalled: false, system: false,
      }) + '\n';
      messages++;
    }
    const fileName = `c${String(c).padStart(6, '0')}.jsonl`;
    const file = path.join(dir, 'chunks', fileName);
    await writeFile(file, text);
    listed.push({ index: c, fileName, relativePath: `chunks/${fileName}`, count: perChunk, bytes: Buffer.byteLength(text) });
    paths.push(file);
  }
  const manifest = {
    metadata: { name: 'QQChatExporter V5 / https://github.com/shuakami/qq-chat-exporter' },
    chatInfo: { name: '大群分块导出', type: 'group', selfUin: '100000' },
    statistics: { totalMessages: messages },
    chunked: { format: 'jsonl', chunksDir: 'chunks', chunkFileExt: '.jsonl', chunks: listed },
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { paths: [path.join(dir, 'manifest.json'), ...paths], messages };
}

test('a chunked QQ NT export: chunks read by parse workers go to the chat their manifest names', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-chunked-'));
  try {
    // About 6 MB in four chunks: shared out to the parse workers, which must learn the manifest.
    const { paths, messages } = await chunkedQceExport(dir, 4, 6000);
    const single = await loadIn(1, paths);
    const parallel = await loadIn(null, [...paths].reverse());
    assert.ok(parallel.threads >= 2, `parse workers were used (threads: ${parallel.threads})`);
    assert.equal(parallel.json, single.json, 'byte-identical report');
    const report = JSON.parse(parallel.json);
    assert.deepEqual(report.inputs.map((i) => [i.file, i.messages, i.skipped_count, i.error_code]), [
      ['c000001.jsonl', 5994, 6, null], ['c000002.jsonl', 5994, 6, null], ['c000003.jsonl', 5994, 6, null],
      ['c000004.jsonl', 5994, 6, null], ['manifest.json', 0, 0, null],
    ]);
    assert.equal(report.groups.length, 1);
    assert.deepEqual([report.groups[0].id, report.groups[0].messages], ['qq:大群分块导出', messages]);
    assert.deepEqual(report.inputs[4].notes.map((n) => [n.code, n.count, n.detail]), [['chunk_manifest', 4, '大群分块导出']]);
    // Without its manifest a chunk is refused, in words that say what to drop.
    const alone = JSON.parse((await loadIn(null, [paths[1]])).json);
    assert.equal(alone.inputs[0].error_code, 'chunk_without_manifest');
    assert.equal(alone.groups.length, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Drops `files` on `page` and waits (at most 30 s: a load waiting on a parse worker that never
 *  started would wait for ever) for their report; returns it with the threads that read it. */
async function dropAndWait(page, files) {
  await page.evaluate(() => { window.__qunlensReport = null; });
  await page.setInputFiles('#file-input', files);
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && window.__qunlensReport, null, { timeout: 30_000 });
  return page.evaluate(() => ({ report: window.__qunlensReport, threads: window.__qunlensThreads }));
}

test('offline after the page loaded: loads after the first still get parse workers', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-offline-'));
  try {
    const { page, context, requests, finish } = await openPage('zh-CN');
    const loaded = requests.length;
    // The host is gone (a laptop gone offline, an intranet server restarted).
    await context.setOffline(true);
    const first = await dropAndWait(page, [await bigCsv(dir, 3, '11111111111'), await bigCsv(dir, 2, '22222222222')]);
    assert.ok(first.threads >= 2, `parse workers were used (threads: ${first.threads})`);
    // The parse worker the first load used has been replaced, with nothing to fetch it from.
    const second = await dropAndWait(page, [await bigCsv(dir, 3, '33333333333'), await bigCsv(dir, 2, '44444444444')]);
    assert.ok(second.threads >= 2, `parse workers were used again (threads: ${second.threads})`);
    assert.equal(second.report.groups.length, 4);
    assert.deepEqual(requests.slice(loaded).filter((u) => !u.startsWith('blob:')), [], 'nothing requested after load');
    await finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a host whose policy refuses blob: workers: parse workers start from the script', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-csp-'));
  try {
    const { page, finish } = await openPage('en-US', '', {
      routeAll: async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers(), 'content-security-policy': "worker-src 'self'" };
        await route.fulfill({ response, headers });
      },
    });
    const started = [];
    page.on('worker', (w) => started.push(w.url()));
    await page.waitForTimeout(500);
    for (const [a, b] of [['11111111111', '22222222222'], ['33333333333', '44444444444']]) {
      const { threads } = await dropAndWait(page, [await bigCsv(dir, 3, a), await bigCsv(dir, 2, b)]);
      assert.ok(threads >= 2, `parse workers were used (threads: ${threads})`);
    }
    // The replacements too (the pool's first worker started before this test listened).
    assert.ok(started.length >= 2 && started.every((u) => u.endsWith('/parse-worker.js')), started.join(' '));
    await finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
