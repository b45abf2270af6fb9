/**
 * Where `Log.appendRecords` encodes, one buffer per thread for every log on it: the batch is
 * encoded and written in one synchronous step and nothing keeps its bytes (a retried duplicate
 * is answered without them), so it replaces a new zeroed buffer per batch. Kept at the largest
 * batch seen on the thread (at least 64 KiB, doubling).
 *
 * Not thread-safe, and needs none: module state, so one buffer per worker thread.
 */
let scratchBytes = new Uint8Array(0);

/** A buffer of at least `bytes` bytes, overwritten by the next call: use it and drop it before awaiting anything. */
export function encodeScratch(bytes: number): Uint8Array {
  if (scratchBytes.length < bytes) scratchBytes = new Uint8Array(Math.max(bytes, scratchBytes.length * 2, 64 * 1024));
  return scratchBytes;
}
