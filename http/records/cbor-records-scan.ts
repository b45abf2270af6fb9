/**
 * The fast path of the CBOR produce request: reads the body's bytes once and, for the common
 * shape — a map `{"records": [{"key": …, "value": …, "partition": n, "timestamp": n}, …]}` of
 * definite lengths, keys and values as byte strings, UTF-8 text or null — returns records whose
 * key and value are views of the body (no decoded object tree, no copies).
 *
 * Anything else — tags, indefinite lengths, other fields, floats, malformed bytes, limits —
 * returns null, and the caller takes the general path (cbor-x and `parseCborRecords`), which
 * also words every error. So this path never decides what is valid: it only recognises what the
 * general path would accept and produces the same records.
 */
import type { ProducerRecord } from "../../broker/types.ts";

const FIELDS = ["key", "value", "partition", "timestamp"].map((name) => new TextEncoder().encode(name));
const RECORDS = new TextEncoder().encode("records");

/** Scan position; `at` is -1 once the shape is not the common one. */
interface Cursor {
  at: number;
}

/**
 * The argument of the head at `c.at` for major type `major` (definite lengths and integers up
 * to 2^53), advancing past the head; -1 when the head is something else.
 */
function head(b: Uint8Array, c: Cursor, major: number): number {
  const i = c.at;
  if (i >= b.length || b[i] >> 5 !== major) return -1;
  const info = b[i] & 0x1f;
  if (info < 24) {
    c.at = i + 1;
    return info;
  }
  if (info === 24) {
    if (i + 1 >= b.length) return -1;
    c.at = i + 2;
    return b[i + 1];
  }
  if (info === 25) {
    if (i + 2 >= b.length) return -1;
    c.at = i + 3;
    return (b[i + 1] << 8) | b[i + 2];
  }
  if (info === 26) {
    if (i + 4 >= b.length) return -1;
    c.at = i + 5;
    return ((b[i + 1] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 3] << 8) | b[i + 4]);
  }
  if (info === 27) {
    if (i + 8 >= b.length) return -1;
    const high = ((b[i + 1] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 3] << 8) | b[i + 4]);
    if (high >= 0x200000) return -1; // past 2^53
    c.at = i + 9;
    return high * 2 ** 32 + ((b[i + 5] << 24) >>> 0) + ((b[i + 6] << 16) | (b[i + 7] << 8) | b[i + 8]);
  }
  return -1;
}

/**
 * A float64 or float32 at `c.at` holding a non-negative safe integer (encoders write integers
 * past 2^32 that way), advancing past it; -1 otherwise.
 */
function wholeFloat(b: Uint8Array, c: Cursor): number {
  const i = c.at;
  const x = b[i];
  const size = x === 0xfb ? 8 : x === 0xfa ? 4 : 0;
  if (size === 0 || i + size >= b.length) return -1;
  const view = new DataView(b.buffer, b.byteOffset + i + 1, size);
  const n = size === 8 ? view.getFloat64(0) : view.getFloat32(0);
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return -1;
  c.at = i + 1 + size;
  return n;
}

/** True when bytes [start, end) are valid UTF-8. */
function validUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + n >= end) return false;
    const c1 = b[i + 1];
    if (c1 < lo || c1 > hi) return false;
    for (let k = 2; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return false;
    i += n + 1;
  }
  return i === end;
}

/** A text string equal to `word`, advancing past it; false otherwise. */
function textIs(b: Uint8Array, c: Cursor, word: Uint8Array): boolean {
  const save = c.at;
  const length = head(b, c, 3);
  if (length !== word.length || c.at + length > b.length) {
    c.at = save;
    return false;
  }
  for (let k = 0; k < length; k++) {
    if (b[c.at + k] !== word[k]) {
      c.at = save;
      return false;
    }
  }
  c.at += length;
  return true;
}

/** A byte string, UTF-8 text or null/undefined at `c.at`, as a view; undefined when neither. */
function bytesOrNull(b: Uint8Array, c: Cursor): Uint8Array | null | undefined {
  const x = b[c.at];
  if (x === 0xf6 || x === 0xf7) {
    c.at++;
    return null;
  }
  const major = x >> 5;
  if (major !== 2 && major !== 3) return undefined;
  const length = head(b, c, major);
  if (length < 0 || c.at + length > b.length) return undefined;
  const start = c.at;
  c.at += length;
  if (major === 3 && !validUtf8(b, start, c.at)) return undefined;
  return b.subarray(start, c.at);
}

/**
 * Scans a CBOR produce request.
 *
 * @param b the body's bytes
 * @param recordsMax the most records a request may hold (more: null, so the general path words the error)
 * @returns the records, keys and values as views of `b`, or null
 */
export function scanCborRecords(b: Uint8Array, recordsMax: number): ProducerRecord[] | null {
  const c: Cursor = { at: 0 };
  if (head(b, c, 5) !== 1 || !textIs(b, c, RECORDS)) return null;
  const count = head(b, c, 4);
  if (count < 1 || count > recordsMax) return null;
  const records = new Array<ProducerRecord>(count);
  for (let r = 0; r < count; r++) {
    const fields = head(b, c, 5);
    if (fields < 0 || fields > FIELDS.length) return null;
    const record: ProducerRecord = { key: null, value: null };
    let seen = 0;
    for (let f = 0; f < fields; f++) {
      let field = 0;
      while (field < FIELDS.length && !textIs(b, c, FIELDS[field])) field++;
      if (field === FIELDS.length || seen & (1 << field)) return null;
      seen |= 1 << field;
      if (field < 2) {
        const bytes = bytesOrNull(b, c);
        if (bytes === undefined) return null;
        if (field === 0) record.key = bytes;
        else record.value = bytes;
      } else {
        let n = head(b, c, 0);
        if (n < 0) n = wholeFloat(b, c);
        if (n < 0 || (field === 2 && n > 0x7fffffff)) return null;
        if (field === 2) record.partition = n;
        else record.timestamp = n;
      }
    }
    records[r] = record;
  }
  return c.at === b.length ? records : null;
}
