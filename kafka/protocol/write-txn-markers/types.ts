/** WriteTxnMarkers (key 27): a transaction coordinator tells partition leaders to write commit or abort markers. */

/** One producer's transaction outcome, for some partitions. */
export interface WritableTxnMarker {
  producerId: number;
  producerEpoch: number;
  /** True for commit, false for abort. */
  committed: boolean;
  topics: Array<{ name: string; partitions: number[] }>;
  /** The coordinator's epoch (the leader epoch of its `__transaction_state` partition). */
  coordinatorEpoch: number;
}

export interface WriteTxnMarkersRequest {
  markers: WritableTxnMarker[];
}

export interface WriteTxnMarkersResponse {
  markers: Array<{
    producerId: number;
    topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
  }>;
}
