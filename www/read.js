// Reading a File in chunks, shared by the analysis worker and the parse workers.

/** Reads `file` (a File or Blob, e.g. a slice) chunk by chunk with stream(), asking for the
 *  next chunk before handing over this one so reading overlaps parsing. `onChunk` may be
 *  async; returning false stops reading. */
export async function readChunks(file, onChunk) {
  const reader = file.stream().getReader();
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
