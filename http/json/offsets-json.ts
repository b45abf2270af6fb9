/**
 * The JSON produce response, `{"offsets":[{"partition":P,"offset":O},…]}`, written straight as
 * ASCII bytes: one entry per record, so building it as a string (a rope of thousands of pieces,
 * flattened and UTF-8 encoded again on the way out) was a visible share of an HTTP produce's CPU.
 */

const HEAD = bytesOf(`{"offsets":[`);
const PARTITION = bytesOf(`{"partition":`);
const OFFSET = bytesOf(`,"offset":`);
/** Bytes of one entry at most: both keys, 10 digits of partition, 16 of offset, `}` and `,`. */
const ENTRY_BYTES_MAX = PARTITION.length + 10 + OFFSET.length + 16 + 2;

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function put(out: Uint8Array, at: number, word: Uint8Array): number {
  for (let k = 0; k < word.length; k++) out[at + k] = word[k];
  return at + word.length;
}

/** Writes `n` (0 ≤ n < 2^31) in decimal at `at`, padded with zeros to `width` digits; returns the end. */
function putSmall(out: Uint8Array, at: number, n: number, width: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
  if (digits < width) digits = width;
  for (let k = digits - 1, x = n; k >= 0; k--, x = (x / 10) | 0) out[at + k] = 0x30 + (x % 10);
  return at + digits;
}

/** Writes a non-negative safe integer in decimal at `at`; returns the end. */
function putInteger(out: Uint8Array, at: number, n: number): number {
  if (n < 0x80000000) return putSmall(out, at, n, 0);
  const high = Math.floor(n / 1e8);
  return putSmall(out, putSmall(out, at, high, 0), n - high * 1e8, 8);
}

/**
 * Renders the produce response for `metadata`.
 *
 * @param metadata where each record landed, in request order (partitions and offsets are
 *   non-negative safe integers)
 * @returns the UTF-8 (ASCII) bytes, exactly what `JSON.stringify({ offsets })` writes
 */
export function offsetsJsonBytes(metadata: ReadonlyArray<{ partition: number; offset: number }>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(HEAD.length + metadata.length * ENTRY_BYTES_MAX + 2);
  let at = put(out, 0, HEAD);
  for (let i = 0; i < metadata.length; i++) {
    if (i > 0) out[at++] = 0x2c;
    at = put(out, at, PARTITION);
    at = putInteger(out, at, metadata[i].partition);
    at = put(out, at, OFFSET);
    at = putInteger(out, at, metadata[i].offset);
    out[at++] = 0x7d;
  }
  out[at++] = 0x5d;
  out[at++] = 0x7d;
  return out.subarray(0, at);
}
