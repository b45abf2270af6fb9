/** AddPartitionsToTxn (key 24): partitions join a producer's transaction before its first batch to them. */

export interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: Array<{ name: string; partitions: number[] }>;
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** One error per partition asked for. */
  results: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}
