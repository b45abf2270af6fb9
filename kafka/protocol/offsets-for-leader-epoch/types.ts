/**
 * OffsetForLeaderEpoch (key 23): where a leader epoch ends in a partition's log. A follower asks
 * its leader with its newest epoch and truncates to the answer (KIP-101, KIP-279); a consumer
 * asks to detect truncation of what it read (KIP-320).
 */

export interface OffsetForLeaderPartition {
  partition: number;
  /** v2+: the caller's view of the partition's current leader epoch; -1 = not given (no fencing). */
  currentLeaderEpoch: number;
  /** The epoch to find the end of. */
  leaderEpoch: number;
}

export interface OffsetForLeaderTopic {
  topic: string;
  partitions: OffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequest {
  /** v3+: the follower's broker id, -1 for a consumer; -2 (Kafka's default) before v3. */
  replicaId: number;
  topics: OffsetForLeaderTopic[];
}

export interface EpochEndOffsetResult {
  errorCode: number;
  partition: number;
  /** v1+: the largest epoch ≤ the one asked that the log knows, or -1. */
  leaderEpoch: number;
  /** Where that epoch ends (exclusive), or -1. */
  endOffset: number;
}

export interface OffsetForLeaderTopicResult {
  topic: string;
  partitions: EpochEndOffsetResult[];
}

export interface OffsetForLeaderEpochResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: OffsetForLeaderTopicResult[];
}
