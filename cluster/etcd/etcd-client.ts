/**
 * A small, exact client for etcd 3.4's v3 API through its JSON gateway, with plain `fetch`: the
 * same code on Node, Bun and Deno, no gRPC, no dependency. It covers what the cluster needs:
 * kv (range, put, delete, txn, compaction), leases (grant, keep-alive, revoke, time-to-live)
 * and watches that resume by themselves ({@link EtcdWatch}).
 *
 * Every call has a timeout (`etcdRequestTimeoutMs`, or `timeoutMs` per call) and takes an
 * AbortSignal; failures are {@link RivuletError}s mapped once in `etcd-error.ts`.
 * Concurrency: calls may be made concurrently; the client holds no state besides the endpoint
 * it talks to.
 */
import { RivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { base64Text } from "./etcd-bytes.ts";
import {
  decodeDeleteRange,
  decodeHeader,
  decodePut,
  decodeRange,
  decodeTxn,
  encodeCompare,
  encodeDeleteRange,
  encodeOp,
  encodePut,
  encodeRange,
  id,
  int,
  type Json,
} from "./etcd-decode.ts";
import { etcdError } from "./etcd-error.ts";
import { type CallOptions, EtcdTransport } from "./etcd-transport.ts";
import type {
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnRequest,
  TxnResponse,
} from "./etcd-types.ts";
import { EtcdWatch, type WatchOptions } from "./etcd-watch.ts";

/** The limits the client obeys. */
export type EtcdLimits = Pick<
  Limits,
  "etcdRequestTimeoutMs" | "etcdResponseBytesMax" | "etcdWatchMessageBytesMax" | "etcdWatchIdleMs" | "etcdRetryBackoffMinMs" | "etcdRetryBackoffMaxMs"
>;

/** How to reach etcd. */
export interface EtcdClientOptions {
  /** Base URLs of etcd members, e.g. `["http://127.0.0.1:2379"]`. */
  endpoints: string[];
  /** Overrides of the etcd limits (timeouts, sizes, backoff). */
  limits?: Partial<EtcdLimits>;
}

/**
 * A client of etcd's JSON gateway.
 *
 * @example
 * ```ts
 * const etcd = new EtcdClient({ endpoints: ["http://127.0.0.1:2379"] });
 * await etcd.put({ key: "/default/hello", value: "world" });
 * const { kvs } = await etcd.range({ key: "/default/", prefix: true });
 * ```
 */
export class EtcdClient {
  readonly #transport: EtcdTransport;
  readonly #limits: EtcdLimits;

  constructor(options: EtcdClientOptions) {
    this.#limits = { ...defaultLimits, ...options.limits };
    for (const [name, value] of Object.entries(this.#limits)) {
      if (typeof value !== "number" || !(value > 0)) throw new TypeError(`limit ${name} must be a positive number, got ${value}`);
    }
    this.#transport = new EtcdTransport(options.endpoints, this.#limits);
  }

  /** The endpoint the next call goes to. */
  get endpoint(): string {
    return this.#transport.endpoint;
  }

  /** Reads a key or a range. An empty result has `kvs: []` and `count: 0`. */
  async range(request: RangeRequest, options?: CallOptions): Promise<RangeResponse> {
    return decodeRange(await this.#transport.call("/v3/kv/range", encodeRange(request), options));
  }

  /** Writes a key. */
  async put(request: PutRequest, options?: CallOptions): Promise<PutResponse> {
    return decodePut(await this.#transport.call("/v3/kv/put", encodePut(request), options));
  }

  /** Deletes a key or a range; `deleted` counts the keys removed. */
  async deleteRange(request: DeleteRangeRequest, options?: CallOptions): Promise<DeleteRangeResponse> {
    return decodeDeleteRange(await this.#transport.call("/v3/kv/deleterange", encodeDeleteRange(request), options));
  }

  /**
   * Runs `success` if every compare holds, else `failure`, atomically. A failed txn is not an
   * error: `succeeded` is false and `responses` answer the `failure` ops.
   */
  async txn(request: TxnRequest, options?: CallOptions): Promise<TxnResponse> {
    const body: Json = {
      compare: request.compare.map(encodeCompare),
      success: request.success.map(encodeOp),
      failure: (request.failure ?? []).map(encodeOp),
    };
    return decodeTxn(await this.#transport.call("/v3/kv/txn", body, options));
  }

  /** Discards history below `revision` (watches and reads from before it then fail with `revision_compacted`). */
  async compact(revision: number, options?: CallOptions): Promise<ResponseHeader> {
    const answer = await this.#transport.call("/v3/kv/compaction", { revision: String(revision), physical: true }, options);
    return decodeHeader(answer.header);
  }

  /**
   * Grants a lease of `ttlSeconds` (whole seconds; etcd may grant more than a small TTL).
   *
   * @param ttlSeconds time to live without a keep-alive
   */
  async leaseGrant(ttlSeconds: number, options?: CallOptions): Promise<LeaseGrantResponse> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new TypeError(`lease TTL must be a whole number of seconds ≥ 1, got ${ttlSeconds}`);
    const answer = await this.#transport.call("/v3/lease/grant", { TTL: String(ttlSeconds) }, options);
    if (typeof answer.error === "string" && answer.error !== "") throw new RivuletError("coordination_unavailable", `etcd /v3/lease/grant: ${answer.error}`);
    return { header: decodeHeader(answer.header), id: id(answer.ID), ttlSeconds: int(answer.TTL) };
  }

  /**
   * Renews a lease once. etcd answers a lease that no longer exists with no TTL at all (the
   * proto3 default 0), not with an error: `ttlSeconds` 0 means the lease is gone.
   */
  async leaseKeepAlive(leaseId: string, options?: CallOptions): Promise<LeaseKeepAliveResponse> {
    const answer = await this.#transport.call("/v3/lease/keepalive", { ID: leaseId }, options);
    if (answer.error !== undefined) throw etcdError(0, answer.error, "/v3/lease/keepalive");
    const result = (answer.result ?? {}) as Json;
    return { header: decodeHeader(result.header), id: id(result.ID ?? leaseId), ttlSeconds: int(result.TTL) };
  }

  /**
   * Ends a lease now, deleting every key bound to it.
   *
   * @throws {RivuletError} `not_found` when the lease has already ended
   */
  async leaseRevoke(leaseId: string, options?: CallOptions): Promise<ResponseHeader> {
    const answer = await this.#transport.call("/v3/lease/revoke", { ID: leaseId }, options);
    return decodeHeader(answer.header);
  }

  /** How long a lease has left (-1 once it has ended), and optionally its keys. */
  async leaseTimeToLive(leaseId: string, options: CallOptions & { keys?: boolean } = {}): Promise<LeaseTimeToLiveResponse> {
    const answer = await this.#transport.call("/v3/lease/timetolive", { ID: leaseId, keys: options.keys === true }, options);
    const keys = Array.isArray(answer.keys) ? answer.keys.map((k) => base64Text(k)) : [];
    return { header: decodeHeader(answer.header), id: id(answer.ID), ttlSeconds: int(answer.TTL), grantedTtlSeconds: int(answer.grantedTTL), keys };
  }

  /**
   * Watches a key or prefix from `startRevision` on; see {@link EtcdWatch} for the guarantees.
   * Nothing is sent until the first `next()`.
   */
  watch(options: WatchOptions): EtcdWatch {
    return new EtcdWatch(this.#transport, options, this.#limits);
  }
}
