/** OffsetFetch (key 9): a group's committed offsets. */

export interface OffsetFetchTopic {
  name: string;
  partitionIndexes: number[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+) = every partition the group committed. */
  topics: OffsetFetchTopic[] | null;
}

export interface OffsetFetchPartitionResponse {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
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
}
