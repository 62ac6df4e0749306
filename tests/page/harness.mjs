// Shared page-test harness: one browser and one static server per test file, a page opened
// on www/ that records every request and page error, and small readers for the tables.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, access } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launchChromium, WWW } from './server.mjs';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.join(HERE, 'fixtures');
export const SHOTS = path.join(HERE, 'screenshots');

let server;
let browser;

/** Registers the browser/server lifecycle for the calling test file; `root` and `prefix`
 *  serve another folder (the static build) under a sub-path. */
export function useBrowser({ root = WWW, prefix = '' } = {}) {
  before(async () => {
    await access(path.join(root, 'pkg', 'qunlens_bg.wasm')).catch(() => {
      throw new Error(`${root}/pkg is missing: run scripts/build.sh (www) or scripts/dist.sh (dist) first`);
    });
    await mkdir(SHOTS, { recursive: true });
    server = await serve(root, prefix);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/** The served origin (after `useBrowser`'s `before` ran). */
export const serverUrl = () => server.url;
/** The shared browser (for contexts a test opens itself, e.g. on a file:// URL). */
export const browserOf = () => browser;

/** A fresh page on the served www/ (`query`: e.g. `?workers=1`), with every request and page
 *  error recorded; `initScript` runs in the page before its own scripts, `workerPrelude` (code)
 *  at the start of the analysis worker's script (init scripts do not reach workers), `routeAll`
 *  handles every request (e.g. to add a host's headers). */
export async function openPage(locale = 'en-US', query = '', { initScript, workerPrelude, routeAll } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1360, height: 900 } });
  if (initScript) await context.addInitScript(initScript);
  if (routeAll) await context.route('**/*', routeAll);
  if (workerPrelude) {
    await context.route(/\/worker\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: workerPrelude + '\n' + await response.text() });
    });
  }
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url + '/' + query);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
  return {
    page,
    context,
    /** Every URL requested so far (page, workers, assets). */
    requests,
    /** (d) every request stays on the page's origin (and nothing failed on the page). */
    async finish() {
      const outside = requests.filter((u) => !u.startsWith(server.url + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
      assert.deepEqual(outside, [], 'requests outside the page origin');
      assert.ok(requests.length > 0);
      assert.deepEqual(errors, [], 'page errors');
      await context.close();
    },
  };
}

/** Waits until the worker has answered and the page shows the new report. */
export async function waitForReport(page) {
  await page.waitForFunction(() => document.body.dataset.busy === 'false' && window.__qunlensReport, null, { timeout: 120_000 });
  return page.evaluate(() => window.__qunlensReport);
}

export const num = (s) => Number(String(s).replace(/[,\s]/g, ''));
export const minute = (s) => (s ? s.slice(0, 16).replace('T', ' ') : '—');

export async function groupRows(page) {
  return page.$$eval('#groups-table tbody tr', (trs) => trs.map((tr) => ({
    id: tr.dataset.groupId,
    cells: Object.fromEntries([...tr.cells].map((td) => [td.dataset.col, td.textContent.trim()])),
  })));
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** A PyWxDump CSV of about `mb` megabytes (one group, `speakers` speakers), written to `dir`. */
/** Writes `header` then rows `rowOf(i)` (i = 1, 2, …) to `file` until about `mb` megabytes. */
async function writeRows(file, header, mb, rowOf) {
  const out = createWriteStream(file);
  out.write(header);
  let written = 0;
  const chunk = [];
  for (let i = 1; written < mb * 1e6; i++) {
    const row = rowOf(i);
    chunk.push(row);
    written += Buffer.byteLength(row);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(''))) await new Promise((r) => out.once('drain', r));
      chunk.length = 0;
    }
  }
  out.write(chunk.join(''));
  await new Promise((r) => out.end(r));
  return file;
}

/** Writes a WeChatMsg per-chat CSV (UTF-8 with BOM) of about `mb` megabytes: the exporter
 *  speaking every 7th row, a quoted multi-line message whose lines start with digits every
 *  300 rows (they look like record starts to a reader cutting the file), a row with a bad
 *  Type every 1000 rows. Returns its path. */
