/** AddPartitionsToTxn (key 24): partitions join a producer's transaction before its first batch to them. */

/** One transaction of a v4+ request (the broker-to-broker form, KIP-890). */
export interface AddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** True: only check that the partitions are in the producer's ongoing transaction (a partition leader asks). */
  verifyOnly: boolean;
  topics: Array<{ name: string; partitions: number[] }>;
}

export interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: Array<{ name: string; partitions: number[] }>;
  /** v4+: the request's transactions (the fields above are the first one's). */
  transactions?: AddPartitionsToTxnTransaction[];
}

/** One topic's answers. */
export type AddPartitionsToTxnTopicResult = { name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> };

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** One error per partition asked for. */
  results: AddPartitionsToTxnTopicResult[];
  /** v4+: the request-level error (CLUSTER_AUTHORIZATION_FAILED for a broker request from a client). */
  errorCode?: number;
  /** v4+: the answers per transaction (`results` is then unused). */
  resultsByTransaction?: Array<{ transactionalId: string; topics: AddPartitionsToTxnTopicResult[] }>;
}
