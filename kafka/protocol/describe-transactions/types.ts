/** DescribeTransactions (key 65, KIP-664): the coordinator's state of transactional ids, for admin tools. */

export interface DescribeTransactionsRequest {
  transactionalIds: string[];
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  /** Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort. */
  transactionState: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is open. */
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: Array<{ topic: string; partitions: number[] }>;
}

export interface DescribeTransactionsResponse {
  throttleTimeMs: number;
  transactionStates: DescribedTransaction[];
}
