/**
 * What the transaction coordinator knows of one transactional id, and Kafka's state machine
 * over it (TransactionMetadata):
 *
 * ```
 * Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
 *   ▲                                   │ └──EndTxn(abort), timeout,──▶ PrepareAbort ──markers──▶ CompleteAbort
 *   └──────── InitProducerId ◀──────────┘      InitProducerId (fence)
 * ```
 *
 * Complete* and Empty accept InitProducerId (epoch bump) and AddPartitions (a new transaction).
 * Kafka's PrepareEpochFence is not a stored state here: fencing an Ongoing transaction bumps the
 * epoch and writes PrepareAbort with the new epoch in one record, so a crash leaves it aborting.
 */
import type { OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";

/** Kafka's transaction states (PrepareEpochFence folded into PrepareAbort, see above). */
export type TransactionState = "Empty" | "Ongoing" | "PrepareCommit" | "PrepareAbort" | "CompleteCommit" | "CompleteAbort";

/** An offset a TxnOffsetCommit staged: committed to its group with the transaction. */
export interface PendingOffset extends TopicPartition {
  groupId: string;
  offset: number;
  metadata: string | null;
}

/** One transactional id's state; persisted whole as one `__transaction_state` record per change. */
export interface TransactionMetadata {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** The producer's `transaction.timeout.ms`. */
  timeoutMs: number;
  state: TransactionState;
  /** Data partitions of the open (or completing) transaction. */
  partitions: TopicPartition[];
  /** Groups whose offsets the transaction commits (AddOffsetsToTxn). */
  groups: string[];
  /** Offsets staged by TxnOffsetCommit, latest per group/topic/partition. */
  offsets: PendingOffset[];
  /** When the transaction went Ongoing (ms, the coordinator's clock); -1 when none is open. The timeout counts from here, as Kafka's. */
  startedAt: number;
  /** Last change (ms). */
  updatedAt: number;
  /**
   * The epoch a timeout abort fenced (KIP-360), else -1: its producer may still abort (a no-op)
   * and re-initialize naming it, instead of being fenced for good.
   */
  lastProducerEpoch: number;
  /** The principal that owns the id (the first to initialize it under an auth file), or null. */
  owner: string | null;
}

/** Largest producer epoch (int16); a producer at it gets a new producer id on its next bump. */
export const PRODUCER_EPOCH_MAX = 0x7fff;

/** True for the states in which a transaction's outcome is decided and its markers are being written. */
export function isPreparing(state: TransactionState): state is "PrepareCommit" | "PrepareAbort" {
  return state === "PrepareCommit" || state === "PrepareAbort";
}

/** A copy safe to hand out and to mutate into the next state. */
export function copyMetadata(meta: TransactionMetadata): TransactionMetadata {
  return {
    ...meta,
    partitions: meta.partitions.map((p) => ({ ...p })),
    groups: [...meta.groups],
    offsets: meta.offsets.map((o) => ({ ...o })),
  };
}

/** True when `partitions` holds topic/partition. */
export function hasPartition(partitions: readonly TopicPartition[], topic: string, partition: number): boolean {
  return partitions.some((p) => p.topic === topic && p.partition === partition);
}

/** Stages a group's offsets in `meta` (TxnOffsetCommit): each replaces the one staged for its group/topic/partition. */
export function stageOffsets(meta: TransactionMetadata, groupId: string, offsets: readonly OffsetCommitEntry[]): void {
  for (const o of offsets) {
    const staged: PendingOffset = { groupId, topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? null };
    const at = meta.offsets.findIndex((x) => x.groupId === groupId && x.topic === o.topic && x.partition === o.partition);
    if (at >= 0) meta.offsets[at] = staged;
    else meta.offsets.push(staged);
  }
}
