/**
 * One partition's behaviour inside its partition actor: it alone owns the partition's log
 * directory, appends, serves fetches (waiting for new data without polling), finds offsets and
 * runs retention and compaction. Readers never see past the high watermark; read_committed
 * readers never past the last stable offset. Transaction markers are appended here
 * ({@link Partition.writeTxnMarker}).
 *
 * Replicated, it leads or follows (see {@link Role}): a leader keeps its followers' progress
 * ({@link ReplicaSet}), takes the ISR's high watermark, holds acks=all writes until it passes
 * them ({@link AcksWaiters}) and finds the ISR changes to ask the controller for; a follower
 * refuses writes and consumer reads (`not_leader`) and takes its leader's high watermark.
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
import { AcksWaiters } from "./acks-waiters.ts";
import { ReplicaSet } from "./replica-set.ts";
import type { Acks, AppendBatchResult, EpochEndOffset, FetchBatchesResult, Isolation, IsrChange, LeaderReplication, OffsetSpec, PartitionEpochState, PartitionState, ReplicaStatus } from "./partition-protocol.ts";

/**
 * A partition's part in replication: alone (single-broker mode: its high watermark is its log's),
 * leading followers (the ISR's high watermark), or following a leader (its leader's high
 * watermark, capped at its own log end).
 */
type Role =
  | { kind: "none" }
  | { kind: "leader"; replicas: ReplicaSet }
  | { kind: "follower"; leaderEpoch: number };

/** A follower's fetch: who asks, and the epoch it believes current. */
export interface ReplicaFetch {
  replicaId: number;
  currentLeaderEpoch: number;
}

