/**
 * UTF-8 for header names, by hand so sizing and writing agree byte for byte without allocating:
 * code points are written as 1-4 bytes; a lone surrogate becomes U+FFFD (3 bytes), exactly as
 * `TextEncoder` does.
 */

const decoder = new TextDecoder();
/** Below this many bytes, ASCII names decode faster one char at a time than via TextDecoder. */
const SHORT_ASCII_BYTES = 32;

/**
 * Bytes `text` takes as UTF-8.
 *
 * @param text any string
 * @returns its UTF-8 length
 */
export function utf8Length(text: string): number {
  let size = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) size += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 2; // a pair: 2 UTF-16 units, 4 bytes
      i++;
    } else size += 2; // 3 bytes, including U+FFFD for a lone surrogate
  }
  return size;
}

/**
 * Writes `text` as UTF-8 at `position`.
 *
 * @param bytes the destination, with room for {@link utf8Length}(text) bytes
 * @param position where to write
 * @param text any string
 * @returns the position after the last byte written
 */
export function writeUtf8(bytes: Uint8Array, position: number, text: string): number {
  let p = position;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[p++] = c;
    } else if (c < 0x800) {
      bytes[p++] = 0xc0 | (c >> 6);
      bytes[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xe000) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && (next & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes[p++] = 0xf0 | (c >> 18);
        bytes[p++] = 0x80 | ((c >> 12) & 0x3f);
        bytes[p++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[p++] = 0x80 | (c & 0x3f);
      } else {
        bytes[p++] = 0xef; // U+FFFD
        bytes[p++] = 0xbf;
        bytes[p++] = 0xbd;
      }
    } else {
      bytes[p++] = 0xe0 | (c >> 12);
      bytes[p++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

/**
 * Reads UTF-8 `bytes[start, end)` as a string; malformed sequences become U+FFFD.
 *
 * @param bytes the source
 * @param start first byte
 * @param end first byte after the text
 * @returns the text
 */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= SHORT_ASCII_BYTES) {
    let text = "";
    let i = start;
    for (; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) break;
      text += String.fromCharCode(c);
    }
    if (i === end) return text;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Index after a valid UTF-8 sequence starting at `i` (first byte ≥ 0x80), or -1 when the bytes
 * there are not well-formed UTF-8 (overlong forms, surrogates and code points past U+10FFFF
 * included), so byte scanners can check text without decoding it.
 */
export function utf8Sequence(b: Uint8Array, i: number): number {
  const c = b[i];
  const n = b.length;
  if (c >= 0xc2 && c <= 0xdf) return i + 1 < n && (b[i + 1] & 0xc0) === 0x80 ? i + 2 : -1;
  if (c >= 0xe0 && c <= 0xef) {
    if (i + 2 >= n) return -1;
    const c1 = b[i + 1];
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return c1 >= lo && c1 <= hi && (b[i + 2] & 0xc0) === 0x80 ? i + 3 : -1;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (i + 3 >= n) return -1;
    const c1 = b[i + 1];
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return c1 >= lo && c1 <= hi && (b[i + 2] & 0xc0) === 0x80 && (b[i + 3] & 0xc0) === 0x80 ? i + 4 : -1;
  }
  return -1;
}
