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
 * the last retriable error (503) is the answer.
 *
 * A share for another broker's partition goes there as one idempotent Kafka batch (this
 * broker's own producer id for the partition, the next sequence; `POST .../batches`), one at a
 * time per partition, and every retry resends the same batch: when the leader wrote it but its
 * answer was lost (the leader killed, cut off, deposed), the next leader — which has the batch
 * with its producer state if it was replicated — answers the retry with the first offsets
 * instead of writing the records a second time (a forwarded plain produce, retried at a new
 * leader, was written twice). After a failure whose outcome is unknown the partition's producer
 * id is dropped: the next share gets a new one.
 */
import { isRivuletError, RivuletError } from "../core/errors.ts";
import { keyPartition } from "../broker/partitioner.ts";
import { keyBytes, recordTimestamp, writeRecord } from "../broker/record-input.ts";
import type { AppendBatchResult, BrokerApi, ProduceOptions, ProducerRecord, RecordMetadata } from "../broker/types.ts";
import { callBroker } from "../cluster/node/broker-http.ts";
import type { FetchLike } from "../runtime/trusting-fetch.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import { packRecordBlocks, RecordBlockBuilder } from "../record/record-block.ts";
import { encodeRecordBlock } from "../record/record-block-encoder.ts";

const retryBackoffMinMs = 20;
const retryBackoffMaxMs = 500;

/** Where the request came from, for the calls made to other brokers on its behalf. */
export interface ProduceCaller {
  protocol: string;
  /** What the calls are made with: over HTTPS, a fetch trusting the cluster's certificate (default the global `fetch`). */
  fetch?: FetchLike;
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

/**
 * One partition's share: written here through the local producer while this broker leads the
 * partition, else sent to its leader as an idempotent batch (see the file's doc).
 */
async function sendShare(view: ClusterView, broker: BrokerApi, topic: string, partition: number, share: ProducerRecord[], options: ProduceOptions, caller: ProduceCaller): Promise<RecordMetadata[]> {
  const state = view.partition(topic, partition);
  // No such partition in the metadata: the local produce gives the precise error.
  if (!state || state.leader === view.brokerId) {
    try {
      return await broker.produce(topic, share, options);
    } catch (error) {
      // refused before the write (`not_leader`: led elsewhere since): sent to the leader instead
      if (!isRivuletError(error, "not_leader") || !view.partition(topic, partition) || view.partition(topic, partition)!.leader === view.brokerId) throw error;
    }
  }
  const sequences = forwardSequences(broker);
  return sequences.serial(topic, partition, (slot) => sendBatch(view, broker, topic, partition, share, options, caller, slot));
}

/** A partition's forwarding identity on this broker: producer id (null: none yet) and next sequence. */
interface ForwardSlot {
  producerId: number | null;
  nextSequence: number;
  chain: Promise<unknown>;
}

/** Kafka's sequence numbers are int32: a producer id is replaced before they would wrap. */
const sequenceMax = 0x7fffffff;

class ForwardSequences {
  readonly #slots = new Map<string, ForwardSlot>();

