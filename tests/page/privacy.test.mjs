// Privacy and injection on screen: phone numbers and e-mails are masked by default and shown
// only after the user ticks the box (the report and exports keep them); hostile names and
// texts (HTML, <script>, javascript: URLs, RTL overrides) are shown as inert text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { useBrowser, openPage, waitForReport, HERE } from './harness.mjs';

useBrowser();

const BERLIN = path.join(HERE, '..', 'fixtures', 'whatsapp', 'WhatsApp Chat with Team Berlin.txt');

test('privacy: phone numbers are masked until shown', async () => {
  const { page, finish } = await openPage('en-US');
  await page.evaluate(() => localStorage.removeItem('qunlens.showContacts'));
  await page.setInputFiles('#file-input', BERLIN);
  const report = await waitForReport(page);
  assert.ok(report.members.some((m) => m.name === '+49 151 2345678'), 'the report keeps the number');
  await page.locator('#tab-members').click();
  const names = () => page.$$eval('#members-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('td').textContent));
  const masked = await names();
  assert.ok(masked.some((n) => n.includes('+49 1•• ••••678')), masked.join(' | '));
  assert.ok(!masked.some((n) => n.includes('2345678')), 'no full number on screen');
  await page.locator('#show-contacts').check();
  assert.ok((await names()).some((n) => n.includes('+49 151 2345678')), 'shown after the toggle');
  await page.locator('#show-contacts').uncheck();
  await page.evaluate(() => localStorage.removeItem('qunlens.showContacts'));
  await finish();
});

test('injection: hostile names and texts are inert text', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'qunlens-hostile-'));
  const file = path.join(dir, '恶意群_utf8.csv');
  const q = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = [
    ['<img src=x onerror="window.__pwned=1">', 'wxid_h1', '<script>window.__pwned=2</script>大家好'],
    ['\u202Egnp.exe', 'wxid_h2', 'javascript:window.__pwned=3'],
    ['=HYPERLINK("http://evil.example","点我")', 'wxid_h3', '@SUM(1+1)'],
  ];
  const header = 'localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n';
  const body = rows.map(([nick, wxid, text], i) =>
    `${i + 1},1,1,0,0,${1704067200 + i * 60},,${q(text)},2024-01-01 08:0${i}:00,${q(nick)},${q(nick)},${wxid}`).join('\n');
  await writeFile(file, header + body + '\n');
  const { page, finish } = await openPage('en-US');
  await page.setInputFiles('#file-input', file);
  const report = await waitForReport(page);
  assert.equal(report.members.length, 3);
  await page.locator('#tab-members').click();
  const cells = await page.$$eval('#members-table tbody tr', (trs) => trs.map((tr) => tr.querySelector('td').textContent));
  for (const [nick] of rows) assert.ok(cells.some((c) => c.includes(nick)), `shown as text: ${nick}`);
  assert.equal(await page.evaluate(() => document.querySelectorAll('#members-table img, #members-table script, #members-table a[href^="javascript"]').length), 0);
  for (const tab of ['#tab-leaderboard', '#tab-health', '#tab-roles', '#tab-funnel']) await page.locator(tab).click();
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing executed');
  await finish();
});
