// Temporary user check (not committed): drop FILE in the zh-CN page, screenshots mid-load and after.
import { serve, launchChromium } from './server.mjs';
const [file, name] = process.argv.slice(2);
const s = await serve();
const browser = await launchChromium();
const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } });
const page = await context.newPage();
await page.goto(s.url + '/');
await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
await page.waitForTimeout(1500);
const t0 = Date.now();
await page.setInputFiles('#file-input', file.split(','));
let shot = 0;
for (const wait of [3000, 4000]) {
  await page.waitForTimeout(wait);
  await page.screenshot({ path: `/tmp/shots/${name}-mid${shot++}.png` });
  console.log('progress', await page.locator('#progress-text, .progress-text, #status').first().textContent().catch(() => '?'));
}
await page.waitForFunction(() => window.__qunlensReport, null, { timeout: 600000 }).catch(() => {});
await page.waitForFunction(() => document.body.dataset.loaded === 'true' || !!window.__qunlensReport, null, { timeout: 600000 }).catch(() => {});
console.log('done after', (Date.now() - t0) / 1000, 's');
await page.waitForTimeout(1000);
await page.screenshot({ path: `/tmp/shots/${name}-done.png` });
await page.locator('#tab-inputs').click().catch(() => {});
await page.waitForTimeout(500);
await page.screenshot({ path: `/tmp/shots/${name}-inputs.png` });
const mem = await page.evaluate(() => window.__qunlensWasmBytes || null);
console.log('wasm', mem);
await browser.close(); await s.close();
