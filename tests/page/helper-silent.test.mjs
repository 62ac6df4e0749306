// A parse worker asked for the leaderboard that neither answers nor fails must not hold the
// load: after its patience runs out the report worker computes the leaderboard itself, and the
// report is the one a single worker gives. Served from a copy of www/ whose parse workers read
// files as usual but stay silent when asked for a leaderboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { useBrowser, openPage, waitForReport, bigCsv } from './harness.mjs';
import { WWW } from './server.mjs';

const root = await mkdtemp(path.join(os.tmpdir(), 'qunlens-silent-www-'));
await cp(WWW, root, { recursive: true });
const workerFile = path.join(root, 'parse-worker.js');
const source = await readFile(workerFile, 'utf8');
const silent = source.replace("if (data.type === 'leaderboard') {", "if (data.type === 'leaderboard') { if (data) return;");
assert.notEqual(silent, source, 'the leaderboard handler was found and silenced');
await writeFile(workerFile, silent);
after(() => rm(root, { recursive: true, force: true }));

useBrowser({ root });

async function loadIn(query, files) {
  const { page, finish } = await openPage('en-US', query);
  const started = Date.now();
  await page.setInputFiles('#file-input', files);
  await waitForReport(page);
  const result = await page.evaluate(() => ({
    json: JSON.stringify(window.__qunlensReport),
    threads: window.__qunlensThreads,
    reportThreads: window.__qunlensTimes.reportThreads,
  }));
  await finish();
  return { ...result, ms: Date.now() - started };
}

test('a silent leaderboard worker: the report worker computes the leaderboard, same report', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qunlens-silent-'));
  try {
    // Two files large enough for the parse workers, one of which is then asked for the board.
    const files = [await bigCsv(dir, 3, '11111111111', 30), await bigCsv(dir, 3, '22222222222', 25)];
    const single = await loadIn('?workers=1', files);
    const stuck = await loadIn('', files);
    assert.equal(single.threads, 1);
    assert.ok(stuck.threads >= 2, `parse workers read the files (threads: ${stuck.threads})`);
    assert.equal(stuck.reportThreads, 1, 'the leaderboard was computed by the report worker');
    assert.ok(stuck.ms >= 2000, `the report waited for the silent worker first (${stuck.ms} ms)`);
    assert.equal(stuck.json, single.json, 'byte-identical report');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
