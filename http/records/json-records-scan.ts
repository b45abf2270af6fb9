/**
 * The fast path of the JSON produce request: scans the body's bytes once and, for the common
 * shape — `{"records":[{"key":"…","value":…,"partition":n,"timestamp":n}, …]}` with keys and
 * values, nothing else — returns records whose key and value are views of the body (no
 * `JSON.parse` tree, no `JSON.stringify`, no UTF-8 round trip). A value is stored as its JSON
 * text, so a value's bytes are taken as they are only when they are exactly what
 * `JSON.stringify(JSON.parse(text))` would write (no whitespace, only the escapes `JSON.stringify`
 * writes, integers without exponent or fraction, objects without repeated or index-like keys);
 * any other value is re-serialised on its own.
 *
 * Anything else — other fields, escapes in a key, malformed JSON, limits — returns null, and
 * the caller takes the general path (`parseJsonRecords`), which also words every error. So this
 * path never decides what is valid: it only recognises what the general path would accept and
 * produces the same records.
 */
import type { ProducerRecord } from "../../broker/types.ts";
import { utf8Sequence } from "../../record/utf8.ts";

const WS = 1, DIGIT = 2, PLAIN = 4;
const classes = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) classes[c] |= WS;
for (let c = 0x30; c <= 0x39; c++) classes[c] |= DIGIT;
// Bytes a string takes as they are: printable ASCII but the quote and the backslash.
for (let c = 0x20; c < 0x80; c++) if (c !== 0x22 && c !== 0x5c) classes[c] |= PLAIN;

const decoder = new TextDecoder("utf-8", { fatal: true });
/** Depth of nested values scanned here; deeper values are re-serialised. */
const DEPTH_MAX = 64;
/** Object keys checked for repeats by comparing bytes; objects with more are re-serialised. */
const OBJECT_KEYS_MAX = 16;
/** Keys of the objects open at once (each nested object's keys sit above its parent's). */
const OPEN_KEYS_MAX = 256;
/** Integers of up to this many digits are exact in a double, so they print as they are written. */
const INTEGER_DIGITS_MAX = 15;

/** Scan state: position, and whether the value scanned last is canonical. */
interface Cursor {
  i: number;
  canonical: boolean;
}

/**
 * Skips a string whose opening quote is at `c.i - 1`. Returns false when it is not valid JSON.
 * With `escapes` false, any backslash makes it fail (keys are taken as raw bytes).
 */
function skipString(b: Uint8Array, c: Cursor, escapes: boolean): boolean {
  const n = b.length;
  let i = c.i;
  while (i < n) {
    const x = b[i];
    // The common byte, one table look-up; everything else below.
    if (classes[x] & PLAIN) {
      i++;
      continue;
    }
    if (x === 0x22) {
      c.i = i + 1;
      return true;
    }
    if (x === 0x5c) {
      if (!escapes) return false;
      const e = b[i + 1];
      // The escapes JSON.stringify writes itself; others (\/ \uXXXX) are valid but not canonical.
      if (e === 0x22 || e === 0x5c || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2;
      else if (e === 0x2f) {
        c.canonical = false;
        i += 2;
      } else if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = b[i + k];
          if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return false;
        }
        c.canonical = false;
        i += 6;
      } else return false;
    } else if (x < 0x20) return false;
    else if (x < 0x80) i++;
    else if ((i = utf8Sequence(b, i)) < 0) return false;
  }
  return false;
}

/** Skips a number at `c.i`; false when invalid. Canonical: an exact integer, not -0. */
function skipNumber(b: Uint8Array, c: Cursor): boolean {
  let i = c.i;
  const start = i;
  if (b[i] === 0x2d) i++;
  const digitsAt = i;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (classes[b[i]] & DIGIT) i++;
  else return false;
  if (i - digitsAt > INTEGER_DIGITS_MAX || (b[start] === 0x2d && b[digitsAt] === 0x30)) c.canonical = false;
  if (b[i] === 0x2e) {
    c.canonical = false;
    if (!(classes[b[++i]] & DIGIT)) return false;
    while (classes[b[i]] & DIGIT) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    c.canonical = false;
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!(classes[b[i]] & DIGIT)) return false;
    while (classes[b[i]] & DIGIT) i++;
  }
  c.i = i;
  return true;
}

