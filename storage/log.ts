import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { systemClock, type Clock } from "../core/clock.ts";
import { RivuletError } from "../core/errors.ts";
import { defaultLimits, type Limits } from "../core/limits.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import type { RecordBlock } from "../record/record-block.ts";
import { encodeRecordBlock, type BlockBatchOptions } from "../record/record-block-encoder.ts";
import { checkBlockAppend, planAppend, planMarkerAppend, type TxnMarkerInput } from "./append-plan.ts";
import { fsyncDir, writeCborAtomic } from "./atomic-file.ts";
import { compactLog } from "./cleaner.ts";
import { encodeScratch } from "./encode-scratch.ts";
import { CLEAN_SHUTDOWN_FILE, type CleanShutdown } from "./file-names.ts";
import { IntervalSync } from "./interval-sync.ts";
import { SyncCoalescer } from "./sync-coalescer.ts";
import { loadLog, loadProducerState } from "./log-loader.ts";
import { collectAbortedTransactions, endOffsetOf, findOffsetForTimestamp, readBatches, type Isolation, type ReadResult } from "./log-read.ts";
import { planFollowerAppend } from "./follower-append.ts";
import type { EpochEndOffset, EpochEntry, LeaderEpochCache } from "./leader-epoch-cache.ts";
import { applyTruncation, clearTruncationMarker, planFullTruncation, planTruncation, writeTruncationMarker, type TruncationPlan } from "./log-truncation.ts";
import { ProducerState } from "./producer-state.ts";
import { rollIfDue } from "./log-roll.ts";
import type { SegmentBatch } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";
import { deleteSnapshotsBefore, writeSnapshot } from "./producer-snapshots.ts";
import { applyRetention } from "./retention.ts";
import type { StorageHooks } from "./storage-hooks.ts";
import type { AbortedTxn } from "./transaction-index.ts";
import { UndecidedTransactions } from "./undecided-transactions.ts";

export interface LogOptions {
  clock?: Clock;
  limits?: Limits;
  /** Observation and fault-injection points (tests, metrics). */
  hooks?: StorageHooks;
}

export type { Isolation, ReadResult } from "./log-read.ts";

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker time stamped under LogAppendTime, else -1. */
  logAppendTime: number;
  /** True when every batch was a retried duplicate: nothing was written. */
  duplicate: boolean;
}

export type { TxnMarkerInput } from "./append-plan.ts";

/**
 * A partition's log: a directory of segments that takes appends of RecordBatch v2 batches,
 * assigns offsets, makes them durable per the topic's `flush` policy, serves reads up to the high
 * watermark (`log-read.ts`), and applies retention and compaction. Opening it runs recovery
 * (`log-loader.ts`).
 *
 * Disk format (names in `file-names.ts`): per segment, `<base offset, 20 digits>.log` (the
 * batches as appended), `.index`, `.timeindex` and `.txnindex` (`log-segment.ts`); producer-state
 * snapshots `<offset>.snapshot`; `leader-epoch-checkpoint`; the `.clean-shutdown` marker of a
 * clean close and the `.truncation` marker of a truncation under way.
 *
 * For replication it keeps a leader epoch, stamped on every batch it appends as leader, and a
 * leader-epoch cache (`leader-epoch-cache.ts`) that answers OffsetsForLeaderEpoch; it appends a
 * leader's batches byte for byte as a follower, and truncates crash-consistently
 * ({@link truncateTo}, {@link truncateFullyAndStartAt}).
 *
 * Transactions: producer state (`producer-state.ts`) tracks each producer's ongoing transaction;
 * {@link appendTxnMarker} ends one with a commit or abort control batch (an abort also goes to
 * the segment's `.txnindex`, `transaction-index.ts`). The {@link lastStableOffset} is the
 * smallest first offset of the transactions not yet decided — ongoing, or ended by a marker the
 * high watermark has not passed yet — capped by the high watermark; read_committed reads stop
 * there and name the aborted transactions they cover ({@link read}).
 *
 * Not thread-safe: owned by exactly one partition actor. Under `flush=interval` the periodic
 * fdatasync runs on the runtime's I/O pool while the owner goes on appending and reading
 * (`interval-sync.ts`); a roll, `flush()` or `close()` meanwhile still syncs in line (see
 * `FileChannel.sync`).
 *
 * @example
 * ```ts
 * const log = Log.open("/data/payments-0", parseTopicConfig({ flush: "always" }));
 * const { baseOffset } = await log.append(encodeRecordBatch(records));
 * const { batches } = log.read(baseOffset, 1 << 20);
 * log.close();
 * ```
 */
