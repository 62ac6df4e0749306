// Reading a File in chunks, shared by the analysis worker and the parse workers.

/** Bytes per read where the browser lets us bring our own buffer. */
const CHUNK_BYTES = 1 << 20;

/** Reads `file` (a File or Blob, e.g. a slice) chunk by chunk with stream(), asking for the
 *  next chunk before handing over this one so reading overlaps parsing. `onChunk` may be
 *  async; returning false stops reading. A chunk is only valid until `onChunk` returns.
 *
 *  Where the stream is a byte stream (Chromium, Firefox), two 1 MiB buffers take turns: one
 *  is filled while the other is parsed. The default reader allocates a fresh 64 KiB buffer
 *  per chunk, and two workers reading halves of a 140 MB file spent 0.2-0.25 s each on that
 *  against 0.13-0.15 s with their own buffers (headless Chromium, 2 cores). */
export async function readChunks(file, onChunk) {
  const stream = file.stream();
  const byob = byobReader(stream);
  const reader = byob || stream.getReader();
  const spare = byob ? [new ArrayBuffer(CHUNK_BYTES), new ArrayBuffer(CHUNK_BYTES)] : [];
  const read = () => (byob ? reader.read(new Uint8Array(spare.pop())) : reader.read());
  try {
    let pending = read();
    for (;;) {
      const { value, done } = await pending;
      if (done) return;
      pending = read();
      const more = (await onChunk(value)) !== false;
      if (byob) spare.push(value.buffer);
      if (!more) {
        reader.cancel().catch(() => {});
        return;
      }
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
}

/** A BYOB reader of `stream`, or null where the browser's blob streams are not byte streams. */
function byobReader(stream) {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}
