/** A growable byte buffer for rendering responses straight to UTF-8 bytes. Not thread-safe. */
import { Buffer } from "node:buffer";

const encoder = new TextEncoder();

/** Appends bytes, ASCII, decimal integers, base64 and strings into one growing buffer. */
export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  /** @param initialBytes first capacity */
  constructor(initialBytes = 64 * 1024) {
    this.#buffer = new Uint8Array(initialBytes);
  }

  #room(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#length + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }

  /** Appends raw bytes. */
  bytes(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Appends a string known to be ASCII (one byte per UTF-16 unit). */
  ascii(text: string): void {
    this.#room(text.length);
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  /** Appends a non-negative safe integer in decimal. */
  integer(n: number): void {
    this.ascii(String(n));
  }

  /** Appends any string as UTF-8. */
  text(text: string): void {
    this.#room(text.length * 3);
    this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
  }

  /** Appends the standard base64 of some bytes. */
  base64(bytes: Uint8Array): void {
    this.ascii(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"));
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buffer.subarray(0, this.#length) as Uint8Array<ArrayBuffer>;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }
}
