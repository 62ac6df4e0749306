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