function literal(b: Uint8Array, c: Cursor, word: readonly number[]): boolean {
  for (let k = 0; k < word.length; k++) if (b[c.i + k] !== word[k]) return false;
  c.i += word.length;
  return true;
}
const TRUE = [0x74, 0x72, 0x75, 0x65], FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65], NULL = [0x6e, 0x75, 0x6c, 0x6c];

function skipWs(b: Uint8Array, c: Cursor): void {
  let i = c.i;
  while (classes[b[i]] & WS) i++;
  if (i !== c.i) {
    c.i = i;
    c.canonical = false;
  }
}

/** True when bytes [a, a+len) and [b, b+len) are equal. */
function sameBytes(bytes: Uint8Array, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}

/** An object key V8 would move to the front when re-serialising: an array index. */
function indexLike(b: Uint8Array, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0 || len > 10) return false;
  if (b[start] === 0x30) return len === 1;
  for (let k = start; k < end; k++) if (!(classes[b[k]] & DIGIT)) return false;
  return true;
}

const keyStarts = new Int32Array(OPEN_KEYS_MAX);
const keyEnds = new Int32Array(OPEN_KEYS_MAX);
/** Top of the key tables: the keys of the objects being scanned are below it. */
let keyTop = 0;

/**
 * Skips one JSON value at `c.i` (no leading whitespace), marking `c.canonical` false when it is
 * not as `JSON.stringify` would write it. Returns false when it is not valid JSON.
 */
function skipValue(b: Uint8Array, c: Cursor, depth: number): boolean {
  const x = b[c.i];
  if (x === 0x22) {
    c.i++;
    return skipString(b, c, true);
  }
  if (x === 0x7b || x === 0x5b) {
    if (depth >= DEPTH_MAX) return false;
    const object = x === 0x7b;
    c.i++;
    skipWs(b, c);
    if (b[c.i] === (object ? 0x7d : 0x5d)) {
      c.i++;
      return true;
    }
    const base = keyTop;
    try {
      for (;;) {
        if (object) {
          if (b[c.i] !== 0x22) return false;
          const start = ++c.i;
          if (!skipString(b, c, true)) return false;
          const end = c.i - 1;
          if (keyTop - base < OBJECT_KEYS_MAX && keyTop < OPEN_KEYS_MAX) {
            if (indexLike(b, start, end)) c.canonical = false;
            for (let k = base; k < keyTop; k++) {
              if (keyEnds[k] - keyStarts[k] === end - start && sameBytes(b, keyStarts[k], start, end - start)) c.canonical = false;
            }
            keyStarts[keyTop] = start;
            keyEnds[keyTop] = end;
            keyTop++;
          } else c.canonical = false; // too many keys to check for repeats here
          skipWs(b, c);
          if (b[c.i] !== 0x3a) return false;
          c.i++;
          skipWs(b, c);
        }
        if (!skipValue(b, c, depth + 1)) return false;
        skipWs(b, c);
        const y = b[c.i];
        if (y === 0x2c) {
          c.i++;
          skipWs(b, c);
          continue;
        }
        if (y === (object ? 0x7d : 0x5d)) {
          c.i++;
          return true;
        }
        return false;
      }
    } finally {
      keyTop = base;
    }
  }
  if (x === 0x74) return literal(b, c, TRUE);
  if (x === 0x66) return literal(b, c, FALSE);
  if (x === 0x6e) return literal(b, c, NULL);
  return skipNumber(b, c);
}

/** The field names of a record the fast path takes, as bytes. */
const FIELDS = ["key", "value", "partition", "timestamp"].map((name) => new TextEncoder().encode(name));
const RECORDS = new TextEncoder().encode("records");

function fieldOf(b: Uint8Array, start: number, end: number): number {
  for (let f = 0; f < FIELDS.length; f++) {
    const name = FIELDS[f];
    if (name.length === end - start && sameBytes2(b, start, name)) return f;
  }
  return -1;
}

