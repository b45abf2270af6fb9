/**
 * The cluster routing a clustered broker gives its local broker once attached
 * (broker/cluster-routing.ts):
 *
 * - producer ids from the cluster's counter in etcd (ProducerIdBlocks), so no two brokers'
 *   producers share an id;
 * - topics as the cluster's metadata has them;
 * - an idempotent HTTP producer's batches for partitions led elsewhere, written at their leader
 *   through `POST /v1/topics/{t}/partitions/{p}/batches`, as the request's client;
 * - the request-producer registry's generation: the leader epoch of `__request_producers`
 *   partition 0 while this broker leads it, else -1.
 *
 * Each call reads this broker's metadata when it is made.
 */
import { RivuletError } from "../../core/errors.ts";
import type { AppendBatchResult, ProducerRequest } from "../../broker/types.ts";
import type { ClusterRouting } from "../../broker/cluster-routing.ts";
import { REQUEST_PRODUCERS_TOPIC } from "../../broker/request-producer-log.ts";
import { encodeRecordBlock, type BlockBatchOptions } from "../../record/record-block-encoder.ts";
import type { RecordBlock } from "../../record/record-block.ts";
import type { ClusterNode } from "./cluster-node.ts";
import { callBroker } from "./broker-http.ts";
import type { FetchLike } from "../../runtime/trusting-fetch.ts";

/**
 * The {@link ClusterRouting} of a clustered broker's local broker.
 *
 * @param node this broker's started cluster node
 * @param options `httpProtocol`: `https:` when the brokers' HTTP listeners use TLS; `httpFetch`:
 *   what to call them with (with TLS, a fetch trusting the cluster's certificate; default the
 *   global `fetch`); `topicConfig`: the clustered broker's view of a topic
 * @example
 * ```ts
 * local.useClusterRouting?.(brokerClusterRouting(node, { httpProtocol: "http:", topicConfig: (t) => clustered.topicConfig(t) }));
 * ```
 */
export function brokerClusterRouting(node: ClusterNode, options: { httpProtocol: string; httpFetch?: FetchLike; topicConfig: ClusterRouting["topicConfig"] }): ClusterRouting {
  return {
    allocateProducerId: () => node.producerIds.allocate(),
    topicConfig: options.topicConfig,
    appendElsewhere: (topic, partition, block, batch, request) => appendElsewhere(node, options, { topic, partition, block, batch, request }),
    registryGeneration: () => {
      const state = node.view.partition(REQUEST_PRODUCERS_TOPIC, 0);
      return state && state.leader === node.brokerId ? state.leader_epoch : -1;
    },
  };
}

/**
 * An idempotent request producer's batch for a partition another broker leads: encoded as the
 * Kafka batch it is (producer id, epoch, base sequence) and appended there through
 * `POST /v1/topics/{t}/partitions/{p}/batches`, as the request's client.
 */
function appendElsewhere(
  node: ClusterNode,
  http: { httpProtocol: string; httpFetch?: FetchLike },
  { topic, partition, block, batch, request }: { topic: string; partition: number; block: RecordBlock; batch: BlockBatchOptions; request?: ProducerRequest },
): Promise<AppendBatchResult> | null {
  const leader = node.view.partition(topic, partition)?.leader ?? -1;
  if (leader < 0 || leader === node.brokerId) return null;
  const broker = node.view.brokers().find((b) => b.id === leader);
  if (!broker) return Promise.reject(new RivuletError("not_leader", `broker ${leader}, the leader of ${topic}/${partition}, is not registered`, { topic, partition }));
  const body = encodeRecordBlock(block, batch);
  return callBroker(broker, {
    protocol: http.httpProtocol,
    fetch: http.httpFetch,
    from: node.brokerId,
    method: "POST",
    path: `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/batches`,
    contentType: "application/octet-stream",
    accept: "application/json",
    body,
    authorization: request?.authorization,
    timeoutMs: node.limits.clusterForwardTimeoutMs,
  }).then((answer) => appendAnswer(answer));
}

/** The leader's answer to an appended batch (`{"base_offset", "last_offset", "log_append_time", "log_start_offset"}`). */
function appendAnswer(bytes: Uint8Array): AppendBatchResult {
  const value = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  const number = (name: string): number => {
    const n = value[name];
    if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new RivuletError("partition_unavailable", `a leader's answer to an appended batch has no integer ${name}`);
    return n;
  };
  return { baseOffset: number("base_offset"), lastOffset: number("last_offset"), logAppendTime: number("log_append_time"), logStartOffset: number("log_start_offset") };
}
