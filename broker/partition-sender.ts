/**
 * One producer's queue for one partition: records wait here, are sealed into a RecordBatch v2
 * batch, and go to the partition actor one batch at a time, so acknowledged order is send
 * order (while one batch is in flight, the next one fills up). Retriable failures (a restarting worker, a full mailbox)
 * are retried with backoff until the delivery timeout; with idempotence the batches keep their
 * sequence numbers, so a retry of a batch that was in fact written is acknowledged with its
 * original offsets instead of being written twice.
 *
 * Not thread-safe: owned by one {@link Producer}.
 */
import { RivuletError, isRivuletError } from "../core/errors.ts";
import { encodeRecordBatch, type BatchRecord } from "../storage/record-batch.ts";
import type { AppendBatchResult } from "./types.ts";

export interface SenderContext {
  append(topic: string, partition: number, batches: Uint8Array): Promise<AppendBatchResult>;
  /** The producer id and epoch for idempotent sends, or null. */
  identity(): Promise<{ producerId: number; producerEpoch: number } | null>;
  /** Asks for a fresh identity after a send whose outcome is unknown. */
  resetIdentity(): void;
  deliveryTimeoutMs: number;
  batchRecordsMax: number;
  batchBytesMax: number;
}

interface Pending {
  record: BatchRecord;
  size: number;
  resolve(offset: number): void;
  reject(error: unknown): void;
}

const retryBackoffMinMs = 5;
const retryBackoffMaxMs = 500;

export class PartitionSender {
  readonly topic: string;
  readonly partition: number;
  #context: SenderContext;
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #sending = false;
  #sequence = 0;
  /** The producer id `#sequence` counts for. */
  #sequenceOwner = -1;
  #idle: Array<() => void> = [];

  constructor(topic: string, partition: number, context: SenderContext) {
    this.topic = topic;
    this.partition = partition;
    this.#context = context;
  }

  /** Bytes of records waiting to be sent. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Queues a record; resolves with its offset once acknowledged. */
  add(record: BatchRecord, size: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, size, resolve, reject });
      this.#queuedBytes += size;
    });
  }

  /** Starts sending if nothing is in flight. Call after a burst of `add`s. */
  kick(): void {
    if (!this.#sending && this.#queue.length > 0) void this.#sendLoop();
  }

  /** Resolves when everything queued so far is settled. */
  drained(): Promise<void> {
    if (!this.#sending && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #sendLoop(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#queue.length > 0) {
        await this.#deliver(this.#take());
      }
    } finally {
      this.#sending = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Takes the records of the next batch: up to `batchRecordsMax` records and `batchBytesMax` bytes. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (batch.length > 0 && (batch.length >= this.#context.batchRecordsMax || bytes + next.size > this.#context.batchBytesMax)) break;
      this.#queue.shift();
      this.#queuedBytes -= next.size;
      batch.push(next);
      bytes += next.size;
    }
    return batch;
  }

  async #deliver(batch: Pending[]): Promise<void> {
    const deadline = Date.now() + this.#context.deliveryTimeoutMs;
    let identity: { producerId: number; producerEpoch: number } | null = null;
    let firstSequence = 0;
    let backoff = retryBackoffMinMs;
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt === 0) {
          identity = await this.#context.identity();
          if (identity && identity.producerId !== this.#sequenceOwner) {
            this.#sequenceOwner = identity.producerId;
            this.#sequence = 0;
          }
          firstSequence = this.#sequence;
        }
        const records = batch.map((p) => p.record);
        const bytes = encodeRecordBatch(records, identity ? { producerId: identity.producerId, producerEpoch: identity.producerEpoch, baseSequence: firstSequence } : {});
        const result = await this.#context.append(this.topic, this.partition, bytes);
        let offset = result.baseOffset;
        for (const pending of batch) pending.resolve(offset++);
        if (identity) this.#sequence = firstSequence + batch.length;
        return;
      } catch (error) {
        const retriable = isRivuletError(error) && error.retriable;
        if (retriable && Date.now() + backoff < deadline) {
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, retryBackoffMaxMs);
          continue;
        }
        if (retriable && identity) {
          // The outcome is unknown: the batches may or may not have been written. Later
          // batches must not reuse these sequence numbers under the same identity.
          this.#context.resetIdentity();
        }
        const failure = retriable
          ? new RivuletError("timeout", `delivery to ${this.topic}/${this.partition} timed out after ${this.#context.deliveryTimeoutMs} ms: ${(error as Error).message}`, { topic: this.topic, partition: this.partition })
          : error;
        for (const pending of batch) pending.reject(failure);
        return;
      }
    }
  }
}
