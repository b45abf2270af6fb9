/** Metadata (key 3): brokers, controller and topic-partition leadership. */

export interface MetadataRequest {
  /** null = every topic (v0 sends an empty array for that). */
  topics: string[] | null;
  /** v4+; earlier versions always allow it (true). */
  allowAutoTopicCreation: boolean;
  /** v8+; false before. */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+; false before. */
  includeTopicAuthorizedOperations?: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+ */
  rack: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+ */
  offlineReplicas: number[];
  /** v7+; -1 (unknown) when absent. */
  leaderEpoch?: number;
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  /** v1+ */
  isInternal: boolean;
  partitions: MetadataPartition[];
  /** v8+: bit field of the ACL operations the caller may do; absent = not asked (INT32_MIN). */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponse {
  /** v3+ */
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  /** v2+ */
  clusterId: string | null;
  /** v1+ */
  controllerId: number;
  topics: MetadataTopic[];
  /** v8+; absent = not asked (INT32_MIN). */
  clusterAuthorizedOperations?: number;
}
