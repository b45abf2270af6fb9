/**
 * The durable side of the request-producer registry (broker/request-producers.ts): the internal
 * compacted topic `__request_producers` (one partition, `flush=always`, so every write is
 * fsynced before it is acknowledged), written through the broker's own idempotent producer and
 * read back whole on first use after a start, as `__consumer_offsets` is for committed offsets.
 *
 * Disk format: one record per change, CBOR key and value; compaction keeps the latest per key.
 * - key `[producerId]` → `{ epoch, owner }`: the producer and its current epoch (written when it
 *   is registered or its epoch bumped).
 * - key `[producerId, topic]` → a {@link StoredSession}: the producer's last request to the
 *   topic — number, body checksum, each record's partition, its batches with their Kafka base
 *   sequences, every partition's next sequence, and, once complete, each batch's base offset.
 *   No record payloads: a retry carries the same body (checked by checksum), and the batches are
 *   laid out again from it with the stored partitions and sequences.
 * - a null value (tombstone) forgets a key: a producer dropped by the `requestProducersMax`
 *   bound, or a session of an epoch that was bumped.
 *
 * Crash order (see RequestProducers): request N's session record (no offsets) is durable before
 * any of its batches is sent, and rewritten with the offsets once every batch is acknowledged,
 * before the client is answered. After a crash in between, the retry re-sends exactly the
 * stored batches: partitions holding one answer with its original offsets (Kafka duplicate
 * detection by producer id, epoch and sequence), the others append it.
 */
import { decode, encode } from "cbor-x";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import type { PartitionEpochState } from "../actors/partition-protocol.ts";
import type { Producer } from "./producer.ts";
import type { BrokerApi } from "./types.ts";

/** The internal topic's name. */
export const REQUEST_PRODUCERS_TOPIC = "__request_producers";

/** Segments of the internal topic stay small so compaction (closed segments only) keeps it short. */
const SEGMENT_BYTES = 8 * 1024 * 1024;

/** How the internal topic is created (one partition: the registry has one owner, its leader in a cluster). */
export const requestProducersTopicOptions = { partitions: 1, internal: true, config: { "cleanup.policy": "compact", "segment.bytes": SEGMENT_BYTES } };

/** A producer's durable record. */
export interface StoredProducer {
  epoch: number;
  owner: string | null;
}

/** The durable form of a producer's last request to one topic. */
export interface StoredSession {
  /** The producer epoch the request was sent with (older epochs' sessions are ignored). */
  epoch: number;
  sequence: number;
  fingerprint: number;
  /** Each record's partition, in request order, as unsigned 8, 16 or 32-bit integers. */
  partitions: Uint8Array | Uint16Array | Int32Array;
  /** Per batch: partition, from, to, firstSequence (flat). */
  batches: number[];
  /** Per partition the session touched: partition, next sequence (flat). */
  next: number[];
  /** Per batch its base offset once the request is complete; null while it is not. */
  baseOffsets: number[] | null;
}

/** What the log holds after loading: the latest value of every live key. */
export interface StoredRequestProducers {
  producers: Map<number, StoredProducer>;
  /** By producer id, then topic. */
  sessions: Map<number, Map<string, StoredSession>>;
}

/** One change to write. */
export type RequestProducerChange =
  | { producerId: number; producer: StoredProducer | null }
  | { producerId: number; topic: string; session: StoredSession | null };

/** Where the registry keeps its state (an interface so the registry works without one in tests). */
export interface RequestProducerStore {
  /** Reads every live entry; called once before the registry serves. */
  load(): Promise<StoredRequestProducers>;
  /** Writes changes in order; resolves once they are durable. */
  write(changes: RequestProducerChange[]): Promise<void>;
}

/** The broker the log lives in; `epochState` (a replica's log end) where it has one. */
export type LogBroker = BrokerApi & { epochState?(topic: string, partition: number): Promise<PartitionEpochState> };

