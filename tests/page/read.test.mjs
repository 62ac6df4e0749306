// readChunks (www/read.js), on Node's Blob, on a plain ReadableStream and on a byte stream (as
// Chromium's File.stream() is): every byte arrives once and in order, also when the callback is
// async, a large byte stream is read into one reused buffer, a BYOB read that never resolves
// is dropped and the rest read from where it stopped, and returning false stops the reading.
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

/** A file whose stream is a byte stream (as Chromium's File.stream() is) handing out 300 kB per
 *  pull; with `stallAt`, the BYOB read of that number (0-based) never resolves, as Chromium's
 *  sometimes do. Its slices do not stall. */
function byteFile(data, { stallAt = -1 } = {}) {
  return {
    size: data.length,
    slice: (from) => byteFile(data.subarray(from)),
    stream: () => {
      let at = 0;
      let reads = 0;
      return new ReadableStream({
        type: 'bytes',
        pull(controller) {
          if (controller.byobRequest && reads++ === stallAt) return new Promise(() => {});
          if (at >= data.length) {
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          const piece = data.slice(at, at + 300_000);
          at += piece.length;
          controller.enqueue(piece);
        },
      });
    },
  };
}

/** 17 MiB of varied bytes: read with the BYOB reader (16 MiB and up). */
const large = Uint8Array.from({ length: 17 * (1 << 20) }, (_, i) => (i * 31 + (i >> 11)) & 0xff);

test('a byte stream is read whole and in order', async () => {
  for (const data of [bytes, large]) {
    for (const asyncCallback of [false, true]) {
      const { hex, chunks } = await digest(byteFile(data), { asyncCallback });
      assert.equal(hex, sha([data]));
      assert.ok(chunks >= 2, `${chunks} chunks`);
    }
  }
});

test('a large byte stream is read into one reused buffer, a small one not', async () => {
  // Each chunk's buffer is taken over by the next BYOB read, so a chunk kept past its
  // callback is empty by the end; the default reader's chunks all stay whole.
  const kept = async (file) => {
    const chunks = [];
    await readChunks(file, (chunk) => {
      chunks.push(chunk);
    });
    return chunks.slice(0, -1).map((c) => c.byteLength);
  };
  const fromLarge = await kept(byteFile(large));
  assert.ok(fromLarge.length >= 2);
  assert.deepEqual(fromLarge, fromLarge.map(() => 0));
  assert.ok((await kept(byteFile(bytes))).every((n) => n > 0));
});

test('a stalled read is dropped and the rest read from where it stopped', async () => {
  for (const stallAt of [0, 3]) {
    const hash = createHash('sha256');
    await readChunks(byteFile(large, { stallAt }), (chunk) => {
      hash.update(chunk);
    }, { stallMs: 50 });
    assert.equal(hash.digest('hex'), sha([large]), `stalled at read ${stallAt}`);
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
