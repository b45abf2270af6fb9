/** TxnOffsetCommit (key 28): a group's offsets committed with a producer's transaction (to the group coordinator). */

export interface TxnOffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v2+; -1 before. */
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+ (KIP-447); -1 before. */
  generationId: number;
  /** v3+; "" before. */
  memberId: string;
  /** v3+; null before. */
  groupInstanceId: string | null;
  topics: Array<{ name: string; partitions: TxnOffsetCommitPartition[] }>;
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}
