/**
 * One numbered request of an idempotent request producer (HTTP produce with Producer-Id), laid
 * out and sent. A request may spread its records over several partitions, hosted by different
 * workers; each partition gets its records as one or more batches carrying the producer's id,
 * epoch and per-partition sequence numbers, which are fixed when the request is planned and
 * kept by every retry. The partition actors' idempotent-producer state (rebuilt from the log
 * when a worker restarts) then decides per batch: a batch already in the log is answered with
 * its original offsets, a new one is written. So a retried request writes nothing twice and is
 * answered with the offsets of its first try, whichever of its batches that try had written.
 *
 * The plan keeps only numbers (each record's partition and offset, each batch's range and
 * sequence): the records themselves are laid out again from the retry's body.
 *
 * Not thread-safe: owned by the broker's main thread.
 */
import { RivuletError, isRivuletError } from "../core/errors.ts";
import { packRecordBlocks, RecordBlockBuilder } from "../record/record-block.ts";
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import type { RecordBlock } from "../record/record-block.ts";
import { keyBytes, recordError, recordTimestamp, writeRecord, type RecordLimits } from "./record-input.ts";
import type { Partitioner } from "./partitioner.ts";
import type { AppendBatchResult, ProduceLimits, ProducerRecord, ProducerRequest, RecordMetadata } from "./types.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import type { Limits } from "../core/limits.ts";

/** One batch of a plan: records `from`..`to` (exclusive) of its partition's share. */
export interface PlannedBatch {
  partition: number;
  from: number;
  to: number;
  /** Sequence number of the batch's first record, for this producer on this partition. */
  firstSequence: number;
  /** Set once the partition acknowledged the batch. */
  acknowledged: boolean;
  /** Offset of the batch's first record, once acknowledged (-1 before). */
  baseOffset: number;
}

/** A planned request: where every record goes, and what has been acknowledged. */
export interface RequestPlan {
  sequence: number;
  /** A checksum of the request as the client sent it, to tell a retry from a different request. */
  fingerprint: number;
  /** Partition of each record, in request order. */
  partitions: Int32Array;
  /** Offset of each record once acknowledged (-1 before). */
  offsets: Float64Array;
  batches: PlannedBatch[];
  status: "running" | "failed" | "done";
  /** Set once the plan is in the registry's durable store (always set without a store). */
  persisted: boolean;
}

/** What laying out and sending a request needs from the broker. */
export interface PlanHost {
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  /** `request`: the request producer the batch is written for (a cluster's host may write it at another broker, as that client). */
  appendRecords(topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions, request?: ProducerRequest): Promise<AppendBatchResult>;
  readonly limits: Limits;
  readonly clock: { now(): number };
}

/** The records of one try, laid out per partition in request order. */
export interface Layout {
  /** Per partition, its records (undefined for partitions the request does not touch). */
  builders: (RecordBlockBuilder | undefined)[];
  /** Per partition, each of its records' size bound in a batch. */
  sizes: number[][];
  partitions: Int32Array;
}

const retryBackoffMinMs = 5;
const retryBackoffMaxMs = 500;

/**
 * Validates every record and lays it out in its partition's block: the partition comes from
 * `fixed` (a retry keeps its first try's) or else from the partitioner.
 *
 * @throws {RivuletError} as `Producer.sendBatch` does, naming `records[i]`
 */
