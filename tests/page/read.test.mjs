// readChunks (www/read.js), on Node's Blob, on a plain ReadableStream and on a byte stream (as
// Chromium's File.stream() is): every byte arrives once and in order, also when the callback is
// async (the next chunk is asked for before the callback finishes), and returning false stops
// the reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readChunks } from '../../www/read.js';

/** 3.5 MiB of varied bytes. */
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

test('a blob is read whole and in order, with a sync or an async callback', async () => {
  const blob = new Blob([bytes]);
  for (const asyncCallback of [false, true]) {
    const { hex } = await digest(blob, { asyncCallback });
    assert.equal(hex, sha([bytes]));
  }
  // A slice, as the piece readers read.
  const { hex } = await digest(blob.slice(12345, 2_500_000));
  assert.equal(hex, sha([bytes.subarray(12345, 2_500_000)]));
});

/** Something with a stream() of three chunks, as a browser's File gives. */
const parts = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 1_700_000), bytes.subarray(1_700_000)];
const plain = {
  stream: () => new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p.slice());
      controller.close();
    },
  }),
};

test('a stream of chunks is read whole and in order', async () => {
  const { hex, chunks } = await digest(plain);
  assert.equal(hex, sha([bytes]));
  assert.equal(chunks, 3);
});

/** A byte stream (as Chromium's File.stream() is) handing out 300 kB per pull. */
const byteFile = {
  stream: () => {
    let at = 0;
    return new ReadableStream({
      type: 'bytes',
      pull(controller) {
        if (at >= bytes.length) {
          controller.close();
          controller.byobRequest?.respond(0);
          return;
        }
        const piece = bytes.slice(at, at + 300_000);
        at += piece.length;
        controller.enqueue(piece);
      },
    });
  },
};

test('a byte stream is read whole and in order', async () => {
  for (const asyncCallback of [false, true]) {
    // Async: the next chunk is asked for while this one is still being hashed.
    const { hex, chunks } = await digest(byteFile, { asyncCallback });
    assert.equal(hex, sha([bytes]));
    assert.ok(chunks >= 2, `${chunks} chunks`);
  }
});

test('returning false stops the reading', async () => {
  let seen = 0;
  await readChunks(plain, (chunk) => {
    seen += chunk.byteLength;
    return false;
  });
  assert.equal(seen, parts[0].length);
});
