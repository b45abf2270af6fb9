/** A bare Kafka client over node:net for listener tests: writes frames, reads framed responses. Tests only. */
import { connect, type Socket } from "node:net";
import { FrameDecoder } from "../../../kafka/frame-decoder.ts";
import { encodeRequestHeader } from "../../../kafka/protocol/header.ts";
import { Writer } from "../../../kafka/protocol/writer.ts";

/** Builds a request frame: size, header (v1 or v2 as the version demands), body. */
export function requestFrame(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void, clientId: string | null = "raw"): Uint8Array {
  const w = new Writer();
  w.int32(0);
  encodeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId });
  body(w);
  const bytes = w.toBytes().slice();
  new DataView(bytes.buffer).setInt32(0, bytes.length - 4);
  return bytes;
}

/** A connected raw client. */
export class RawClient {
  readonly #socket: Socket;
  readonly #frames: Uint8Array[] = [];
  #waiters: Array<() => void> = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const decoder = new FrameDecoder(1 << 30);
    socket.on("data", (chunk: Uint8Array) => {
      this.#frames.push(...decoder.push(chunk).map((f) => f.slice()));
      this.#wake();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on("error", () => undefined);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  send(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  /** True once the server closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The next response frame, or null if the connection closes first or `timeoutMs` passes. */
  async next(timeoutMs = 2000): Promise<Uint8Array | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.#frames.length === 0) {
      if (this.#closed || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#frames.shift()!;
  }

  /** Waits until the server closes the connection (or `timeoutMs`). */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.#closed;
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** Correlation id of a response frame. */
export function correlationOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getInt32(0);
}