/** The pending `isrWatch` of a leader. */
interface IsrWatcher {
  resolve(change: IsrChange | null): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  /** The caller's id for cancelling, or 0. */
  fetchId: number;
  offset: number;
  maxBytes: number;
  isolation: Isolation;
  /** A follower's fetch: reads up to the log end, not the high watermark. */
  follower: boolean;
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
  #clock: Clock;
  #closed = false;
  #role: Role = { kind: "none" };
  /** The high watermark while leading or following (unused alone); never past the log's own. */
  #hw = 0;
  #acks = new AcksWaiters<AppendBatchResult>();
  #isrWatcher: IsrWatcher | null = null;
  /** Fault injection only (off unless asked for): acknowledge appends before writing them. */
  #ackBeforeWrite: AckBeforeWrite | null;
  /** In a cluster: with no role yet, refuse writes and consumer reads (see the constructor). */
  readonly #awaitRole: boolean;

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
    this.#clock = options.clock;
    this.#awaitRole = options.awaitRole ?? false;
    this.#log = Log.open(dir, config, { clock: options.clock, limits: options.limits });
    this.#ackBeforeWrite = AckBeforeWrite.forPartition(topic, { end: () => this.#log.logEndOffset, start: () => this.#log.logStartOffset });
  }

  /**
   * What readers may see: the log's own high watermark alone; the ISR's when leading; the
   * leader's (capped at this log's) when following.
   */
  get highWatermark(): number {
    return this.#role.kind === "none" ? this.#log.highWatermark : Math.min(this.#hw, this.#log.highWatermark);
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
      this.#checkWritable(acks);
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
    const role = this.#role;
    const written = this.#log.append(batches);
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#acknowledged(r, acks, role));
  }

  /** Encodes a producer's block as one batch (CRC computed once, here) and appends it, as {@link append}. */
  appendRecords(block: RecordBlock, batch: BlockBatchOptions, acks: Acks = "all"): Promise<AppendBatchResult> {
    this.#assertOpen();
    try {
      this.#checkWritable(acks);
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
    const role = this.#role;
    const written = this.#log.appendRecords(block, batch);
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#acknowledged(r, acks, role));
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
      this.#checkWritable("all");
    } catch (error) {
      return Promise.reject(error);
    }
    const { producerId, producerEpoch, coordinatorEpoch, commit } = marker;
    const role = this.#role;
    const written = this.#log.appendTxnMarker({ producerId, producerEpoch, coordinatorEpoch, commit });
    this.#wakeFollowers();
    return written.then(this.#appended).then((r) => this.#acknowledged(r, "all", role));
  }

  /**
   * Appends batches copied from the leader, byte for byte (see `Log.appendAsFollower`); a
   * follower then takes `highWatermark`, the leader's, capped at its own log end. `leaderEpoch`
   * is the epoch the caller follows: a lone partition (its worker restarted) follows it again,
   * an older one than the partition's is fenced.
   */
  appendAsFollower(batches: Uint8Array, highWatermark?: number, leaderEpoch?: number): Promise<AppendBatchResult> {
    this.#assertOpen();
    if (this.#role.kind === "leader") return Promise.reject(this.#notFollower());
    if (leaderEpoch !== undefined) {
      try {
        // a restarted worker forgot its role: the fetcher's epoch restores it
        if (this.#role.kind === "none") this.becomeFollower(leaderEpoch);
        else if (this.#role.leaderEpoch > leaderEpoch) this.#checkEpoch(leaderEpoch);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#log.appendAsFollower(batches).then((result) => {
      if (highWatermark !== undefined) this.followerHighWatermark(highWatermark);
      return this.#appended(result);
    });
  }

  /**
   * Makes `leaderEpoch` the epoch stamped on what is appended from now on (see
   * `Log.becomeLeader`). With `replication`, leads followers (see {@link ReplicaSet}): at a new
   * epoch their progress starts unknown and the high watermark stays where this replica knew it
   * (never ahead of what the ISR holds); at the same epoch, the new replicas and ISR are taken.
   */
  becomeLeader(leaderEpoch: number, replication?: LeaderReplication): PartitionEpochState {
    this.#assertOpen();
    const role = this.#role;
    const now = this.#clock.now();
    if (replication && role.kind === "leader" && role.replicas.leaderEpoch === leaderEpoch) {
      role.replicas.update({ leaderEpoch, replicas: replication.replicas, isr: replication.isr }, now);
      this.#advanceHighWatermark();
      return this.epochState();
    }
    const startHw = role.kind === "none" ? this.#log.logStartOffset : this.highWatermark;
    this.#log.becomeLeader(leaderEpoch);
    if (!replication) {
      if (role.kind !== "none") this.stopReplication();
      return this.epochState();
    }
    const assignment = { leaderEpoch, replicas: replication.replicas, isr: replication.isr };
    this.#role = { kind: "leader", replicas: new ReplicaSet(replication.brokerId, assignment, this.#log.logEndOffset, now) };
    this.#hw = startHw;
    this.#advanceHighWatermark();
    return this.epochState();
  }

  /**
   * Follows the leader of `leaderEpoch`: produce and consumer fetches get `not_leader`, acks=all
   * writes still waiting fail with it, and the high watermark is the leader's from now on.
   *
   * @throws {RivuletError} `fenced_leader_epoch` when `leaderEpoch` is older than one this replica has seen
   */
  becomeFollower(leaderEpoch: number): PartitionEpochState {
    this.#assertOpen();
    const known = Math.max(this.#epoch(), this.#log.epochEntries.at(-1)?.epoch ?? 0);
    if (leaderEpoch < known) throw new RivuletError("fenced_leader_epoch", `leader epoch ${leaderEpoch} of ${this.topic}/${this.partition} is older than ${known}`, { topic: this.topic, partition: this.partition, epoch: leaderEpoch, currentEpoch: known });
    // Alone, the log's high watermark is its end: nothing says the ISR holds that much. A
    // replica that had no role yet (opened from disk, or its worker restarted) starts at its
    // log start and takes its leader's high watermark from the next fetch; were it elected
    // before that, its log end would not count as committed (Kafka starts from the checkpoint).
    const hw = this.#role.kind === "none" ? this.#log.logStartOffset : this.highWatermark;
    this.#endLeadership();
    this.#role = { kind: "follower", leaderEpoch };
    this.#hw = hw;
    this.releaseWaits();
    return this.epochState();
  }

  /** Back to a lone partition (no leader, no followers): waiting writes fail with `not_leader`. */
  stopReplication(): void {
    this.#endLeadership();
    this.#role = { kind: "none" };
  }

  /** A follower takes its leader's high watermark, capped at its own log end. */
  followerHighWatermark(highWatermark: number): PartitionEpochState {
    this.#assertOpen();
    if (this.#role.kind === "follower") {
      const before = this.highWatermark;
      this.#hw = Math.max(0, Math.min(highWatermark, this.#log.logEndOffset));
      if (this.highWatermark > before) this.#wake();
    }
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
    if (this.#role.kind !== "leader") throw new RivuletError("not_leader", `this broker does not lead ${this.topic}/${this.partition}`, { topic: this.topic, partition: this.partition });
    const now = this.#proposeIsr();
    if (now) return now;
    this.#isrWatcher?.resolve(null);
    return new Promise((resolve) => {
      const watcher: IsrWatcher = {
        resolve: (change) => {
          if (this.#isrWatcher !== watcher) return;
          this.#isrWatcher = null;
          clearTimeout(watcher.timer);
          resolve(change);
        },
        timer: setTimeout(() => watcher.resolve(this.#closed ? null : this.#proposeIsr()), waitMs),
      };
      this.#isrWatcher = watcher;
    });
  }

  /** The controller decided the in-flight ISR change (`isr` in force, or null: unchanged). */
  isrSettled(leaderEpoch: number, isr: number[] | null): void {
    const role = this.#role;
    if (role.kind !== "leader" || role.replicas.leaderEpoch !== leaderEpoch) return;
    role.replicas.settle(isr);
    this.#advanceHighWatermark();
    // settling may make another change due (a follower caught up meanwhile)
    if (this.#isrWatcher) {
      const next = this.#proposeIsr();
      if (next) this.#isrWatcher.resolve(next);
    }
  }

  /** Role, ISR and follower lags, for metrics. */
  replicaState(): ReplicaStatus {
    const role = this.#role;
    const base = { leaderEpoch: this.#epoch(), logEndOffset: this.#log.logEndOffset, highWatermark: this.highWatermark };
    if (role.kind !== "leader") return { role: role.kind, ...base, replicas: [], isr: [], followers: [] };
    const replicas = role.replicas;
    return { role: "leader", ...base, replicas: [...replicas.replicas], isr: [...replicas.isr], followers: replicas.lags(this.#log.highWatermark, this.#clock.now()) };
  }

  /**
   * OffsetsForLeaderEpoch for this partition, after Kafka's check of the caller's view of the
   * current epoch (-1 = not given): an older one is fenced, a newer one not known yet.
   *
   * @throws {RivuletError} `fenced_leader_epoch`, `unknown_leader_epoch`
   */
  endOffsetForEpoch(leaderEpoch: number, currentLeaderEpoch: number): EpochEndOffset {
    this.#assertOpen();
    this.#checkEpoch(currentLeaderEpoch);
    return this.#log.endOffsetForEpoch(leaderEpoch);
  }

  /** Kafka's check of a caller's view of the current leader epoch (-1 = not given). */
  #checkEpoch(currentLeaderEpoch: number): void {
    const ours = this.#epoch();
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < ours) {
      throw new RivuletError("fenced_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.topic}/${this.partition} is older than ${ours}`, { topic: this.topic, partition: this.partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
    if (currentLeaderEpoch > ours) {
      throw new RivuletError("unknown_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.topic}/${this.partition} is newer than ${ours}`, { topic: this.topic, partition: this.partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
  }

  /** The current leader epoch as this replica knows it. */
  #epoch(): number {
    return this.#role.kind === "follower" ? this.#role.leaderEpoch : this.#log.leaderEpoch;
  }

  /**
   * Removes every record at or past `offset` (see `Log.truncateTo`). Waiting fetches past the
   * new end are answered now with what is there.
   */
  truncateTo(offset: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.truncateTo(offset);
    const end = this.#log.logEndOffset;
    this.#hw = Math.min(this.#hw, end);
    for (const [key, waiter] of this.#waiters) if (waiter.offset > end) this.#settle(key, waiter);
    return this.epochState();
  }

  /** Removes every record and restarts the log at `offset` (see `Log.truncateFullyAndStartAt`); waiting fetches are answered now. */
  truncateFullyAndStartAt(offset: number): PartitionEpochState {
    this.#assertOpen();
    this.#log.truncateFullyAndStartAt(offset);
    this.#hw = this.#log.logEndOffset;
    for (const [key, waiter] of this.#waiters) this.#settle(key, waiter);
    return this.epochState();
  }

  /** Offsets, the leader epoch and the epoch cache. */
  epochState(): PartitionEpochState {
    const log = this.#log;
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: this.highWatermark, leaderEpoch: this.#epoch(), epochs: log.epochEntries };
  }

  #appended = (result: AppendResult): AppendBatchResult => {
    if (this.#role.kind === "leader") this.#advanceHighWatermark();
    this.#wake();
    return { baseOffset: result.baseOffset, lastOffset: result.lastOffset, logAppendTime: result.logAppendTime, logStartOffset: this.#log.logStartOffset };
  };

  /** Refuses a write this replica may not take: a follower's (`not_leader`), or acks=all below `min.insync.replicas`. */
  #checkWritable(acks: Acks): void {
    const role = this.#role;
    if (role.kind === "follower") throw new RivuletError("not_leader", `this broker follows ${this.topic}/${this.partition}; write to its leader`, { topic: this.topic, partition: this.partition });
    if (role.kind === "none" && this.#awaitRole) throw this.#noRoleYet();
    if (role.kind === "leader" && acks === "all") {
      const problem = this.#enoughReplicas("not_enough_replicas");
      if (problem) throw problem;
    }
  }

  /** `code` when the ISR in force is smaller than `min.insync.replicas` (capped at the replication factor), else null. */
  #enoughReplicas(code: "not_enough_replicas" | "not_enough_replicas_after_append"): RivuletError | null {
    const role = this.#role;
    if (role.kind !== "leader") return null;
    const needed = Math.min(this.#log.config["min.insync.replicas"], role.replicas.replicas.length);
    const have = role.replicas.isr.length;
    if (have >= needed) return null;
    return new RivuletError(code, `${this.topic}/${this.partition} has ${have} in-sync replicas, fewer than min.insync.replicas ${needed}`, { topic: this.topic, partition: this.partition, isr: have, minInsyncReplicas: needed });
  }

  /**
   * On a replicated leader, an acks=all write settles once the high watermark passes it. `role`
   * is the role the write was taken in: a write a leader took and whose leadership ended before
   * the write was done (the broker fenced, or told to follow, while the bytes were being made
   * durable) fails with `not_leader` — the ISR may never get it, and the next leader's
   * truncation may remove it — instead of settling as if this replica were alone.
   */
  #acknowledged(result: AppendBatchResult, acks: Acks, role: Role): AppendBatchResult | Promise<AppendBatchResult> {
    if (acks !== "all" || role.kind !== "leader") return result;
    if (this.#role !== role) throw this.#notLeader();
    if (result.lastOffset < this.highWatermark) {
      const problem = this.#enoughReplicas("not_enough_replicas_after_append");
      if (problem) throw problem;
      return result;
    }
    return this.#acks.wait(result.lastOffset, result, this.#limits.askTimeoutMs);
  }

  /** A leader's high watermark: the ISR's (never backwards); advancing it wakes readers and acks=all writes. */
  #advanceHighWatermark(): void {
    const role = this.#role;
    if (role.kind !== "leader") return;
    const candidate = role.replicas.highWatermark(this.#log.highWatermark);
    if (candidate <= this.#hw) return;
    this.#hw = candidate;
    this.#wake();
    this.#acks.advance(this.highWatermark, () => this.#enoughReplicas("not_enough_replicas_after_append"));
  }

  /** The ISR change due now, marked in flight; null if none (or one is in flight already). */
  #proposeIsr(): IsrChange | null {
    const role = this.#role;
    if (role.kind !== "leader") return null;
    const replicas = role.replicas;
    const isr = replicas.proposal(this.#log.highWatermark, this.highWatermark, this.#log.config["replica.lag.time.max.ms"], this.#clock.now());
    if (!isr) return null;
    replicas.propose(isr);
    return { leaderEpoch: replicas.leaderEpoch, isr };
  }

  /** Leaves the leader role: waiting acks=all writes fail with `not_leader`, an ISR watch ends. */
  #endLeadership(): void {
    if (this.#role.kind !== "leader") return;
    this.#acks.failAll(this.#notLeader());
    this.#isrWatcher?.resolve(null);
  }

  #notLeader(): RivuletError {
    return new RivuletError("not_leader", `this broker no longer leads ${this.topic}/${this.partition}`, { topic: this.topic, partition: this.partition });
  }

  #notFollower(): RivuletError {
    return new RivuletError("not_leader", `this broker leads ${this.topic}/${this.partition}; it does not follow it`, { topic: this.topic, partition: this.partition });
  }

  /**
   * Reads whole batches from `offset` (`earliest`: the log start, `latest`: the high watermark,
   * or the last stable offset under read_committed), up to `maxBytes` (at least one batch if
   * there is one). With nothing at `offset` yet, waits up to `waitMs` for an acknowledged append
   * (read_committed: for the last stable offset to pass `offset`).
   */
  fetch(from: number | "earliest" | "latest", maxBytes: number, waitMs: number, fetchId = 0, replica?: ReplicaFetch, isolation: Isolation = "read_uncommitted"): Promise<FetchBatchesResult> | FetchBatchesResult {
    this.#assertOpen();
    const follower = replica !== undefined && replica.replicaId >= 0;
    if (this.#role.kind !== "none") this.#checkEpoch(replica?.currentLeaderEpoch ?? -1);
    if (follower || this.#role.kind !== "leader") this.#checkReader(replica);
    // A follower copies everything, markers and open transactions included.
    if (follower) isolation = "read_uncommitted";
    const offset = from === "earliest" ? this.#log.logStartOffset : from === "latest" ? this.#visibleEnd(isolation) : from;
    if (follower) this.#followerFetched(replica.replicaId, offset);
    const bytes = Math.min(maxBytes, this.#limits.fetchBytesMax);
    const now = this.#read(offset, bytes, follower, isolation);
    if (now.batches.byteLength > 0 || waitMs <= 0) return now;
    return new Promise((resolve, reject) => {
      const key = this.#nextWaiter++;
      const waiter: Waiter = {
        fetchId,
        offset,
        maxBytes: bytes,
        isolation,
        follower,
        resolve,
        reject,
        timer: setTimeout(() => this.#settle(key, waiter), Math.min(waitMs, this.#limits.fetchWaitMsMax)),
      };
      this.#waiters.set(key, waiter);
    });
  }

  /** A follower's fetch needs a leader that counts it among the replicas; a consumer's fetch needs a leader. */
  #checkReader(replica: ReplicaFetch | undefined): void {
    const role = this.#role;
    if (replica !== undefined && replica.replicaId >= 0) {
      if (role.kind === "leader" && role.replicas.isFollower(replica.replicaId)) return;
      if (role.kind === "leader") throw new RivuletError("not_leader", `broker ${replica.replicaId} is not a follower of ${this.topic}/${this.partition}`, { topic: this.topic, partition: this.partition });
      throw new RivuletError("not_leader", `this broker does not lead ${this.topic}/${this.partition}`, { topic: this.topic, partition: this.partition });
    }
    if (role.kind === "follower") throw new RivuletError("not_leader", `this broker follows ${this.topic}/${this.partition}; read from its leader`, { topic: this.topic, partition: this.partition });
    if (role.kind === "none" && this.#awaitRole) throw this.#noRoleYet();
  }

  #noRoleYet(): RivuletError {
    return new RivuletError("not_leader", `this broker has not been told its role for ${this.topic}/${this.partition} yet; ask the partition's leader`, { topic: this.topic, partition: this.partition });
  }

  /** Kafka's `updateFollowerFetchState`: the follower's progress, then the high watermark and an ISR expansion it may allow. */
  #followerFetched(replicaId: number, fetchOffset: number): void {
    const role = this.#role;
    if (role.kind !== "leader") return;
    role.replicas.followerFetched(replicaId, fetchOffset, this.#log.highWatermark, this.#clock.now());
    this.#advanceHighWatermark();
    if (this.#isrWatcher) {
      const change = this.#proposeIsr();
      if (change) this.#isrWatcher.resolve(change);
    }
  }

  /** Ends the waiting fetch `fetchId` now, with whatever is there. */
  cancelFetch(fetchId: number): void {
    for (const [key, waiter] of this.#waiters) if (waiter.fetchId === fetchId) this.#settle(key, waiter);
  }

  /** Ends every waiting fetch now, with whatever is there, and an ISR watch (the broker is closing). */
  releaseWaits(): void {
    for (const [key, waiter] of this.#waiters) this.#settle(key, waiter);
    this.#isrWatcher?.resolve(null);
  }

  /** Earliest, latest, or the first offset at or after a timestamp (latest when none is). */
  listOffset(spec: OffsetSpec, isolation: Isolation = "read_uncommitted"): number {
    this.#assertOpen();
    if (this.#role.kind === "follower") this.#checkReader(undefined);
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
    this.#acks.failAll(new RivuletError("closed", `partition ${this.topic}/${this.partition} was closed`, { topic: this.topic, partition: this.partition }));
    this.#isrWatcher?.resolve(null);
    for (const waiter of this.#waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.resolve({
        batches: new Uint8Array(0),
        offset: waiter.offset,
        highWatermark: this.highWatermark,
        lastStableOffset: this.lastStableOffset,
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

  #wake(): void {
    if (this.#waiters.size === 0) return;
    const hw = this.highWatermark;
    const lso = this.lastStableOffset;
    const end = this.#log.logEndOffset;
    for (const [key, waiter] of this.#waiters) {
      if (waiter.offset < (waiter.follower ? end : waiter.isolation === "read_committed" ? lso : hw)) this.#settle(key, waiter);
    }
  }

  /** A leader's followers read what is written before it is durable: woken at the write, not the fsync. */
  #wakeFollowers(): void {
    if (this.#role.kind !== "leader" || this.#waiters.size === 0) return;
    const end = this.#log.logEndOffset;
    for (const [key, waiter] of this.#waiters) if (waiter.follower && waiter.offset < end) this.#settle(key, waiter);
  }

  #settle(key: number, waiter: Waiter): void {
    if (this.#waiters.get(key) !== waiter) return;
    this.#waiters.delete(key);
    clearTimeout(waiter.timer);
    try {
      waiter.resolve(this.#read(waiter.offset, waiter.maxBytes, waiter.follower, waiter.isolation));
    } catch (error) {
      waiter.reject(error);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new RivuletError("partition_unavailable", `partition ${this.topic}/${this.partition} is closed`, { topic: this.topic, partition: this.partition });
  }
}
