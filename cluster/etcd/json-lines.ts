import { RivuletError } from "../../core/errors.ts";

/**
 * Splits a byte stream of newline-separated JSON messages (what the gateway sends on a watch or
 * keep-alive stream) into parsed messages, whatever the chunk boundaries: a message may arrive
 * in many chunks and a chunk may hold many messages. A message longer than `bytesMax` fails
 * instead of growing the buffer.
 *
 * Not thread-safe; one instance per stream.
 *
 * @example
 * ```ts
 * const lines = new JsonLines(1024);
 * lines.push(new TextEncoder().encode('{"a":1}\n{"b"')); // [{ a: 1 }]
 * lines.push(new TextEncoder().encode(':2}\n'));         // [{ b: 2 }]
 * ```
 */
export class JsonLines {
  readonly #bytesMax: number;
  readonly #decoder = new TextDecoder();
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  /** @param bytesMax the longest message, in bytes */
  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  /** Bytes held of a message not yet complete. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Takes the next chunk and returns the messages it completes, in order.
   *
   * @throws {RivuletError} `request_too_large` past `bytesMax`; `coordination_unavailable` on a line that is not JSON
   */
  push(chunk: Uint8Array): unknown[] {
    const out: unknown[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.#hold(chunk.subarray(start, newline));
      const line = this.#take();
      if (line.trim() !== "") out.push(parse(line));
      start = newline + 1;
    }
    if (start < chunk.length) this.#hold(chunk.subarray(start));
    return out;
  }

  #hold(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#pendingBytes += part.length;
    if (this.#pendingBytes > this.#bytesMax) {
      throw new RivuletError("request_too_large", `an etcd stream message is longer than etcdWatchMessageBytesMax (${this.#bytesMax} bytes)`, { limit: this.#bytesMax });
    }
    this.#pending.push(part.slice());
  }

  #take(): string {
    const all = new Uint8Array(this.#pendingBytes);
    let at = 0;
    for (const part of this.#pending) {
      all.set(part, at);
      at += part.length;
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    return this.#decoder.decode(all);
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new RivuletError("coordination_unavailable", `etcd sent a stream line that is not JSON (${line.length} characters)`);
  }
}
