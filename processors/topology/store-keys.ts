/**
 * Byte layouts of the keys and values in windowed stores. Keys sort by unsigned bytes (the
 * `KeyValueStore` order), so every layout starts with the record key's length and bytes, then
 * big-endian times: all entries of one key are adjacent and ordered by time.
 *
 *   window key   u32 keyLength | key | u64 windowStart                         (time windows)
 *   session key  u32 keyLength | key | u64 sessionEnd | u64 sessionStart       (sessions)
 *   join key     u32 keyLength | key | u64 timestamp | u16 input | u64 offset | u32 seq
 *   window value u8 flags | u64 maxTimestamp | aggregate bytes                 (time windows, sessions; flags reserved, 0)
 *   join value   u8 flags | value bytes                                        (flag 1: matched)
 *
 * Times are ms since the epoch, 0 ≤ t < 2^53 (records with negative timestamps never reach a
 * windowed store).
 */

/** Bytes before the aggregate in a window value. */
export const windowValueHeader = 9;
/** A time past every real timestamp, as an exclusive upper bound in ranges. */
export const timeMax = 2 ** 53;

/** Compares byte arrays as unsigned bytes, shorter first on a tie. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function writeU64(to: Uint8Array, at: number, n: number): void {
  const hi = Math.floor(n / 4_294_967_296);
  const lo = n - hi * 4_294_967_296;
  to[at] = hi >>> 24; to[at + 1] = hi >>> 16; to[at + 2] = hi >>> 8; to[at + 3] = hi;
  to[at + 4] = lo >>> 24; to[at + 5] = lo >>> 16; to[at + 6] = lo >>> 8; to[at + 7] = lo;
}

/** Reads a big-endian u64 written by this module. */
export function readU64(from: Uint8Array, at: number): number {
  const hi = ((from[at] << 24) | (from[at + 1] << 16) | (from[at + 2] << 8) | from[at + 3]) >>> 0;
  const lo = ((from[at + 4] << 24) | (from[at + 5] << 16) | (from[at + 6] << 8) | from[at + 7]) >>> 0;
  return hi * 4_294_967_296 + lo;
}

function keyed(key: Uint8Array, tail: number): Uint8Array {
  const out = new Uint8Array(4 + key.length + tail);
  const n = key.length;
  out[0] = n >>> 24; out[1] = n >>> 16; out[2] = n >>> 8; out[3] = n;
  out.set(key, 4);
  return out;
}

/** The record key inside a windowed store key (a view, not a copy). */
export function recordKeyOf(storeKey: Uint8Array): Uint8Array {
  const n = ((storeKey[0] << 24) | (storeKey[1] << 16) | (storeKey[2] << 8) | storeKey[3]) >>> 0;
  return storeKey.subarray(4, 4 + n);
}

/** Where the times start in a windowed store key. */
export function timesAt(storeKey: Uint8Array): number {
  return 4 + recordKeyOf(storeKey).length;
}

/** `key` followed by one time: a window key, or a range bound for session and join keys. */
export function keyAndTime(key: Uint8Array, time: number): Uint8Array {
  const out = keyed(key, 8);
  writeU64(out, 4 + key.length, time);
  return out;
}

/** A session store key. */
export function sessionKey(key: Uint8Array, end: number, start: number): Uint8Array {
  const out = keyed(key, 16);
  writeU64(out, 4 + key.length, end);
  writeU64(out, 12 + key.length, start);
  return out;
}

/** A join buffer key: unique per input record (input index, offset) and output of it (seq). */
export function joinKey(key: Uint8Array, timestamp: number, input: number, offset: number, seq: number): Uint8Array {
  const out = keyed(key, 22);
  let at = 4 + key.length;
  writeU64(out, at, timestamp);
  out[at + 8] = input >>> 8; out[at + 9] = input;
  writeU64(out, at + 10, offset);
  at += 18;
  out[at] = seq >>> 24; out[at + 1] = seq >>> 16; out[at + 2] = seq >>> 8; out[at + 3] = seq;
  return out;
}

/** A window value: flags, the latest record timestamp folded in, the aggregate bytes. */
export function windowValue(flags: number, maxTimestamp: number, aggregate: Uint8Array): Uint8Array {
  const out = new Uint8Array(windowValueHeader + aggregate.length);
  out[0] = flags;
  writeU64(out, 1, maxTimestamp);
  out.set(aggregate, windowValueHeader);
  return out;
}