/** The registry's state in the compacted `__request_producers` topic. */
export class RequestProducerLog implements RequestProducerStore {
  #broker: LogBroker;
  #producer: Producer;
  #loadWaitMs: number;

  /**
   * @param broker creates the topic when missing and reads it back
   * @param producer an idempotent producer that writes the changes
   * @param loadWaitMs longest wait for the high watermark to reach the log end when loading
   */
  constructor(broker: LogBroker, producer: Producer, loadWaitMs = 30_000) {
    this.#broker = broker;
    this.#producer = producer;
    this.#loadWaitMs = loadWaitMs;
  }

  async load(): Promise<StoredRequestProducers> {
    try {
      await this.#broker.createTopic(REQUEST_PRODUCERS_TOPIC, requestProducersTopicOptions);
    } catch (error) {
      if (!isRivuletError(error, "topic_exists")) throw error;
    }
    const producers = new Map<number, StoredProducer>();
    const sessions = new Map<number, Map<string, StoredSession>>();
    let offset = await this.#broker.listOffset(REQUEST_PRODUCERS_TOPIC, 0, "earliest");
    // Read up to the log's end, not only its high watermark: a new leader's high watermark can
    // trail its log for a moment after an election while the log already holds every
    // acknowledged write (Kafka's coordinators load up to the log end for the same reason).
    // Reads past the high watermark wait for it to advance, up to `loadWaitMs`.
    const logEnd = this.#broker.epochState ? (await this.#broker.epochState(REQUEST_PRODUCERS_TOPIC, 0)).logEndOffset : 0;
    const end = Math.max(logEnd, await this.#broker.listOffset(REQUEST_PRODUCERS_TOPIC, 0, "latest"));
    const deadline = Date.now() + this.#loadWaitMs;
    while (offset < end) {
      const result = await this.#broker.fetch(REQUEST_PRODUCERS_TOPIC, 0, { offset, maxRecords: 10_000, waitMs: Math.max(0, Math.min(500, deadline - Date.now())) });
      for (const record of result.records) {
        if (!record.key) continue;
        const key = decode(record.key) as [number] | [number, string];
        const value = record.value ? decode(record.value) : null;
        const [producerId, topic] = key;
        if (topic === undefined) {
          if (value) producers.set(producerId, value as StoredProducer);
          else {
            producers.delete(producerId);
            sessions.delete(producerId);
          }
          continue;
        }
        let topics = sessions.get(producerId);
        if (value) {
          if (!topics) sessions.set(producerId, (topics = new Map()));
          topics.set(topic, value as StoredSession);
        } else topics?.delete(topic);
      }
      if (result.nextOffset <= offset) {
        if (result.highWatermark >= end) break;
        if (Date.now() >= deadline) {
          throw new RivuletError("partition_unavailable", `${REQUEST_PRODUCERS_TOPIC}/0's high watermark ${result.highWatermark} did not reach its log end ${end} within ${this.#loadWaitMs} ms: retry`, { topic: REQUEST_PRODUCERS_TOPIC, partition: 0 });
        }
        continue;
      }
      offset = result.nextOffset;
    }
    return { producers, sessions };
  }

  async write(changes: RequestProducerChange[]): Promise<void> {
    await this.#producer.sendBatch(REQUEST_PRODUCERS_TOPIC, changes.map((change) => {
      if ("topic" in change) return { partition: 0, key: encode([change.producerId, change.topic]), value: change.session && encode(change.session) };
      return { partition: 0, key: encode([change.producerId]), value: change.producer && encode(change.producer) };
    }));
  }
}

/** Each record's partition in the narrowest unsigned array that holds them. */
export function packPartitions(partitions: Int32Array): Uint8Array | Uint16Array | Int32Array {
  let max = 0;
  for (const p of partitions) if (p > max) max = p;
  if (max < 0x100) return Uint8Array.from(partitions);
  if (max < 0x10000) return Uint16Array.from(partitions);
  return partitions;
}
