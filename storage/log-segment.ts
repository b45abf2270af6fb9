import { rmSync } from "node:fs";
import { RivuletError } from "../core/errors.ts";
import { scanHeaders, type ScannedBatch } from "./batch-scanner.ts";
import { FileChannel } from "./file-channel.ts";
import { offsetPath, Suffix } from "./file-names.ts";
import { OffsetIndex } from "./offset-index.ts";
import { decodeRecords, validateBatch } from "../record/record-batch.ts";
import { rebuildIndexes, recoverSegment } from "./segment-recovery.ts";
import type { StorageHooks } from "./storage-hooks.ts";
import { TimeIndex } from "./time-index.ts";
import { TransactionIndex } from "./transaction-index.ts";

/** Where one batch of an append lies and what it holds. */
export interface SegmentBatch {
  /** Byte position of the batch in the buffer being appended. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Largest batch a read will accept from disk; bigger claims are corruption. */
export const STORED_BATCH_BYTES_MAX = 0x7fffffff;

/**
 * One segment of a partition's log: the `.log` file of RecordBatch v2 batches (see
 * `batch-layout.ts`) with offsets from {@link baseOffset}, plus its sparse {@link OffsetIndex}
 * and {@link TimeIndex}, and its {@link TransactionIndex} of the transactions aborted by markers
 * in it (created with the segment, even when empty, so a missing one is noticed and rebuilt).
 * Only the newest segment is appended to.
 *
 * Reads seek with the offset index and read only the bytes they return; every batch handed
 * out is CRC-checked first. The indexes of an older segment are loaded and sanity-checked on
 * first use (and rebuilt from the log if bad), so opening a log reads none of them.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class LogSegment {
  readonly baseOffset: number;
  readonly log: FileChannel;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly txnIndex: TransactionIndex;
  /** Offset after the last batch (kept exact for the newest segment only). */
  nextOffset: number;
  /** Clock time of the first append, for `segment.ms`; undefined until known. */
  rolledAtMs: number | undefined;
  #maxTimestamp: number | undefined;
  #bytesSinceIndexEntry = 0;
  #indexesChecked = false;

