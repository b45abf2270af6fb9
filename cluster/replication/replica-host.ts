/**
 * What replication drives on the local broker: `BrokerCore`'s replication internals (see
 * broker/broker.ts, "Replication internals"), named here so the replica manager states exactly
 * what it uses.
 */
import type { AppendBatchResult, EpochEndOffset, IsrChange, LeaderReplication, PartitionEpochState, ReplicaStatus } from "../../actors/partition-protocol.ts";
import type { TopicConfig } from "../../core/topic-config.ts";
import type { TopicDescription } from "../../broker/types.ts";

export interface ReplicaHost {
  becomeLeader(topic: string, partition: number, leaderEpoch: number, replication?: LeaderReplication): Promise<PartitionEpochState>;
  becomeFollower(topic: string, partition: number, leaderEpoch: number): Promise<PartitionEpochState>;
  stopReplication(topic: string, partition: number): Promise<null>;
  endOffsetForEpoch(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch?: number): Promise<EpochEndOffset>;
  truncateTo(topic: string, partition: number, offset: number): Promise<PartitionEpochState>;
  truncateFullyAndStartAt(topic: string, partition: number, offset: number): Promise<PartitionEpochState>;
  appendAsFollower(topic: string, partition: number, batches: Uint8Array, highWatermark?: number, leaderEpoch?: number): Promise<AppendBatchResult>;
  followerHighWatermark(topic: string, partition: number, highWatermark: number): Promise<PartitionEpochState>;
  epochState(topic: string, partition: number): Promise<PartitionEpochState>;
  isrWatch(topic: string, partition: number, waitMs: number): Promise<IsrChange | null>;
  isrSettled(topic: string, partition: number, leaderEpoch: number, isr: number[] | null): Promise<null>;
  replicaState(topic: string, partition: number): Promise<ReplicaStatus>;
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  createTopic(name: string, options?: { partitions?: number; config?: Record<string, unknown> }): Promise<TopicDescription>;
  createPartitions(name: string, count: number): Promise<TopicDescription>;
  deleteTopic(name: string, options?: { internal?: boolean }): Promise<void>;
}
