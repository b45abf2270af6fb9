/**
 * One partition's behaviour inside its partition actor: it alone owns the partition's log
 * directory, appends, serves fetches (waiting for new data without polling), finds offsets and
 * runs retention and compaction. Readers never see past the high watermark; read_committed
 * readers never past the last stable offset. Transaction markers are appended here
 * ({@link Partition.writeTxnMarker}).
 *
 * Not thread-safe: owned by one partition host on one worker thread.
 */
import { RivuletError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import type { RecordBlock } from "../record/record-block.ts";
import type { BlockBatchOptions } from "../record/record-block-encoder.ts";
import { Log, type AppendResult, type TxnMarkerInput } from "../storage/log.ts";
import { AckBeforeWrite } from "./ack-before-write.ts";
import type { AppendBatchResult, EpochEndOffset, FetchBatchesResult, Isolation, OffsetSpec, PartitionEpochState, PartitionState } from "./partition-protocol.ts";

interface Waiter {
  /** The caller's id for cancelling, or 0. */
  fetchId: number;
  offset: number;
  maxBytes: number;
  isolation: Isolation;
  resolve(result: FetchBatchesResult): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Partition {
  readonly topic: string;
  readonly partition: number;
  #log: Log;
  /** Waiting fetches by an id of this partition's own. */
  #waiters = new Map<number, Waiter>();
  #nextWaiter = 1;
  #limits: Limits;
  #closed = false;
  /** Fault injection only (off unless asked for): acknowledge appends before writing them. */
  #ackBeforeWrite: AckBeforeWrite | null;

  /** Opens (and recovers) the partition's log in `dir`. */
  constructor(topic: string, partition: number, dir: string, config: TopicConfig, options: { clock: Clock; limits: Limits }) {
    this.topic = topic;
    this.partition = partition;
    this.#limits = options.limits;
    this.#log = Log.open(dir, config, { clock: options.clock, limits: options.limits });
    this.#ackBeforeWrite = AckBeforeWrite.forPartition(topic, { end: () => this.#log.logEndOffset, start: () => this.#log.logStartOffset });
  }

  /** Offsets and size. */
  state(): PartitionState {
    const log = this.#log;
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, sizeBytes: log.sizeBytes };
  }

  /**
   * Appends raw batches. The write happens now, in call order; the promise settles when the
   * topic's flush policy says the records are acknowledged. Waiting fetches are then woken.
   */
  append(batches: Uint8Array): Promise<AppendBatchResult> {
    this.#assertOpen();
    if (this.#ackBeforeWrite) return this.#ackBeforeWrite.defer(batches, () => this.#log.append(batches).then(this.#appended));
    return this.#log.append(batches).then(this.#appended);
  }

  /** Encodes a producer's block as one batch (CRC computed once, here) and appends it, as {@link append}. */
  appendRecords(block: RecordBlock, batch: BlockBatchOptions): Promise<AppendBatchResult> {
    this.#assertOpen();
    if (this.#ackBeforeWrite) return this.#ackBeforeWrite.defer(block.count, () => this.#log.appendRecords(block, batch).then(this.#appended));
    return this.#log.appendRecords(block, batch).then(this.#appended);
  }

  /**
   * Appends a commit or abort marker for a producer's transaction (see `Log.appendTxnMarker`);
   * settles per the flush policy, then wakes read_committed fetches the marker unblocked.
   */
  writeTxnMarker(marker: TxnMarkerInput): Promise<AppendBatchResult> {
    this.#assertOpen();
    const { producerId, producerEpoch, coordinatorEpoch, commit } = marker;
    return this.#log.appendTxnMarker({ producerId, producerEpoch, coordinatorEpoch, commit }).then(this.#appended);
  }

  /** Appends batches copied from the leader, byte for byte (see `Log.appendAsFollower`). */
  appendAsFollower(batches: Uint8Array): Promise<AppendBatchResult> {
    this.#assertOpen();
    return this.#log.appendAsFollower(batches).then(this.#appended);
  }

  /** Makes `leaderEpoch` the epoch stamped on what is appended from now on (see `Log.becomeLeader`). */
  becomeLeader(leaderEpoch: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.becomeLeader(leaderEpoch);
    return this.epochState();
  }

  /**
   * OffsetsForLeaderEpoch for this partition, after Kafka's check of the caller's view of the
   * current epoch (-1 = not given): an older one is fenced, a newer one not known yet.
   *
   * @throws {RivuletError} `fenced_leader_epoch`, `unknown_leader_epoch`
   */
  endOffsetForEpoch(leaderEpoch: number, currentLeaderEpoch: number): EpochEndOffset {
    this.#assertOpen();
    const ours = this.#log.leaderEpoch;
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < ours) {
      throw new RivuletError("fenced_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.topic}/${this.partition} is older than ${ours}`, { topic: this.topic, partition: this.partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
    if (currentLeaderEpoch > ours) {
      throw new RivuletError("unknown_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.topic}/${this.partition} is newer than ${ours}`, { topic: this.topic, partition: this.partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
    return this.#log.endOffsetForEpoch(leaderEpoch);
  }

  /**
   * Removes every record at or past `offset` (see `Log.truncateTo`). Waiting fetches past the
   * new end are answered now with what is there.
   */
  truncateTo(offset: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.truncateTo(offset);
    const end = this.#log.logEndOffset;
    for (const [key, waiter] of this.#waiters) if (waiter.offset > end) this.#settle(key, waiter);
    return this.epochState();
  }

  /** Removes every record and restarts the log at `offset` (see `Log.truncateFullyAndStartAt`); waiting fetches are answered now. */
  truncateFullyAndStartAt(offset: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.truncateFullyAndStartAt(offset);
    for (const [key, waiter] of this.#waiters) this.#settle(key, waiter);
    return this.epochState();
  }

  /** Offsets, the leader epoch and the epoch cache. */
  epochState(): PartitionEpochState {
    const log = this.#log;
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: log.highWatermark, leaderEpoch: log.leaderEpoch, epochs: log.epochEntries };
  }

  #appended = (result: AppendResult): AppendBatchResult => {
    this.#wake();
    return { baseOffset: result.baseOffset, lastOffset: result.lastOffset, logAppendTime: result.logAppendTime, logStartOffset: this.#log.logStartOffset };
  };

  /**
   * Reads whole batches from `offset` (`earliest`: the log start, `latest`: the high watermark,
   * or the last stable offset under read_committed), up to `maxBytes` (at least one batch if
   * there is one). With nothing at `offset` yet, waits up to `waitMs` for an acknowledged append
   * (read_committed: for the last stable offset to pass `offset`).
   */
  fetch(from: number | "earliest" | "latest", maxBytes: number, waitMs: number, fetchId = 0, isolation: Isolation = "read_uncommitted"): Promise<FetchBatchesResult> | FetchBatchesResult {
    this.#assertOpen();
    const offset = from === "earliest" ? this.#log.logStartOffset : from === "latest" ? this.#visibleEnd(isolation) : from;
    const bytes = Math.min(maxBytes, this.#limits.fetchBytesMax);
    const now = this.#read(offset, bytes, isolation);
    if (now.batches.byteLength > 0 || waitMs <= 0) return now;
    return new Promise((resolve, reject) => {
      const key = this.#nextWaiter++;
      const waiter: Waiter = {
        fetchId,
        offset,
        maxBytes: bytes,
        isolation,
        resolve,
        reject,
        timer: setTimeout(() => this.#settle(key, waiter), Math.min(waitMs, this.#limits.fetchWaitMsMax)),
      };
      this.#waiters.set(key, waiter);
    });
  }

  /** Ends the waiting fetch `fetchId` now, with whatever is there. */
  cancelFetch(fetchId: number): void {
    for (const [key, waiter] of this.#waiters) if (waiter.fetchId === fetchId) this.#settle(key, waiter);
  }

  /** Ends every waiting fetch now, with whatever is there. */
  releaseWaits(): void {
    for (const [key, waiter] of this.#waiters) this.#settle(key, waiter);
  }

  /** Earliest, latest, or the first offset at or after a timestamp (latest when none is). */
  listOffset(spec: OffsetSpec, isolation: Isolation = "read_uncommitted"): number {
    this.#assertOpen();
    const end = this.#visibleEnd(isolation);
    if (spec === "earliest") return this.#log.logStartOffset;
    if (spec === "latest") return end;
    const found = this.#log.offsetForTimestamp(spec.timestamp);
    return found === null ? end : Math.min(found, end);
  }

  /** Applies a new config (retention, flush, …) from now on. */
  configure(config: TopicConfig): void {
    this.#log.updateConfig(config);
  }

  /** Runs retention and, for compacted topics, compaction. */
  maintain(): void {
    if (this.#closed) return;
    this.#log.applyRetention();
    this.#log.compact();
  }

  /** Flushes and closes the log; waiting fetches get what is there. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.resolve({
        batches: new Uint8Array(0),
        offset: waiter.offset,
        highWatermark: this.#log.highWatermark,
        lastStableOffset: this.#log.lastStableOffset,
        logStartOffset: this.#log.logStartOffset,
        abortedTransactions: [],
      });
    }
    this.#waiters.clear();
    this.#log.close();
  }

  /** Closes the log and removes its directory. */
  delete(dir: string): void {
    this.close();
    Log.delete(dir);
  }

  #read(offset: number, maxBytes: number, isolation: Isolation): FetchBatchesResult {
    const r = this.#log.read(offset, maxBytes, isolation);
    return { batches: r.batches, offset, highWatermark: r.highWatermark, lastStableOffset: r.lastStableOffset, logStartOffset: r.logStartOffset, abortedTransactions: r.abortedTransactions };
  }

  /** Where a reader with `isolation` stops: the high watermark, or the last stable offset. */
  #visibleEnd(isolation: Isolation): number {
    return isolation === "read_committed" ? this.#log.lastStableOffset : this.#log.highWatermark;
  }

  #wake(): void {
    if (this.#waiters.size === 0) return;
    const hw = this.#log.highWatermark;
    const lso = this.#log.lastStableOffset;
    for (const [key, waiter] of this.#waiters) {
      if (waiter.offset < (waiter.isolation === "read_committed" ? lso : hw)) this.#settle(key, waiter);
    }
  }

  #settle(key: number, waiter: Waiter): void {
    if (this.#waiters.get(key) !== waiter) return;
    this.#waiters.delete(key);
    clearTimeout(waiter.timer);
    try {
      waiter.resolve(this.#read(waiter.offset, waiter.maxBytes, waiter.isolation));
    } catch (error) {
      waiter.reject(error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new RivuletError("partition_unavailable", `partition ${this.topic}/${this.partition} is closed`, { topic: this.topic, partition: this.partition });
  }
}
