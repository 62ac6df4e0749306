// Reading a File in chunks, shared by the analysis worker and the parse workers.

/** Bytes asked for per read from a byte stream (BYOB reader). */
const CHUNK = 4 << 20;
/** Files (or slices) smaller than this are read with the default reader (see readChunks). */
const BYOB_MIN_BYTES = 16 << 20;
/** A BYOB read that has not resolved after this long is taken for stalled (see readChunks). */
const STALL_MS = 3000;

/** Reads `file` (a File or Blob, e.g. a slice) chunk by chunk with stream(); `onChunk` may be
 *  async; returning false stops reading. A chunk's memory is reused once `onChunk` has
 *  returned (or its promise settled): copy what must outlive it.
 *
 *  Chromium's file streams are byte streams: a large file is read with a BYOB reader into one
 *  buffer used for the whole file, one read at a time. The default reader hands out a new
 *  buffer per chunk (up to 2 MB each, 140 MB for the 1M benchmark), and freeing those stalled
 *  the worker in the middle of a load (a 25 ms pause at its next large allocation): the 1M
 *  benchmark loads ≈40 ms sooner, its bare read (the floor) takes 0.16 s instead of 0.23 s.
 *  Chromium 156 sometimes never resolves a BYOB read, though: the first read of a small file
 *  (kilobytes) in about half the loads of a drop of several files, and with two buffers taking
 *  turns (a read always in flight) 2–6 loads of the 1M benchmark in 40 (stress.mjs), against
 *  none in 160 one read at a time. So small files take the default reader, and a BYOB read
 *  that stalls for `stallMs` is dropped: the rest of the file is read with the default reader
 *  from where it stopped. Other streams are read with the default reader, the next chunk asked
 *  for before this one is handed over. */
export async function readChunks(file, onChunk, { stallMs = STALL_MS } = {}) {
  // One stream: a stream the BYOB reader is refused for is still unlocked, read by default.
  let stream = file.stream();
  const byob = file.size >= BYOB_MIN_BYTES ? byobReader(stream) : null;
  if (byob) {
    const read = await readInto(byob, onChunk, stallMs);
    if (read === undefined) return;
    stream = file.slice(read).stream();
  }
  await readEach(stream.getReader(), onChunk);
}

const STALLED = Symbol('stalled');

/** Reads with a BYOB reader, one read at a time into one buffer; returns the bytes read when a
 *  read stalled (the caller reads on from there), else undefined. */
async function readInto(reader, onChunk, stallMs) {
  let buffer = new ArrayBuffer(CHUNK);
  let read = 0;
  let timer;
  const stalled = () => new Promise((resolve) => { timer = setTimeout(resolve, stallMs, STALLED); });
  try {
    for (;;) {
      // The read takes the buffer over and gives it back as `value.buffer`.
      const result = await Promise.race([reader.read(new Uint8Array(buffer)), stalled()]);
      clearTimeout(timer);
      if (result === STALLED) {
        reader.cancel().catch(() => {});
        return read;
      }
      const { value, done } = result;
      if (done) return undefined;
      buffer = value.buffer;
      read += value.byteLength;
      if ((await onChunk(value)) === false) {
        reader.cancel().catch(() => {});
        return undefined;
      }
    }
  } catch (e) {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
    throw e;
  }
}

/** Reads with the default reader, the next chunk asked for before this one is handed over. */
async function readEach(reader, onChunk) {
  try {
    let pending = reader.read();
    for (;;) {
      const { value, done } = await pending;
      if (done) return;
      pending = reader.read();
      if ((await onChunk(value)) === false) {
        reader.cancel().catch(() => {});
        return;
      }
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
}

/** A BYOB reader of `stream`, or null when it is not a byte stream. */
function byobReader(stream) {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}
