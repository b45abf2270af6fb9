/**
 * Durable Streams (`/v1/stream/*`): create, append, read (catch-up or long-poll), close and
 * delete a stream by path. Offsets are the protocol's opaque strings: start from `-1` and pass
 * back each answer's `nextOffset`.
 */
import type { Transport } from "./transport.ts";

/** Options of a create. */
export interface CreateStreamOptions {
  /** The stream's content type (default `application/octet-stream`); `application/json` streams hold JSON values. */
  contentType?: string;
  /** Delete the stream this many seconds after its last use. */
  ttlSeconds?: number;
  /** First data, appended as the stream is created. */
  body?: string | Uint8Array;
}

/** Options of an append. */
export interface AppendOptions {
  /** Must match the stream's (default `application/octet-stream`). */
  contentType?: string;
  /** A writer's own sequence token: must grow with every append (`Stream-Seq`). */
  seq?: string;
  /** An idempotent producer (`Producer-Id`, `Producer-Epoch`, `Producer-Seq`): a repeat is acknowledged without being stored again. */
  producer?: { id: string; epoch: number; seq: number };
  signal?: AbortSignal;
}

/** What a read brings. */
export interface StreamChunk {
  /** The data, as stored (for JSON streams: a JSON array of the values). */
  bytes: Uint8Array;
  /** Where to read next. */
  nextOffset: string;
  /** True when the read reached the stream's tail. */
  upToDate: boolean;
  /** True when the stream is closed and this read reached its end. */
  closed: boolean;
}

/** Options of a read. */
export interface ReadOptions {
  /** Where to start (default `-1`, the beginning; `now` for the tail). */
  offset?: string;
  /** `long-poll` waits for data at the tail instead of answering empty. */
  live?: "long-poll";
  signal?: AbortSignal;
}

/** The Durable Streams under `/v1/stream`. */
export class DurableStreams {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  #path(path: string): string {
    return `/v1/stream/${path.split("/").filter((s) => s !== "").map(encodeURIComponent).join("/")}`;
  }

  /** Creates a stream (or confirms one with the same configuration). @returns true when it was created */
  async create(path: string, options: CreateStreamOptions = {}): Promise<boolean> {
    const headers: Record<string, string> = { "content-type": options.contentType ?? "application/octet-stream" };
    if (options.ttlSeconds !== undefined) headers["stream-ttl"] = String(options.ttlSeconds);
    const response = await this.#transport.send(this.#path(path), { method: "PUT", headers, body: options.body as BodyInit | undefined });
    await response.body?.cancel();
    return response.status === 201;
  }

  /** Appends one message (for JSON streams, a JSON value or an array of them). @returns the offset after it */
  async append(path: string, data: string | Uint8Array, options: AppendOptions = {}): Promise<string> {
    const headers: Record<string, string> = { "content-type": options.contentType ?? "application/octet-stream" };
    if (options.seq !== undefined) headers["stream-seq"] = options.seq;
    if (options.producer) {
      headers["producer-id"] = options.producer.id;
      headers["producer-epoch"] = String(options.producer.epoch);
      headers["producer-seq"] = String(options.producer.seq);
    }
    const response = await this.#transport.send(this.#path(path), { method: "POST", headers, body: data as BodyInit, signal: options.signal });
    await response.body?.cancel();
    return response.headers.get("stream-next-offset") ?? "";
  }

  /** Reads from an offset: what is there, or with `live: "long-poll"` what arrives next (empty when none came in time). */
  async read(path: string, options: ReadOptions = {}): Promise<StreamChunk> {
    const response = await this.#transport.send(this.#path(path), { query: { offset: options.offset ?? "-1", live: options.live }, signal: options.signal });
    const bytes = response.status === 204 ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
    const h = response.headers;
    return { bytes, nextOffset: h.get("stream-next-offset") ?? options.offset ?? "-1", upToDate: h.get("stream-up-to-date") === "true", closed: h.get("stream-closed") === "true" };
  }

  /** Closes a stream: no more appends. */
  async close(path: string): Promise<void> {
    const response = await this.#transport.send(this.#path(path), { method: "POST", headers: { "stream-closed": "true" } });
    await response.body?.cancel();
  }

  /** Deletes a stream and its data. */
  async delete(path: string): Promise<void> {
    const response = await this.#transport.send(this.#path(path), { method: "DELETE" });
    await response.body?.cancel();
  }
}
