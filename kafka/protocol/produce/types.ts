/** Produce (key 0): append record batches. */

export interface ProducePartitionData {
  index: number;
  /**
   * The RecordBatch(es) as sent: a subarray of the request frame (zero copy); the broker
   * validates and appends it as is. null only if a client sent a null record set.
   */
  records: Uint8Array | null;
}

export interface ProduceTopicData {
  name: string;
  partitions: ProducePartitionData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  /** 0 = no response at all, 1 = leader, -1 = all in-sync replicas. */
  acks: number;
  timeoutMs: number;
  topics: ProduceTopicData[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: number;
  /** v5+ */
  logStartOffset: number;
  /** v8+: which batches of the partition were refused, and why; [] when absent. */
  recordErrors?: Array<{ batchIndex: number; message: string | null }>;
  /** v8+; null when absent. */
  errorMessage?: string | null;
}

export interface ProduceTopicResponse {
  name: string;
  partitions: ProducePartitionResponse[];
}

export interface ProduceResponse {
  topics: ProduceTopicResponse[];
  /** Last in the response, unlike most APIs. */
  throttleTimeMs: number;
}