  private constructor(dir: string, baseOffset: number, hooks: StorageHooks) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.log = FileChannel.open(offsetPath(dir, baseOffset, Suffix.log), hooks);
    this.offsetIndex = new OffsetIndex(offsetPath(dir, baseOffset, Suffix.index), baseOffset, hooks);
    this.timeIndex = new TimeIndex(offsetPath(dir, baseOffset, Suffix.timeIndex), baseOffset, hooks);
    this.txnIndex = new TransactionIndex(offsetPath(dir, baseOffset, Suffix.txnIndex), hooks);
  }

  /** Opens (or creates) the segment with `baseOffset` in `dir`; reads nothing. */
  static open(dir: string, baseOffset: number, hooks: StorageHooks = {}): LogSegment {
    return new LogSegment(dir, baseOffset, hooks);
  }

  get size(): number {
    return this.log.size;
  }

  /** Largest timestamp in the segment, -1 when empty (read lazily from the time index). */
  get maxTimestamp(): number {
    if (this.#maxTimestamp === undefined) {
      this.#maxTimestamp = this.timeIndex.lastEntry()?.timestamp ?? -1;
      if (this.size > 0 && this.#maxTimestamp < 0) {
        for (const b of scanHeaders(this.log, 0)) this.#maxTimestamp = Math.max(this.#maxTimestamp, b.header.maxTimestamp);
      }
    }
    return this.#maxTimestamp;
  }

  /** Sets what recovery learnt about the tail. */
  setRecovered(nextOffset: number, maxTimestamp: number): void {
    this.nextOffset = nextOffset;
    this.#maxTimestamp = maxTimestamp;
    this.#indexesChecked = true;
  }

  /**
   * Appends `bytes` (whole batches, offsets already stamped) in one write, then indexes them.
   * @throws {RivuletError} `storage_error`; the segment is then as before
   */
  append(bytes: Uint8Array, batches: SegmentBatch[], indexIntervalBytes: number): void {
    const start = this.log.size;
    const before = { maxTimestamp: this.maxTimestamp, bytesSinceIndexEntry: this.#bytesSinceIndexEntry };
    this.log.append(bytes);
    let maxTs = before.maxTimestamp;
    try {
      for (const b of batches) {
        if (this.#bytesSinceIndexEntry >= indexIntervalBytes && start + b.position > 0) {
          this.offsetIndex.append(b.baseOffset, start + b.position);
          this.timeIndex.maybeAppend(maxTs, b.baseOffset);
          this.#bytesSinceIndexEntry = 0;
        }
        this.#bytesSinceIndexEntry += b.size;
        maxTs = Math.max(maxTs, b.maxTimestamp);
      }
    } catch (error) {
      // an index write failed: take the whole append back so the log is as before
      this.log.truncate(start);
      this.offsetIndex.truncateToPosition(start);
      this.timeIndex.truncateToOffset(this.nextOffset);
      this.#bytesSinceIndexEntry = before.bytesSinceIndexEntry;
      throw error;
    }
    this.#maxTimestamp = maxTs;
    this.nextOffset = batches[batches.length - 1].lastOffset + 1;
  }

  /** The first batch whose last offset is ≥ `offset`, found through the offset index. */
  locate(offset: number, indexIntervalBytes: number, endOffset: number): ScannedBatch | undefined {
    this.checkIndexes(indexIntervalBytes, endOffset);
    let end = this.offsetIndex.lookup(offset).position;
    for (const b of scanHeaders(this.log, end)) {
      if (b.header.baseOffset + b.header.lastOffsetDelta >= offset) return b;
      end = b.position + b.size;
    }
    if (end !== this.size) throw this.#corrupt(end, "bad batch header");
    return undefined;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch), none
   * at or past `maxOffset`. Every batch is CRC-checked.
   *
   * @returns the bytes, empty when no batch qualifies
   * @throws {RivuletError} `corrupt_record` naming the file and byte position
   */
  read(offset: number, maxBytes: number, maxOffset: number, indexIntervalBytes: number, endOffset: number): Uint8Array {
    const first = this.locate(offset, indexIntervalBytes, endOffset);
    if (!first || first.header.baseOffset >= maxOffset) return new Uint8Array(0);
    const chunk = this.log.read(first.position, Math.max(first.size, Math.min(maxBytes, this.size - first.position)));
    if (chunk.length < first.size) throw this.#corrupt(first.position, "batch extends past the end of the file");
    let end = 0;
    while (end < chunk.length) {
      const size = batchSizeAt(chunk, end);
      if (size < 0 || end + size > chunk.length) break;
      if (readBaseOffset(chunk, end) >= maxOffset) break;
      this.#validate(chunk, end, first.position + end);
      end += size;
    }
    return chunk.subarray(0, end);
  }

  /** The first offset below `maxOffset` whose record has a timestamp ≥ `timestamp`, or null. */
  offsetForTimestamp(timestamp: number, maxOffset: number, indexIntervalBytes: number, endOffset: number): number | null {
    this.checkIndexes(indexIntervalBytes, endOffset);
    if (this.maxTimestamp < timestamp) return null;
    const from = this.offsetIndex.lookup(this.timeIndex.lookup(timestamp)).position;
    for (const b of scanHeaders(this.log, from)) {
      if (b.header.baseOffset >= maxOffset) return null;
      if (b.header.maxTimestamp < timestamp) continue;
      const bytes = this.log.read(b.position, b.size);
      this.#validate(bytes, 0, b.position);
      for (const r of decodeRecords(bytes, 0)) {
        if (r.timestamp >= timestamp && r.offset < maxOffset) return r.offset;
      }
    }
    return null;
  }

  /**
   * Validates the tail from the last index entry and cuts it at the first bad byte.
   * @returns the bytes removed
   */
  recover(indexIntervalBytes: number, maxBatchBytes: number): number {
    const result = recoverSegment(this, indexIntervalBytes, maxBatchBytes);
    this.setRecovered(result.nextOffset, result.maxTimestamp);
    this.#bytesSinceIndexEntry = result.bytesSinceIndexEntry;
    return result.bytesRemoved;
  }

  /**
   * Loads an older segment's indexes on first use and rebuilds them from the log if they fail
   * the sanity check (whole entries, increasing, inside the log).
   * @returns true when they were rebuilt
   */
  checkIndexes(indexIntervalBytes: number, endOffset: number): boolean {
    if (this.#indexesChecked) return false;
    this.#indexesChecked = true;
    if (this.offsetIndex.isSane(this.size) && this.timeIndex.isSane(endOffset)) return false;
    rebuildIndexes(this, indexIntervalBytes);
    this.#maxTimestamp = undefined;
    return true;
  }

  /** Called when a newer segment takes over: records the final time-index entry and syncs. */
  onBecomeInactive(): void {
    this.timeIndex.maybeAppend(this.maxTimestamp, this.nextOffset);
    this.sync();
  }

  /** fdatasyncs the log and its indexes, if written. */
  sync(): void {
    this.log.sync();
    this.offsetIndex.sync();
    this.timeIndex.sync();
    this.txnIndex.sync();
  }

  /**
   * fdatasyncs the log and its indexes off this thread, if written: resolves once what was
   * written before the call is on disk (used by `flush=interval`, so the actor keeps serving).
   */
  async syncInBackground(): Promise<void> {
    await Promise.all([this.log.syncInBackground(), this.offsetIndex.syncInBackground(), this.timeIndex.syncInBackground(), this.txnIndex.syncInBackground()]);
  }

  close(): void {
    this.log.close();
    this.offsetIndex.close();
    this.timeIndex.close();
    this.txnIndex.close();
  }

  /** Closes and deletes the segment's files, the `.log` first so a crash leaves no half segment. */
  deleteFiles(): void {
    this.close();
    for (const path of [this.log.path, this.offsetIndex.path, this.timeIndex.path, this.txnIndex.path]) rmSync(path, { force: true });
  }

  #validate(bytes: Uint8Array, at: number, filePosition: number): void {
    try {
      validateBatch(bytes, at, { maxBytes: STORED_BATCH_BYTES_MAX, file: this.log.path });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw this.#corrupt(filePosition, message.replace(/^corrupt record batch (in .* )?at position \d+: /, ""));
    }
  }

  #corrupt(position: number, reason: string): RivuletError {
    return new RivuletError("corrupt_record", `corrupt record batch in ${this.log.path} at position ${position}: ${reason}`, {
      file: this.log.path,
      position,
    });
  }
}

function batchSizeAt(bytes: Uint8Array, at: number): number {
  if (bytes.length - at < 12) return -1;
  return 12 + (((bytes[at + 8] << 24) | (bytes[at + 9] << 16) | (bytes[at + 10] << 8) | bytes[at + 11]) >>> 0);
}

function readBaseOffset(bytes: Uint8Array, at: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 8);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}
