// Where the wasm build spends its time: runs the page's own module (www/pkg) in Node — the same
// V8 engine as Chromium — after the page workers' warm-up, on FILE, reading it in 64 KiB
// chunks as the page's worker does, then building the report, under V8's sampling profiler.
// Prints the read and report times, the functions with the most self time, and the inclusive
// time of what FUNCTION calls (default: the report's sections). Function names come from the
// wasm name section.
// With --callers REGEX, also the callers of the functions matching REGEX (whose self time is
// whose: e.g. --callers '^memcmp$').
//   node tests/page/wasm-profile.mjs FILE [--top N] [--under REGEX] [--callers REGEX]
// e.g. --under 'leaderboard::Cache::features' or --under 'wechatmsg_csv::Rows::record'.
// PKG=DIR profiles another build's wasm-bindgen output (e.g. one made for an A/B) instead.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { loadPageWasm, readInChunks } from './node-wasm.mjs';

const args = process.argv.slice(2);
let top = 25;
let under = '^qunlens::report::build_cached';
let callers = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '--under') under = args[++i];
  else if (args[i] === '--callers') callers = new RegExp(args[++i]);
  else files.push(args[i]);
}
if (files.length !== 1) {
  console.error("usage: node wasm-profile.mjs FILE [--top N] [--under REGEX] [--callers REGEX]");
  process.exit(2);
}
const { Analyzer } = await loadPageWasm();
const bytes = readFileSync(files[0]);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const analyzer = new Analyzer('{}');
const readMs = readInChunks(analyzer, path.basename(files[0]), bytes);
const t = performance.now();
const json = analyzer.report_json();
const reportMs = performance.now() - t;
const { profile } = await session.post('Profiler.stop');
console.log(`read ${readMs.toFixed(0)} ms (${analyzer.message_count()} messages), report ${reportMs.toFixed(0)} ms (${json.length} bytes of JSON)`);

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const name = (id) => nodes.get(id).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '') || '(anonymous)';
const micros = new Map();
profile.samples.forEach((s, i) => micros.set(s, (micros.get(s) || 0) + profile.timeDeltas[i]));
const print = (title, totals) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${k.slice(0, 140)}`);
  }
};
const self = new Map();
for (const [id, us] of micros) self.set(name(id), (self.get(name(id)) || 0) + us);
print('self time:', self);
// Inclusive time of each direct callee of the first frame (innermost) matching `under`.
const pattern = new RegExp(under);
const callees = new Map();
for (const [id, us] of micros) {
  for (let n = id, below = null; n !== undefined; below = n, n = parent.get(n)) {
    if (pattern.test(name(n))) {
      const k = below === null ? '(self)' : name(below);
      callees.set(k, (callees.get(k) || 0) + us);
      break;
    }
  }
}
print(`inclusive time of what /${under}/ calls:`, callees);
if (callers) {
  // Self time of the matching functions, by the nearest caller that does not match.
  const by = new Map();
  for (const [id, us] of micros) {
    if (!callers.test(name(id))) continue;
    let n = id;
    while (n !== undefined && callers.test(name(n))) n = parent.get(n);
    const k = n === undefined ? '(root)' : name(n);
    by.set(k, (by.get(k) || 0) + us);
  }
  print(`callers of /${callers.source}/ (their self time):`, by);
}
