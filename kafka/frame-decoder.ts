/**
 * Splits a TCP byte stream into Kafka frames: an int32 size (not counting itself), then that
 * many bytes. Reads may end mid-frame or carry several frames; a frame that arrives whole in
 * one read is returned as a view of that read (no copy); one spread over reads is joined once,
 * when its last byte arrives (so memory grows with bytes received, never with a size the
 * sender merely announced). A negative size or one above the limit is an error: the
 * connection must close, since the stream can no longer be framed.
 *
 * Not thread-safe; one decoder per connection.
 */
import { RivuletError } from "../core/errors.ts";
import { ProtocolDecodeError } from "./protocol/decode-error.ts";

const sizeBytes = 4;

/** Frames from a byte stream; see the module doc. */
export class FrameDecoder {
  #frameBytesMax: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  /** @param frameBytesMax largest frame accepted (`kafkaFrameBytesMax`) */
  constructor(frameBytesMax: number) {
    this.#frameBytesMax = frameBytesMax;
  }

  /** Largest frame accepted from now on (a connection allows more once it has authenticated). */
  set frameBytesMax(bytes: number) {
    this.#frameBytesMax = bytes;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Adds bytes read from the socket.
   *
   * @returns every frame completed by them (without the size prefix), in order
   * @throws {RivuletError} `request_too_large` or `invalid_request` (ProtocolDecodeError) for a bad size
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    if (chunk.length === 0) return frames;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    while (this.#pendingBytes >= sizeBytes) {
      const size = this.#peekSize();
      if (size < 0) throw new ProtocolDecodeError(`negative frame size ${size}`, { size });
      if (size > this.#frameBytesMax) {
        throw new RivuletError("request_too_large", `frame of ${size} bytes exceeds kafkaFrameBytesMax (${this.#frameBytesMax})`, { size, limit: "kafkaFrameBytesMax", max: this.#frameBytesMax });
      }
      if (this.#pendingBytes < sizeBytes + size) break;
      frames.push(this.#take(sizeBytes + size).subarray(sizeBytes));
    }
    return frames;
  }

  #peekSize(): number {
    const first = this.#pending[0]!;
    if (first.length >= sizeBytes) return new DataView(first.buffer, first.byteOffset, sizeBytes).getInt32(0);
    const head = new Uint8Array(sizeBytes);
    let at = 0;
    for (const chunk of this.#pending) {
      const n = Math.min(sizeBytes - at, chunk.length);
      head.set(chunk.subarray(0, n), at);
      at += n;
      if (at === sizeBytes) break;
    }
    return new DataView(head.buffer).getInt32(0);
  }

  /** Removes `count` bytes from the front: a view when one chunk holds them, else one copy. */
  #take(count: number): Uint8Array {
    this.#pendingBytes -= count;
    const first = this.#pending[0]!;
    if (first.length >= count) {
      if (first.length === count) this.#pending.shift();
      else this.#pending[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = new Uint8Array(count);
    let at = 0;
    while (at < count) {
      const chunk = this.#pending[0]!;
      const n = Math.min(count - at, chunk.length);
      out.set(chunk.subarray(0, n), at);
      at += n;
      if (n === chunk.length) this.#pending.shift();
      else this.#pending[0] = chunk.subarray(n);
    }
    return out;
  }
}
