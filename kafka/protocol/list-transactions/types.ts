/** ListTransactions (key 66, KIP-664): the transactional ids a broker coordinates, for admin tools. */

export interface ListTransactionsRequest {
  /** Kafka state names to keep (empty: all). */
  stateFilters: string[];
  /** Producer ids to keep (empty: all). */
  producerIdFilters: number[];
}

export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** State filters that name no state. */
  unknownStateFilters: string[];
  transactionStates: Array<{ transactionalId: string; producerId: number; transactionState: string }>;
}