export class Log {
  readonly dir: string;
  #config: TopicConfig;
  #clock: Clock;
  #limits: Limits;
  #hooks: StorageHooks;
  #segments: LogSegments;
  #nextOffset: number;
  #highWatermark: number;
  #producers: ProducerState;
  #epochs: LeaderEpochCache;
  #leaderEpoch: number;
  /** Transactions ended by a marker not yet below the high watermark (flush=always): they still hold the last stable offset. */
  #undecided = new UndecidedTransactions();
  #commit: SyncCoalescer<AppendResult>;
  #intervalSync: IntervalSync;
  #closed = false;
  #failed: RivuletError | undefined;
  /** Bytes cut from the tail by recovery at open. */
  readonly recoveredBytesTruncated: number;

  private constructor(dir: string, config: TopicConfig, options: LogOptions) {
    this.dir = dir;
    this.#config = config;
    this.#clock = options.clock ?? systemClock;
    this.#limits = options.limits ?? defaultLimits;
    this.#hooks = options.hooks ?? {};
    const loaded = loadLog(dir, { indexIntervalBytes: config["index.interval.bytes"], maxBatchBytes: this.#maxStoredBatchBytes(), hooks: this.#hooks });
    this.#segments = loaded.segments;
    this.#nextOffset = loaded.nextOffset;
    this.#highWatermark = loaded.nextOffset;
    this.#producers = loaded.producerState;
    this.#epochs = loaded.epochs;
    this.#leaderEpoch = loaded.epochs.latestEpoch ?? 0;
    this.recoveredBytesTruncated = loaded.bytesTruncated;
    if (this.#segments.active.size > 0) this.#segments.active.rolledAtMs = this.#clock.now();
    this.#commit = new SyncCoalescer(() => this.#syncAll());
    this.#intervalSync = new IntervalSync({
      canSync: () => !this.#closed && !this.#failed,
      syncInBackground: () => this.#segments.active.syncInBackground(),
      // An fsync that failed may have lost pages; Kafka takes the log dir offline, so do we.
      onSyncFailed: (error) => {
        if (!this.#closed) this.#failed = asStorageError(error);
      },
    });
    this.#intervalSync.configure(config);
  }

  /**
   * Opens the log in `dir`, creating the directory, and recovers it.
   * @throws {RivuletError} `storage_error`
   */
  static open(dir: string, config: TopicConfig, options: LogOptions = {}): Log {
    mkdirSync(dir, { recursive: true });
    return new Log(dir, config, options);
  }

  /** Deletes the log directory and everything in it. */
  static delete(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  get logStartOffset(): number {
    return this.#segments.first.baseOffset;
  }
  get logEndOffset(): number {
    return this.#nextOffset;
  }
  get highWatermark(): number {
    return this.#highWatermark;
  }
  /**
   * The last stable offset: min(first offset of every transaction not yet decided, high
   * watermark). A transaction is decided once its marker is below the high watermark.
   */
  get lastStableOffset(): number {
    return this.#undecided.lastStableOffset(this.#highWatermark, this.#producers.firstUnstableOffset());
  }
  /** The ongoing transactions, producer id → first offset (tests, the admin view). */
  get ongoingTransactions(): Map<number, number> {
    return this.#producers.ongoingTransactions();
  }
  get sizeBytes(): number {
    return this.#segments.sizeBytes();
  }
  /** Segments, for tests and metrics. */
  get segmentCount(): number {
    return this.#segments.count;
  }
  get config(): TopicConfig {
    return this.#config;
  }
  /**
   * The leader epoch this log stamps on the batches it appends as leader: the newest epoch in
   * its epoch cache at open (0 for a new log or one from before leader epochs), then as set by
   * {@link becomeLeader}.
   */
  get leaderEpoch(): number {
    return this.#leaderEpoch;
  }
  /** The epoch cache's entries, oldest first (for tests and the admin view). */
  get epochEntries(): EpochEntry[] {
    return this.#epochs.entries;
  }

  /**
   * Makes `epoch` the leader epoch this log stamps from now on, and records that it starts at
   * the log end (as Kafka does when a broker becomes leader), so a follower asking for the end
   * of the previous epoch learns it even before anything is appended. The same epoch again is a
   * no-op.
   *
   * @throws {RivuletError} `fenced_leader_epoch` when `epoch` is older than the log's newest;
   *   `storage_error`
   */
  becomeLeader(epoch: number): void {
    this.#checkWritable();
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0x7fffffff) throw new RivuletError("invalid_request", `a leader epoch is an int32 ≥ 0, got ${epoch}`, { epoch });
    const newest = Math.max(this.#leaderEpoch, this.#epochs.latestEpoch ?? 0);
    if (epoch < newest) throw new RivuletError("fenced_leader_epoch", `leader epoch ${epoch} is older than this log's epoch ${newest}`, { epoch, currentEpoch: newest });
    this.#epochs.assign(epoch, this.#nextOffset);
    this.#leaderEpoch = epoch;
  }

  /**
   * OffsetsForLeaderEpoch for this log: the largest epoch ≤ `epoch` and where it ends (see
   * `LeaderEpochCache.endOffsetFor`); (-1, -1) when the log knows no such epoch.
   */
  endOffsetForEpoch(epoch: number): EpochEndOffset {
    this.#checkOpen();
    return this.#epochs.endOffsetFor(epoch, this.#nextOffset);
  }

  /**
   * Appends one or more concatenated batches (their baseOffset fields are ignored and
   * re-stamped in place) in one synchronous write. The promise resolves per `flush`: after the
   * covering fdatasync for `always` (group commit), at once otherwise. A refused or failed
   * append leaves the log as it was.
   *
   * @throws {RivuletError} (as a rejection) `invalid_record`, `corrupt_record`,
   *   `record_too_large`, `out_of_order_sequence`, `producer_fenced`, `storage_error`, `closed`
   */
  append(batches: Uint8Array): Promise<AppendResult> {
    return this.#append(batches, false);
  }

  /**
   * Encodes a producer's record block as one batch (CRC computed here, once) and appends it as
   * {@link append} does, without validating the bytes it has just written: only the block's
   * tables are checked for consistency, and the topic's rules (null keys on a compacted topic,
   * `message.max.bytes`, producer sequence) apply as to any append.
   *
   * @throws {RivuletError} (as a rejection) `invalid_record`, `record_too_large`,
   *   `out_of_order_sequence`, `producer_fenced`, `storage_error`, `closed`
   */
  appendRecords(block: RecordBlock, batch: BlockBatchOptions): Promise<AppendResult> {
    try {
      checkBlockAppend(block, this.#config);
      return this.#append(encodeRecordBlock(block, batch, encodeScratch), true);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Appends a commit or abort marker (one control batch, `control-batch.ts`) for `producerId`
   * and ends its ongoing transaction in this partition; an abort adds the transaction to the
   * segment's `.txnindex`. A marker for a producer with no ongoing transaction is written all
   * the same and changes nothing else (one with a higher epoch raises the producer's epoch, so a
   * fenced producer's batches are refused). The promise resolves per `flush`, as {@link append}.
   *
   * @throws {RivuletError} (as a rejection) `invalid_producer_epoch` (an epoch below the
   *   producer's), `invalid_request`, `storage_error`, `closed`
   */
  appendTxnMarker(marker: TxnMarkerInput): Promise<AppendResult> {
    try {
      this.#checkWritable();
      const now = this.#clock.now();
      const leaderEpoch = this.#leaderEpoch;
      const offset = this.#nextOffset;
      const plan = planMarkerAppend(marker, { nextOffset: offset, config: this.#config, now, producers: this.#producers, leaderEpoch });
      if (this.#epochs.latestEpoch !== leaderEpoch) this.#startEpoch(leaderEpoch, offset);
      this.#writeAtEnd(plan.bytes, plan.batches, offset, offset, now);
      plan.producers.commit();
      this.#nextOffset = offset + 1;
      if (plan.ended) this.#txnEnded(plan.ended.producerId, plan.ended.firstOffset, offset, marker.commit);
      return this.#written({ baseOffset: offset, lastOffset: offset, logAppendTime: plan.logAppendTime, duplicate: false });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Writes `bytes` (holding `batches`, offsets `first`..`last`) at the log end, rolling to a new segment first if one is due. */
  #writeAtEnd(bytes: Uint8Array, batches: SegmentBatch[], first: number, last: number, now: number): void {
    rollIfDue(this.dir, this.#segments, this.#producers, { bytes: bytes.length, first, last, now, config: this.#config, hooks: this.#hooks });
    const active = this.#segments.active;
    if (active.size === 0) active.rolledAtMs = now;
    active.append(bytes, batches, this.#config["index.interval.bytes"]);
  }

  /** Settles a write per `flush`: after the covering fdatasync for `always`, at once otherwise (visible at once, too). */
  #written(result: AppendResult): Promise<AppendResult> {
    if (this.#config.flush === "always") return this.#commit.wait(result);
    this.#highWatermark = this.#nextOffset;
    return Promise.resolve(result);
  }

  /** Records a transaction a marker at `markerOffset` (already written) ended. */
  #txnEnded(producerId: number, firstOffset: number, markerOffset: number, commit: boolean): void {
    if (this.#config.flush === "always") this.#undecided.ended(firstOffset, markerOffset);
    if (commit) return;
    try {
      const lastStableOffset = this.#producers.firstUnstableOffset() ?? markerOffset + 1;
      this.#segments.active.txnIndex.append({ producerId, firstOffset, lastOffset: markerOffset, lastStableOffset });
    } catch (error) {
      // The marker is in the log, its index entry is not: recovery rebuilds it from the log.
      throw (this.#failed = asStorageError(error));
    }
  }

  #append(batches: Uint8Array, encodedHere: boolean): Promise<AppendResult> {
    try {
      this.#checkWritable();
      const now = this.#clock.now();
      const leaderEpoch = this.#leaderEpoch;
      const plan = planAppend(batches, { nextOffset: this.#nextOffset, config: this.#config, now, producers: this.#producers, encodedHere, leaderEpoch });
      const logAppendTime = this.#config["message.timestamp.type"] === "LogAppendTime" ? now : -1;
      if (plan.duplicate) {
        const result = { ...plan.duplicate, logAppendTime, duplicate: true };
        return this.#highWatermark > plan.duplicate.lastOffset ? Promise.resolve(result) : this.#commit.wait(result);
      }
      const first = plan.batches[0].baseOffset;
      const last = plan.batches[plan.batches.length - 1].lastOffset;
      if (this.#epochs.latestEpoch !== leaderEpoch) this.#startEpoch(leaderEpoch, first);
      this.#writeAtEnd(plan.bytes, plan.batches, first, last, now);
      plan.producers.commit();
      this.#nextOffset = last + 1;
      return this.#written({ baseOffset: first, lastOffset: last, logAppendTime, duplicate: false });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Appends batches copied from the leader, byte for byte: their offsets, leader epochs and
   * timestamps are kept (see `follower-append.ts` for the checks). A batch that starts a newer
   * epoch adds it to the epoch cache, written before the batch is. Durability follows `flush` as
   * for {@link append}.
   *
   * @throws {RivuletError} (as a rejection) `invalid_record`, `corrupt_record`,
   *   `record_too_large`, `invalid_offset`, `fenced_leader_epoch`, `storage_error`, `closed`
   */
  appendAsFollower(batches: Uint8Array): Promise<AppendResult> {
    let assigned = false;
    try {
      this.#checkWritable();
      const now = this.#clock.now();
      const plan = planFollowerAppend(batches, {
        nextOffset: this.#nextOffset,
        producers: this.#producers,
        latestEpoch: this.#epochs.latestEpoch,
        maxBatchBytes: this.#maxStoredBatchBytes(),
      });
      const first = plan.batches[0].baseOffset;
      const last = plan.batches[plan.batches.length - 1].lastOffset;
      // The epoch entries go first: a crash before the batches land leaves an entry at the log
      // end, which recovery keeps as harmless (or past it, which recovery drops).
      assigned = plan.epochs.length > 0 && this.#epochs.assignAll(plan.epochs);
      this.#writeAtEnd(batches, plan.batches, first, last, now);
      plan.producers.commit();
      this.#nextOffset = last + 1;
      for (const t of plan.endedTxns) this.#txnEnded(t.producerId, t.firstOffset, t.markerOffset, t.commit);
      return this.#written({ baseOffset: first, lastOffset: last, logAppendTime: -1, duplicate: false });
    } catch (error) {
      // The batches were not written: take back the epochs they would have started past the log
      // end, so a retry of the same batches is not fenced by them. One at the log end may stay.
      if (assigned) {
        try {
          this.#epochs.truncateFromEnd(this.#nextOffset + 1);
        } catch {
          // the checkpoint could not be rewritten; recovery drops entries past the log end
        }
      }
      return Promise.reject(error);
    }
  }

  /**
   * Removes every record at or past `offset`, which must be a batch boundary (a stored batch's
   * base offset, or the log end: a no-op for the records, but epoch entries at the log end go,
   * as in Kafka). Pending appends are made durable first. Afterwards the log ends at `offset`,
   * the high watermark is at most `offset`, the segment holding it is cut with its indexes,
   * later segments are gone, producer state is rebuilt from the snapshot and batches below
   * `offset`, and the epoch cache has no entry at or past it.
   *
   * Crash-consistent: the plan is written to a marker file (atomically) before anything is
   * removed, and the marker is deleted only when every step is done, so a crash before the
   * marker leaves the old log and one after it is finished by recovery (`log-loader.ts`). The
   * steps are in `log-truncation.ts` (`applyTruncation`); then the epoch cache, then producer
   * state (its snapshots past `offset` are deleted), then the marker.
   *
   * @returns the bytes removed
   * @throws {RivuletError} `offset_out_of_range` (outside [log start, log end]), `invalid_offset`
   *   (inside a batch), `storage_error`, `closed`
   */
  truncateTo(offset: number): number {
    this.#checkWritable();
    const interval = this.#config["index.interval.bytes"];
    const plan = planTruncation(this.#segments, offset, this.#nextOffset, interval);
    this.flush();
    if (offset === this.#nextOffset) {
      this.#epochs.truncateFromEnd(offset);
      return 0;
    }
    return this.#truncate(plan);
  }

  /**
   * Removes every record and restarts the log, empty, at `offset` (anywhere, below the log start
   * or past the log end): what a follower does when its leader's log starts past its own end.
   * The epoch cache and producer state are emptied. Crash-consistent as {@link truncateTo}.
   *
   * @returns the bytes removed
   * @throws {RivuletError} `invalid_offset` (not a non-negative integer), `storage_error`, `closed`
   */
  truncateFullyAndStartAt(offset: number): number {
    this.#checkWritable();
    const plan = planFullTruncation(offset);
    this.flush();
    return this.#truncate(plan);
  }

  /** Carries out a truncation plan (steps in {@link truncateTo}'s doc). */
  #truncate(plan: TruncationPlan): number {
    const interval = this.#config["index.interval.bytes"];
    const offset = plan.offset;
    writeTruncationMarker(this.dir, plan); // if this fails, nothing has changed yet
    try {
      this.#hooks.onTruncationStep?.("marker");
      const removed = applyTruncation(this.dir, this.#segments, plan, interval, this.#maxStoredBatchBytes(), this.#nextOffset, this.#hooks);
      // the cut segment's tail was re-validated: a batch below `offset` found corrupt there cuts
      // the log shorter still, and the log says so rather than claim offsets it lost
      this.#nextOffset = Math.min(offset, this.#segments.active.nextOffset);
      this.#highWatermark = plan.full ? this.#nextOffset : Math.min(this.#highWatermark, this.#nextOffset);
      this.#hooks.onTruncationStep?.("segments");
      this.#epochs.truncateFromEnd(plan.full ? 0 : this.#nextOffset);
      this.#hooks.onTruncationStep?.("epochs");
      this.#producers = plan.full
        ? new ProducerState()
        : loadProducerState(this.dir, this.#segments, this.#nextOffset, { indexIntervalBytes: interval, maxBatchBytes: this.#maxStoredBatchBytes(), hooks: this.#hooks });
      if (plan.full) this.#undecided.clear();
      else this.#undecided.truncate(this.#nextOffset);
      clearTruncationMarker(this.dir);
      if (this.#segments.active.size > 0) this.#segments.active.rolledAtMs = this.#clock.now();
      return removed;
    } catch (error) {
      // Part-way through, memory and disk may disagree; recovery (which finishes the truncation
      // from its marker) is the way back, so the log refuses further writes, as after a failed fsync.
      throw (this.#failed = asStorageError(error));
    }
  }

  /**
   * Reads whole batches from the one holding `offset`, up to `maxBytes` (at least one batch
   * when one exists), never past the high watermark — under `read_committed` never past the
   * last stable offset, with the aborted transactions the batches overlap — from one segment.
   * `upTo` moves the high watermark: a replicated partition's leader lets consumers read only
   * what its in-sync replicas hold (below it), and its followers up to the log end (past it:
   * what is written, durable or not yet, so the leader's and the followers' fsyncs overlap).
   * Never past the log end; under `read_committed` never past the last stable offset either.
   *
   * @throws {RivuletError} `offset_out_of_range` (details: logStartOffset, logEndOffset);
   *   `corrupt_record` naming the file and byte position
   */
  read(offset: number, maxBytes: number, options: { isolation?: Isolation; upTo?: number } = {}): ReadResult {
    this.#checkOpen();
    const logStartOffset = this.logStartOffset;
    if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > this.#nextOffset) {
      throw new RivuletError("offset_out_of_range", `offset ${offset} is outside the log [${logStartOffset}, ${this.#nextOffset}]`, {
        offset,
        logStartOffset,
        logEndOffset: this.#nextOffset,
      });
    }
    const interval = this.#config["index.interval.bytes"];
    const lastStableOffset = this.lastStableOffset;
    const committed = options.isolation === "read_committed";
    const { upTo } = options;
    const limit = committed ? Math.min(lastStableOffset, upTo ?? lastStableOffset) : upTo === undefined ? this.#highWatermark : Math.min(upTo, this.#nextOffset);
    const batches = readBatches(this.#segments, offset, maxBytes, limit, this.#nextOffset, interval);
    if (batches.length === 0) return { batches, highWatermark: this.#highWatermark, lastStableOffset, logStartOffset, abortedTransactions: [] };
    const abortedTransactions = committed ? this.abortedTransactions(offset, endOffsetOf(batches)).map(({ producerId, firstOffset }) => ({ producerId, firstOffset })) : [];
    return { batches, highWatermark: this.#highWatermark, lastStableOffset, logStartOffset, abortedTransactions };
  }

  /**
   * The aborted transactions overlapping [`from`, `to`): abort marker at or past `from`, first
   * offset below `to`, from the `.txnindex` of the segment holding `from` onwards (stopping
   * early once an entry's last stable offset reaches `to`), in marker order.
   */
  abortedTransactions(from: number, to: number): AbortedTxn[] {
    this.#checkOpen();
    return collectAbortedTransactions(this.#segments, from, to);
  }

  /** The first offset whose record has a timestamp ≥ `timestamp`, or null if none. */
  offsetForTimestamp(timestamp: number): number | null {
    this.#checkOpen();
    return findOffsetForTimestamp(this.#segments, timestamp, this.#highWatermark, this.#nextOffset, this.#config["index.interval.bytes"]);
  }

  /** Applies a new topic config (flush policy, sizes, retention) from the next operation on. */
  updateConfig(config: TopicConfig): void {
    this.#checkOpen();
    if (this.#config.flush === "always" && config.flush !== "always") this.flush();
    this.#config = config;
    this.#intervalSync.configure(config);
  }

  /**
   * Deletes whole old segments past `retention.ms` / `retention.bytes` (policy `delete`), never
   * one holding offsets at or past the last stable offset: an undecided transaction's records
   * stay until it is decided (and its `.txnindex` entries go with their segments).
   */
  applyRetention(): { deletedSegments: number; deletedBytes: number } {
    this.#checkOpen();
    if (!this.#config["cleanup.policy"].includes("delete")) return { deletedSegments: 0, deletedBytes: 0 };
    const result = applyRetention(this.#segments, this.#config, this.#clock.now(), this.lastStableOffset, this.#nextOffset);
    if (result.deletedSegments > 0) {
      fsyncDir(this.dir);
      this.#producers.removeBefore(this.logStartOffset);
      deleteSnapshotsBefore(this.dir, this.logStartOffset);
      this.#epochs.truncateFromStart(this.logStartOffset);
    }
    return result;
  }

  /** Keeps the latest record per key in the older segments (policy `compact`). */
  compact(): { removedRecords: number } {
    this.#checkOpen();
    if (!this.#config["cleanup.policy"].includes("compact")) return { removedRecords: 0 };
    const lastStableOffset = this.lastStableOffset;
    return compactLog(this.dir, this.#segments, {
      config: this.#config,
      now: this.#clock.now(),
      // never past an undecided transaction: its records must stay until its marker
      highWatermark: lastStableOffset,
      aborted: this.abortedTransactions(this.logStartOffset, lastStableOffset),
      logEndOffset: this.#nextOffset,
      hooks: this.#hooks,
    });
  }

  /** Makes every append so far durable and visible, settling appends that wait for it. */
  flush(): void {
    this.#checkOpen();
    if (this.#commit.pending > 0) this.#commit.flushNow();
    else this.#syncAll();
  }

  /** Flushes, writes the producer-state snapshot and the clean-shutdown marker, and closes. */
  close(): void {
    if (this.#closed) return;
    this.#intervalSync.stop();
    if (!this.#failed) {
      this.flush();
      writeSnapshot(this.dir, this.#nextOffset, this.#producers);
      const active = this.#segments.active;
      const marker: CleanShutdown = { activeBaseOffset: active.baseOffset, activeSizeBytes: active.size, nextOffset: this.#nextOffset, maxTimestamp: active.maxTimestamp };
      writeCborAtomic(join(this.dir, CLEAN_SHUTDOWN_FILE), marker);
    }
    this.#commit.failAll(new RivuletError("closed", "the log was closed"));
    for (const segment of this.#segments.all()) segment.close();
    this.#closed = true;
  }

  /** Records that `epoch` starts at `offset` before its first batch is written. */
  #startEpoch(epoch: number, offset: number): void {
    const newest = this.#epochs.latestEpoch;
    if (newest !== undefined && newest > epoch) {
      throw new RivuletError("fenced_leader_epoch", `this log has seen leader epoch ${newest}, newer than its own ${epoch}`, { epoch, currentEpoch: newest });
    }
    this.#epochs.assign(epoch, offset);
  }

  #syncAll(): void {
    try {
      // older segments were synced when rolled (and by compaction when rewritten)
      this.#segments.active.sync();
    } catch (error) {
      // An fsync that failed may have lost pages; Kafka takes the log dir offline, so do we.
      throw (this.#failed = asStorageError(error));
    }
    this.#highWatermark = this.#nextOffset;
  }

  #maxStoredBatchBytes(): number {
    return Math.max(this.#config["message.max.bytes"], this.#limits.messageMaxBytes) * 100;
  }

  #checkOpen(): void {
    if (this.#closed) throw new RivuletError("closed", "the log is closed");
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#failed) throw new RivuletError("storage_error", `the log failed earlier: ${this.#failed.message}`);
  }
}

/** `error` as the log's failure: a RivuletError as is, anything else as `storage_error`. */
function asStorageError(error: unknown): RivuletError {
  return error instanceof RivuletError ? error : new RivuletError("storage_error", String(error));
}
