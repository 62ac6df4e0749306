// The page's own wasm build (www/pkg, or $PKG: another build's wasm-bindgen output) in Node,
// for the tools that measure it outside the browser (wasm-profile.mjs, node-readers.mjs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The module's exports, instantiated and warmed up as the page's workers do (otherwise the
 *  report's loops run in V8's baseline tier). */
export async function loadPageWasm() {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.env.PKG || '../../www/pkg');
  const wasm = await import(path.join(pkg, 'qunlens.js'));
  await wasm.default({ module_or_path: readFileSync(path.join(pkg, 'qunlens_bg.wasm')) });
  wasm.warm_up(50_000);
  return wasm;
}

/** Reads `bytes` (the file `name`) into `analyzer` in 64 KiB chunks, as the page's worker
 *  does; returns the milliseconds it took. */
export function readInChunks(analyzer, name, bytes) {
  const t = performance.now();
  analyzer.begin_file(name);
  for (let i = 0; i < bytes.length; i += 1 << 16) analyzer.push(bytes.subarray(i, i + (1 << 16)));
  analyzer.end_file();
  return performance.now() - t;
}
