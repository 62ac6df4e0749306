// The static build (scripts/dist.sh) served from a sub-path of a plain static host works:
// every asset resolves relative to the page, the optimised wasm loads, the sample analyses,
// and no request leaves that sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { access } from 'node:fs/promises';
import { useBrowser, openPage, waitForReport, HERE } from './harness.mjs';

const DIST = path.resolve(HERE, '../../dist');
useBrowser({ root: DIST, prefix: '/intranet/tools/qunlens' });

test('the static build works from a sub-path, offline', async () => {
  await access(path.join(DIST, 'pkg', 'qunlens_bg.wasm.gz'));
  const { page, finish, requests } = await openPage('zh-CN');
  await page.locator('#sample-button').click();
  const report = await waitForReport(page);
  assert.ok(report.groups.length >= 5 && report.members.length > 1000, 'the sample analysed');
  assert.equal(await page.locator('#tab-groups .count').textContent(), String(report.groups.length));
  await finish(); // every request stayed under the sub-path
  const wasm = requests.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname);
  assert.ok(wasm.length >= 1 && wasm.every((p) => p === '/intranet/tools/qunlens/pkg/qunlens_bg.wasm'), wasm.join());
});

test('the widgets example works from the static build under a sub-path', async () => {
  const { page, finish } = await openPage('en-US', 'widgets-example.html');
  for (const id of ['w-leaderboard', 'w-funnel', 'w-health', 'w-activity', 'w-roles', 'w-identity']) {
    await page.waitForFunction((i) => document.getElementById(i).shadowRoot.querySelector('.widget-view')?.childElementCount > 0, id);
  }
  await finish();
});
