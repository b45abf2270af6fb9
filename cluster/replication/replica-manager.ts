/**
 * The replica manager: what one broker does for the partitions it holds replicas of, as the
 * controller decides (DESIGN §9; Kafka's `ReplicaManager`). The cluster's reconciler (on every
 * broker, from the etcd metadata) calls {@link ReplicaManager} with each partition's
 * `{leader, leader_epoch, isr}`; this broker then leads (its partition tracks followers, the
 * ISR's high watermark and acks=all) or follows (a {@link LeaderFetcher} per leader broker copies
 * the leader's log after truncating by OffsetsForLeaderEpoch).
 *
 * As leader it asks the controller for ISR changes (`ReplicationEnv.alterIsr`) when its
 * partition finds one due: a follower that has not caught up for `replica.lag.time.max.ms`
 * leaves, one caught up to the high watermark joins.
 *
 * Calls for one partition run one after another, in call order.
 *
 * @example
 * ```ts
 * const replicas = new ReplicaManagerImpl({ host: broker, connect: connectToLeader, env, limits: broker.limits });
 * await replicas.becomeLeader("orders", 0, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] });
 * ```
 */
import { RivuletError } from "../../core/errors.ts";
import { KeyedLock } from "../../core/keyed-lock.ts";
import type { Limits } from "../../core/limits.ts";
import { partitionKey } from "../../actors/partition-protocol.ts";
import { LeaderFetcher } from "./leader-fetcher.ts";
import type { LeaderConnector, ReplicationCredentials } from "./leader-connection.ts";
import type { ReplicaHost } from "./replica-host.ts";
import { newReplicationMetrics, type ReplicationMetrics, type ReplicationSnapshot } from "./replication-metrics.ts";

