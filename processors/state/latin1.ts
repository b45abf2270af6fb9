/**
 * Latin-1 text of bytes: one code unit per byte, the store's key strings (ordered-store.ts).
 */
import { Buffer } from "node:buffer";

/** Latin-1 text of `bytes[start, end)`. */
export const latin1: (bytes: Buffer, start: number, end: number) => string =
  // Buffer's own latin1Slice (Node, Bun, Deno) skips toString's encoding lookup, a sixth of a changelog walk.
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === "function"
    ? (bytes, start, end) => (bytes as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end)
    : (bytes, start, end) => bytes.toString("latin1", start, end);

/** The bytes of `view` as a Buffer (no copy). */
export function bufferOf(view: Uint8Array): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
