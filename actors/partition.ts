/**
 * One partition's behaviour inside its partition actor: it alone owns the partition's log
 * directory, appends, serves fetches (waiting for new data without polling: {@link FetchWaiters}),
 * finds offsets and runs retention and compaction. Readers never see past the high watermark;
 * read_committed readers never past the last stable offset. Transaction markers are appended
 * here ({@link Partition.writeTxnMarker}).
 *
 * Replicated, it leads or follows ({@link ReplicationRole}): a leader keeps its followers'
 * progress, takes the ISR's high watermark, holds acks=all writes until it passes them and finds
 * the ISR changes to ask the controller for; a follower refuses writes and consumer reads
 * (`not_leader`) and takes its leader's high watermark.
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
import { FetchWaiters } from "./fetch-waiters.ts";
import { ReplicationRole, type ReplicaFetch } from "./replication-role.ts";
import type { Acks, AppendBatchResult, EpochEndOffset, FetchBatchesResult, Isolation, IsrChange, LeaderReplication, OffsetSpec, PartitionEpochState, PartitionState, ReplicaStatus } from "./partition-protocol.ts";

export type { ReplicaFetch } from "./replication-role.ts";

export class Partition {
  readonly topic: string;
  readonly partition: number;
  #log: Log;
  #fetches: FetchWaiters;
  #replication: ReplicationRole;
  #limits: Limits;
  #closed = false;
  /** Fault injection only (off unless asked for): acknowledge appends before writing them. */
  #ackBeforeWrite: AckBeforeWrite | null;

  /**
   * Opens (and recovers) the partition's log in `dir`.
   *
   * @param options `awaitRole`: the partition is a replica in a cluster. Until told to lead or
   *   follow it takes no write and serves no consumer (`not_leader`, retriable): alone, it would
   *   acknowledge writes by its own log — a worker restarted under a leader forgot it leads, and
   *   records it acknowledged then were on no other replica (lost if the next leader truncates
   *   them) — and serve records the ISR may not hold.
   */
  constructor(topic: string, partition: number, dir: string, config: TopicConfig, options: { clock: Clock; limits: Limits; awaitRole?: boolean }) {
    this.topic = topic;
    this.partition = partition;
    this.#limits = options.limits;
    this.#log = Log.open(dir, config, { clock: options.clock, limits: options.limits });
    this.#fetches = new FetchWaiters((offset, maxBytes, follower, isolation) => this.#read(offset, maxBytes, follower, isolation));
    this.#replication = new ReplicationRole(topic, partition, this.#log, { clock: options.clock, limits: options.limits, awaitRole: options.awaitRole ?? false, wake: () => this.#wake() });
    this.#ackBeforeWrite = AckBeforeWrite.forPartition(topic, { end: () => this.#log.logEndOffset, start: () => this.#log.logStartOffset });
  }

  /**
   * What readers may see: the log's own high watermark alone; the ISR's when leading; the
   * leader's (capped at this log's) when following.
   */
  get highWatermark(): number {
    return this.#replication.highWatermark;
  }

  /** Offsets and size. */
  state(): PartitionState {
    const log = this.#log;
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: this.highWatermark, lastStableOffset: this.lastStableOffset, sizeBytes: log.sizeBytes };
  }

  /**
   * Appends raw batches. The write happens now, in call order; the promise settles when the
   * topic's flush policy says the records are acknowledged. Waiting fetches are then woken.
   */
  append(batches: Uint8Array, acks: Acks = "all"): Promise<AppendBatchResult> {
    this.#assertOpen();
    try {
      this.#replication.checkWritable(acks);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#ackBeforeWrite) {
      // fault injection: answered now, written later, never waited on (acks=all included)
      return this.#ackBeforeWrite.defer(batches, () => {
        const written = this.#log.append(batches);
        this.#wakeFollowers();
        return written.then(this.#appended);
      });
    }
    const role = this.#replication.role;
    const written = this.#log.append(batches);
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#replication.acknowledged(r, acks, role));
  }

  /** Encodes a producer's block as one batch (CRC computed once, here) and appends it, as {@link append}. */
  appendRecords(block: RecordBlock, batch: BlockBatchOptions, acks: Acks = "all"): Promise<AppendBatchResult> {
    this.#assertOpen();
    try {
      this.#replication.checkWritable(acks);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#ackBeforeWrite) {
      // fault injection: answered now, written later, never waited on (acks=all included)
      return this.#ackBeforeWrite.defer(block.count, () => {
        const written = this.#log.appendRecords(block, batch);
        this.#wakeFollowers();
        return written.then(this.#appended);
      });
    }
    const role = this.#replication.role;
    const written = this.#log.appendRecords(block, batch);
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#replication.acknowledged(r, acks, role));
  }

  /**
   * Appends a commit or abort marker for a producer's transaction (see `Log.appendTxnMarker`);
   * settles per the flush policy and, on a replicated leader, once the high watermark passes it
   * (the coordinator's markers are acks=all, as Kafka writes them), then wakes read_committed
   * fetches the marker unblocked.
   */
  writeTxnMarker(marker: TxnMarkerInput): Promise<AppendBatchResult> {
    this.#assertOpen();
    try {
      this.#replication.checkWritable("all");
    } catch (error) {
      return Promise.reject(error);
    }
    const { producerId, producerEpoch, coordinatorEpoch, commit } = marker;
    const role = this.#replication.role;
    const written = this.#log.appendTxnMarker({ producerId, producerEpoch, coordinatorEpoch, commit });
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#replication.acknowledged(r, "all", role));
  }

  /**
   * Appends batches copied from the leader, byte for byte (see `Log.appendAsFollower`); a
   * follower then takes `highWatermark`, the leader's, capped at its own log end. `leaderEpoch`
   * is the epoch the caller follows: a lone partition (its worker restarted) follows it again,
   * an older one than the partition's is fenced.
   */
  appendAsFollower(batches: Uint8Array, highWatermark?: number, leaderEpoch?: number): Promise<AppendBatchResult> {
    this.#assertOpen();
    try {
      // a restarted worker forgot its role: the fetcher's epoch restores it
      if (this.#replication.checkFollowerAppend(leaderEpoch)) this.becomeFollower(leaderEpoch!);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#log.appendAsFollower(batches).then((result) => {
      if (highWatermark !== undefined) this.followerHighWatermark(highWatermark);
      return this.#appended(result);
    });
  }

  /**
   * Makes `leaderEpoch` the epoch stamped on what is appended from now on (see
   * `Log.becomeLeader`). With `replication`, leads followers (see `ReplicaSet`): at a new
   * epoch their progress starts unknown and the high watermark stays where this replica knew it
   * (never ahead of what the ISR holds); at the same epoch, the new replicas and ISR are taken.
   */
  becomeLeader(leaderEpoch: number, replication?: LeaderReplication): PartitionEpochState {
    this.#assertOpen();
    this.#replication.becomeLeader(leaderEpoch, replication);
    return this.epochState();
  }

  /**
   * Follows the leader of `leaderEpoch`: produce and consumer fetches get `not_leader`, acks=all
   * writes still waiting fail with it, and the high watermark is the leader's from now on.
   * Waiting fetches are answered now.
   *
   * @throws {RivuletError} `fenced_leader_epoch` when `leaderEpoch` is older than one this replica has seen
   */
  becomeFollower(leaderEpoch: number): PartitionEpochState {
    this.#assertOpen();
    this.#replication.becomeFollower(leaderEpoch);
    this.releaseWaits();
    return this.epochState();
  }

  /** Back to a lone partition (no leader, no followers): waiting writes fail with `not_leader`. */
  stopReplication(): void {
    this.#replication.stopReplication();
  }

  /** A follower takes its leader's high watermark, capped at its own log end. */
  followerHighWatermark(highWatermark: number): PartitionEpochState {
    this.#assertOpen();
    this.#replication.followerHighWatermark(highWatermark);
    return this.epochState();
  }

  /**
   * A leader's next ISR change to ask for (see the `isrWatch` message): now if there is one,
   * else when a follower's fetch makes one or the lag check at `waitMs` finds one; null when
   * leadership ends, when replaced by a newer watch, or when nothing changed by then.
   *
   * @throws {RivuletError} `not_leader` when not leading (a restarted worker forgot its role)
   */
  isrWatch(waitMs: number): Promise<IsrChange | null> | IsrChange | null {
    this.#assertOpen();
    return this.#replication.isrWatch(waitMs);
  }

  /** The controller decided the in-flight ISR change (`isr` in force, or null: unchanged). */
  isrSettled(leaderEpoch: number, isr: number[] | null): void {
    this.#replication.isrSettled(leaderEpoch, isr);
  }

  /** Role, ISR and follower lags, for metrics. */
  replicaState(): ReplicaStatus {
    return this.#replication.replicaState();
  }

  /**
   * OffsetsForLeaderEpoch for this partition, after Kafka's check of the caller's view of the
   * current epoch (-1 = not given): an older one is fenced, a newer one not known yet.
   *
   * @throws {RivuletError} `fenced_leader_epoch`, `unknown_leader_epoch`
   */
  endOffsetForEpoch(leaderEpoch: number, currentLeaderEpoch: number): EpochEndOffset {
    this.#assertOpen();
    this.#replication.checkEpoch(currentLeaderEpoch);
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
    this.#replication.truncated(end);
    this.#fetches.settlePast(end);
    return this.epochState();
  }

  /** Removes every record and restarts the log at `offset` (see `Log.truncateFullyAndStartAt`); waiting fetches are answered now. */
  truncateFullyAndStartAt(offset: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.truncateFullyAndStartAt(offset);
    this.#replication.restarted(this.#log.logEndOffset);
    this.#fetches.settleAll();
    return this.epochState();
  }

  /** Offsets, the leader epoch and the epoch cache. */
  epochState(): PartitionEpochState {
    const log = this.#log;
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: this.highWatermark, leaderEpoch: this.#replication.epoch, epochs: log.epochEntries };
  }

  #appended = (result: AppendResult): AppendBatchResult => {
    this.#replication.appended();
    this.#wake();
    return { baseOffset: result.baseOffset, lastOffset: result.lastOffset, logAppendTime: result.logAppendTime, logStartOffset: this.#log.logStartOffset };
  };

  /**
   * Reads whole batches from `offset` (`earliest`: the log start, `latest`: the high watermark,
   * or the last stable offset under read_committed), up to `maxBytes` (at least one batch if
   * there is one). With nothing at `offset` yet, waits up to `waitMs` for an acknowledged append
   * (read_committed: for the last stable offset to pass `offset`).
   */
  fetch(from: number | "earliest" | "latest", maxBytes: number, waitMs: number, fetchId = 0, replica?: ReplicaFetch, isolation: Isolation = "read_uncommitted"): Promise<FetchBatchesResult> | FetchBatchesResult {
    this.#assertOpen();
    const replication = this.#replication;
    const follower = replica !== undefined && replica.replicaId >= 0;
    if (replication.role.kind !== "none") replication.checkEpoch(replica?.currentLeaderEpoch ?? -1);
    if (follower || replication.role.kind !== "leader") replication.checkReader(replica);
    // A follower copies everything, markers and open transactions included.
    if (follower) isolation = "read_uncommitted";
    const offset = from === "earliest" ? this.#log.logStartOffset : from === "latest" ? this.#visibleEnd(isolation) : from;
    if (follower) replication.followerFetched(replica.replicaId, offset);
    const bytes = Math.min(maxBytes, this.#limits.fetchBytesMax);
    const now = this.#read(offset, bytes, follower, isolation);
    if (now.batches.byteLength > 0 || waitMs <= 0) return now;
    return this.#fetches.wait(fetchId, offset, bytes, isolation, follower, Math.min(waitMs, this.#limits.fetchWaitMsMax));
  }

  /** Ends the waiting fetch `fetchId` now, with whatever is there. */
  cancelFetch(fetchId: number): void {
    this.#fetches.cancel(fetchId);
  }

  /** Ends every waiting fetch now, with whatever is there, and an ISR watch (the broker is closing). */
  releaseWaits(): void {
    this.#fetches.settleAll();
    this.#replication.endIsrWatch();
  }

  /** Earliest, latest, or the first offset at or after a timestamp (latest when none is). */
  listOffset(spec: OffsetSpec, isolation: Isolation = "read_uncommitted"): number {
    this.#assertOpen();
    if (this.#replication.role.kind === "follower") this.#replication.checkReader(undefined);
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
    this.#replication.close();
    this.#fetches.closeAll({ highWatermark: this.highWatermark, lastStableOffset: this.lastStableOffset, logStartOffset: this.#log.logStartOffset });
    this.#log.close();
  }

  /** Closes the log and removes its directory. */
  delete(dir: string): void {
    this.close();
    Log.delete(dir);
  }

  /**
   * Reads up to the high watermark (read_committed: the last stable offset), or for a follower up
   * to the log end (what this log holds durably).
   */
  #read(offset: number, maxBytes: number, follower: boolean, isolation: Isolation): FetchBatchesResult {
    const hw = this.highWatermark;
    const r = this.#log.read(offset, maxBytes, { isolation, upTo: follower ? this.#log.logEndOffset : hw });
    return { batches: r.batches, offset, highWatermark: hw, lastStableOffset: Math.min(r.lastStableOffset, hw), logStartOffset: r.logStartOffset, abortedTransactions: r.abortedTransactions };
  }

  /**
   * The last stable offset readers see: the log's (its open and undecided transactions, its own
   * high watermark) capped at this partition's high watermark. On a replicated leader a decided
   * transaction whose marker is not yet below the ISR's high watermark may so show its records
   * before its marker is replicated; the decision is durable in the coordinator's log, which
   * rewrites the marker on any new leader, so a reader never sees an outcome that changes later.
   */
  get lastStableOffset(): number {
    return Math.min(this.#log.lastStableOffset, this.highWatermark);
  }

  /** Where a reader with `isolation` stops: the high watermark, or the last stable offset. */
  #visibleEnd(isolation: Isolation): number {
    return isolation === "read_committed" ? this.lastStableOffset : this.highWatermark;
  }

  /** Answers the waiting fetches the high watermark, the last stable offset or the log end now passes. */
  #wake(): void {
    if (this.#fetches.size === 0) return;
    this.#fetches.wake(this.highWatermark, this.lastStableOffset, this.#log.logEndOffset);
  }

  /** A leader's followers read what is written before it is durable: woken at the write, not the fsync. */
  #wakeFollowers(): void {
    if (this.#replication.role.kind !== "leader" || this.#fetches.size === 0) return;
    this.#fetches.wakeFollowers(this.#log.logEndOffset);
  }

  #assertOpen(): void {
    if (this.#closed) throw new RivuletError("partition_unavailable", `partition ${this.topic}/${this.partition} is closed`, { topic: this.topic, partition: this.partition });
  }
}
