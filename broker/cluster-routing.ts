/**
 * What a broker that is one of a cluster's needs from the cluster for the work it does on a
 * client's behalf beyond its own partitions. Set once it joined (cluster/node/clustered-broker.ts);
 * a broker alone has none and behaves as before.
 *
 * - Producer ids come from the cluster's allocator, so one id never names two producers on two
 *   brokers (each broker's own allocator counts from 0).
 * - Idempotent HTTP produce: the registry of request producers lives on one broker, the leader
 *   of `__request_producers` partition 0, and its batches for partitions other brokers lead are
 *   written there (`appendElsewhere`), with their producer id, epoch and sequence, so the
 *   leaders' duplicate detection answers a retry with its first offsets.
 */
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import type { RecordBlock } from "../record/record-block.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import type { AppendBatchResult, ProducerRequest } from "./types.ts";

/** The cluster as a broker's own produce paths see it. */
export interface ClusterRouting {
  /** A producer id no broker of the cluster handed out before. */
  allocateProducerId(): Promise<number>;
  /** Partition count and config of a topic from the cluster's metadata (`unknown_topic` when it has none). */
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  /**
   * Writes the batch at the partition's leader when another broker leads it, as `request`'s
   * client; null when this broker leads it or no leader is known (the local write then answers).
   *
   * @throws {RivuletError} what the leader answers; `not_leader` / `broker_unavailable`-like
   *   retriable codes while leadership moves
   */
  appendElsewhere(topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions, request?: ProducerRequest): Promise<AppendBatchResult> | null;
  /** Changes whenever this broker became the request-producer registry's owner anew (see RequestProducerHost). */
  registryGeneration(): number;
}
