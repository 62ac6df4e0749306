// A tiny static server for www/ and the Chromium launcher for page tests and benches (the page
// tests must not depend on python): right MIME types
// (application/wasm lets the browser compile while streaming), no directory escape, free port.
import { chromium } from 'playwright-core';
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../www');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** A fresh context and page on `url`, once the page is ready and `settleMs` more have passed
 *  (the workers' warm-up), for the benches: a user drops files seconds after the page opens. */
export async function openReadyPage(browser, url, { settleMs = 1000, viewport } = {}) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  await page.waitForTimeout(settleMs);
  return { context, page };
}

/** Headless Chromium with the project's flags; CHROMIUM_EXTRA adds more, space-separated
 *  (e.g. `--js-flags=--no-wasm-dynamic-tiering` to compare a bench without V8's tiering). */
export function launchChromium() {
  const extra = process.env.CHROMIUM_EXTRA ? process.env.CHROMIUM_EXTRA.split(' ') : [];
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', ...extra],
  });
}

/** Starts serving `root` on 127.0.0.1 at a free port, under the URL path `prefix` (e.g.
 *  `/apps/qunlens`, as an intranet host would); resolves to {url, close()}. */
export async function serve(root = WWW, prefix = '') {
  const server = http.createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://localhost');
      if (!pathname.startsWith(prefix + '/')) throw Object.assign(new Error('outside prefix'), { code: 'ENOENT' });
      let file = path.join(root, decodeURIComponent(pathname.slice(prefix.length)));
      if (!file.startsWith(root)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// `node server.mjs [port]`: serve www/ by hand.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = await serve();
  console.log(`serving ${WWW} at ${s.url}`);
}
