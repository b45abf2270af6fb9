/** ListOffsets (key 2): find an offset by timestamp (-1 = log end, -2 = log start). */

export interface ListOffsetsPartition {
  partitionIndex: number;
  /** -1 latest, -2 earliest, else the first offset with a timestamp >= this. */
  timestamp: number;
  /** v4+; -1 (no check) before. */
  currentLeaderEpoch?: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+; 0 (read uncommitted) before. */
  isolationLevel: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** The found record's timestamp, or -1. */
  timestamp: number;
  offset: number;
  /** v4+; -1 (unknown) when absent. */
  leaderEpoch?: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+ */
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}
