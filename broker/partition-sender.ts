/**
 * One producer's queue for one partition. Each `sendBatch` call adds one {@link SendPart} (its
 * records for this partition, already laid out in a record block); parts are cut into batches
 * of at most `batchRecordsMax` records and `batchBytesMax` bytes, packed into one block each
 * (bulk copies into a shared arena) and go to the partition actor — which encodes the
 * RecordBatch v2 and its CRC — one batch at a time, so acknowledged order is send order (while
 * a batch is in flight, the next one fills up). Retriable failures (a restarting worker, a full
 * mailbox) are retried with backoff until the delivery timeout (or, once the producer is
 * closing, fail with `closed` instead of waiting out the timeout); with idempotence a batch keeps
 * its sequence numbers across retries, so a retry of a batch that was in fact written is
 * acknowledged with its original offsets instead of being written twice. No promise or closure
 * is made per record.
 *
 * Not thread-safe: owned by one {@link Producer}.
 */
import { RivuletError, isRivuletError } from "../core/errors.ts";
import { packedBytes, packRecordBlocks, type RecordBlock, type RecordBlockBuilder } from "../record/record-block.ts";
import type { BlockArenas } from "./block-arenas.ts";
import type { BuilderPool } from "./builder-pool.ts";
import { RECORD_PREFIX_BYTES_MAX } from "./record-input.ts";
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import type { AppendBatchResult } from "./types.ts";

export interface SenderContext {
  /** Sends one block (lent until this settles) to be encoded as one batch. */
  append(topic: string, partition: number, block: RecordBlock, batch: BlockBatchOptions): Promise<AppendBatchResult>;
  /** The producer id and epoch for idempotent sends, or null. */
  identity(): Promise<{ producerId: number; producerEpoch: number } | null>;
  /** Asks for a fresh identity after a send whose outcome is unknown. */
  resetIdentity(): void;
  /** Where blocks are packed: an arena goes back only after the worker answered its batch. */
  arenas: BlockArenas;
  /** Where builders go once their records are answered. */
  builders: BuilderPool;
  deliveryTimeoutMs: number;
  /** True once the producer is closing: a retriable failure is then final (`closed`), not retried. */
  closing?(): boolean;
  batchRecordsMax: number;
  batchBytesMax: number;
}

/** The records one `sendBatch` call sends to one partition, and where their offsets go. */
export interface SendPart {
  /** The records, in call order; back to the pool once the batch with the last of them is answered. */
  builder: RecordBlockBuilder;
  /** Records in the part. */
  count: number;
  /** Index of each record in the caller's result array. */
  slots: number[];
  /** Filled with each record's offset, by slot. */
  offsets: number[];
  /** Records acknowledged so far. */
  done: number;
  /** Records already cut into a batch. */
  taken: number;
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Range {
  part: SendPart;
  from: number;
  to: number;
}

const retryBackoffMinMs = 5;
const retryBackoffMaxMs = 500;

export class PartitionSender {
  readonly topic: string;
  readonly partition: number;
  #context: SenderContext;
  #queue: SendPart[] = [];
  #head = 0;
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

  /** Queues a part; its promise settles when all its records are acknowledged or one fails. */
  add(part: SendPart): void {
    this.#queue.push(part);
    this.#queuedBytes += part.bytes;
  }

  /** Starts sending if nothing is in flight. Call after a burst of `add`s. */
  kick(): void {
    if (!this.#sending && this.#head < this.#queue.length) void this.#sendLoop();
  }

  /** Resolves when everything queued so far is settled. */
  drained(): Promise<void> {
    if (!this.#sending && this.#head >= this.#queue.length) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #sendLoop(): Promise<void> {
    this.#sending = true;
    try {
      while (this.#head < this.#queue.length) await this.#deliver(this.#take());
    } finally {
      this.#sending = false;
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Cuts the next batch off the queue: up to `batchRecordsMax` records and `batchBytesMax` bytes. */
  #take(): Range[] {
    const ranges: Range[] = [];
    let count = 0;
    let bytes = 0;
    const { batchRecordsMax, batchBytesMax } = this.#context;
    while (this.#head < this.#queue.length && count < batchRecordsMax) {
      const part = this.#queue[this.#head];
      const from = part.taken;
      let to = from;
      const starts = part.builder.dataStarts;
      while (to < part.count && count < batchRecordsMax) {
        const size = RECORD_PREFIX_BYTES_MAX + starts[to + 1] - starts[to];
        if (count > 0 && bytes + size > batchBytesMax) break;
        bytes += size;
        this.#queuedBytes -= size;
        to++;
        count++;
      }
      if (to > from) ranges.push({ part, from, to });
      part.taken = to;
      if (to < part.count) break;
      this.#head++;
    }
    return ranges;
  }

  async #deliver(ranges: Range[]): Promise<void> {
    const deadline = Date.now() + this.#context.deliveryTimeoutMs;
    let count = 0;
    for (const { from, to } of ranges) count += to - from;
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
        // A fresh arena per attempt: after a failure the worker may still be reading the last one.
        const blockRanges = ranges.map(({ part, from, to }) => ({ builder: part.builder, from, to }));
        const arena = this.#context.arenas.take(packedBytes(blockRanges));
        const block = packRecordBlocks(blockRanges, arena);
        const batch = identity ? { producerId: identity.producerId, producerEpoch: identity.producerEpoch, baseSequence: firstSequence } : {};
        const result = await this.#context.append(this.topic, this.partition, block, batch);
        this.#context.arenas.give(arena);
        if (identity) this.#sequence = firstSequence + count;
        let offset = result.baseOffset;
        for (const { part, from, to } of ranges) {
          for (let i = from; i < to; i++) part.offsets[part.slots[i]] = offset++;
          part.done += to - from;
          if (part.done === part.count) part.resolve();
        }
        this.#release(ranges);
        return;
      } catch (error) {
        const retriable = isRivuletError(error) && error.retriable;
        const closing = this.#context.closing?.() ?? false;
        if (retriable && !closing && Date.now() + backoff < deadline) {
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, retryBackoffMaxMs);
          continue;
        }
        // The outcome is unknown: the batch may or may not have been written. Later batches
        // must not reuse its sequence numbers under the same identity.
        if (retriable && identity) this.#context.resetIdentity();
        const failure = retriable && closing
          ? new RivuletError("closed", `the producer closed before ${this.topic}/${this.partition} took the batch: ${(error as Error).message}`, { topic: this.topic, partition: this.partition })
          : retriable
          ? new RivuletError("timeout", `delivery to ${this.topic}/${this.partition} timed out after ${this.#context.deliveryTimeoutMs} ms: ${(error as Error).message}`, { topic: this.topic, partition: this.partition })
          : error;
        for (const { part } of ranges) part.reject(failure);
        this.#release(ranges);
        return;
      }
    }
  }

  /** Gives back the builders whose last records were in this (answered) batch: nothing reads them again. */
  #release(ranges: Range[]): void {
    for (const { part, to } of ranges) if (to === part.count) this.#context.builders.give(part.builder);
  }
}
