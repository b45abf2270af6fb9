/**
 * The records and the broker facade that every front end (HTTP, Kafka listener, CLI,
 * programmatic API) speaks to. Front ends parse and validate, then call a {@link BrokerApi};
 * they never touch files or workers.
 */
import type { TopicConfig } from "../core/topic-config.ts";
import type { RecordHeader } from "../record/record-header.ts";
import type { Acks, AppendBatchResult, FetchBatchesResult, Isolation, OffsetSpec } from "../actors/partition-protocol.ts";
import type { PartitionStatus } from "../actors/supervisor-protocol.ts";
import type { GroupCoordinatorApi } from "./group-api.ts";

export type { Acks, AppendBatchResult, FetchBatchesResult, Isolation, OffsetSpec, PartitionStatus, RecordHeader };

/** A commit or abort marker for one partition of a transaction (see {@link BrokerApi.writeTxnMarkers}). */
export interface TxnMarker {
  topic: string;
  partition: number;
  producerId: number;
  producerEpoch: number;
  /** The epoch of the transaction coordinator writing it (stored in the marker). */
  coordinatorEpoch: number;
  /** True for a commit marker, false for an abort marker. */
  commit: boolean;
}

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

/** Options of one produce call. */
export interface ProduceOptions {
  /** Limits stricter than the broker's for this call (a front end's own), each applied with the broker's. */
  limits?: ProduceLimits;
  /**
   * Makes the call one numbered request of an idempotent request producer (HTTP produce's
   * Producer-Id/Epoch/Seq; see broker/request-producers.ts): a retry writes nothing twice and
   * is answered with the first try's offsets.
   */
  request?: ProducerRequest;
}

/** One numbered request of a producer registered by {@link BrokerApi.initProducer}. */
export interface ProducerRequest {
  producerId: number;
  producerEpoch: number;
  /** The request's number for this producer on this topic, from 0. */
  sequence: number;
  /** The principal sending it (null without auth): a producer serves only its owner. */
  owner?: string | null;
  /** A checksum of the request body: a retry must carry the same one. */
  fingerprint?: number;
  /**
   * The client's `Authorization` header (HTTP door, in a cluster): a batch this broker writes at
   * another partition leader on the client's behalf is authorized there as the client's. Never
   * stored or logged.
   */
  authorization?: string | null;
}

