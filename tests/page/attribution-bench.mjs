// Attribution models' speed in headless Chromium: the page's wasm generates the same synthetic
// paths as `cargo run --release --example attribution_bench` (1,000,000 people, up to 20
// touches over 800 keys, one in ten converting) and times every model on them.
//   node attribution-bench.mjs [PERSONS] [MAX_TOUCHES] [KEYS] [--runs N]
// The recompute of the whole section on loaded files: node funnel-bench.mjs FILE... --attribution
import { serve, launchChromium } from './server.mjs';

const args = process.argv.slice(2);
let runs = 3;
const sizes = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else sizes.push(Number(args[i]));
}
const [persons = 1_000_000, maxTouches = 20, keys = 800] = sizes;
const server = await serve();
const browser = await launchChromium();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url + '/');
  for (let r = 0; r < runs; r++) {
    const result = await page.evaluate(async ([p, t, k]) => {
      const { default: init, attribution_bench } = await import('./pkg/qunlens.js');
      await init();
      return JSON.parse(attribution_bench(p, t, k));
    }, [persons, maxTouches, keys]);
    const heuristics = Object.entries(result.ms).filter(([n]) => n !== 'markov').reduce((s, [, ms]) => s + ms, 0);
    const each = Object.entries(result.ms).map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ');
    console.log(`${persons} people, ${result.touches} touches, ${keys} keys: heuristics together ${heuristics.toFixed(0)} ms, markov ${result.ms.markov.toFixed(0)} ms (${each})`);
  }
} finally {
  await browser.close();
  await server.close();
}
