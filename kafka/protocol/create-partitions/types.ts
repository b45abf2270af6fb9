/** CreatePartitions (key 37): grow a topic to a new partition count. */

export interface CreatePartitionsTopic {
  name: string;
  /** The new total number of partitions. */
  count: number;
  /** Broker ids per new partition, or null to let the broker place them. */
  assignments: number[][] | null;
}

export interface CreatePartitionsRequest {
  topics: CreatePartitionsTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreatePartitionsResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreatePartitionsResponse {
  throttleTimeMs: number;
  results: CreatePartitionsResult[];
}
