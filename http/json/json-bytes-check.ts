/**
 * Checks, without allocating, whether bytes are one JSON text in UTF-8 (RFC 8259), so a stored
 * value can be copied into a JSON response as it is. The answer matches
 * `JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes))`
 * succeeding, except that texts nested deeper than {@link jsonDepthMax} are reported
 * `undecided` (the caller then parses them the slow way).
 */
import { utf8Sequence } from "../../record/utf8.ts";

/** Outcomes of {@link checkJsonBytes}. */
export const JsonBytes = {
  /** Not UTF-8 JSON. */
  Invalid: 0,
  /** Valid, and no line break anywhere (a raw line break can only be whitespace). */
  OneLine: 1,
  /** Valid, but with a line break in its whitespace. */
  MultiLine: 2,
  /** Too deep to check here. */
  Undecided: 3,
} as const;

/** One outcome of {@link checkJsonBytes}. */
export type JsonBytes = typeof JsonBytes[keyof typeof JsonBytes];

/** Nesting beyond which the check gives up (no recursion: an explicit stack of this size). */
export const jsonDepthMax = 256;

const stack = new Uint8Array(jsonDepthMax);

const WS = 1, DIGIT = 2, HEX = 4;
const classes = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) classes[c] |= WS;
for (let c = 0x30; c <= 0x39; c++) classes[c] |= DIGIT | HEX;
for (let c = 0x41; c <= 0x46; c++) classes[c] |= HEX;
for (let c = 0x61; c <= 0x66; c++) classes[c] |= HEX;

/** Index after the string whose opening quote is at `i - 1`, or -1. */
function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = b[i + 1];
      if (e === 0x75) {
        if (i + 5 >= n || !(classes[b[i + 2]] & HEX && classes[b[i + 3]] & HEX && classes[b[i + 4]] & HEX && classes[b[i + 5]] & HEX)) return -1;
        i += 6;
      } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2;
      else return -1;
    } else if (c < 0x20) return -1;
    else if (c < 0x80) i++;
    else if ((i = utf8Sequence(b, i)) < 0) return -1;
  }
  return -1;
}

/** Index after the number starting at `i`, or -1. */
function skipNumber(b: Uint8Array, i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (classes[b[i]] & DIGIT) i++;
  else return -1;
  if (b[i] === 0x2e) {
    if (!(classes[b[++i]] & DIGIT)) return -1;
    while (classes[b[i]] & DIGIT) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!(classes[b[i]] & DIGIT)) return -1;
    while (classes[b[i]] & DIGIT) i++;
  }
  return i;
}

function literal(b: Uint8Array, i: number, word: readonly number[]): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}
const TRUE = [0x74, 0x72, 0x75, 0x65], FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65], NULL = [0x6e, 0x75, 0x6c, 0x6c];

/**
 * Checks bytes for being one UTF-8 JSON text.
 *
 * @param b the bytes
 * @returns {@link JsonBytes}
 */
export function checkJsonBytes(b: Uint8Array): JsonBytes {
  const n = b.length;
  let i = 0;
  let depth = 0;
  let lineBreak = false;
  // expect: 0 = a value, 1 = after a value, 2 = an object key (or "}" right after "{"), 3 = an array value (or "]" right after "[")
  let expect = 0;
  for (;;) {
    while (i < n && classes[b[i]] & WS) {
      if (b[i] === 0x0a || b[i] === 0x0d) lineBreak = true;
      i++;
    }
    if (i >= n) return expect === 1 && depth === 0 ? (lineBreak ? JsonBytes.MultiLine : JsonBytes.OneLine) : JsonBytes.Invalid;
    const c = b[i];
    if (expect === 1) {
      if (depth === 0) return JsonBytes.Invalid;
      const inObject = stack[depth - 1] === 1;
      if (c === 0x2c) { i++; expect = inObject ? 4 : 0; continue; }
      if (c === (inObject ? 0x7d : 0x5d)) { i++; depth--; continue; }
      return JsonBytes.Invalid;
    }
    if (expect === 2 || expect === 4) {
      if (expect === 2 && c === 0x7d) { i++; depth--; expect = 1; continue; }
      if (c !== 0x22 || (i = skipString(b, i + 1)) < 0) return JsonBytes.Invalid;
      while (i < n && classes[b[i]] & WS) {
        if (b[i] === 0x0a || b[i] === 0x0d) lineBreak = true;
        i++;
      }
      if (b[i] !== 0x3a) return JsonBytes.Invalid;
      i++;
      expect = 0;
      continue;
    }
    if (expect === 3 && c === 0x5d) { i++; depth--; expect = 1; continue; }
    if (c === 0x7b || c === 0x5b) {
      if (depth === jsonDepthMax) return JsonBytes.Undecided;
      stack[depth++] = c === 0x7b ? 1 : 2;
      i++;
      expect = c === 0x7b ? 2 : 3;
      continue;
    }
    if (c === 0x22) i = skipString(b, i + 1);
    else if (c === 0x74) i = literal(b, i, TRUE);
    else if (c === 0x66) i = literal(b, i, FALSE);
    else if (c === 0x6e) i = literal(b, i, NULL);
    else i = skipNumber(b, i);
    if (i < 0) return JsonBytes.Invalid;
    expect = 1;
  }
}
