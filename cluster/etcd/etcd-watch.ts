/**
 * A watch on a key or prefix that survives its stream: the gateway's `/v3/watch` answers with a
 * never-ending body of JSON lines, and that body ends whenever the connection drops, etcd
 * restarts, or Node's fetch gives up on a body (300 s without a byte). The watch remembers the
 * revision after the last one it delivered and reopens from there, so the caller sees every
 * change exactly once, in revision order, whatever happens to the connection.
 *
 * Resume point: after a batch of events, the revision after the last event; after a progress
 * notification (etcd sends it only once the watcher has caught up), the revision after its
 * header; after `created` on a watch that started "from now", the revision after its header.
 * etcd never splits one revision's events over two messages (no `fragment`), so resuming from
 * the revision after the last delivered event neither repeats nor skips an event.
 *
 * A stream silent for `etcdWatchIdleMs` is reopened too (a blackholed connection stays silent
 * forever otherwise). When the resume revision has been compacted away, the watch ends with
 * `revision_compacted` (`info.compact_revision`): the caller re-reads the state with a range and
 * starts a new watch after that read's revision.
 *
 * Pull-based: a message is read from the stream only when the caller asks for the next batch,
 * so a slow consumer holds at most one message (bounded by `etcdWatchMessageBytesMax`).
 * Not thread-safe: one consumer calls `next()` at a time.
 */
import { RivuletError } from "../../core/errors.ts";
import { toBase64, prefixEnd } from "./etcd-bytes.ts";
import { decodeEvent, decodeHeader, int, type Json } from "./etcd-decode.ts";
import { etcdError } from "./etcd-error.ts";
import type { EtcdTransport, OpenStream } from "./etcd-transport.ts";
import type { KeySelector, WatchBatch } from "./etcd-types.ts";
import { JsonLines } from "./json-lines.ts";

/** What to watch and from where. */
export interface WatchOptions extends KeySelector {
  /** The first revision to deliver; absent or 0: changes made after the watch is created. */
  startRevision?: number;
  /** Deliver each event's previous key-value too. */
  prevKv?: boolean;
  /** Ends the watch (as {@link EtcdWatch.close}). */
  signal?: AbortSignal;
  /** Called each time the stream is reopened (after a drop, an end or an idle spell), with the resume revision. */
  onReopen?: (nextRevision: number) => void;
}

/** The limits a watch obeys. */
export interface WatchLimits {
  etcdWatchMessageBytesMax: number;
  etcdWatchIdleMs: number;
  etcdRetryBackoffMinMs: number;
  etcdRetryBackoffMaxMs: number;
}

/**
 * An open watch: iterate it for batches of events.
 *
 * @example
 * ```ts
 * const watch = client.watch({ key: "/default/", prefix: true, startRevision: read.header.revision + 1 });
 * for await (const batch of watch) for (const event of batch.events) console.log(event.type, event.kv.key);
 * ```
 */
export class EtcdWatch implements AsyncIterableIterator<WatchBatch> {
  readonly #transport: EtcdTransport;
  readonly #limits: WatchLimits;
  readonly #request: Json;
  readonly #signal: AbortSignal | undefined;
  readonly #onReopen: ((nextRevision: number) => void) | undefined;
  #nextRevision: number;
  #stream: OpenStream | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #lines: JsonLines;
  #queue: WatchBatch[] = [];
  #closed = false;
  #backoffMs = 0;
  #wake: (() => void) | null = null;
  #reconnects = 0;
  #opens = 0;

  constructor(transport: EtcdTransport, options: WatchOptions, limits: WatchLimits) {
    this.#transport = transport;
    this.#limits = limits;
    this.#nextRevision = options.startRevision ?? 0;
    this.#lines = new JsonLines(limits.etcdWatchMessageBytesMax);
    const request: Json = { key: toBase64(options.key), progress_notify: true };
    if (options.prefix) request.range_end = toBase64(prefixEnd(options.key));
    else if (options.rangeEnd !== undefined) request.range_end = toBase64(options.rangeEnd);
    if (options.prevKv) request.prev_kv = true;
    this.#request = request;
    this.#signal = options.signal;
    this.#onReopen = options.onReopen;
    this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#signal?.aborted) this.close();
  }

  /** The revision the watch resumes from: every change below it has been delivered (0 before `created` on a "from now" watch). */
  get nextRevision(): number {
    return this.#nextRevision;
  }

