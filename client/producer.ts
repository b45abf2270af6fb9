/**
 * The client's idempotent producer. On first use it registers a producer with the server
 * (`POST /v1/producers`); it numbers its produce requests per topic from 0 (`Producer-Seq`) and
 * sends one topic's requests one at a time, each with its body serialized once. A request that
 * fails retriably (no answer, 429, 503, any 5xx) is sent again, same bytes and same number,
 * with backoff until the delivery deadline: the server answers a repeat with the first try's
 * offsets and writes nothing twice.
 *
 * When a request's outcome stays unknown past the deadline, the producer is dropped and the
 * next call registers a new one (so later requests never wait behind the unknown one). When
 * the server no longer knows the producer (`unknown_producer`: it restarted), the request is
 * sent once more under a new producer: across a server restart a request whose answer was lost
 * may then be stored twice.
 */
import { RivuletHttpError } from "./errors.ts";
import { encodeRecord } from "./records.ts";
import { type Transport, withRetries } from "./transport.ts";
import type { ProduceRecord, RecordPosition } from "./types.ts";

/** Options of one produce call. */
export interface ProduceOptions {
  /** Number the request so retries are exactly-once (default true); false sends once, without retries. */
  idempotent?: boolean;
  /** Give up retrying after this long (default: the client's `deliveryTimeoutMs`). */
  deliveryTimeoutMs?: number;
  signal?: AbortSignal;
}

interface Identity {
  id: number;
  epoch: number;
  /** Per topic, the next request's number. */
  next: Map<string, number>;
}

/** Whether a failed produce may be sent again: no answer, 429, 503, any 5xx, or the server says so. */
export function retriableProduce(error: unknown): boolean {
  return error instanceof RivuletHttpError && error.code !== "aborted" && (error.retriable || error.status === 0 || error.status === 429 || error.status >= 500);
}

export class IdempotentProducer {
  readonly #transport: Transport;
  readonly #deliveryTimeoutMs: number;
  #identity: Promise<Identity> | null = null;
  /** Per topic, the tail of its requests. */
  #tails = new Map<string, Promise<unknown>>();

  constructor(transport: Transport, deliveryTimeoutMs: number) {
    this.#transport = transport;
    this.#deliveryTimeoutMs = deliveryTimeoutMs;
  }

  /** Produces `records` to `topic`; resolves with where each landed, in order. */
  produce(topic: string, records: ProduceRecord[], options: ProduceOptions = {}): Promise<RecordPosition[]> {
    const body = JSON.stringify({ records: records.map(encodeRecord) });
    const path = `/v1/topics/${encodeURIComponent(topic)}/records`;
    const deadline = Date.now() + (options.deliveryTimeoutMs ?? this.#deliveryTimeoutMs);
    if (options.idempotent === false) return this.#post(path, body, {}, options.signal);
    const tail = this.#tails.get(topic) ?? Promise.resolve();
    const run = tail.then(() => this.#sendNumbered(topic, path, body, deadline, options.signal));
    const settled = run.then(noop, noop);
    this.#tails.set(topic, settled);
    void settled.then(() => {
      if (this.#tails.get(topic) === settled) this.#tails.delete(topic);
    });
    return run;
  }

  async #sendNumbered(topic: string, path: string, body: string, deadline: number, signal?: AbortSignal): Promise<RecordPosition[]> {
    for (let fresh = false; ; fresh = true) {
      const pending = this.#identityUntil(deadline, signal);
      const identity = await pending;
      const sequence = identity.next.get(topic) ?? 0;
      const headers = { "producer-id": String(identity.id), "producer-epoch": String(identity.epoch), "producer-seq": String(sequence) };
      let tries = 0;
      try {
        const offsets = await withRetries(() => (tries++, this.#post(path, body, headers, signal)), retriableProduce, deadline, signal);
        identity.next.set(topic, sequence + 1);
        return offsets;
      } catch (error) {
        const code = error instanceof RivuletHttpError ? error.code : "";
        // A first try refused before anything was planned (a bad record, no such topic) leaves
        // the number unused; after any other outcome the request may be half done: new producer.
        const unused = tries === 1 && error instanceof RivuletHttpError && error.status >= 400 && error.status < 500 && error.status !== 429 &&
          !["unknown_producer", "out_of_order_sequence", "conflict", "producer_fenced"].includes(code);
        if (!unused && this.#identity === pending) this.#identity = null;
        if (code === "unknown_producer" && !fresh) continue;
        throw error;
      }
    }
  }

  async #post(path: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<RecordPosition[]> {
    const answer = await this.#transport.json<{ offsets: RecordPosition[] }>(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, signal });
    return answer.offsets;
  }

  #identityUntil(deadline: number, signal?: AbortSignal): Promise<Identity> {
    this.#identity ??= withRetries(
      () => this.#transport.json<{ producer_id: number; producer_epoch: number }>("/v1/producers", { method: "POST", signal }),
      retriableProduce, deadline, signal,
    ).then((p) => ({ id: p.producer_id, epoch: p.producer_epoch, next: new Map() }));
    const identity = this.#identity;
    identity.catch(() => {
      if (this.#identity === identity) this.#identity = null;
    });
    return identity;
  }
}

function noop(): void {}
