/** AddOffsetsToTxn (key 25): a consumer group's offsets join a producer's transaction (before TxnOffsetCommit). */

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}
