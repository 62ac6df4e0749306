// Reading a File in chunks, shared by the analysis worker and the parse workers.

/** Reads `file` chunk by chunk with file.stream(), asking for the next chunk before handing
 *  over this one so reading overlaps parsing. `onChunk` may be async. */
export async function readChunks(file, onChunk) {
  const reader = file.stream().getReader();
  try {
    let pending = reader.read();
    for (;;) {
      const { value, done } = await pending;
      if (done) return;
      pending = reader.read();
      await onChunk(value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
}
