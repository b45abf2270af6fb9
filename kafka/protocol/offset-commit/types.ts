/** OffsetCommit (key 8): store a group's next offsets to read. */

export interface OffsetCommitPartition {
  partitionIndex: number;
  /** May be -1 or -2 (stored as given). */
  committedOffset: number;
  committedMetadata: string | null;
  /** v6+; -1 when absent. */
  committedLeaderEpoch?: number;
}

export interface OffsetCommitTopic {
  name: string;
  partitions: OffsetCommitPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 with an empty member id: a commit from outside any generation. */
  generationId: number;
  memberId: string;
  /** v2-4; -1 (broker default) from v5. */
  retentionTimeMs: number;
  /** v7+ (static membership); absent/null before. */
  groupInstanceId?: string | null;
  topics: OffsetCommitTopic[];
}

export interface OffsetCommitTopicResponse {
  name: string;
  partitions: Array<{ partitionIndex: number; errorCode: number }>;
}

export interface OffsetCommitResponse {
  /** v3+ */
  throttleTimeMs: number;
  topics: OffsetCommitTopicResponse[];
}