export interface ReplicaManager {
  /**
   * Leads the partition at `leaderEpoch` with these replicas and ISR (the controller's word).
   * Opens the local replica if needed. `revision`: the etcd revision of that state; at the same
   * epoch, a state older than the leader's own last ISR change is ignored.
   */
  becomeLeader(topic: string, partition: number, state: { leaderEpoch: number; replicas: number[]; isr: number[]; revision?: number }): Promise<void>;
  /** Follows `leader` at `leaderEpoch`: truncates by OffsetsForLeaderEpoch (never blindly to the HW), then fetches. */
  becomeFollower(topic: string, partition: number, state: { leaderEpoch: number; leader: number; replicas: number[] }): Promise<void>;
  /** Stops replicating (and, with deleteData, removes) the local replica. */
  stopReplica(topic: string, partition: number, options: { deleteData: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicationEnv {
  brokerId: number;
  /** Where another broker's Kafka listener is (from the metadata cache). */
  endpoint(brokerId: number): { host: string; port: number } | undefined;
  /**
   * The leader asks for an ISR change; resolves with the ISR now in force (the controller's/etcd's
   * compare-and-set decides) and the etcd revision holding it, or rejects: with a typed error
   * saying why it was refused (a stale epoch, a fenced broker), or with `coordination_unavailable`
   * / `timeout` when etcd's answer was lost — the change may have been made.
   */
  alterIsr(topic: string, partition: number, request: { leaderEpoch: number; isr: number[] }): Promise<{ isr: number[]; revision?: number }>;
  /** SASL credentials for follower fetches when auth is on. */
  credentials?: ReplicationCredentials;
  /**
   * A topic's partition count and config overrides (from the metadata cache), so a replica can
   * be opened here when the topic does not exist locally yet. Without it, the caller creates
   * the local topic before `becomeLeader` / `becomeFollower`.
   */
  topic?(name: string): { partitions: number; config: Record<string, unknown> } | undefined;
}

/** What this broker is for one partition, as last told. A new object per change (the ISR loop checks it is still current). */
type Role =
  /** `isrRevision`: the etcd revision of the newest ISR this leader knows of (its own change, or the controller's word). */
  | { kind: "leader"; leaderEpoch: number; replicas: number[]; isr: number[]; isrRevision: number }
  | { kind: "follower"; leaderEpoch: number; leader: number };

export interface ReplicaManagerOptions {
  host: ReplicaHost;
  connect: LeaderConnector;
  env: ReplicationEnv;
  limits: Limits;
}

export class ReplicaManagerImpl implements ReplicaManager {
  readonly counters: ReplicationMetrics = newReplicationMetrics();
  #host: ReplicaHost;
  #connect: LeaderConnector;
  #env: ReplicationEnv;
  #limits: Limits;
  #roles = new Map<string, Role>();
  #fetchers = new Map<number, LeaderFetcher>();
  /** Per partition: role changes run one at a time, in arrival order. */
  #locks = new KeyedLock();
  #closed = false;

  constructor(options: ReplicaManagerOptions) {
    this.#host = options.host;
    this.#connect = options.connect;
    this.#env = options.env;
    this.#limits = options.limits;
  }

  get brokerId(): number {
    return this.#env.brokerId;
  }

  becomeLeader(topic: string, partition: number, state: { leaderEpoch: number; replicas: number[]; isr: number[]; revision?: number }): Promise<void> {
    return this.#serial(topic, partition, async () => {
      checkState(state.leaderEpoch, state.replicas);
      await this.#ensureLocal(topic, partition);
      await this.#stopFetching(topic, partition);
      const key = partitionKey(topic, partition);
      const revision = state.revision ?? 0;
      // Checked and sent in one step (no await between), so the ISR loop's settle of a newer
      // change is either seen here or sent after this update. A state without a revision (a
      // caller that does not know etcd's) is taken as the newest.
      const current = this.#roles.get(key);
      if (current?.kind === "leader" && current.leaderEpoch === state.leaderEpoch && state.revision !== undefined && state.revision < current.isrRevision) {
        // An older state of this leadership than the ISR change this leader made itself (the
        // watch delivers it late): taking its ISR would let the high watermark ignore a member
        // etcd has in the ISR, which the controller may elect.
        return;
      }
      const replication = { brokerId: this.#env.brokerId, replicas: [...state.replicas], isr: [...state.isr] };
      const told = this.#host.becomeLeader(topic, partition, state.leaderEpoch, replication);
      await told;
      const before = this.#roles.get(key);
      const role: Role = { kind: "leader", leaderEpoch: state.leaderEpoch, replicas: replication.replicas, isr: replication.isr, isrRevision: revision };
      if (before?.kind === "leader" && before.leaderEpoch === state.leaderEpoch) {
        // the same leadership, newer word: the running ISR loop carries on with it
        Object.assign(before, role, { isrRevision: Math.max(before.isrRevision, revision) });
        return;
      }
      this.#roles.set(key, role);
      void this.#isrLoop(topic, partition, role);
    });
  }

  becomeFollower(topic: string, partition: number, state: { leaderEpoch: number; leader: number; replicas: number[] }): Promise<void> {
    return this.#serial(topic, partition, async () => {
      checkState(state.leaderEpoch, state.replicas);
      if (state.leader === this.#env.brokerId) throw new RivuletError("invalid_request", `broker ${state.leader} cannot follow itself for ${topic}/${partition}`, { topic, partition });
      await this.#ensureLocal(topic, partition);
      const key = partitionKey(topic, partition);
      const before = this.#roles.get(key);
      if (before?.kind === "follower" && before.leaderEpoch === state.leaderEpoch && before.leader === state.leader) return;
      await this.#stopFetching(topic, partition);
      await this.#host.becomeFollower(topic, partition, state.leaderEpoch);
      this.#roles.set(key, { kind: "follower", leaderEpoch: state.leaderEpoch, leader: state.leader });
      // leader -1: the partition has no leader (no live ISR member); fetch from no one until told again
      if (state.leader >= 0) this.#fetcher(state.leader).add(topic, partition, state.leaderEpoch);
    });
  }

  /**
   * Stops fetching or leading; the replica then refuses produce and consumer reads
   * (`not_leader`) until told again. With `deleteData`, its records are removed (the log restarts
   * empty at 0; the local topic stays, as other partitions of it may live here).
   */
  stopReplica(topic: string, partition: number, options: { deleteData: boolean }): Promise<void> {
    return this.#serial(topic, partition, async () => {
      await this.#stopFetching(topic, partition);
      this.#roles.delete(partitionKey(topic, partition));
      try {
        // Not back to a lone partition, which would take writes and serve reads on its own: it
        // stays a follower of its current epoch, fetching from no one, so both get `not_leader`.
        const { leaderEpoch } = await this.#host.epochState(topic, partition);
        await this.#host.becomeFollower(topic, partition, leaderEpoch);
        // the partition's records go; the topic stays for its other partitions (the controller deletes topics)
        if (options.deleteData) await this.#host.truncateFullyAndStartAt(topic, partition, 0);
      } catch (error) {
        if (!(error instanceof RivuletError && (error.code === "unknown_topic" || error.code === "unknown_partition"))) throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const led = [...this.#roles].filter(([, role]) => role.kind === "leader");
    this.#roles.clear();
    const fetchers = [...this.#fetchers.values()];
    this.#fetchers.clear();
    await Promise.all(fetchers.map((f) => f.close()));
    // The broker is leaving its cluster: what it led is the next leader's. Its replicas follow
    // their current epoch (fetching from no one), so acks=all writes still waiting fail now with
    // `not_leader` instead of at their timeout — which held the broker's graceful close (its
    // producer flushes them) for askTimeoutMs.
    await Promise.all(led.map(async ([key, role]) => {
      const [topic, partition] = splitKey(key);
      await this.#host.becomeFollower(topic, partition, role.leaderEpoch).catch(() => {});
    }));
  }

  /** The role this broker holds for a partition, as last told (tests, the admin view). */
  roleOf(topic: string, partition: number): { kind: "leader" | "follower"; leaderEpoch: number } | undefined {
    const role = this.#roles.get(partitionKey(topic, partition));
    return role && { kind: role.kind, leaderEpoch: role.leaderEpoch };
  }

  /** Counters and gauges for /metrics: ISR changes, under-replicated partitions, follower lags. */
  async metrics(): Promise<ReplicationSnapshot> {
    const snapshot: ReplicationSnapshot = {
      ...this.counters, leaderPartitions: 0, underReplicatedPartitions: 0, underMinIsrPartitions: 0, replicaLag: [], maxLagRecords: 0, maxLagMs: 0,
    };
    for (const [key, role] of this.#roles) {
      if (role.kind !== "leader") continue;
      const [topic, partition] = splitKey(key);
      const state = await this.#host.replicaState(topic, partition).catch(() => null);
      if (!state || state.role !== "leader") continue;
      snapshot.leaderPartitions++;
      if (state.isr.length < state.replicas.length) snapshot.underReplicatedPartitions++;
      const minIsr = Math.min(this.#configOf(topic)?.["min.insync.replicas"] ?? 2, state.replicas.length);
      if (state.isr.length < minIsr) snapshot.underMinIsrPartitions++;
      for (const f of state.followers) {
        snapshot.replicaLag.push({ topic, partition, brokerId: f.brokerId, lagRecords: f.lagRecords, lagMs: f.lagMs });
        snapshot.maxLagRecords = Math.max(snapshot.maxLagRecords, f.lagRecords);
        snapshot.maxLagMs = Math.max(snapshot.maxLagMs, f.lagMs);
      }
    }
    return snapshot;
  }

  /**
   * While this broker leads the partition at `role`'s epoch: waits for the ISR change the
   * partition finds due, asks the controller, and tells the partition what was decided.
   */
  async #isrLoop(topic: string, partition: number, role: Role & { kind: "leader" }): Promise<void> {
    const key = partitionKey(topic, partition);
    const current = () => !this.#closed && this.#roles.get(key) === role;
    while (current()) {
      const lagMs = this.#configOf(topic)?.["replica.lag.time.max.ms"] ?? 30_000;
      let change: { leaderEpoch: number; isr: number[] } | null;
      try {
        change = await this.#host.isrWatch(topic, partition, Math.max(1, Math.floor(lagMs / 2)));
      } catch (error) {
        if (!current()) return;
        // a partition worker that restarted forgot it leads: tell it again
        if (error instanceof RivuletError && error.code === "not_leader") {
          await this.#host.becomeLeader(topic, partition, role.leaderEpoch, { brokerId: this.#env.brokerId, replicas: role.replicas, isr: role.isr }).catch(() => {});
        }
        await sleep(this.#limits.replicaFetchBackoffMs);
        continue;
      }
      if (!change) continue;
      if (!current()) {
        await this.#host.isrSettled(topic, partition, change.leaderEpoch, null).catch(() => {});
        return;
      }
      const decided = await this.#askIsrChange(topic, partition, change, current);
      if (!decided) {
        // refused (a stale epoch: the controller's next word will tell; a fenced broker), or no
        // longer leading: nothing changed in etcd
        await this.#host.isrSettled(topic, partition, change.leaderEpoch, null).catch(() => {});
        await sleep(this.#limits.replicaFetchBackoffMs);
        continue;
      }
      const { isr, revision } = decided;
      const before = role.isr.length;
      role.isr = [...isr];
      if (revision !== undefined) role.isrRevision = Math.max(role.isrRevision, revision);
      if (isr.length < before) this.counters.isrShrinks++;
      if (isr.length > before) this.counters.isrExpands++;
      // the broker may close, or the partition's worker restart, while etcd answered: the next
      // isrWatch (or the loop's end) deals with either
      await this.#host.isrSettled(topic, partition, change.leaderEpoch, isr).catch(() => {});
    }
  }

  /**
   * Asks for an ISR change until its outcome is known: the ISR in force, or null when it was
   * refused (or leadership ended meanwhile). When etcd's answer is lost (`coordination_unavailable`,
   * `timeout`), the change may have been made, so it stays pending in the partition — the high
   * watermark keeps counting the old and the new members alike (Kafka's maximal ISR) — and is
   * asked again: the compare-and-set answers a change already made with the ISR in force.
   * Settling it as refused instead would let the leader acknowledge records a member it just
   * added lacks, while etcd has that member in the ISR and the controller may elect it.
   */
  async #askIsrChange(topic: string, partition: number, change: { leaderEpoch: number; isr: number[] }, current: () => boolean): Promise<{ isr: number[]; revision?: number } | null> {
    let backoff = this.#limits.replicaFetchBackoffMs;
    for (;;) {
      try {
        return await this.#env.alterIsr(topic, partition, change);
      } catch (error) {
        const unknown = !(error instanceof RivuletError) || error.code === "coordination_unavailable" || error.code === "timeout";
        if (!unknown || !current()) return null;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, this.#limits.etcdRetryBackoffMaxMs);
      }
    }
  }

  /** The local topic's config, or undefined when it is not here. */
  #configOf(topic: string) {
    try {
      return this.#host.topicConfig(topic).config;
    } catch {
      return undefined;
    }
  }

  /** Creates the local topic (or its missing partitions) from the cluster's metadata when needed. */
  async #ensureLocal(topic: string, partition: number): Promise<void> {
    let partitions: number | undefined;
    try {
      partitions = this.#host.topicConfig(topic).partitions;
    } catch (error) {
      if (!(error instanceof RivuletError && error.code === "unknown_topic")) throw error;
    }
    if (partitions !== undefined && partition < partitions) return;
    const meta = this.#env.topic?.(topic);
    if (!meta || partition >= meta.partitions) throw new RivuletError("unknown_partition", `partition ${topic}/${partition} is not held here and the cluster metadata does not name it`, { topic, partition });
    try {
      if (partitions === undefined) await this.#host.createTopic(topic, { partitions: meta.partitions, config: meta.config });
      else await this.#host.createPartitions(topic, meta.partitions);
    } catch (error) {
      // created meanwhile by another call: fine
      if (!(error instanceof RivuletError && (error.code === "topic_exists" || error.code === "invalid_request"))) throw error;
    }
  }

  async #stopFetching(topic: string, partition: number): Promise<void> {
    for (const [leader, fetcher] of this.#fetchers) {
      await fetcher.remove(topic, partition);
      if (fetcher.size === 0) {
        this.#fetchers.delete(leader);
        await fetcher.close();
      }
    }
  }

  #fetcher(leader: number): LeaderFetcher {
    let fetcher = this.#fetchers.get(leader);
    if (!fetcher) {
      fetcher = new LeaderFetcher({
        brokerId: this.#env.brokerId,
        leaderId: leader,
        host: this.#host,
        connect: this.#connect,
        endpoint: () => this.#env.endpoint(leader),
        credentials: this.#env.credentials,
        limits: this.#limits,
        metrics: this.counters,
      });
      this.#fetchers.set(leader, fetcher);
    }
    return fetcher;
  }

  #serial(topic: string, partition: number, step: () => Promise<void>): Promise<void> {
    if (this.#closed) return Promise.reject(new RivuletError("closed", "the replica manager is closed"));
    return this.#locks.run(partitionKey(topic, partition), step);
  }
}

function checkState(leaderEpoch: number, replicas: number[]): void {
  if (!Number.isInteger(leaderEpoch) || leaderEpoch < 0) throw new RivuletError("invalid_request", `a leader epoch is an integer ≥ 0, got ${leaderEpoch}`, { leaderEpoch });
  if (!Array.isArray(replicas) || replicas.length === 0) throw new RivuletError("invalid_request", "a partition needs at least one replica");
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf("/");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
