/** OffsetFetch (key 9): a group's committed offsets. */

export interface OffsetFetchTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+) = every partition the group committed. */
  topics: OffsetFetchTopic[] | null;
  /** v7+; false before. */
  requireStable?: boolean;
  /**
   * v8+: the groups asked for (each with its topics); `groupId`/`topics` then hold the first.
   * The listener answers each group with the one-group handler (`handlers/batched.ts`).
   */
  groups?: Array<{ groupId: string; topics: OffsetFetchTopic[] | null }>;
}

export interface OffsetFetchPartitionResponse {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
  /** v5+; -1 when absent. */
  committedLeaderEpoch?: number;
}

export interface OffsetFetchTopicResponse {
  name: string;
  partitions: OffsetFetchPartitionResponse[];
}

export interface OffsetFetchResponse {
  /** v3+ */
  throttleTimeMs: number;
  topics: OffsetFetchTopicResponse[];
  /** v2+ top-level error. */
  errorCode: number;
  /** v8+: one entry per group asked for (required for v8 responses). */
  groups?: Array<{ groupId: string; topics: OffsetFetchTopicResponse[]; errorCode: number }>;
}
