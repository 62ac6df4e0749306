// Funnel recompute benchmark at scale in headless Chromium: reads FILE(s) into a wasm Analyzer
// in the page's own context (File.stream chunks, as the worker does) WITHOUT building the full
// report — a million people's members/roles lists would not fit the wasm32 address space —
// then times Analyzer.funnel_json for 5-step configs: the first call builds the journeys, the
// later ones are what a settings change in the Funnel tab costs.
// With --attribution, then times Analyzer.attribution_json likewise (the first call gathers
// the touches; the later ones are a settings change in the Attribution tab).
//   node funnel-bench.mjs FILE... [--runs N] [--attribution]
//   (files: cargo run --release --example funnel_bench -- 1000000 --out /tmp/fb)
import { serve, launchChromium } from './server.mjs';

const args = process.argv.slice(2);
let runs = 3;
let attribution = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--attribution') attribution = true;
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: node funnel-bench.mjs FILE... [--runs N]');
  process.exit(2);
}
const CONFIGS = [
  { steps: ['invited', 'joined', 'active', 'lead', 'won'] },
  { steps: ['joined', 'first_message', 'active', 'lead', 'won'], window_days: 30 },
  { steps: ['invited', 'joined', 'lead', 'mql', 'won'], mode: 'any_order' },
  { steps: ['joined', 'active', 'lead', 'sql', 'won'], from: '2024-02-01' },
];
const server = await serve();
const browser = await launchChromium();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url + '/');
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.id = 'bench-input';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-input', files);
  const result = await page.evaluate(async ({ configs, runs, withAttribution }) => {
    const { default: init, Analyzer } = await import('./pkg/qunlens.js');
    await init();
    const limits = { max_members: 0 }; // the default cap protects the full report, not this bench
    const a = new Analyzer(JSON.stringify({ limits }));
    const t0 = performance.now();
    let bytes = 0;
    for (const file of document.getElementById('bench-input').files) {
      a.begin_file(file.name);
      const reader = file.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        a.push(value);
        bytes += value.length;
      }
      a.end_file();
    }
    const read = performance.now() - t0;
    const t1 = performance.now();
    const first = JSON.parse(a.funnel_json(JSON.stringify({ limits, funnel: configs[0] })));
    const build = performance.now() - t1;
    const times = [];
    for (let r = 0; r < runs; r++) {
      for (const funnel of configs) {
        const t = performance.now();
        a.funnel_json(JSON.stringify({ limits, funnel }));
        times.push(performance.now() - t);
      }
    }
    times.sort((x, y) => x - y);
    const out = { bytes, read, build, people: first.people, counts: first.steps.map((s) => s.count), median: times[times.length >> 1], max: times.at(-1), n: times.length };
    if (withAttribution) {
      const settings = [{}, { conversion: 'lead', lookback_days: 90 }, { half_life_days: 3, position_first: 0.3 }];
      const t2 = performance.now();
      const section = JSON.parse(a.attribution_json(JSON.stringify({ limits })));
      out.attrFirst = performance.now() - t2;
      out.attrPaths = section.dimensions.map((d) => `${d.dimension} ${d.paths} paths/${d.touches} touches`).join(', ');
      const at = [];
      for (let r = 0; r < runs; r++) {
        for (const attribution of settings) {
          const t = performance.now();
          a.attribution_json(JSON.stringify({ limits, attribution }));
          at.push(performance.now() - t);
        }
      }
      at.sort((x, y) => x - y);
      out.attrMedian = at[at.length >> 1];
      out.attrMax = at.at(-1);
    }
    return out;
  }, { configs: CONFIGS, runs, withAttribution: attribution });
  console.log(`read ${(result.bytes / 1e6).toFixed(0)} MB in ${(result.read / 1000).toFixed(1)} s; first funnel (identity + journeys + funnel) ${(result.build / 1000).toFixed(2)} s; ` +
    `${result.people} people, counts ${JSON.stringify(result.counts)}`);
  console.log(`funnel recompute, 5 steps, ${result.n} runs over ${CONFIGS.length} configs: median ${result.median.toFixed(0)} ms, max ${result.max.toFixed(0)} ms`);
  if (attribution) {
    console.log(`attribution: first call (touches + all models, 4 dimensions) ${(result.attrFirst / 1000).toFixed(2)} s; ${result.attrPaths}`);
    console.log(`attribution recompute: median ${result.attrMedian.toFixed(0)} ms, max ${result.attrMax.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}
