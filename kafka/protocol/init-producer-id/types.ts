/** InitProducerId (key 22): an id and epoch for an idempotent (or transactional) producer. */

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+: the producer's current id to re-initialise, -1 (the default) for a new one. */
  producerId?: number;
  /** v3+: its current epoch, -1 for a new one. */
  producerEpoch?: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}