export function layOut(host: PlanHost, topic: string, records: ProducerRecord[], partitioner: Partitioner, limits: ProduceLimits | undefined, fixed?: Int32Array): Layout {
  const meta = host.topicConfig(topic);
  const own = host.limits;
  const recordLimits: RecordLimits = {
    recordHeadersMax: Math.min(own.recordHeadersMax, limits?.recordHeadersMax ?? Infinity),
    headerNameBytesMax: Math.min(own.headerNameBytesMax, limits?.headerNameBytesMax ?? Infinity),
  };
  const maxBytes = Math.min(meta.config["message.max.bytes"], limits?.messageMaxBytes ?? Infinity);
  const keyRequired = meta.config["cleanup.policy"].includes("compact");
  const now = host.clock.now();
  const builders: (RecordBlockBuilder | undefined)[] = new Array(meta.partitions);
  const sizes: number[][] = [];
  const partitions = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const input = records[i];
    if (input === null || typeof input !== "object") throw recordError("invalid_record", i, "a record must be an object");
    const key = keyBytes(input.key, i);
    if (key === null && keyRequired) throw recordError("invalid_record", i, "a compacted topic refuses records without a key");
    const partition = fixed ? fixed[i] : choose(partitioner, topic, input.partition, key, meta.partitions, i);
    if (partition >= meta.partitions) throw new RivuletError("unknown_partition", `topic "${topic}" has no partition ${partition} any more`, { topic, partition });
    partitions[i] = partition;
    let builder = builders[partition];
    if (!builder) {
      builder = builders[partition] = new RecordBlockBuilder(Math.ceil(records.length / meta.partitions) + 1);
      sizes[partition] = [];
    }
    sizes[partition].push(writeRecord(builder, input, key, recordTimestamp(input, now, i), i, recordLimits, maxBytes));
  }
  partitioner.nextBatch(topic, meta.partitions);
  return { builders, sizes, partitions };
}

function choose(partitioner: Partitioner, topic: string, explicit: number | undefined, key: Uint8Array | null, partitions: number, index: number): number {
  if (explicit === undefined || explicit === null) return partitioner.partition(topic, key, partitions);
  if (!Number.isInteger(explicit) || explicit < 0 || explicit >= partitions) {
    throw recordError("unknown_partition", index, `topic "${topic}" has no partition ${explicit} (it has ${partitions})`, { topic, partition: explicit, partitions });
  }
  return explicit;
}

/**
 * Cuts each partition's records into batches (at most `batchRecordsMax` records and the
 * topic's `message.max.bytes` less room for the batch header) and numbers them from `next`.
 *
 * @param next per partition, the sequence its next batch starts at; advanced past the plan
 * @param batchesPerPartitionMax most batches one partition may get: a plan re-sent whole after a
 *   broker restart relies on the partition remembering each of them (it keeps its last
 *   PRODUCER_BATCHES_KEPT, storage/producer-state.ts, per producer) to answer one it holds with its offsets
 * @throws {RivuletError} `unknown_producer` when a partition's sequence numbers would pass
 *   2^31-1; `request_too_large` when a partition's share needs more batches than allowed
 */
export function planBatches(host: PlanHost, topic: string, layout: Layout, next: Map<number, number>, batchesPerPartitionMax = Infinity): PlannedBatch[] {
  const batchBytesMax = Math.max(1024, host.topicConfig(topic).config["message.max.bytes"] - 1024);
  const batches: PlannedBatch[] = [];
  layout.sizes.forEach((sizes, partition) => {
    let sequence = next.get(partition) ?? 0;
    if (sequence + sizes.length > 0x7fffffff) {
      throw new RivuletError("unknown_producer", `the producer's sequence numbers on ${topic}/${partition} are used up: initialize a new producer`, { topic, partition });
    }
    let from = 0;
    let count = 0;
    while (from < sizes.length) {
      let to = from;
      let bytes = 0;
      while (to < sizes.length && to - from < host.limits.batchRecordsMax && (to === from || bytes + sizes[to] <= batchBytesMax)) bytes += sizes[to++];
      batches.push({ partition, from, to, firstSequence: sequence, acknowledged: false, baseOffset: -1 });
      sequence += to - from;
      from = to;
      if (++count > batchesPerPartitionMax) {
        throw new RivuletError("request_too_large", `an idempotent request may put at most ${batchesPerPartitionMax} batches (of at most message.max.bytes) on one partition: ${topic}/${partition} would need more; split the request`, { topic, partition, batchesMax: batchesPerPartitionMax });
      }
    }
    next.set(partition, sequence);
  });
  return batches;
}