/** The per-record limits a produce call is checked against. */
export interface ProduceLimits {
  /** Bytes of one record (also bounded by the topic's `message.max.bytes`). */
  messageMaxBytes?: number;
  /** Headers on one record. */
  recordHeadersMax?: number;
  /** UTF-8 bytes of one header name. */
  headerNameBytesMax?: number;
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
  /**
   * In a cluster: the leader's broker id (-1: none), the replicas (preferred leader first), the
   * in-sync replicas and the leader epoch, as the controller set them. Absent on a broker
   * running alone.
   */
  leader?: number;
  replicas?: number[];
  isr?: number[];
  leaderEpoch?: number;
  /**
   * In a cluster, while the partition moves (`PUT …/replicas`, drain, rebalance): the brokers
   * joining (catching up) and leaving; `replicas` then holds both. Absent when it is not moving.
   */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

/** A topic, as described. */
export interface TopicDescription {
  name: string;
  partitions: PartitionDescription[];
  config: TopicConfig;
}

/** Options for {@link BrokerApi.fetch}. */
export interface FetchOptions {
  /**
   * First offset wanted, or `earliest` (the log start) / `latest` (the high watermark), which
   * the partition resolves in the same round trip.
   */
  offset: number | "earliest" | "latest";
  /** Most records returned. */
  maxRecords?: number;
  /** Most bytes of stored batches read. */
  maxBytes?: number;
  /** Wait up to this long for records at `offset` when none are there yet. */
  waitMs?: number;
  /** Gives up the wait early. */
  signal?: AbortSignal;
  /**
   * `read_uncommitted` (default, as in Kafka): every record up to the high watermark.
   * `read_committed`: stop at the last stable offset; decoded reads ({@link BrokerApi.fetch})
   * also leave out the records of aborted transactions. Control records never appear as records.
   */
  isolation?: Isolation;
  /**
   * A follower's fetch (Kafka's replica_id ≥ 0, the follower's broker id): it reads up to the
   * leader's log end, and its offset tells the leader what the follower holds. Default -1: a consumer.
   */
  replicaId?: number;
  /** The leader epoch the caller believes current (Kafka's current_leader_epoch; -1 = not given). */
  currentLeaderEpoch?: number;
}

/** Result of a fetch: records from `offset`, stopping at the high watermark. */
export interface FetchResult {
  records: ConsumedRecord[];
  /** Offset to fetch next. */
  nextOffset: number;
  highWatermark: number;
  /** The partition's last stable offset: below it every transaction is decided. */
  lastStableOffset: number;
  logStartOffset: number;
}

/** Options for creating a topic. */
export interface CreateTopicOptions {
  partitions?: number;
  config?: Record<string, unknown>;
  /** Allows a reserved `__` name, for Rivulet's own topics (offsets, Durable Streams). */
  internal?: boolean;
  /**
   * Copies of each partition in a cluster (default min(3, live brokers)); a broker running
   * alone holds one copy and ignores it.
   */
  replicationFactor?: number;
}

/** Records and bytes produced and fetched through one topic, by every front end. */
export interface TopicCounters {
  producedRecords: number;
  producedBytes: number;
  fetchedRecords: number;
  fetchedBytes: number;
}

/** One partition worker thread, for metrics. */
export interface WorkerStatus {
  worker: number;
  /** Restarts since the broker opened. */
  restarts: number;
  status: string;
}

/** Health of the broker as `/health` reports it. */
export interface BrokerHealth {
  status: "ok" | "degraded";
  offlinePartitions: Array<{ topic: string; partition: number }>;
  restartingPartitions: Array<{ topic: string; partition: number }>;
}

/**
 * The broker facade used by every front end. Implemented by `BrokerCore` (broker/broker.ts), which `Broker` (groups/broker.ts) extends.
 * All methods throw {@link RivuletError}s for expected failures.
 */
export interface BrokerApi {
  createTopic(name: string, options?: CreateTopicOptions): Promise<TopicDescription>;
  /** Deletes a topic and its data; internal (`__`) topics only with `internal: true`. */
  deleteTopic(name: string, options?: { internal?: boolean }): Promise<void>;
  /** Grows a topic to `count` partitions (never shrinks); throws `unknown_topic` or `invalid_request`. */
  createPartitions(name: string, count: number): Promise<TopicDescription>;
  /** User topics (internal `__` topics are left out unless `internal` is set). */
  listTopics(options?: { internal?: boolean }): Promise<string[]>;
  describeTopic(name: string): Promise<TopicDescription>;
  /**
   * Appends records, choosing partitions with Kafka's default partitioner (murmur2 of the key;
   * explicit partition wins). Resolves once every record is acknowledged; the metadata array is
   * in the order of `records`. Every record is validated once, before any is queued; an error
   * names the bad record (`records[i]`, details `index`).
   */
  produce(topic: string, records: ProducerRecord[], options?: ProduceOptions): Promise<RecordMetadata[]>;
  /**
   * Registers an idempotent request producer: a fresh producer id (from the allocator Kafka's
   * InitProducerId uses) at epoch 0, or, given an id this broker registered for the same owner,
   * that id at the next epoch, fencing the old one.
   */
  initProducer(options?: { owner?: string | null; producerId?: number }): Promise<{ producerId: number; producerEpoch: number }>;
  /** Appends one or more raw RecordBatch v2 (as a Kafka producer sent them) to a partition. */
  appendBatch(topic: string, partition: number, batches: Uint8Array, options?: { acks?: Acks }): Promise<AppendBatchResult>;
  /**
   * Appends a commit or abort control batch for `producerId` to each partition and ends its
   * open transaction there. Idempotent: a marker for a producer with no open transaction on a
   * partition is still written (Kafka writes it) but changes nothing else. Rejects an epoch
   * below the producer's current one with `invalid_producer_epoch`. Resolves once every marker
   * is durable (flushed as the topic's flush policy says; replicated on a replicated leader).
   * Partitions are written in parallel; the first failure rejects (the other markers may have
   * been written: retrying is safe).
   */
  writeTxnMarkers(markers: TxnMarker[]): Promise<void>;
  /**
   * Reads records from `offset`, never past the high watermark (read_committed: the last stable
   * offset, without aborted transactions' records); never a control record; may wait `waitMs` for data.
   */
  fetch(topic: string, partition: number, options: FetchOptions): Promise<FetchResult>;
  /** Reads whole stored batches from `offset` (Kafka Fetch). */
  fetchBatches(topic: string, partition: number, options: FetchOptions): Promise<FetchBatchesResult>;
  /** Earliest, latest (read_committed: the last stable offset) or by timestamp. */
  listOffset(topic: string, partition: number, spec: OffsetSpec, options?: { isolation?: Isolation }): Promise<number>;
  /** The consumer-group coordinator. */
  readonly groups: GroupCoordinatorApi;
  /** Partition count and config of a topic, without asking its workers; throws `unknown_topic`. */
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  /**
   * A clustered broker's read-through for a topic its metadata copy may not show yet (created
   * through another broker a moment ago): resolves once `topicConfig` knows the topic if the
   * cluster has it. Absent on a lone broker, whose `topicConfig` is always current.
   */
  awaitTopic?(topic: string): Promise<void>;
  /** Worker threads with their restart counts. */
  workers(): WorkerStatus[];
  /** Produce and fetch counters per topic. */
  readonly stats: { readonly topics: ReadonlyMap<string, TopicCounters> };
  health(): BrokerHealth;
  close(): Promise<void>;
}
