/**
 * The shapes the client sends and gets back. The client keeps its own types (it imports
 * nothing of the server's), mirroring the HTTP API's JSON in camelCase.
 */

/** Header values: an object (one value per name) or pairs (names may repeat). */
export type RecordHeaders = Record<string, string> | Array<[string, string | null]>;

/** A record to produce. */
export interface ProduceRecord {
  /** A string (UTF-8), raw bytes, or null. Records with one key land on one partition. */
  key?: string | Uint8Array | null;
  /** Any JSON value (stored as its JSON text), or raw bytes. */
  value: unknown;
  headers?: RecordHeaders;
  /** An explicit partition; wins over the key. */
  partition?: number;
  /** CreateTime in ms; defaults to the server's clock. */
  timestamp?: number;
}

/** Where a produced record landed. */
export interface RecordPosition {
  partition: number;
  offset: number;
}

/** A record as read back. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** The key as text, or null (also null when it is not UTF-8: see {@link keyBytes}). */
  key: string | null;
  /** The value parsed as JSON, or null (also null when it is not JSON: see {@link valueBytes}). */
  value: unknown;
  /** The key's bytes, when they are not UTF-8 text. */
  keyBytes?: Uint8Array;
  /** The value's bytes, when they are not JSON. */
  valueBytes?: Uint8Array;
  headers: RecordHeaders;
}

/** An answer of fetch. */
export interface FetchResult {
  records: ConsumedRecord[];
  /** The offset to fetch next. */
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** One partition of a topic. */
export interface PartitionInfo {
  partition: number;
  startOffset: number;
  endOffset: number;
  worker: number;
  status: string;
  sizeBytes: number;
}

/** A topic as described. */
export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
  config: Record<string, unknown>;
}

/** A topic-partition. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A consumer group membership. */
export interface Membership {
  memberId: string;
  generation: number;
  assignments: TopicPartition[];
}

/** An offset to commit: the next offset to read. */
export interface OffsetCommit extends TopicPartition {
  offset: number;
}
