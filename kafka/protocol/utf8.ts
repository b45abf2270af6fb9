/**
 * UTF-8 helpers for the Kafka codec. Most protocol strings (topics, group and member ids,
 * client ids) are short ASCII, so both directions take a loop over char codes first and fall
 * back to TextDecoder / TextEncoder only when a byte or char is outside ASCII.
 */

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** Strings longer than this go straight to TextDecoder: its call overhead is amortised. */
const asciiLoopBytesMax = 64;

/** Decodes `bytes[start, end)`; invalid sequences become U+FFFD, as Kafka's own broker does. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= asciiLoopBytesMax) {
    let out = "";
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
      out += String.fromCharCode(byte);
    }
    return out;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** True when every char of `text` is ASCII, so its UTF-8 length is `text.length`. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Writes ASCII `text` into `bytes` at `offset` (caller checked {@link isAscii} and room). */
export function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
}

/** Encodes into `bytes` at `offset`; returns the bytes written (room for 3 per char assumed). */
export function encodeUtf8Into(bytes: Uint8Array, offset: number, text: string): number {
  return encoder.encodeInto(text, bytes.subarray(offset)).written;
}

/** Encodes to a new array (rare paths: non-ASCII compact strings). */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}
