/**
 * The records and the broker facade that every front end (HTTP, Kafka listener, CLI,
 * programmatic API) speaks to. Front ends parse and validate, then call a {@link BrokerApi};
 * they never touch files or workers.
 */
import type { TopicConfig } from "../core/topic-config.ts";

/** A header value on a stored record; names are UTF-8 strings and may repeat. */
export type RecordHeader = [name: string, value: Uint8Array | null];

/** What a producer sends. Strings are stored as UTF-8; Uint8Arrays as they are. */
export interface ProducerRecord {
  key?: Uint8Array | string | null;
  value: Uint8Array | string | null;
  /** Either an object (one value per name) or pairs (names may repeat). */
  headers?: Record<string, Uint8Array | string> | Array<[string, Uint8Array | string | null]>;
  /** Explicit partition; wins over the partitioner. */
  partition?: number;
  /** CreateTime in ms; defaults to the broker clock. */
  timestamp?: number;
}

/** A record as read back. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

/** Where an acknowledged record landed. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

/** Health of one partition. */
export type PartitionStatus = "online" | "restarting" | "offline";

/** One partition in {@link TopicDescription}. */
export interface PartitionDescription {
  partition: number;
  /** Log start offset: the earliest readable offset. */
  startOffset: number;
  /** Log end offset: the next offset to be written (= high watermark once acknowledged). */
  endOffset: number;
  /** The worker thread hosting the partition actor. */
  worker: number;
  status: PartitionStatus;
  /** Bytes on disk. */
  sizeBytes: number;
}

/** A topic, as described. */
export interface TopicDescription {
  name: string;
  partitions: PartitionDescription[];
  config: TopicConfig;
}

/** Options for {@link BrokerApi.fetch}. */
export interface FetchOptions {
  /** First offset wanted. */
  offset: number;
  /** Most records returned. */
  maxRecords?: number;
  /** Most bytes of stored batches read. */
  maxBytes?: number;
  /** Wait up to this long for records at `offset` when none are there yet. */
  waitMs?: number;
  /** Gives up the wait early. */
  signal?: AbortSignal;
}

/** Result of a fetch: records from `offset`, stopping at the high watermark. */
export interface FetchResult {
  records: ConsumedRecord[];
  /** Offset to fetch next. */
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** Result of a raw fetch: whole stored RecordBatch v2 bytes, as the Kafka listener hands them out. */
export interface FetchBatchesResult {
  /** Zero or more whole batches; the first holds `offset` (it may start before it). */
  batches: Uint8Array;
  highWatermark: number;
  logStartOffset: number;
}

/** Result of appending one raw RecordBatch. */
export interface AppendBatchResult {
  baseOffset: number;
  lastOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

/** Which offset {@link BrokerApi.listOffset} finds. */
export type OffsetSpec = "earliest" | "latest" | { timestamp: number };

/** Options for creating a topic. */
export interface CreateTopicOptions {
  partitions?: number;
  config?: Record<string, unknown>;
}
