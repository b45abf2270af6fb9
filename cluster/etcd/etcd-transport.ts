/**
 * HTTP to etcd's JSON gateway with plain `fetch`: one POST per call, every call bounded in time
 * (`etcdRequestTimeoutMs`) and size (`etcdResponseBytesMax`) and abortable by the caller. With
 * several endpoints (the members of an etcd cluster), a call that cannot reach one moves the
 * next call to the next endpoint; the failed call itself is not retried here, because a write
 * whose answer was lost may have been applied (callers guard such writes with a txn).
 *
 * Concurrency: calls may run concurrently; the transport keeps no per-call state.
 */
import { RivuletError } from "../../core/errors.ts";
import { etcdError, etcdTransportError } from "./etcd-error.ts";
import type { Json } from "./etcd-decode.ts";

/** Options of one call. */
export interface CallOptions {
  /** Gives up on the call (fails with `closed`). */
  signal?: AbortSignal;
  /** Overrides the transport's timeout for this call, in ms. */
  timeoutMs?: number;
}

/** An open streaming answer (watch, keep-alive), and how to end it. */
export interface OpenStream {
  body: ReadableStream<Uint8Array>;
  /** Cancels the request; the body then ends with an error. */
  abort(): void;
}

export class EtcdTransport {
  readonly #endpoints: string[];
  readonly #timeoutMs: number;
  readonly #responseBytesMax: number;
  #current = 0;

  /**
   * @param endpoints base URLs, e.g. `["http://127.0.0.1:2379"]`
   * @param limits the request timeout and the largest answer
   */
  constructor(endpoints: string[], limits: { etcdRequestTimeoutMs: number; etcdResponseBytesMax: number }) {
    if (endpoints.length === 0) throw new TypeError("at least one etcd endpoint is needed");
    this.#endpoints = endpoints.map((url) => {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TypeError(`etcd endpoint ${url} is not http(s)`);
      return parsed.origin;
    });
    this.#timeoutMs = limits.etcdRequestTimeoutMs;
    this.#responseBytesMax = limits.etcdResponseBytesMax;
  }

  /** The endpoint the next call goes to. */
  get endpoint(): string {
    return this.#endpoints[this.#current];
  }

  /**
   * POSTs `body` to `path` and returns the parsed JSON answer.
   *
   * @throws {RivuletError} mapped by {@link etcdError} / {@link etcdTransportError}
   */
  async call(path: string, body: Json, options: CallOptions = {}): Promise<Json> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs ?? this.#timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const endpoint = this.#current;
    try {
      if (options.signal?.aborted) throw new RivuletError("closed", `etcd ${path}: given up by the caller`);
      const response = await this.#post(endpoint, path, body, controller.signal);
      const text = await readBounded(response.body, this.#responseBytesMax, path);
      const parsed = parseJson(text);
      if (!response.ok) throw etcdError(response.status, parsed, path);
      if (parsed === null || typeof parsed !== "object") throw new RivuletError("coordination_unavailable", `etcd ${path}: answer is not a JSON object`);
      return parsed as Json;
    } catch (error) {
      const mapped = etcdTransportError(error, path, options.signal, timedOut);
      if (mapped.code === "coordination_unavailable" || mapped.code === "timeout") this.#rotate(endpoint);
      throw mapped;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * POSTs `body` to a streaming `path` and returns the open body once the status is known. Only
   * the wait for the status is bounded by the timeout; the stream lives until aborted or ended.
   *
   * @throws {RivuletError} when the request fails or the status is not 200
   */
  async open(path: string, body: Json, signal?: AbortSignal): Promise<OpenStream> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const endpoint = this.#current;
    try {
      if (signal?.aborted) throw new RivuletError("closed", `etcd ${path}: given up by the caller`);
      const response = await this.#post(endpoint, path, body, controller.signal);
      if (!response.ok || !response.body) {
        const text = await readBounded(response.body, this.#responseBytesMax, path);
        throw etcdError(response.status, parseJson(text), path);
      }
      clearTimeout(timer);
      return {
        body: response.body,
        abort: () => {
          signal?.removeEventListener("abort", onAbort);
          controller.abort();
        },
      };
    } catch (error) {
      signal?.removeEventListener("abort", onAbort);
      const mapped = etcdTransportError(error, path, signal, timedOut);
      if (mapped.code === "coordination_unavailable" || mapped.code === "timeout") this.#rotate(endpoint);
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  #post(endpoint: number, path: string, body: Json, signal: AbortSignal): Promise<Response> {
    return fetch(`${this.#endpoints[endpoint]}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  }

  /** After a failure on `endpoint`, the next call tries the next one (once per failure). */
  #rotate(endpoint: number): void {
    if (this.#current === endpoint) this.#current = (endpoint + 1) % this.#endpoints.length;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The body as text, failing once it passes `bytesMax`. */
async function readBounded(body: ReadableStream<Uint8Array> | null, bytesMax: number, path: string): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > bytesMax) {
      await reader.cancel().catch(() => {});
      throw new RivuletError("request_too_large", `etcd ${path}: answer larger than etcdResponseBytesMax (${bytesMax} bytes)`, { limit: bytesMax });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
