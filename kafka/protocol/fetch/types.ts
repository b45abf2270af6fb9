/** Fetch (key 1): read record batches. Older versions decode with the defaults noted. */

export interface FetchPartition {
  partition: number;
  /** v9+; -1 before. */
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** v5+ (followers only); -1 before. */
  logStartOffset: number;
  partitionMaxBytes: number;
  /** v12+: epoch of the last batch the follower fetched; absent before. */
  lastFetchedEpoch?: number;
}

export interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  topic: string;
  partitions: number[];
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  /** 0 read uncommitted, 1 read committed. */
  isolationLevel: number;
  /** v7+; 0 before. */
  sessionId: number;
  /** v7+; -1 before. */
  sessionEpoch: number;
  topics: FetchTopic[];
  /** v7+; [] before. */
  forgottenTopics: ForgottenTopic[];
  /** v11+; "" before. */
  rackId: string;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  /** v5+ */
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
  /** v11+ */
  preferredReadReplica: number;
  /** Whole stored batches, written as they are (large ones without a copy). */
  records: Uint8Array | null;
}

export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionResponse[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  /** v7+ (top-level error, e.g. for fetch sessions) */
  errorCode: number;
  /** v7+ */
  sessionId: number;
  topics: FetchTopicResponse[];
}
