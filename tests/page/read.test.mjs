// readChunks (www/read.js), on Node's Blob, whose stream is a byte stream as in Chromium: every
// byte arrives once and in order with the two buffers taking turns (each chunk consumed before
// its buffer is refilled), with the default reader too (browsers whose blob streams are not
// byte streams), and returning false stops the reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readChunks } from '../../www/read.js';

/** 3.5 MiB of varied bytes: several full 1 MiB chunks and a partial one. */
const bytes = Uint8Array.from({ length: 3.5 * (1 << 20) }, (_, i) => (i * 7919 + (i >> 13)) & 0xff);
const sha = (parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

/** Hashes every chunk while it is handed over (a chunk is only valid until onChunk returns). */
async function digest(blob, { asyncCallback = false } = {}) {
  const hash = createHash('sha256');
  let chunks = 0;
  await readChunks(blob, async (chunk) => {
    if (asyncCallback) await new Promise((r) => setTimeout(r, 0));
    hash.update(chunk);
    chunks++;
  });
  return { hex: hash.digest('hex'), chunks };
}

test('a byte stream is read whole, in order, through the two reused buffers', async () => {
  const blob = new Blob([bytes]);
  assert.ok(blob.stream().getReader({ mode: 'byob' }), 'Node blob streams are byte streams');
  for (const asyncCallback of [false, true]) {
    const { hex, chunks } = await digest(blob, { asyncCallback });
    assert.equal(hex, sha([bytes]));
    assert.ok(chunks >= 4, `${chunks} chunks`);
  }
  // A slice, as the piece readers read.
  const { hex } = await digest(blob.slice(12345, 2_500_000));
  assert.equal(hex, sha([bytes.subarray(12345, 2_500_000)]));
});

test('a stream that is not a byte stream is read with the default reader', async () => {
  const parts = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 1_700_000), bytes.subarray(1_700_000)];
  const plain = {
    stream: () => new ReadableStream({
      start(controller) {
        for (const p of parts) controller.enqueue(p.slice());
        controller.close();
      },
    }),
  };
  assert.throws(() => plain.stream().getReader({ mode: 'byob' }));
  const { hex, chunks } = await digest(plain);
  assert.equal(hex, sha([bytes]));
  assert.equal(chunks, 3);
});

test('returning false stops the reading', async () => {
  let seen = 0;
  await readChunks(new Blob([bytes]), (chunk) => {
    seen += chunk.byteLength;
    return false;
  });
  assert.ok(seen > 0 && seen <= 1 << 20, `${seen} bytes`);
});
