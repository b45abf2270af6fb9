/**
 * A plain HTTP produce on any broker of a cluster (DESIGN §9: any broker answers every route).
 * The records are split by partition as Kafka's partitioner splits them (an explicit partition
 * wins, a key goes to murmur2(key) mod partitions, unkeyed records of one request go together to
 * one partition this broker leads, else to one that has a leader); the partitions this broker
 * leads are written here, and each other partition's records go to its leader over HTTP with
 * their partition set (so the leader does not partition them again), marked
 * `rivulet-forwarded-by` (it serves them itself) and carrying the client's `Authorization` (it
 * authorizes them as the client's). The answer comes once every partition acknowledged, offsets
 * in request order.
 *
 * A partition with no leader (-1), or whose leader moved (`not_leader`, an unreachable broker:
 * retriable), is tried again with the metadata as it is then, until the delivery timeout; then
 * the last retriable error (503) is the answer. As with a Kafka producer that is not
 * idempotent, a retry after an answer was lost may write a partition's records twice; an
 * idempotent produce (Producer-Id) never does (see http/cluster-forward.ts).
 */
import { decode } from "cbor-x";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import { keyPartition } from "../broker/partitioner.ts";
import { keyBytes } from "../broker/record-input.ts";
import type { BrokerApi, ProduceOptions, ProducerRecord, RecordMetadata } from "../broker/types.ts";
import { callBroker } from "../cluster/node/broker-http.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import { encodeCbor } from "./reply.ts";

const retryBackoffMinMs = 20;
const retryBackoffMaxMs = 500;

/** Where the request came from, for the calls made to other brokers on its behalf. */
export interface ProduceCaller {
  protocol: string;
  authorization: string | null;
  signal: AbortSignal;
  /** The delivery timeout's end (epoch ms). */
  deadline: number;
  /** Longest wait for one call to another broker. */
  callTimeoutMs: number;
}

/** Each record's partition, by the partitioner's rules, preferring partitions this broker leads for unkeyed records. */
export function partitionRecords(view: ClusterView, topic: string, partitions: number, records: ProducerRecord[]): Int32Array {
  const out = new Int32Array(records.length);
  let unkeyed = -1;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record.partition !== undefined) {
      out[i] = record.partition;
      continue;
    }
    const key = keyBytes(record.key, i);
    if (key !== null) {
      out[i] = keyPartition(key, partitions);
      continue;
    }
    if (unkeyed < 0) unkeyed = unkeyedPartition(view, topic, partitions);
    out[i] = unkeyed;
  }
  return out;
}

/** One partition for a request's unkeyed records: one this broker leads, else one with a leader, else any. */
function unkeyedPartition(view: ClusterView, topic: string, partitions: number): number {
  const start = Math.floor(Math.random() * partitions);
  let led = -1;
  for (let n = 0; n < partitions; n++) {
    const p = (start + n) % partitions;
    const leader = view.partition(topic, p)?.leader ?? -1;
    if (leader === view.brokerId) return p;
    if (leader >= 0 && led < 0) led = p;
  }
  return led >= 0 ? led : start;
}

/**
 * Produces `records` across the cluster (see the file's doc).
 *
 * @returns where each record landed, in request order
 * @throws {RivuletError} the first partition's failure that is not retriable, or the last
 *   retriable one once the delivery timeout passed
 */
export async function produceInCluster(view: ClusterView, broker: BrokerApi, topic: string, records: ProducerRecord[], options: ProduceOptions, caller: ProduceCaller): Promise<RecordMetadata[]> {
  const { partitions } = broker.topicConfig(topic);
  const assigned = partitionRecords(view, topic, partitions, records);
  const byPartition = new Map<number, number[]>();
  for (let i = 0; i < assigned.length; i++) {
    let slots = byPartition.get(assigned[i]);
    if (!slots) byPartition.set(assigned[i], (slots = []));
    slots.push(i);
  }
  const answer: RecordMetadata[] = new Array(records.length);
  const sends = [...byPartition].map(async ([partition, slots]) => {
    const share = slots.map((i) => ({ ...records[i], partition }));
    const offsets = await sendShare(view, broker, topic, partition, share, options, caller);
    for (let n = 0; n < slots.length; n++) answer[slots[n]] = offsets[n];
  });
  const results = await Promise.allSettled(sends);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return answer;
}

/** One partition's share, written here or at its leader, retried while leadership moves. */
async function sendShare(view: ClusterView, broker: BrokerApi, topic: string, partition: number, share: ProducerRecord[], options: ProduceOptions, caller: ProduceCaller): Promise<RecordMetadata[]> {
  let backoff = retryBackoffMinMs;
  for (;;) {
    try {
      const state = view.partition(topic, partition);
      const leader = state?.leader ?? -1;
      // No such partition in the metadata: the local produce gives the precise error.
      if (!state || leader === view.brokerId) return await broker.produce(topic, share, options);
      const target = leader < 0 ? undefined : view.brokers().find((b) => b.id === leader);
      if (!target) throw new RivuletError("not_leader", `${topic}/${partition} has no live leader right now`, { topic, partition });
      const body = await callBroker(target, {
        protocol: caller.protocol,
        from: view.brokerId,
        method: "POST",
        path: `/v1/topics/${encodeURIComponent(topic)}/records`,
        contentType: "application/cbor",
        accept: "application/cbor",
        body: encodeCbor({ records: share }),
        authorization: caller.authorization,
        timeoutMs: Math.max(1, Math.min(caller.callTimeoutMs, caller.deadline - Date.now())),
        signal: caller.signal,
      });
      return offsetsOf(body, topic, share.length, partition);
    } catch (error) {
      if (caller.signal.aborted || !(isRivuletError(error) && error.retriable) || Date.now() + backoff >= caller.deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, retryBackoffMaxMs);
    }
  }
}

/** The leader's `{"offsets": [{partition, offset}]}` answer, checked against what was sent. */
function offsetsOf(body: Uint8Array, topic: string, count: number, partition: number): RecordMetadata[] {
  const value = decode(body) as { offsets?: Array<{ partition?: unknown; offset?: unknown }> };
  const offsets = value?.offsets;
  if (!Array.isArray(offsets) || offsets.length !== count) throw new RivuletError("partition_unavailable", `the leader of ${topic}/${partition} answered without ${count} offsets`, { topic, partition });
  return offsets.map((o) => {
    if (o?.partition !== partition || typeof o.offset !== "number") throw new RivuletError("partition_unavailable", `the leader of ${topic}/${partition} answered with a malformed offset`, { topic, partition });
    return { topic, partition, offset: o.offset };
  });
}
