/**
 * Durable Streams in a cluster. One broker serves the whole protocol at a time: the leader of
 * `__ds_streams` partition 0 (the streams' metadata, replicated like any topic), as the group
 * coordinator is the leader of `__consumer_offsets`; every other broker forwards `/v1/stream/*`
 * to it (http/cluster-forward.ts), so the in-memory state (tails, producer checks, waiting
 * long-polls and SSE readers) is in one place. Each stream's data is its own topic, led by
 * whichever broker the controller chose: this facade writes, reads and finds the ends of a
 * stream topic that another broker leads at that leader, over its HTTP port (`POST`/`GET
 * /v1/topics/{t}/partitions/{p}/batches`), batch bytes unchanged.
 *
 * `generation()` is the leader epoch of `__ds_streams`/0 while this broker leads it (-1 when it
 * does not): the Durable Streams app loads the metadata again whenever it changes, so a broker
 * that becomes coordinator after a failover starts from what was replicated, never from a stale
 * copy of its own.
 */
import { RivuletError } from "../../core/errors.ts";
import type { AppendBatchResult, BrokerApi, FetchBatchesResult, FetchOptions } from "../../broker/types.ts";
import { batchReadHeaders, callBroker, callBrokerFor } from "./broker-http.ts";
import type { FetchLike } from "../../runtime/trusting-fetch.ts";
import type { ClusterBroker, ClusterView } from "./cluster-view.ts";

/** The topic whose leader serves Durable Streams in a cluster (the streams' metadata). */
export const STREAMS_COORDINATOR_TOPIC = "__ds_streams";
/** How that topic is created when a request finds none. */
export const streamsCoordinatorTopicOptions = { partitions: 1, internal: true, config: { "cleanup.policy": "compact", "retention.ms": -1 } } as const;

/** A Durable Streams broker over a clustered one. */
export type StreamsClusterBroker = BrokerApi & { generation(): number };

/**
 * Wraps `clustered` for the Durable Streams app.
 *
 * @param clustered the clustered broker facade (topics through the controller, records local)
 * @param view the cluster as this broker sees it
 * @param options `protocol` of the brokers' HTTP listeners, `fetch` to call them with (with TLS,
 *   one trusting the cluster's certificate; default the global `fetch`), `timeoutMs` of one call to another
 *   broker, `active`: false once the broker is leaving its cluster (its last snapshot writes are
 *   refused at once rather than retried against a cluster it has left until the delivery timeout),
 *   `authorization`: with auth on, the inter-broker principal's `Authorization` header (the
 *   stream topics are internal: only that principal may name them at another broker)
 */
export function streamsBroker(clustered: BrokerApi, view: ClusterView, options: { protocol: string; fetch?: FetchLike; authorization: string | null; timeoutMs: () => number; active: () => boolean }): StreamsClusterBroker {
  /** The leader of a partition when it is another broker, else null (served here). */
  const elsewhere = (topic: string, partition: number): ClusterBroker | null => {
    if (!view.clustered || view.brokerId < 0) return null;
    const leader = view.partition(topic, partition)?.leader ?? -1;
    if (leader < 0 || leader === view.brokerId) return null;
    const broker = view.brokers().find((b) => b.id === leader);
    if (!broker) throw new RivuletError("not_leader", `broker ${leader}, the leader of ${topic}/${partition}, is not registered`, { topic, partition });
    return broker;
  };
  const path = (topic: string, partition: number) => `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/batches`;
  const wrapper: Partial<StreamsClusterBroker> = {
    generation() {
      const state = view.partition(STREAMS_COORDINATOR_TOPIC, 0);
      return state && state.leader === view.brokerId ? state.leader_epoch : -1;
    },
    async produce(topic, records, produceOptions) {
      if (topic === STREAMS_COORDINATOR_TOPIC && !options.active()) throw new RivuletError("not_leader", `this broker is leaving its cluster; it no longer writes ${topic}`, { topic });
      return await clustered.produce(topic, records, produceOptions);
    },
    async appendBatch(topic, partition, batches, appendOptions): Promise<AppendBatchResult> {
      const leader = elsewhere(topic, partition);
      if (!leader) return await clustered.appendBatch(topic, partition, batches, appendOptions);
      const body = await callBroker(leader, { protocol: options.protocol, fetch: options.fetch, from: view.brokerId, authorization: options.authorization, method: "POST", path: path(topic, partition), contentType: "application/octet-stream", accept: "application/json", body: batches, timeoutMs: options.timeoutMs() });
      const answer = JSON.parse(new TextDecoder().decode(body)) as Record<string, number>;
      return { baseOffset: answer.base_offset, lastOffset: answer.last_offset, logAppendTime: answer.log_append_time, logStartOffset: answer.log_start_offset };
    },
    async listOffset(topic, partition, spec, listOptions): Promise<number> {
      // The log start or the high watermark at the leader: where an empty batch read from there starts.
      if ((spec !== "earliest" && spec !== "latest") || listOptions?.isolation === "read_committed" || !elsewhere(topic, partition)) return await clustered.listOffset(topic, partition, spec, listOptions);
      return (await remoteBatches(topic, partition, { offset: spec, maxBytes: 1 })).offset;
    },
    async fetchBatches(topic, partition, fetchOptions: FetchOptions): Promise<FetchBatchesResult> {
      if (!elsewhere(topic, partition)) return await clustered.fetchBatches(topic, partition, fetchOptions);
      return await remoteBatches(topic, partition, fetchOptions);
    },
  };
  /** A batch read at the partition's leader, another broker. */
  const remoteBatches = async (topic: string, partition: number, fetchOptions: FetchOptions): Promise<FetchBatchesResult> => {
    const leader = elsewhere(topic, partition);
    if (!leader) return await clustered.fetchBatches(topic, partition, fetchOptions);
    const query = new URLSearchParams({ offset: String(fetchOptions.offset) });
    if (fetchOptions.maxBytes !== undefined) query.set("max_bytes", String(fetchOptions.maxBytes));
    if (fetchOptions.waitMs) query.set("wait_ms", String(fetchOptions.waitMs));
    const { body, headers } = await callBrokerFor(leader, {
      protocol: options.protocol, fetch: options.fetch, from: view.brokerId, authorization: options.authorization, method: "GET", path: `${path(topic, partition)}?${query}`, accept: "application/octet-stream",
      timeoutMs: options.timeoutMs() + (fetchOptions.waitMs ?? 0), signal: fetchOptions.signal,
    });
    const figure = (name: string): number => {
      const n = Number(headers.get(name));
      if (!Number.isSafeInteger(n)) throw new RivuletError("partition_unavailable", `broker ${leader.id}'s batch read has no ${name}`);
      return n;
    };
    return {
      offset: figure(batchReadHeaders.offset), batches: body, highWatermark: figure(batchReadHeaders.highWatermark),
      lastStableOffset: figure(batchReadHeaders.lastStableOffset), logStartOffset: figure(batchReadHeaders.logStartOffset), abortedTransactions: [],
    };
  };
  // Everything else is the clustered broker's, bound to it (getters such as `groups` read through).
  return new Proxy(clustered, {
    get(target, name) {
      if (Object.hasOwn(wrapper, name)) return wrapper[name as keyof typeof wrapper];
      const value = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has(target, name) {
      return Object.hasOwn(wrapper, name) || Reflect.has(target, name);
    },
  }) as StreamsClusterBroker;
}
