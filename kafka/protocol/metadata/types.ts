/** Metadata (key 3): brokers, controller and topic-partition leadership. */

export interface MetadataRequest {
  /** null = every topic (v0 sends an empty array for that). */
  topics: string[] | null;
  /** v4+; earlier versions always allow it (true). */
  allowAutoTopicCreation: boolean;
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
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  /** v1+ */
  isInternal: boolean;
  partitions: MetadataPartition[];
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
}
