/**
 * UTF-8 for the short strings serdes handle per record (keys, small JSON). The engines'
 * TextEncoder and TextDecoder cross into native code on every call, which costs more than the
 * work for a few dozen ASCII characters; those take a plain loop here, anything else the
 * native path. Output is identical either way.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Strings up to this many UTF-16 units (bytes, to decode) may take the loop. */
const shortMax = 64;

/** UTF-8 bytes of `text`. */
export function utf8Encode(text: string): Uint8Array {
  const n = text.length;
  if (n <= shortMax) {
    const out = new Uint8Array(n);
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      out[i] = c;
    }
    if (i === n) return out;
  }
  return encoder.encode(text);
}

/** The string `bytes` encode in UTF-8 (malformed sequences become U+FFFD, as TextDecoder does). */
export function utf8Decode(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= shortMax) {
    let i = 0;
    for (; i < n; i++) if (bytes[i] >= 0x80) break;
    if (i === n) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return decoder.decode(bytes);
}
