/**
 * How a programmatic transactional producer (transactional-producer.ts) reaches the parts of a
 * transaction, as a Kafka client does: the transactional id's coordinator (InitProducerId,
 * AddPartitionsToTxn, AddOffsetsToTxn, EndTxn), the group's coordinator (TxnOffsetCommit) and
 * each partition's leader (transactional batches). A broker alone answers all of them itself
 * ({@link localTransactionClient}); a clustered broker's floor (cluster/node/clustered-broker.ts)
 * sends each to the broker that holds the part, so the producer works from any broker.
 *
 * Requests answered with a retriable error (`not_coordinator` while a coordinator moves or loads,
 * `not_leader` while a partition's leadership moves, `concurrent_transactions` while the
 * previous transaction's markers are written, a lost connection) are tried again with
 * {@link withTransactionRetries}: each try looks the holder up afresh.
 */
import { isRivuletError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import type { AppendBatchResult } from "../broker/types.ts";
import type { TransactionCoordinatorApi } from "./transaction-coordinator.ts";

/** The coordinator requests a producer makes, wherever the coordinator is. */
export type TransactionRequests = Pick<TransactionCoordinatorApi, "initProducerId" | "addPartitions" | "addOffsets" | "txnOffsetCommit" | "endTxn">;

/** What a transactional producer sends, and to whom: see the module doc. */
export interface TransactionClient extends TransactionRequests {
  /** Partition count and config of `topic` (`unknown_topic` when it does not exist). */
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  /**
   * Appends one transactional batch of `transactionalId`'s producer at the partition's leader
   * (acks=all). A leader on another broker checks it with the id's coordinator first (KIP-890).
   */
  appendBatch(topic: string, partition: number, batch: Uint8Array, transactionalId: string): Promise<AppendBatchResult>;
}

/** The broker alone: its own coordinators and partitions. */
export function localTransactionClient(
  broker: { topicConfig(topic: string): { partitions: number; config: TopicConfig }; appendBatch(topic: string, partition: number, batch: Uint8Array): Promise<AppendBatchResult> },
  coordinator: TransactionRequests,
): TransactionClient {
  return {
    topicConfig: (topic) => broker.topicConfig(topic),
    appendBatch: (topic, partition, batch) => broker.appendBatch(topic, partition, batch),
    initProducerId: (options) => coordinator.initProducerId(options),
    addPartitions: (request, partitions) => coordinator.addPartitions(request, partitions),
    addOffsets: (request, groupId) => coordinator.addOffsets(request, groupId),
    txnOffsetCommit: (request, groupId, offsets, member) => coordinator.txnOffsetCommit(request, groupId, offsets, member),
    endTxn: (request, commit) => coordinator.endTxn(request, commit),
  };
}

/**
 * Runs `call` until it succeeds or fails for good: a retriable {@link RivuletError} is tried
 * again after a pause of `transactionRequestBackoffMs`, doubled per try up to
 * `transactionRequestBackoffMaxMs`, at most `transactionRequestAttemptsMax` tries and not past
 * `deliveryTimeoutMs` from the first; then the last error is thrown. Every request of a
 * producer may be repeated: the coordinator answers a repeated AddPartitionsToTxn, TxnOffsetCommit
 * or EndTxn as the first, a partition drops a repeated batch (its sequence numbers), and a
 * repeated InitProducerId only bumps the epoch once more.
 */
export async function withTransactionRetries<T>(env: { limits: Limits; clock: Clock }, call: () => Promise<T>): Promise<T> {
  const { limits, clock } = env;
  const deadline = clock.now() + limits.deliveryTimeoutMs;
  let backoff = limits.transactionRequestBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRivuletError(error) || !error.retriable || attempt >= limits.transactionRequestAttemptsMax) throw error;
      const wait = Math.min(backoff, Math.max(0, deadline - clock.now()));
      if (wait <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      backoff = Math.min(backoff * 2, limits.transactionRequestBackoffMaxMs);
    }
  }
}
