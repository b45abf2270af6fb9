/**
 * One client connection: frames in, responses out in request order, with flow control.
 *
 * Requests are pipelined: each complete frame is dispatched at once (handlers run
 * concurrently; a held JoinGroup or a long-polling Fetch does not stop later requests from
 * being read and started), and responses are written strictly in request order, as Kafka
 * clients expect. A request's bytes count as in flight from frame completion until its
 * response is written, against `kafkaConnectionInFlightBytesMax` for this connection and the
 * shared {@link InFlightBudget} (`kafkaInFlightBytesMax`). Past either, frames already read
 * wait undispatched and the socket stops reading (so at most one read's worth waits); the same
 * happens while the socket's write buffer is full (the client is not reading). Both resume when
 * there is room again. A connection with nothing in flight may always start one request, so a
 * frame larger than its own limit cannot stall it. A malformed frame or a bad size prefix closes the connection after
 * the responses before it are written.
 *
 * On a listener that requires SASL, a connection that has not authenticated may send frames of
 * at most `kafkaSaslFrameBytesMax` and is closed `kafkaSaslTimeoutMs` after it opened unless it
 * has authenticated by then, so unauthenticated clients cannot hold memory or connection slots.
 *
 * Lives on the main thread; not thread-safe.
 */
import type { Socket } from "node:net";
import type { Limits } from "../core/limits.ts";
import { dispatchFrame, type ConnectionContext, type FrameOutcome } from "./dispatch.ts";
import { FrameDecoder } from "./frame-decoder.ts";
import type { InFlightBudget } from "./in-flight-budget.ts";

const sizePrefixBytes = 4;

interface Slot {
  bytes: number;
  outcome: FrameOutcome | undefined;
}

/** Options of {@link KafkaConnection}. */
export interface KafkaConnectionOptions {
  context: ConnectionContext;
  limits: Limits;
  budget: InFlightBudget;
  /** Called once, when the socket has closed. */
  onClose?: () => void;
}

/** Serves Kafka requests on one socket; see the module doc. */
export class KafkaConnection {
  readonly #socket: Socket;
  readonly #options: KafkaConnectionOptions;
  readonly #decoder: FrameDecoder;
  readonly #queue: Slot[] = [];
  /** Frames read but not yet dispatched (limits reached). */
  readonly #ready: Array<Uint8Array | null> = [];
  readonly #unsubscribe: () => void;
  #inFlightBytes = 0;
  #paused = false;
  #writeBlocked = false;
  #closed = false;
  #saslTimer: ReturnType<typeof setTimeout> | undefined;
  /** The byte stream can no longer be framed: read nothing more. */
  #broken = false;

  constructor(socket: Socket, options: KafkaConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#decoder = new FrameDecoder(options.context.auth ? options.limits.kafkaSaslFrameBytesMax : options.limits.kafkaFrameBytesMax);
    if (options.context.auth) this.#saslTimer = setTimeout(() => this.#saslTimeout(), options.limits.kafkaSaslTimeoutMs);
    this.#unsubscribe = options.budget.onFreed(() => this.#pump());
    socket.setNoDelay?.(true);
    // Node hands out Buffers, whose slice() is a view: frames become plain Uint8Arrays, so
    // anyone copying a Produce record set with slice() really copies it.
    socket.on("data", (chunk: Uint8Array) => this.#onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    socket.on("drain", () => {
      this.#writeBlocked = false;
      this.#updateFlow();
    });
    socket.on("error", () => this.#shutdown());
    socket.on("close", () => this.#shutdown());
  }

  /** Bytes of requests read but not yet answered. */
  get inFlightBytes(): number {
    return this.#inFlightBytes;
  }

  /** Closes the socket at once (listener shutdown). */
  destroy(): void {
    this.#socket.destroy();
    this.#shutdown();
  }

  /** True while the connection must still authenticate. */
  #unauthenticated(): boolean {
    const auth = this.#options.context.auth;
    return auth !== null && auth.state.kind !== "authenticated";
  }

  #saslTimeout(): void {
    this.#saslTimer = undefined;
    if (this.#unauthenticated()) this.destroy();
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed || this.#broken) return;
    if (this.#saslTimer !== undefined && !this.#unauthenticated()) {
      clearTimeout(this.#saslTimer);
      this.#saslTimer = undefined;
      this.#decoder.frameBytesMax = this.#options.limits.kafkaFrameBytesMax;
    }
    try {
      this.#ready.push(...this.#decoder.push(chunk));
    } catch {
      this.#broken = true;
      this.#ready.push(null);
    }
    this.#pump();
  }

  /** True when no further request may start now. */
  #full(): boolean {
    const limits = this.#options.limits;
    return this.#options.budget.exhausted || (this.#inFlightBytes > 0 && this.#inFlightBytes >= limits.kafkaConnectionInFlightBytesMax);
  }

  /** Dispatches waiting frames while the limits allow, then pauses or resumes reading. */
  #pump(): void {
    while (!this.#closed && this.#ready.length > 0 && !this.#full()) this.#accept(this.#ready.shift()!);
    this.#updateFlow();
  }

  /** Queues a frame's outcome slot; null = the stream broke, close after earlier replies. */
  #accept(frame: Uint8Array | null): void {
    const slot: Slot = { bytes: frame ? frame.length + sizePrefixBytes : 0, outcome: undefined };
    this.#queue.push(slot);
    if (frame === null) {
      slot.outcome = { kind: "close", reason: "bad frame size" };
      this.#flush();
      return;
    }
    this.#inFlightBytes += slot.bytes;
    this.#options.budget.acquire(slot.bytes);
    dispatchFrame(frame, this.#options.context).then(
      (outcome) => (slot.outcome = outcome),
      (error: unknown) => (slot.outcome = { kind: "close", reason: `handler failed: ${String(error)}` }),
    ).then(() => this.#flush());
  }

  #flush(): void {
    while (!this.#closed && this.#queue[0]?.outcome !== undefined) {
      const slot = this.#queue.shift()!;
      this.#release(slot);
      const outcome = slot.outcome!;
      if (outcome.kind === "close") {
        this.#socket.end();
        this.#shutdown();
        return;
      }
      if (outcome.kind === "reply") {
        this.#write(outcome.chunks);
        if (outcome.close) {
          this.#socket.end();
          this.#shutdown();
          return;
        }
      }
    }
    this.#pump();
  }

  #write(chunks: Uint8Array[]): void {
    const socket = this.#socket;
    socket.cork();
    let ok = true;
    for (const chunk of chunks) ok = socket.write(chunk);
    socket.uncork();
    if (!ok) this.#writeBlocked = true;
  }

  #release(slot: Slot): void {
    this.#inFlightBytes -= slot.bytes;
    this.#options.budget.release(slot.bytes);
    slot.bytes = 0;
  }

  #updateFlow(): void {
    if (this.#closed) return;
    const stop = this.#writeBlocked || this.#ready.length > 0 || this.#full();
    if (stop && !this.#paused) this.#socket.pause();
    else if (!stop && this.#paused) this.#socket.resume();
    this.#paused = stop;
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#saslTimer);
    this.#unsubscribe();
    this.#ready.length = 0;
    for (const slot of this.#queue.splice(0)) this.#release(slot);
    this.#options.onClose?.();
  }
}