/** For tests only: steps around each batch of {@link sendPlan}. */
export interface BatchHooks {
  beforeBatch?(partition: number): Promise<void> | void;
  afterBatch?(partition: number): Promise<void> | void;
}

/**
 * Sends the plan's unacknowledged batches: one partition's in order, one at a time (a batch's
 * sequence follows the previous one's), partitions side by side. Retriable failures are retried
 * with the same sequence numbers until `deadline` (ms on the broker clock).
 *
 * @returns once every batch is acknowledged, with `plan.offsets` filled
 * @throws the first failure that outlived its retries (the plan is then `failed`)
 */
export async function sendPlan(host: PlanHost, topic: string, plan: RequestPlan, layout: Layout, producer: ProducerRequest, deadline: number, hooks?: BatchHooks): Promise<void> {
  const byPartition = new Map<number, PlannedBatch[]>();
  for (const batch of plan.batches) {
    if (batch.acknowledged) continue;
    const list = byPartition.get(batch.partition) ?? [];
    list.push(batch);
    byPartition.set(batch.partition, list);
  }
  const slots = slotsByPartition(plan.partitions, layout.builders.length);
  const results = await Promise.allSettled([...byPartition].map(async ([partition, batches]) => {
    for (const batch of batches) {
      if (hooks?.beforeBatch) await hooks.beforeBatch(partition);
      const builder = layout.builders[partition]!;
      const options = { producerId: producer.producerId, producerEpoch: producer.producerEpoch, baseSequence: batch.firstSequence };
      const result = await appendWithRetries(host, topic, partition, () => packRecordBlocks([{ builder, from: batch.from, to: batch.to }]), options, deadline, producer);
      const mine = slots[partition];
      for (let i = batch.from; i < batch.to; i++) plan.offsets[mine[i]] = result.baseOffset + (i - batch.from);
      batch.baseOffset = result.baseOffset;
      batch.acknowledged = true;
      if (hooks?.afterBatch) await hooks.afterBatch(partition);
    }
  }));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** For each partition, the request indexes of its records, in order. */
function slotsByPartition(partitions: Int32Array, count: number): number[][] {
  const slots: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < partitions.length; i++) slots[partitions[i]].push(i);
  return slots;
}

async function appendWithRetries(host: PlanHost, topic: string, partition: number, pack: () => RecordBlock, batch: BlockBatchOptions, deadline: number, request: ProducerRequest): Promise<AppendBatchResult> {
  let backoff = retryBackoffMinMs;
  for (;;) {
    try {
      // A fresh block per try: a failed try's block was transferred to the worker.
      return await host.appendRecords(topic, partition, pack(), batch, request);
    } catch (error) {
      if (!(isRivuletError(error) && error.retriable) || host.clock.now() + backoff >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, retryBackoffMaxMs);
    }
  }
}

/** Fills `plan.offsets` from its acknowledged batches' base offsets (a plan loaded from the store). */
export function fillOffsets(plan: RequestPlan): void {
  const slots = slotsByPartition(plan.partitions, Math.max(-1, ...plan.batches.map((b) => b.partition)) + 1);
  for (const batch of plan.batches) {
    if (!batch.acknowledged) continue;
    const mine = slots[batch.partition];
    for (let i = batch.from; i < batch.to; i++) plan.offsets[mine[i]] = batch.baseOffset + (i - batch.from);
  }
}

/** The answer of a completed plan, in request order. */
export function planAnswer(topic: string, plan: RequestPlan): RecordMetadata[] {
  const answer: RecordMetadata[] = new Array(plan.partitions.length);
  for (let i = 0; i < answer.length; i++) answer[i] = { topic, partition: plan.partitions[i], offset: plan.offsets[i] };
  return answer;
}
