/**
 * A partition's part in replication and the high watermark it lets readers see: alone
 * (single-broker mode: its log's), leading followers (the ISR's: a {@link ReplicaSet} keeps
 * their progress, acks=all writes wait in {@link AcksWaiters} until it passes them, and the ISR
 * changes to ask the controller for are found here and handed to an {@link IsrWatch}), or
 * following a leader (the leader's, capped at its own log end). It decides which writes and
 * reads the replica may take (`not_leader`, `not_enough_replicas`, `fenced_leader_epoch`,
 * `unknown_leader_epoch`).
 *
 * It reads the partition's log and sets its leader epoch; it never writes records. When the
 * high watermark advances it calls the partition's `wake` (waiting fetches).
 *
 * Not thread-safe: owned by one partition actor, beside the `Partition` that holds it.
 */
import { RivuletError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import type { Log } from "../storage/log.ts";
import { AcksWaiters } from "./acks-waiters.ts";
import { IsrWatch } from "./isr-watch.ts";
import { ReplicaSet } from "./replica-set.ts";
import type { Acks, AppendBatchResult, IsrChange, LeaderReplication, ReplicaStatus } from "./partition-protocol.ts";

/**
 * A partition's part in replication: alone (single-broker mode: its high watermark is its log's),
 * leading followers (the ISR's high watermark), or following a leader (its leader's high
 * watermark, capped at its own log end).
 */
export type Role =
  | { kind: "none" }
  | { kind: "leader"; replicas: ReplicaSet }
  | { kind: "follower"; leaderEpoch: number };

/** A follower's fetch: who asks, and the epoch it believes current. */
export interface ReplicaFetch {
  replicaId: number;
  currentLeaderEpoch: number;
}

/** What a {@link ReplicationRole} needs of its partition. */
export interface ReplicationRoleOptions {
  clock: Clock;
  limits: Limits;
  /** In a cluster: with no role yet, refuse writes and consumer reads. */
  awaitRole: boolean;
  /** Called when a leader's high watermark advances (wakes waiting fetches). */
  wake: () => void;
}

export class ReplicationRole {
  readonly #topic: string;
  readonly #partition: number;
  readonly #log: Log;
  readonly #clock: Clock;
  readonly #limits: Limits;
  readonly #awaitRole: boolean;
  readonly #wake: () => void;
  #role: Role = { kind: "none" };
  /** The high watermark while leading or following (unused alone); never past the log's own. */
  #hw = 0;
  #acks = new AcksWaiters<AppendBatchResult>();
  #isrWatch = new IsrWatch();
  #closed = false;

  constructor(topic: string, partition: number, log: Log, options: ReplicationRoleOptions) {
    this.#topic = topic;
    this.#partition = partition;
    this.#log = log;
    this.#clock = options.clock;
    this.#limits = options.limits;
    this.#awaitRole = options.awaitRole;
    this.#wake = options.wake;
  }

  /** The role in force; a new object at every change (see {@link acknowledged}). */
  get role(): Role {
    return this.#role;
  }

  /**
   * What readers may see: the log's own high watermark alone; the ISR's when leading; the
   * leader's (capped at this log's) when following.
   */
  get highWatermark(): number {
    return this.#role.kind === "none" ? this.#log.highWatermark : Math.min(this.#hw, this.#log.highWatermark);
  }

  /** The current leader epoch as this replica knows it. */
  get epoch(): number {
    return this.#role.kind === "follower" ? this.#role.leaderEpoch : this.#log.leaderEpoch;
  }

  /** See `Partition.becomeLeader`. */
  becomeLeader(leaderEpoch: number, replication?: LeaderReplication): void {
    const role = this.#role;
    const now = this.#clock.now();
    if (replication && role.kind === "leader" && role.replicas.leaderEpoch === leaderEpoch) {
      role.replicas.update({ leaderEpoch, replicas: replication.replicas, isr: replication.isr }, now);
      this.#advanceHighWatermark();
      return;
    }
    const startHw = role.kind === "none" ? this.#log.logStartOffset : this.highWatermark;
    this.#log.becomeLeader(leaderEpoch);
    if (!replication) {
      if (role.kind !== "none") this.stopReplication();
      return;
    }
    const assignment = { leaderEpoch, replicas: replication.replicas, isr: replication.isr };
    this.#role = { kind: "leader", replicas: new ReplicaSet(replication.brokerId, assignment, this.#log.logEndOffset, now) };
    this.#hw = startHw;
    this.#advanceHighWatermark();
  }

  /** See `Partition.becomeFollower` (the partition then answers its waiting fetches). */
  becomeFollower(leaderEpoch: number): void {
    const known = Math.max(this.epoch, this.#log.epochEntries.at(-1)?.epoch ?? 0);
    if (leaderEpoch < known) throw new RivuletError("fenced_leader_epoch", `leader epoch ${leaderEpoch} of ${this.#topic}/${this.#partition} is older than ${known}`, { topic: this.#topic, partition: this.#partition, epoch: leaderEpoch, currentEpoch: known });
    // Alone, the log's high watermark is its end: nothing says the ISR holds that much. A
    // replica that had no role yet (opened from disk, or its worker restarted) starts at its
    // log start and takes its leader's high watermark from the next fetch; were it elected
    // before that, its log end would not count as committed (Kafka starts from the checkpoint).
    const hw = this.#role.kind === "none" ? this.#log.logStartOffset : this.highWatermark;
    this.#endLeadership();
    this.#role = { kind: "follower", leaderEpoch };
    this.#hw = hw;
  }

  /** Back to a lone partition (no leader, no followers): waiting writes fail with `not_leader`. */
  stopReplication(): void {
    this.#endLeadership();
    this.#role = { kind: "none" };
  }

  /** A follower takes its leader's high watermark, capped at its own log end. */
  followerHighWatermark(highWatermark: number): void {
    if (this.#role.kind !== "follower") return;
    const before = this.highWatermark;
    this.#hw = Math.max(0, Math.min(highWatermark, this.#log.logEndOffset));
    if (this.highWatermark > before) this.#wake();
  }

  /** The log was cut at `logEndOffset`: the high watermark is at most that. */
  truncated(logEndOffset: number): void {
    this.#hw = Math.min(this.#hw, logEndOffset);
  }

  /** The log was emptied and restarted at `logEndOffset`: the high watermark is there. */
  restarted(logEndOffset: number): void {
    this.#hw = logEndOffset;
  }

  /** See `Partition.isrWatch`. */
  isrWatch(waitMs: number): Promise<IsrChange | null> | IsrChange | null {
    if (this.#role.kind !== "leader") throw new RivuletError("not_leader", `this broker does not lead ${this.#topic}/${this.#partition}`, { topic: this.#topic, partition: this.#partition });
    const now = this.#proposeIsr();
    if (now) return now;
    return this.#isrWatch.wait(waitMs, () => (this.#closed ? null : this.#proposeIsr()));
  }

  /** Ends an ISR watch (with null). */
  endIsrWatch(): void {
    this.#isrWatch.end();
  }

  /** The controller decided the in-flight ISR change (`isr` in force, or null: unchanged). */
  isrSettled(leaderEpoch: number, isr: number[] | null): void {
    const role = this.#role;
    if (role.kind !== "leader" || role.replicas.leaderEpoch !== leaderEpoch) return;
    role.replicas.settle(isr);
    this.#advanceHighWatermark();
    // settling may make another change due (a follower caught up meanwhile)
    if (this.#isrWatch.active) {
      const next = this.#proposeIsr();
      if (next) this.#isrWatch.offer(next);
    }
  }

  /** Role, ISR and follower lags, for metrics. */
  replicaState(): ReplicaStatus {
    const role = this.#role;
    const base = { leaderEpoch: this.epoch, logEndOffset: this.#log.logEndOffset, highWatermark: this.highWatermark };
    if (role.kind !== "leader") return { role: role.kind, ...base, replicas: [], isr: [], followers: [] };
    const replicas = role.replicas;
    return { role: "leader", ...base, replicas: [...replicas.replicas], isr: [...replicas.isr], followers: replicas.lags(this.#log.highWatermark, this.#clock.now()) };
  }

  /** Kafka's check of a caller's view of the current leader epoch (-1 = not given). */
  checkEpoch(currentLeaderEpoch: number): void {
    const ours = this.epoch;
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < ours) {
      throw new RivuletError("fenced_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.#topic}/${this.#partition} is older than ${ours}`, { topic: this.#topic, partition: this.#partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
    if (currentLeaderEpoch > ours) {
      throw new RivuletError("unknown_leader_epoch", `leader epoch ${currentLeaderEpoch} of ${this.#topic}/${this.#partition} is newer than ${ours}`, { topic: this.#topic, partition: this.#partition, epoch: currentLeaderEpoch, currentEpoch: ours });
    }
  }

  /** Refuses a write this replica may not take: a follower's (`not_leader`), or acks=all below `min.insync.replicas`. */
  checkWritable(acks: Acks): void {
    const role = this.#role;
    if (role.kind === "follower") throw new RivuletError("not_leader", `this broker follows ${this.#topic}/${this.#partition}; write to its leader`, { topic: this.#topic, partition: this.#partition });
    if (role.kind === "none" && this.#awaitRole) throw this.#noRoleYet();
    if (role.kind === "leader" && acks === "all") {
      const problem = this.#enoughReplicas("not_enough_replicas");
      if (problem) throw problem;
    }
  }

  /**
   * Whether batches copied from the leader of `leaderEpoch` may be appended: true when this
   * replica must first follow that leader (it had no role: its worker restarted and forgot it).
   *
   * @throws {RivuletError} `not_leader` when leading; `fenced_leader_epoch` when `leaderEpoch` is older than the one followed
   */
  checkFollowerAppend(leaderEpoch: number | undefined): boolean {
    const role = this.#role;
    if (role.kind === "leader") throw new RivuletError("not_leader", `this broker leads ${this.#topic}/${this.#partition}; it does not follow it`, { topic: this.#topic, partition: this.#partition });
    if (leaderEpoch === undefined) return false;
    if (role.kind === "none") return true;
    if (role.leaderEpoch > leaderEpoch) this.checkEpoch(leaderEpoch);
    return false;
  }

  /** A follower's fetch needs a leader that counts it among the replicas; a consumer's fetch needs a leader. */
  checkReader(replica: ReplicaFetch | undefined): void {
    const role = this.#role;
    if (replica !== undefined && replica.replicaId >= 0) {
      if (role.kind === "leader" && role.replicas.isFollower(replica.replicaId)) return;
      if (role.kind === "leader") throw new RivuletError("not_leader", `broker ${replica.replicaId} is not a follower of ${this.#topic}/${this.#partition}`, { topic: this.#topic, partition: this.#partition });
      throw new RivuletError("not_leader", `this broker does not lead ${this.#topic}/${this.#partition}`, { topic: this.#topic, partition: this.#partition });
    }
    if (role.kind === "follower") throw new RivuletError("not_leader", `this broker follows ${this.#topic}/${this.#partition}; read from its leader`, { topic: this.#topic, partition: this.#partition });
    if (role.kind === "none" && this.#awaitRole) throw this.#noRoleYet();
  }

  /** An append landed in the log: a leader's high watermark may advance. */
  appended(): void {
    if (this.#role.kind === "leader") this.#advanceHighWatermark();
  }

  /**
   * On a replicated leader, an acks=all write settles once the high watermark passes it. `role`
   * is the role the write was taken in: a write a leader took and whose leadership ended before
   * the write was done (the broker fenced, or told to follow, while the bytes were being made
   * durable) fails with `not_leader` — the ISR may never get it, and the next leader's
   * truncation may remove it — instead of settling as if this replica were alone.
   */
  acknowledged(result: AppendBatchResult, acks: Acks, role: Role): AppendBatchResult | Promise<AppendBatchResult> {
    if (acks !== "all" || role.kind !== "leader") return result;
    if (this.#role !== role) throw this.#notLeader();
    if (result.lastOffset < this.highWatermark) {
      const problem = this.#enoughReplicas("not_enough_replicas_after_append");
      if (problem) throw problem;
      return result;
    }
    return this.#acks.wait(result.lastOffset, result, this.#limits.askTimeoutMs);
  }

  /** Kafka's `updateFollowerFetchState`: the follower's progress, then the high watermark and an ISR expansion it may allow. */
  followerFetched(replicaId: number, fetchOffset: number): void {
    const role = this.#role;
    if (role.kind !== "leader") return;
    role.replicas.followerFetched(replicaId, fetchOffset, this.#log.highWatermark, this.#clock.now());
    this.#advanceHighWatermark();
    if (this.#isrWatch.active) {
      const change = this.#proposeIsr();
      if (change) this.#isrWatch.offer(change);
    }
  }

  /** The partition closes: waiting acks=all writes fail with `closed`, an ISR watch ends. */
  close(): void {
    this.#closed = true;
    this.#acks.failAll(new RivuletError("closed", `partition ${this.#topic}/${this.#partition} was closed`, { topic: this.#topic, partition: this.#partition }));
    this.#isrWatch.end();
  }

  /** `code` when the ISR in force is smaller than `min.insync.replicas` (capped at the replication factor), else null. */
  #enoughReplicas(code: "not_enough_replicas" | "not_enough_replicas_after_append"): RivuletError | null {
    const role = this.#role;
    if (role.kind !== "leader") return null;
    const needed = Math.min(this.#log.config["min.insync.replicas"], role.replicas.replicas.length);
    const have = role.replicas.isr.length;
    if (have >= needed) return null;
    return new RivuletError(code, `${this.#topic}/${this.#partition} has ${have} in-sync replicas, fewer than min.insync.replicas ${needed}`, { topic: this.#topic, partition: this.#partition, isr: have, minInsyncReplicas: needed });
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
    this.#isrWatch.end();
  }

  #notLeader(): RivuletError {
    return new RivuletError("not_leader", `this broker no longer leads ${this.#topic}/${this.#partition}`, { topic: this.#topic, partition: this.#partition });
  }

  #noRoleYet(): RivuletError {
    return new RivuletError("not_leader", `this broker has not been told its role for ${this.#topic}/${this.#partition} yet; ask the partition's leader`, { topic: this.#topic, partition: this.#partition });
  }
}
