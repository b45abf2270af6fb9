/**
 * The producer: `send` calls from many callers are batched per partition (one worker message
 * per batch), partitions are chosen by Kafka's default partitioner, and retriable errors are
 * retried until the delivery timeout. Idempotent by default: a retry never writes a record
 * twice.
 */
import { RivuletError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import { Partitioner } from "./partitioner.ts";
import type { RecordBlock } from "../record/record-block.ts";
import { BuilderPool } from "./builder-pool.ts";
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import { BlockArenas } from "./block-arenas.ts";
import { PartitionSender, type SendPart, type SenderContext } from "./partition-sender.ts";
import { keyBytes, recordError, recordTimestamp, writeRecord, type RecordLimits } from "./record-input.ts";
import type { AppendBatchResult, ProduceLimits, ProducerRecord, RecordMetadata } from "./types.ts";

/** What a producer needs from the broker. */
export interface ProducerHost {
  topicConfig(topic: string): { partitions: number; config: TopicConfig };
  /** Sends a block to the partition actor, which encodes it as one batch with `batch`'s producer fields. */
  appendRecords(topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions): Promise<AppendBatchResult>;
  allocateProducerId(): Promise<number>;
  readonly limits: Limits;
  readonly clock: Clock;
}

/** Producer options. */
export interface ProducerOptions {
  /** Number batches so retries are never written twice (default true). */
  idempotent?: boolean;
  /** Wait this long for more records before sending a batch (default 0: send at the end of the current tick). */
  lingerMs?: number;
  /** Most records in one batch (default 10,000; also bounded by the topic's message.max.bytes). */
  batchSize?: number;
  /** Give up retrying after this long (default limits.deliveryTimeoutMs). */
  deliveryTimeoutMs?: number;
}

/**
 * Sends records to topics.
 *
 * @example
 * ```ts
 * const producer = broker.producer({ idempotent: true });
 * const { partition, offset } = await producer.send("payments", { key: "alice", value: "paid 200 to bob" });
 * ```
 */
export class Producer {
  #host: ProducerHost;
  #options: Required<ProducerOptions>;
  #partitioner = new Partitioner();
  #senders = new Map<string, PartitionSender>();
  #scheduled = new Set<PartitionSender>();
  #flushScheduled = false;
  #identity: Promise<{ producerId: number; producerEpoch: number }> | null = null;
  #closed = false;
  /** Set by {@link close}: batches still failing retriably are failed instead of retried. */
  #closing = false;
  #arenas: BlockArenas;
  #builders: BuilderPool;

  constructor(host: ProducerHost, options: ProducerOptions = {}) {
    this.#host = host;
    this.#arenas = new BlockArenas(host.limits.producerArenaBytesMax);
    this.#builders = new BuilderPool(host.limits.producerBuilderBytesMax);
    this.#options = {
      idempotent: options.idempotent ?? true,
      lingerMs: options.lingerMs ?? 0,
      batchSize: options.batchSize ?? 10_000,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? host.limits.deliveryTimeoutMs,
    };
  }

  /**
   * Sends one record.
   *
   * @returns where it landed, once acknowledged
   * @throws {RivuletError} `unknown_topic`, `unknown_partition`, `record_too_large`, `invalid_record`, `timeout`, …
   */
  async send(topic: string, record: ProducerRecord): Promise<RecordMetadata> {
    const [metadata] = await this.sendBatch(topic, [record]);
    return metadata;
  }

  /**
   * Sends many records; all are validated (in one pass that also lays each record into its
   * partition's block) before any is queued. An error names the bad record: `records[i]`.
   *
   * @param limits stricter per-record limits for this call (a front end's own)
   * @returns metadata in the order of `records`
   */
  sendBatch(topic: string, records: ProducerRecord[], limits?: ProduceLimits): Promise<RecordMetadata[]> {
    if (this.#closed) return Promise.reject(new RivuletError("closed", "the producer is closed"));
    const offsets: number[] = new Array(records.length);
    const chosen: number[] = new Array(records.length);
    // By partition; `used` lists the partitions that got records, in first-use order.
    let parts: (SendPart | undefined)[];
    const used: number[] = [];
    let partitions: number;
    let maxBytes: number;
    try {
      const meta = this.#host.topicConfig(topic);
      partitions = meta.partitions;
      maxBytes = meta.config["message.max.bytes"];
      const now = this.#host.clock.now();
      const own = this.#host.limits;
      const recordLimits: RecordLimits = {
        recordHeadersMax: Math.min(own.recordHeadersMax, limits?.recordHeadersMax ?? Infinity),
        headerNameBytesMax: Math.min(own.headerNameBytesMax, limits?.headerNameBytesMax ?? Infinity),
      };
      const recordMaxBytes = Math.min(maxBytes, limits?.messageMaxBytes ?? Infinity);
      const keyRequired = meta.config["cleanup.policy"].includes("compact");
      const expected = Math.ceil(records.length / partitions) + 1;
      parts = new Array(partitions);
      let bytes = 0;
      for (let i = 0; i < records.length; i++) {
        const input = records[i];
        if (input === null || typeof input !== "object") throw recordError("invalid_record", i, "a record must be an object");
        const key = keyBytes(input.key, i);
        // Checked here too (the log checks again) so a call spanning partitions writes nothing.
        if (key === null && keyRequired) throw recordError("invalid_record", i, "a compacted topic refuses records without a key");
        const partition = this.#choosePartition(topic, input.partition, key, partitions, i);
        chosen[i] = partition;
        let part = parts[partition];
        if (part === undefined) {
          part = { builder: this.#builders.take(expected), count: 0, slots: [], offsets, done: 0, taken: 0, bytes: 0, resolve: noop, reject: noop };
          parts[partition] = part;
          used.push(partition);
        }
        const size = writeRecord(part.builder, input, key, recordTimestamp(input, now, i), i, recordLimits, recordMaxBytes);
        bytes += size;
        part.slots.push(i);
        part.bytes += size;
      }
      for (const partition of used) parts[partition]!.count = parts[partition]!.builder.count;
      let buffered = bytes;
      for (const sender of this.#senders.values()) buffered += sender.queuedBytes;
      if (buffered > this.#host.limits.producerBufferBytesMax) {
        throw new RivuletError("mailbox_full", `producer buffer would exceed ${this.#host.limits.producerBufferBytesMax} bytes`, { limit: "producerBufferBytesMax" });
      }
    } catch (error) {
      for (const partition of used) this.#builders.give(parts![partition]!.builder);
      return Promise.reject(error);
    }
    const batchBytesMax = Math.max(1024, maxBytes - 1024);
    const settled: Promise<void>[] = [];
    for (const partition of used) {
      const part = parts[partition]!;
      settled.push(
        new Promise<void>((resolve, reject) => {
          part.resolve = resolve;
          part.reject = reject;
        }),
      );
      const sender = this.#sender(topic, partition, batchBytesMax);
      sender.add(part);
      this.#scheduled.add(sender);
    }
    this.#partitioner.nextBatch(topic, partitions);
    this.#scheduleFlush();
    return Promise.all(settled).then(() => {
      const metadata: RecordMetadata[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) metadata[i] = { topic, partition: chosen[i], offset: offsets[i] };
      return metadata;
    });
  }

  /** Resolves once every record sent so far is acknowledged or failed. */
  async flush(): Promise<void> {
    this.#kickAll();
    await Promise.all([...this.#senders.values()].map((s) => s.drained()));
  }

  /**
   * Flushes, then refuses further sends. Batches already taken are delivered, but none is
   * retried any more: one whose partition refuses it retriably (in a cluster, `not_leader` after
   * this broker's leadership moved) fails with `closed` at once rather than holding the close
   * for the delivery timeout.
   */
  async close(): Promise<void> {
    this.#closing = true;
    await this.flush();
    this.#closed = true;
  }

  #choosePartition(topic: string, explicit: number | undefined, key: Uint8Array | null, partitions: number, index: number): number {
    if (explicit === undefined || explicit === null) return this.#partitioner.partition(topic, key, partitions);
    if (!Number.isInteger(explicit) || explicit < 0 || explicit >= partitions) {
      throw recordError("unknown_partition", index, `topic "${topic}" has no partition ${explicit} (it has ${partitions})`, { topic, partition: explicit, partitions });
    }
    return explicit;
  }

  #sender(topic: string, partition: number, batchBytesMax: number): PartitionSender {
    const key = `${topic}/${partition}`;
    let sender = this.#senders.get(key);
    if (!sender) {
      const context: SenderContext = {
        append: (t, p, block, batch) => this.#host.appendRecords(t, p, block, batch),
        identity: () => this.#identityOrNull(),
        arenas: this.#arenas,
        builders: this.#builders,
        resetIdentity: () => {
          this.#identity = null;
        },
        deliveryTimeoutMs: this.#options.deliveryTimeoutMs,
        closing: () => this.#closing,
        batchRecordsMax: Math.min(this.#options.batchSize, this.#host.limits.batchRecordsMax),
        batchBytesMax,
      };
      sender = new PartitionSender(topic, partition, context);
      this.#senders.set(key, sender);
    }
    return sender;
  }

  #identityOrNull(): Promise<{ producerId: number; producerEpoch: number } | null> {
    if (!this.#options.idempotent) return Promise.resolve(null);
    this.#identity ??= this.#host.allocateProducerId().then(
      (producerId) => ({ producerId, producerEpoch: 0 }),
      (error) => {
        this.#identity = null;
        throw error;
      },
    );
    return this.#identity;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const run = () => {
      this.#flushScheduled = false;
      this.#kickAll();
    };
    if (this.#options.lingerMs > 0) setTimeout(run, this.#options.lingerMs);
    else queueMicrotask(run);
  }

  #kickAll(): void {
    for (const sender of this.#scheduled) sender.kick();
    this.#scheduled.clear();
  }
}

function noop(): void {}