  /** How many times the stream was reopened. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Whether the watch has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next batch of events, waiting as long as it takes.
   *
   * @returns `done` once closed
   * @throws {RivuletError} `revision_compacted` when the resume revision is gone; a
   *   non-retriable etcd error; the watch is closed after either
   */
  async next(): Promise<IteratorResult<WatchBatch>> {
    try {
      for (;;) {
        const batch = this.#queue.shift();
        if (batch) return { done: false, value: batch };
        if (this.#closed) return { done: true, value: undefined };
        await this.#readOnce();
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Ends the watch: a pending `next()` returns `done`. */
  async return(): Promise<IteratorResult<WatchBatch>> {
    this.close();
    return { done: true, value: undefined };
  }

  readonly #onAbort = () => this.close();

  /** Ends the watch and its stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#drop();
    this.#wake?.();
  }

  /** Reads one chunk (opening the stream first if needed) and queues the batches it completes. */
  async #readOnce(): Promise<void> {
    if (!this.#reader) {
      await this.#connect();
      return;
    }
    const reader = this.#reader;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"idle">((resolve) => (idle = setTimeout(() => resolve("idle"), this.#limits.etcdWatchIdleMs)));
    let result: ReadableStreamReadResult<Uint8Array> | "idle";
    try {
      result = await Promise.race([reader.read(), timedOut]);
    } catch (error) {
      if (error instanceof RivuletError) throw error;
      result = { done: true, value: undefined };
    } finally {
      clearTimeout(idle);
    }
    if (this.#closed) return;
    if (result === "idle" || result.done) {
      this.#drop();
      return;
    }
    for (const message of this.#lines.push(result.value)) this.#handle(message as Json);
  }

  /** Opens the stream from the resume revision, after a backoff when the last attempt failed. */
  async #connect(): Promise<void> {
    if (this.#backoffMs > 0) await this.#pause(this.#backoffMs);
    if (this.#closed) return;
    this.#backoffMs = Math.min(Math.max(this.#backoffMs * 2, this.#limits.etcdRetryBackoffMinMs), this.#limits.etcdRetryBackoffMaxMs);
    const create: Json = { ...this.#request };
    if (this.#nextRevision > 0) create.start_revision = String(this.#nextRevision);
    let stream: OpenStream;
    try {
      stream = await this.#transport.open("/v3/watch", { create_request: create });
    } catch (error) {
      if (error instanceof RivuletError && error.retriable) return;
      throw error;
    }
    if (this.#closed) {
      stream.abort();
      return;
    }
    if (this.#opens++ > 0) {
      this.#reconnects++;
      this.#onReopen?.(this.#nextRevision);
    }
    this.#stream = stream;
    this.#reader = stream.body.getReader();
    this.#lines = new JsonLines(this.#limits.etcdWatchMessageBytesMax);
  }

  #handle(message: Json): void {
    if (message.error !== undefined) {
      const error = etcdError(0, message.error, "/v3/watch");
      if (!error.retriable) throw error;
      this.#drop();
      return;
    }
    const result = (message.result ?? {}) as Json;
    const header = decodeHeader(result.header);
    if (result.canceled === true) {
      const compactRevision = int(result.compact_revision);
      if (compactRevision > 0) {
        throw new RivuletError("revision_compacted", `etcd compacted revision ${this.#nextRevision} away (compacted up to ${compactRevision}): re-read, then watch again`, {
          compact_revision: compactRevision,
          next_revision: this.#nextRevision,
        });
      }
      this.#drop();
      return;
    }
    if (result.created === true) {
      this.#backoffMs = 0;
      if (this.#nextRevision === 0) this.#nextRevision = header.revision + 1;
      return;
    }
    const events = Array.isArray(result.events) ? result.events.map(decodeEvent) : [];
    if (events.length > 0) {
      const last = events[events.length - 1].kv.modRevision;
      this.#nextRevision = last + 1;
      this.#queue.push({ revision: Math.max(last, header.revision), events });
    } else if (header.revision >= this.#nextRevision) {
      this.#nextRevision = header.revision + 1;
    }
  }

  /** Drops the stream; the next read reopens it. */
  #drop(): void {
    this.#reader?.cancel().catch(() => {});
    this.#stream?.abort();
    this.#reader = null;
    this.#stream = null;
  }

  /** Waits `ms`, or less when the watch is closed meanwhile. */
  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.#wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => {
      this.#wake = null;
    });
  }
}