function sameBytes2(b: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** Cursors for a record's value and integer fields, reused (the scan is synchronous, not re-entered). */
const valueCursor: Cursor = { i: 0, canonical: true };
const numberCursor: Cursor = { i: 0, canonical: true };

/** A non-negative integer field (partition, timestamp) written plainly, or -1. */
function plainInteger(b: Uint8Array, c: Cursor): number {
  const start = c.i;
  const cursor = numberCursor;
  cursor.i = start;
  cursor.canonical = true;
  if (b[start] === 0x2d || !skipNumber(b, cursor) || !cursor.canonical) return -1;
  c.i = cursor.i;
  let n = 0;
  for (let k = start; k < cursor.i; k++) n = n * 10 + (b[k] - 0x30);
  return n;
}

/**
 * Scans a JSON produce request.
 *
 * @param b the body's bytes
 * @param recordsMax the most records a request may hold (more: null, so the general path words the error)
 * @returns the records, keys and values as views of `b` (or strings for re-serialised values), or null
 */
export function scanJsonRecords(b: Uint8Array, recordsMax: number): ProducerRecord[] | null {
  const c: Cursor = { i: 0, canonical: true };
  const n = b.length;
  skipWs(b, c);
  if (b[c.i] !== 0x7b) return null;
  c.i++;
  skipWs(b, c);
  if (b[c.i] !== 0x22 || !sameBytes2(b, c.i + 1, RECORDS) || b[c.i + 1 + RECORDS.length] !== 0x22) return null;
  c.i += RECORDS.length + 2;
  skipWs(b, c);
  if (b[c.i++] !== 0x3a) return null;
  skipWs(b, c);
  if (b[c.i++] !== 0x5b) return null;
  skipWs(b, c);
  const records: ProducerRecord[] = [];
  if (b[c.i] === 0x5d) return null; // empty: the general path words the error
  for (;;) {
    if (records.length >= recordsMax) return null;
    if (b[c.i++] !== 0x7b) return null;
    skipWs(b, c);
    const record: ProducerRecord = { key: null, value: null };
    let seen = 0;
    if (b[c.i] !== 0x7d) {
      for (;;) {
        if (b[c.i] !== 0x22) return null;
        const start = ++c.i;
        if (!skipString(b, c, false)) return null;
        const field = fieldOf(b, start, c.i - 1);
        if (field < 0 || seen & (1 << field)) return null;
        seen |= 1 << field;
        skipWs(b, c);
        if (b[c.i++] !== 0x3a) return null;
        skipWs(b, c);
        const at = c.i;
        if (field === 0) {
          if (b[at] === 0x22) {
            c.i++;
            if (!skipString(b, c, false)) return null;
            record.key = b.subarray(at + 1, c.i - 1);
          } else if (!literal(b, c, NULL)) return null;
        } else if (field === 1) {
          if (b[at] === 0x6e && b[at + 1] === 0x75) {
            if (!literal(b, c, NULL)) return null;
          } else {
            const value = valueCursor;
            value.i = at;
            value.canonical = true;
            if (!skipValue(b, value, 0)) return null;
            c.i = value.i;
            record.value = value.canonical ? b.subarray(at, value.i) : JSON.stringify(JSON.parse(decoder.decode(b.subarray(at, value.i))));
          }
        } else {
          const number = plainInteger(b, c);
          if (number < 0 || (field === 2 && number > 0x7fffffff) || (field === 3 && !Number.isSafeInteger(number))) return null;
          if (field === 2) record.partition = number;
          else record.timestamp = number;
        }
        skipWs(b, c);
        if (b[c.i] === 0x2c) {
          c.i++;
          skipWs(b, c);
          continue;
        }
        if (b[c.i] === 0x7d) break;
        return null;
      }
    }
    c.i++;
    records.push(record);
    skipWs(b, c);
    if (b[c.i] === 0x2c) {
      c.i++;
      skipWs(b, c);
      continue;
    }
    if (b[c.i] !== 0x5d) return null;
    c.i++;
    break;
  }
  skipWs(b, c);
  if (b[c.i++] !== 0x7d) return null;
  skipWs(b, c);
  return c.i === n ? records : null;
}
