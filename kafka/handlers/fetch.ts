/**
 * Fetch: whole stored batches from the one holding fetch_offset, as the partition returns
 * them (written to the socket without a copy when large).
 *
 * Waiting (max_wait_ms / min_bytes) works across partitions: a first pass reads every
 * partition without waiting; if that already gives min_bytes (or the client will not wait), it
 * is the answer. Otherwise every partition that gave nothing is read again with the wait, and
 * the first one to return data ends the wait for the whole request (the others keep their
 * empty first-pass result; their waits end on their own at the deadline, as nothing cancels a
 * partition's wait). The response budget `max_bytes` is shared in partition order, with at
 * least one batch for the first partition that has data, as Kafka does (KIP-74).
 *
 * A follower's fetch (replica_id ≥ 0) is passed on with its id and current_leader_epoch: the
 * leader reads it up to its log end and counts the fetch offset as the follower's progress
 * (high watermark, ISR). It needs the cluster right when auth is on.
 *
 * Partitions of topics the principal may not read get TOPIC_AUTHORIZATION_FAILED and no
 * records; they are never read, and (as in Kafka) neither end nor shorten the others' wait.
 *
 * isolation_level 1 (read_committed) reads stop at each partition's last stable offset and the
 * response lists the aborted transactions overlapping the returned batches (the client drops
 * their records); level 0 reads up to the high watermark, with a null list, as Kafka answers.
 * last_stable_offset is filled in both cases.
 */
import type { FetchBatchesResult, Isolation } from "../../broker/types.ts";
import { RivuletError } from "../../core/errors.ts";
import { mayCluster, mayTopic } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse } from "../protocol/fetch/types.ts";

interface Slot {
  topic: string;
  /** The follower's broker id (Kafka's replica_id), -1 for a consumer. */
  replicaId: number;
  request: FetchPartition;
  result: FetchBatchesResult | null;
  errorCode: number;
  /** With OFFSET_OUT_OF_RANGE: the partition's log start, so a follower can reset to it (as Kafka answers). */
  logStartOffset?: number;
}

async function read(ctx: HandlerContext, slot: Slot, maxBytes: number, waitMs: number, isolation: Isolation): Promise<void> {
  try {
    const { partition, fetchOffset, currentLeaderEpoch } = slot.request;
    slot.result = await ctx.broker.fetchBatches(slot.topic, partition, { offset: fetchOffset, maxBytes, waitMs, isolation, replicaId: slot.replicaId, currentLeaderEpoch });
    slot.errorCode = 0;
  } catch (error) {
    slot.result = null;
    slot.errorCode = kafkaErrorCode(error);
    const start = error instanceof RivuletError ? error.info.logStartOffset : undefined;
    if (typeof start === "number") slot.logStartOffset = start;
  }
}

const bytesOf = (slot: Slot) => slot.result?.batches.byteLength ?? 0;

/** Waits on the empty partitions until one has data or `waitMs` passes. */
async function waitForData(ctx: HandlerContext, slots: Slot[], waitMs: number, isolation: Isolation): Promise<void> {
  const empty = slots.filter((s) => s.errorCode === 0 && bytesOf(s) === 0);
  if (empty.length === 0) return;
  await new Promise<void>((resolve) => {
    let left = empty.length;
    for (const slot of empty) {
      const waiting: Slot = { ...slot };
      void read(ctx, waiting, slot.request.partitionMaxBytes, waitMs, isolation).then(() => {
        left--;
        if (bytesOf(waiting) > 0 || waiting.errorCode !== 0) {
          Object.assign(slot, { result: waiting.result, errorCode: waiting.errorCode });
          resolve();
        } else if (left === 0) resolve();
      });
    }
  });
}

function partitionResponse(slot: Slot, records: Uint8Array | null, isolation: Isolation): FetchPartitionResponse {
  const r = slot.result;
  const sent = records !== null && records.byteLength > 0;
  return {
    partition: slot.request.partition,
    errorCode: slot.errorCode,
    highWatermark: r?.highWatermark ?? -1,
    lastStableOffset: r?.lastStableOffset ?? -1,
    logStartOffset: r?.logStartOffset ?? slot.logStartOffset ?? -1,
    abortedTransactions: isolation === "read_committed" && r ? (sent ? r.abortedTransactions : []) : null,
    preferredReadReplica: -1,
    records,
  };
}

export async function handleFetch(ctx: HandlerContext, request: FetchRequest): Promise<FetchResponse> {
  // A follower (replica_id ≥ 0) copies whole logs: it needs the cluster right, as in Kafka.
  const replicaId = request.replicaId >= 0 ? request.replicaId : -1;
  const follower = replicaId >= 0;
  const slots: Slot[] = request.topics.flatMap((t) => {
    const allowed = follower ? mayCluster(ctx) : mayTopic(ctx, "read", t.topic);
    const errorCode = allowed ? 0 : follower ? kafkaErrors.CLUSTER_AUTHORIZATION_FAILED : kafkaErrors.TOPIC_AUTHORIZATION_FAILED;
    return t.partitions.map((p) => ({ topic: t.topic, replicaId, request: p, result: null, errorCode }));
  });
  const isolation: Isolation = request.isolationLevel === 1 ? "read_committed" : "read_uncommitted";
  const readable = slots.filter((s) => s.errorCode === 0);
  await Promise.all(readable.map((slot) => read(ctx, slot, slot.request.partitionMaxBytes, 0, isolation)));
  const total = readable.reduce((n, s) => n + bytesOf(s), 0);
  const failed = readable.some((s) => s.errorCode !== 0);
  if (total < request.minBytes && !failed && request.maxWaitMs > 0) await waitForData(ctx, slots, request.maxWaitMs, isolation);

  let budget = request.maxBytes > 0 ? request.maxBytes : Number.POSITIVE_INFINITY;
  let first = true;
  const byTopic = new Map<string, FetchPartitionResponse[]>();
  for (const slot of slots) {
    const batches = slot.result?.batches ?? null;
    let records: Uint8Array | null = batches ?? new Uint8Array(0);
    if (batches && batches.byteLength > 0) {
      if (!first && batches.byteLength > budget) records = new Uint8Array(0);
      else budget -= batches.byteLength;
      first = false;
    }
    const list = byTopic.get(slot.topic) ?? [];
    list.push(partitionResponse(slot, slot.errorCode === 0 ? records : null, isolation));
    byTopic.set(slot.topic, list);
  }
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}