  /** Runs `work` for the partition after the shares before it (one batch in flight per partition, in sequence order). */
  serial<T>(topic: string, partition: number, work: (slot: ForwardSlot) => Promise<T>): Promise<T> {
    const key = `${topic}\u0000${partition}`;
    let slot = this.#slots.get(key);
    if (!slot) this.#slots.set(key, (slot = { producerId: null, nextSequence: 0, chain: Promise.resolve() }));
    const run = slot.chain.then(() => work(slot!));
    slot.chain = run.catch(() => {});
    return run;
  }
}

const forwarders = new WeakMap<BrokerApi, ForwardSequences>();

function forwardSequences(broker: BrokerApi): ForwardSequences {
  let sequences = forwarders.get(broker);
  if (!sequences) forwarders.set(broker, (sequences = new ForwardSequences()));
  return sequences;
}

/** Encodes a share as one batch of `producerId` from `baseSequence`, checking each record as the producer does. */
function encodeShare(broker: BrokerApi, topic: string, share: ProducerRecord[], options: ProduceOptions, producerId: number, baseSequence: number): Uint8Array {
  const { config } = broker.topicConfig(topic);
  const own = (broker as { limits?: { recordHeadersMax: number; headerNameBytesMax: number } }).limits;
  const limits = {
    recordHeadersMax: Math.min(own?.recordHeadersMax ?? Infinity, options.limits?.recordHeadersMax ?? Infinity),
    headerNameBytesMax: Math.min(own?.headerNameBytesMax ?? Infinity, options.limits?.headerNameBytesMax ?? Infinity),
  };
  const maxBytes = Math.min(config["message.max.bytes"], options.limits?.messageMaxBytes ?? Infinity);
  const builder = new RecordBlockBuilder(share.length);
  const now = Date.now();
  share.forEach((record, i) => {
    writeRecord(builder, record, keyBytes(record.key, i), recordTimestamp(record, now, i), i, limits, maxBytes);
  });
  const block = packRecordBlocks([{ builder, from: 0, to: share.length }]);
  return encodeRecordBlock(block, { producerId, producerEpoch: 0, baseSequence });
}

/**
 * Sends one share as an idempotent batch to the partition's leader (this broker's own replica
 * when it leads by now), the same bytes on every retry, until the delivery timeout.
 */
async function sendBatch(view: ClusterView, broker: BrokerApi, topic: string, partition: number, share: ProducerRecord[], options: ProduceOptions, caller: ProduceCaller, slot: ForwardSlot): Promise<RecordMetadata[]> {
  if (slot.producerId === null || slot.nextSequence + share.length > sequenceMax) {
    // a clustered broker's ids are unique in the cluster (ClusteredBroker.allocateProducerId)
    const allocate = (broker as { allocateProducerId?: () => Promise<number> }).allocateProducerId;
    if (!allocate) throw new RivuletError("partition_unavailable", "this broker cannot allocate producer ids to forward records", { topic, partition });
    slot.producerId = await allocate.call(broker);
    slot.nextSequence = 0;
  }
  const bytes = encodeShare(broker, topic, share, options, slot.producerId!, slot.nextSequence);
  let backoff = retryBackoffMinMs;
  for (;;) {
    try {
      const result = await appendAtLeader(view, broker, topic, partition, bytes, caller);
      slot.nextSequence += share.length;
      return share.map((_, i) => ({ topic, partition, offset: result.baseOffset + i }));
    } catch (error) {
      const retry = !caller.signal.aborted && isRivuletError(error) && error.retriable && Date.now() + backoff < caller.deadline;
      if (!retry) {
        // written or not, unknown: this producer id's sequence is in doubt
        slot.producerId = null;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, retryBackoffMaxMs);
    }
  }
}

/** Appends `bytes` at the partition's leader as the metadata names it now (`not_leader` when none). */
async function appendAtLeader(view: ClusterView, broker: BrokerApi, topic: string, partition: number, bytes: Uint8Array, caller: ProduceCaller): Promise<AppendBatchResult> {
  const leader = view.partition(topic, partition)?.leader ?? -1;
  if (leader === view.brokerId) return await broker.appendBatch(topic, partition, bytes, { acks: "all" });
  const target = leader < 0 ? undefined : view.brokers().find((b) => b.id === leader);
  if (!target) throw new RivuletError("not_leader", `${topic}/${partition} has no live leader right now`, { topic, partition });
  const body = await callBroker(target, {
    protocol: caller.protocol,
    fetch: caller.fetch,
    from: view.brokerId,
    method: "POST",
    path: `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/batches`,
    contentType: "application/octet-stream",
    accept: "application/json",
    body: bytes,
    authorization: caller.authorization,
    timeoutMs: Math.max(1, Math.min(caller.callTimeoutMs, caller.deadline - Date.now())),
    signal: caller.signal,
  });
  return batchAnswer(body, topic, partition);
}

/** The leader's `{"base_offset", ...}` answer to an appended batch. */
function batchAnswer(body: Uint8Array, topic: string, partition: number): AppendBatchResult {
  let value: Record<string, unknown> | null = null;
  try {
    value = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch {
    // malformed: below
  }
  const number = (name: string): number => {
    const n = value?.[name];
    if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new RivuletError("partition_unavailable", `the leader of ${topic}/${partition} answered an appended batch without an integer ${name}`, { topic, partition });
    return n;
  };
  return { baseOffset: number("base_offset"), lastOffset: number("last_offset"), logAppendTime: number("log_append_time"), logStartOffset: number("log_start_offset") };
}
