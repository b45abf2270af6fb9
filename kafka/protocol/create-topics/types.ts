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

/** One topic's outcome. */
export interface CreatedTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  /** v5+: the topic's partitions (-1 on error). */
  numPartitions?: number;
  /** v5+: its replication factor (-1 on error). */
  replicationFactor?: number;
  /** v5+: its configs (Rivulet answers [] unless it has them at hand). */
  configs?: Array<{ name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }>;
}

export interface CreateTopicsResponse {
  /** v2+ */
  throttleTimeMs: number;
  /** errorMessage is v1+; the rest v5+ (absent: -1, -1, []). */
  topics: CreatedTopicResult[];
}
