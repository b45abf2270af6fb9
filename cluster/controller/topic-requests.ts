/**
 * How a broker that is not the controller has a topic created or deleted: it writes a request
 * key `/<c>/requests/<broker>-<unique>` (bound to its own lease, so a broker that dies leaves
 * nothing behind) and watches it; the controller acts on it and, in the **same guarded txn**
 * as the change itself, writes the outcome into the key; the requester reads the outcome and
 * deletes the key.
 *
 * Why a request key rather than an HTTP call to the controller: the request lives in etcd, so
 * it survives a change of controller (the next one finds it unanswered and acts on it), the
 * change and its answer commit together (no "done but the answer was lost"), and brokers need
 * no credentials of their own to call each other's admin routes when auth is on.
 */
import { RivuletError, type ErrorCode, errorCodes } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { BrokerRegistration } from "../membership/broker-registration.ts";

/** A topic change asked of the controller (the last three move replicas: see reassignment.ts). */
export type TopicRequest =
  | {
    op: "create";
    name: string;
    partitions: number;
    config: Record<string, unknown>;
    /** null: the default, min(3, live brokers). */
    replication_factor: number | null;
    internal: boolean;
  }
  | { op: "delete"; name: string; internal: boolean }
  /** `PUT /v1/topics/{t}/partitions/{p}/replicas`: move one partition. */
  | { op: "reassign"; name: string; partition: number; replicas: number[] }
  /** `DELETE /v1/cluster/brokers/{id}`: move every replica off a broker (`name` is ""). */
  | { op: "drain"; name: string; broker: number }
  /** `POST /v1/cluster/rebalance` (`name` is ""). */
  | { op: "rebalance"; name: string };

/** What a drain or rebalance started: each partition's new replica list. */
export interface MovesResult {
  moves: Array<{ topic: string; partition: number; replicas: number[] }>;
}

/** The controller's answer, written into the request key. */
export type TopicRequestOutcome =
  /** `revision` is 0: the change's revision is that of the write that stored this outcome. */
  | { ok: true; revision: number; result?: MovesResult }
  | { ok: false; code: ErrorCode; message: string; details?: Record<string, unknown> };

/** A request key's value. */
export interface StoredTopicRequest {
  request: TopicRequest;
  outcome?: TopicRequestOutcome;
}

/** The prefix of the request keys of a cluster whose keys start with `prefix`. */
export function requestPrefix(clusterPrefix: string): string {
  return `${clusterPrefix}requests/`;
}

/** The stored request in `value`, or null when it is not one. */
export function parseStoredRequest(value: Uint8Array): StoredTopicRequest | null {
  try {
    const parsed = JSON.parse(bytesText(value)) as StoredTopicRequest;
    const r = parsed?.request;
    if (!r || typeof r.name !== "string" || !["create", "delete", "reassign", "drain", "rebalance"].includes(r.op)) return null;
    return parsed;
  } catch {
    return null;
  }
}

/** The error an outcome carries, rebuilt as a RivuletError (unknown codes become `invalid_request`). */
export function outcomeError(outcome: Extract<TopicRequestOutcome, { ok: false }>): RivuletError {
  const code: ErrorCode = Object.hasOwn(errorCodes, outcome.code) ? outcome.code : "invalid_request";
  return new RivuletError(code, outcome.message, outcome.details);
}

function fencedError(brokerId: number, what: string): RivuletError {
  return new RivuletError("coordination_unavailable", `broker ${brokerId} ${what}`, { broker_id: brokerId, fenced: true });
}

let sequence = 0;

/**
 * Sends topic requests to whoever is the controller and waits for their outcomes.
 *
 * @example
 * ```ts
 * const requests = new TopicRequester(registration);
 * const { revision } = await requests.submit({ op: "delete", name: "orders", internal: false });
 * await cache.waitForRevision(revision);
 * ```
 */
export class TopicRequester {
  readonly #registration: BrokerRegistration;
  readonly #limits: Pick<Limits, "clusterTopicRequestTimeoutMs" | "clusterTopicRequestsMax">;
  #pending = 0;

  constructor(registration: BrokerRegistration, limits: Partial<Limits> = {}) {
    this.#registration = registration;
    this.#limits = { ...defaultLimits, ...limits };
  }

  /**
   * Writes the request, waits for the controller's outcome, removes the key.
   *
   * @returns the etcd revision of the change (wait for the metadata cache to reach it)
   * @throws {RivuletError} the controller's refusal (`topic_exists`, `invalid_replication_factor`,
   *   …), `timeout` after `clusterTopicRequestTimeoutMs`, `mailbox_full` past
   *   `clusterTopicRequestsMax` waiting requests, `coordination_unavailable` (details `fenced`)
   *   when the broker's lease ended before the answer came (whether the change was made is
   *   then unknown: look at the metadata once the broker has registered again)
   */
  async submit(request: TopicRequest, signal?: AbortSignal): Promise<{ revision: number; result?: MovesResult }> {
    const registration = this.#registration;
    if (registration.isFenced) throw fencedError(registration.brokerId, "has left the cluster (its lease ended)");
    if (this.#pending >= this.#limits.clusterTopicRequestsMax) {
      throw new RivuletError("mailbox_full", `${this.#pending} topic requests are already waiting for the controller`, { limit: this.#limits.clusterTopicRequestsMax });
    }
    this.#pending++;
    const key = `${requestPrefix(registration.keys.prefix)}${registration.brokerId}-${registration.epoch}-${++sequence}`;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), this.#limits.clusterTopicRequestTimeoutMs);
    const onAbort = () => stop.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const offFenced = registration.onFenced(() => stop.abort());
    const client = registration.client;
    try {
      const stored: StoredTopicRequest = { request };
      const put = await client.put({ key, value: JSON.stringify(stored), lease: registration.leaseId }, { signal: stop.signal });
      const watch = client.watch({ key, startRevision: put.header.revision + 1, signal: stop.signal });
      try {
        for await (const batch of watch) {
          for (const event of batch.events) {
            if (event.type === "delete") throw fencedError(registration.brokerId, `lost its lease: topic request ${key} was removed before the controller answered`);
            const outcome = parseStoredRequest(event.kv.value)?.outcome;
            if (!outcome) continue;
            if (outcome.ok) return { revision: event.kv.modRevision, ...(outcome.result ? { result: outcome.result } : {}) };
            throw outcomeError(outcome);
          }
        }
      } finally {
        watch.close();
      }
      throw new RivuletError("closed", `stopped waiting for topic request ${key}`);
    } catch (error) {
      if (stop.signal.aborted && !(signal?.aborted) && !registration.isFenced) {
        const what = request.name ? `the ${request.op} of topic ${request.name}` : `the ${request.op}`;
        throw new RivuletError("timeout", `the controller did not answer ${what} within ${this.#limits.clusterTopicRequestTimeoutMs} ms`, {
          topic: request.name,
        });
      }
      if (registration.isFenced) throw fencedError(registration.brokerId, "lost its lease while its topic request waited");
      throw error;
    } finally {
      this.#pending--;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      offFenced();
      await client.deleteRange({ key }).catch(() => {});
    }
  }
}
