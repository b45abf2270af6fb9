/** CreateTopics (key 19). */

export interface CreatableTopic {
  name: string;
  /** -1 = broker default. */
  numPartitions: number;
  /** -1 = broker default; any value is accepted on a single node. */
  replicationFactor: number;
  assignments: Array<{ partitionIndex: number; brokerIds: number[] }>;
  configs: Array<{ name: string; value: string | null }>;
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  /** v1+; false before. */
  validateOnly: boolean;
}

export interface CreateTopicsResponse {
  /** v2+ */
  throttleTimeMs: number;
  /** errorMessage is v1+. */
  topics: Array<{ name: string; errorCode: number; errorMessage: string | null }>;
}
