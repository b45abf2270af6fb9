/**
 * Reads of partitions another broker leads, for the routes that read on a client's behalf in a
 * cluster: a group member's poll runs at the group coordinator (http/cluster-forward.ts), whose
 * assigned partitions may be led anywhere. A partition this broker leads (or that has no known
 * leader: the local answer is then the precise error) is read here; any other through its
 * leader's `GET /v1/topics/{t}/partitions/{p}/records` in CBOR, marked `rivulet-forwarded-by`
 * and carrying the client's `Authorization`.
 */
import { decode } from "cbor-x";
import { RivuletError } from "../core/errors.ts";
import type { BrokerApi, ConsumedRecord, FetchOptions, FetchResult, Isolation, OffsetSpec } from "../broker/types.ts";
import { callBroker } from "../cluster/node/broker-http.ts";
import type { FetchLike } from "../runtime/trusting-fetch.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import type { PollBroker } from "./groups/poll-member.ts";

/** Who reads, for the calls made to other brokers. */
export interface ReadCaller {
  protocol: string;
  /** What the calls are made with: over HTTPS, a fetch trusting the cluster's certificate (default the global `fetch`). */
  fetch?: FetchLike;
  authorization: string | null;
  /** Longest wait for one call beyond the fetch's own wait. */
  callTimeoutMs: number;
}

/** `broker` with fetch and listOffset served by each partition's leader. */
export function clusterReads(view: ClusterView, broker: BrokerApi, caller: ReadCaller): PollBroker {
  const leaderElsewhere = (topic: string, partition: number) => {
    const leader = view.partition(topic, partition)?.leader ?? -1;
    if (leader < 0 || leader === view.brokerId) return null;
    return view.brokers().find((b) => b.id === leader) ?? null;
  };
  const remoteFetch = async (topic: string, partition: number, offset: number | "earliest" | "latest", options: { maxRecords: number; waitMs: number; isolation?: Isolation; signal?: AbortSignal }): Promise<FetchResult | null> => {
    const target = leaderElsewhere(topic, partition);
    if (!target) return null;
    const query = new URLSearchParams({ offset: String(offset), max_records: String(options.maxRecords), wait_ms: String(options.waitMs) });
    if (options.isolation) query.set("isolation", options.isolation);
    const body = await callBroker(target, {
      protocol: caller.protocol,
      fetch: caller.fetch,
      from: view.brokerId,
      method: "GET",
      path: `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/records?${query}`,
      accept: "application/cbor",
      authorization: caller.authorization,
      timeoutMs: options.waitMs + caller.callTimeoutMs,
      signal: options.signal,
    });
    return fetchResultOf(body, topic, partition);
  };
  return {
    groups: broker.groups,
    async fetch(topic: string, partition: number, options: FetchOptions): Promise<FetchResult> {
      const remote = await remoteFetch(topic, partition, options.offset, { maxRecords: options.maxRecords ?? 1, waitMs: options.waitMs ?? 0, isolation: options.isolation, signal: options.signal });
      return remote ?? broker.fetch(topic, partition, options);
    },
    async listOffset(topic: string, partition: number, spec: OffsetSpec, options?: { isolation?: Isolation }): Promise<number> {
      if (typeof spec === "object") return broker.listOffset(topic, partition, spec, options);
      const remote = await remoteFetch(topic, partition, spec, { maxRecords: 1, waitMs: 0, isolation: options?.isolation });
      if (!remote) return broker.listOffset(topic, partition, spec, options);
      if (spec === "earliest") return remote.logStartOffset;
      return options?.isolation === "read_committed" ? remote.lastStableOffset : remote.highWatermark;
    },
  };
}

/** A leader's CBOR fetch answer as a {@link FetchResult}. */
function fetchResultOf(bytes: Uint8Array, topic: string, partition: number): FetchResult {
  const value = decode(bytes) as Record<string, unknown>;
  const number = (name: string): number => {
    const n = value?.[name];
    if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new RivuletError("partition_unavailable", `the leader of ${topic}/${partition} answered a fetch without an integer ${name}`, { topic, partition });
    return n;
  };
  const raw = value?.records;
  if (!Array.isArray(raw)) throw new RivuletError("partition_unavailable", `the leader of ${topic}/${partition} answered a fetch without records`, { topic, partition });
  const records: ConsumedRecord[] = raw.map((r: Record<string, unknown>) => ({
    topic,
    partition,
    offset: r.offset as number,
    timestamp: r.timestamp as number,
    key: (r.key as Uint8Array | null) ?? null,
    value: (r.value as Uint8Array | null) ?? null,
    headers: (r.headers as ConsumedRecord["headers"]) ?? [],
  }));
  return { records, nextOffset: number("next_offset"), highWatermark: number("high_watermark"), lastStableOffset: number("last_stable_offset"), logStartOffset: number("log_start_offset") };
}