export function bigWeChatMsgCsv(dir, mb) {
  const header = '\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n';
  return writeRows(path.join(dir, '产品交流群_utf8.csv'), header, mb, (i) => {
    const own = i % 7 === 0;
    const who = own ? 'wxid_me' : `wxid_user${i % 97}`;
    const name = own ? '运营小王' : `学员${i % 97}`;
    const text = i % 300 === 0 ? `"第一行\n2024年计划\n3,2,1 出发\n${i}"` : `今天的课程资料已经发到群文件了，大家记得查收 ${i}`;
    const type = i % 1000 === 0 ? 'abc' : '1';
    return `${i},217,${type},0,${own ? 1 : 0},${1_700_000_000 + i * 37},,${text},,${name},${name},${who}\r\n`;
  });
}

/** Writes a WhatsApp Android export (en-US, month first) of about `mb` megabytes: a message
 *  whose continuation lines start with digits every 300 messages, an impossible date every
 *  1000 (skipped, with its line), and late in the file a rename followed by lines "from" the
 *  new name (system lines: a reader must know the rename to tell). Returns its path. */
export function bigWhatsAppTxt(dir, mb) {
  const stamp = (i) => {
    const t = new Date(Date.UTC(2023, 0, 1) + i * 37_000);
    const h = t.getUTCHours();
    const yy = String(t.getUTCFullYear() % 100).padStart(2, '0');
    return `${t.getUTCMonth() + 1}/${t.getUTCDate()}/${yy}, ${h % 12 || 12}:${String(t.getUTCMinutes()).padStart(2, '0')}\u202f${h < 12 ? 'AM' : 'PM'} - `;
  };
  const say = (i) => `${stamp(i)}${i % 7 === 0 ? '运营小王' : `学员${i % 97}`}: 今天的课程资料已经发到群文件了，大家记得查收 ${i}\n`;
  const renameAt = Math.floor((mb * 1e6 * 0.85) / Buffer.byteLength(say(123456)));
  return writeRows(path.join(dir, 'WhatsApp Chat with 项目群.txt'), '', mb, (i) => {
    if (i % 300 === 0) return `${stamp(i)}学员${i % 97}: 三点\n1. 先对账\n2. 再开票\n`;
    if (i % 1000 === 500) return '2/30/23, 4:05\u202fPM - 学员1: 没有这一天\n';
    if (i === renameAt) return `${stamp(i)}You changed the group name from "项目群" to "新名字"\n`;
    if (i > renameAt && i % 50 === 0) return `${stamp(i)}新名字: 群公告 ${i}\n`;
    return say(i);
  });
}

/** Writes a WeCom session archive (JSON Lines) of about `mb` megabytes: a line that is not
 *  JSON every 1000 records (skipped, with its line), a one-to-one chat every 300 and text with
 *  escaped line breaks and quotes. Returns its path. */
export function bigWeComArchive(dir, mb) {
  const room = '"roomid":"wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"';
  return writeRows(path.join(dir, 'wecom_archive.jsonl'), '', mb, (i) => {
    if (i % 1000 === 500) return '这一行不是 JSON\n';
    const from = i % 7 === 0 ? 'staff001' : `wmCustomer${i % 97}`;
    const where = i % 300 === 0 ? '"roomid":""' : room;
    const text = JSON.stringify(`今天的课程资料已经发到群文件了，大家记得查收 ${i}${i % 50 === 0 ? '\n"第二行"' : ''}`);
    return `{"msgid":"m${i}","action":"send","from":"${from}","tolist":["staff001"],${where},"msgtime":${1_700_000_000_000 + i * 37_000},"msgtype":"text","text":{"content":${text}}}\n`;
  });
}

export function bigCsv(dir, mb, room = '99999999999', speakers = 20) {
  const header = 'id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n';
  return writeRows(path.join(dir, `${room}@chatroom_0_9999999.csv`), header, mb, (i) => {
    const day = String(1 + (i % 28)).padStart(2, '0');
    return `${i},${1e9 + i},文本,0,wxid_user${i % speakers},${room}@chatroom,今天的课程资料已经发到群文件了，大家记得查收 ${i},,2024-02-${day} 10:00:00\r\n`;
  });
}
