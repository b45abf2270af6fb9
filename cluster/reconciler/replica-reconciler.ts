/**
 * Every broker's follower of the controller's word: from the metadata cache, what this broker
 * must be for each partition it holds a replica of, told to its {@link ReplicaManager}.
 *
 * - Leader in etcd → `becomeLeader(epoch, replicas, isr)`; another leader (or none, -1) →
 *   `becomeFollower(epoch, leader, replicas)`; the replica gone (topic deleted, partition
 *   moved) → `stopReplica(deleteData: true)`, and the local topic is deleted once it is gone
 *   from etcd.
 * - **In order, newest wins, never backwards**: each partition has one worker applying the
 *   latest wanted state; states that arrive while a call runs are folded into the next one,
 *   and a state older than the one applied (an older etcd revision of its key, which also
 *   means a lower or equal leader epoch) is never passed on. Calls for one partition never overlap; partitions do not
 *   wait for each other.
 * - **Idempotent**: the same role at the same epoch is not told twice; a leader is told again at
 *   the same epoch only when its ISR changed in etcd.
 * - **Fenced**: when the broker's lease lapses, every partition it leads is stopped at once
 *   (`stopReplica(deleteData: false)`) and nothing more is applied: a broker that cannot prove
 *   it is alive must not accept writes another leader may be elected for.
 * - Local topics: a broker opens a topic locally (all its partitions, the topic's config) when
 *   it holds a replica of one of them, before the first call; its partitions with no replica
 *   here get `stopReplica(deleteData: false)` once, so they refuse to serve (a client with
 *   stale metadata must not write into a copy nobody replicates).
 */
import { isRivuletError } from "../../core/errors.ts";
import type { BrokerRegistration } from "../membership/broker-registration.ts";
import type { MetadataCache } from "../membership/metadata-cache.ts";
import type { ReplicaManager } from "./replica-manager-api.ts";

/** The local broker's topics, as the reconciler needs them. */
export interface LocalTopics {
  /** Opens the topic locally with at least `partitions` partitions (nothing if it is open). */
  ensureTopic(name: string, partitions: number, config: Record<string, string>): Promise<void>;
  /** Removes the local topic and its data (nothing if absent). */
  deleteTopic(name: string): Promise<void>;
}

/** A role applied to one partition. */
export type AppliedRole =
  | { role: "leader"; epoch: number; revision: number; isr: number[]; replicas: number[] }
  | { role: "follower"; epoch: number; revision: number; leader: number; replicas: number[] }
  | { role: "stopped"; epoch: number; revision: number }
  /** A partition of a topic opened here that has no replica on this broker: stopped, data kept (none is written). */
  | { role: "outside"; epoch: number; revision: number };

/** One call made, for logs and tests. */
export interface ReconcilerEvent {
  topic: string;
  partition: number;
  applied?: AppliedRole;
  error?: unknown;
}

interface Slot {
  wanted: AppliedRole | null;
  /** The state being applied now (taken from `wanted`, not yet `applied`). */
  applying: AppliedRole | null;
  applied: AppliedRole | null;
  running: Promise<void> | null;
}

/**
 * Drives a ReplicaManager from the metadata cache.
 *
 * @example
 * ```ts
 * const reconciler = new ReplicaReconciler(registration, cache, replicas, localTopics);
 * reconciler.start();
 * ```
 */
export class ReplicaReconciler {
  readonly #registration: BrokerRegistration;
  readonly #cache: MetadataCache;
  readonly #replicas: ReplicaManager;
  readonly #local: LocalTopics;
  readonly #onEvent: (event: ReconcilerEvent) => void;
  readonly #slots = new Map<string, Slot>();
  readonly #openTopics = new Map<string, Promise<void>>();
  #off: (() => void) | null = null;
  #fenced = false;
  #closed = false;

  constructor(registration: BrokerRegistration, cache: MetadataCache, replicas: ReplicaManager, local: LocalTopics, onEvent: (event: ReconcilerEvent) => void = () => {}) {
    this.#registration = registration;
    this.#cache = cache;
    this.#replicas = replicas;
    this.#local = local;
    this.#onEvent = onEvent;
  }

  /** Applies the cache's state now and after every change. */
  start(): void {
    if (this.#off) return;
    this.#off = this.#cache.onChange(() => this.#sync());
    this.#registration.onFenced(() => this.#fence());
    this.#sync();
  }

  /** The role applied to a partition (null when none). */
  applied(topic: string, partition: number): AppliedRole | null {
    return this.#slots.get(slotKey(topic, partition))?.applied ?? null;
  }

  /** Resolves once the partition's latest wanted state has been applied (or failed); at once when none is pending. */
  async settledFor(topic: string, partition: number): Promise<void> {
    for (;;) {
      const running = this.#slots.get(slotKey(topic, partition))?.running;
      if (!running) return;
      await running;
    }
  }

  /** Resolves once every partition's latest wanted state has been applied (or failed). */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.#slots.values()].map((s) => s.running).filter((r): r is Promise<void> => r !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Stops following the cache; waits for calls in flight. The ReplicaManager is the caller's to close. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#off?.();
    await this.settled();
  }

  #sync(): void {
    if (this.#fenced || this.#closed) return;
    const me = this.#registration.brokerId;
    const seen = new Set<string>();
    for (const topic of this.#cache.topics()) {
      const states = this.#cache.partitions(topic.name);
      const holdsOne = topic.replicas.some((replicas) => replicas.includes(me));
      topic.replicas.forEach((replicas, partition) => {
        const key = slotKey(topic.name, partition);
        if (!replicas.includes(me)) {
          // The local topic has every partition: those with no replica here must not serve.
          if (!holdsOne) return;
          seen.add(key);
          this.#want(topic.name, partition, key, { role: "outside", epoch: 0, revision: topic.mod_revision }, topic.replicas.length, topic.config);
          return;
        }
        const state = states.get(partition);
        if (!state) return;
        seen.add(key);
        const wanted: AppliedRole = state.leader === me
          ? { role: "leader", epoch: state.leader_epoch, revision: state.mod_revision, isr: state.isr, replicas }
          : { role: "follower", epoch: state.leader_epoch, revision: state.mod_revision, leader: state.leader, replicas };
        this.#want(topic.name, partition, key, wanted, topic.replicas.length, topic.config);
      });
    }
    for (const [key, slot] of this.#slots) {
      if (seen.has(key) || slot.wanted?.role === "stopped" || (slot.applied === null && slot.applying === null && slot.wanted === null)) continue;
      const [topic, partition] = parseSlotKey(key);
      const last = slot.wanted ?? slot.applying ?? slot.applied!;
      this.#want(topic, partition, key, { role: "stopped", epoch: last.epoch, revision: this.#cache.revision }, 0, {});
    }
  }

  #want(topic: string, partition: number, key: string, wanted: AppliedRole, partitions: number, config: Record<string, string>): void {
    let slot = this.#slots.get(key);
    if (!slot) this.#slots.set(key, (slot = { wanted: null, applying: null, applied: null, running: null }));
    // The state a call is applying counts as told: a change that arrives meanwhile with the same
    // role is not told again after it.
    const current = slot.wanted ?? slot.applying ?? slot.applied;
    if (current && !newer(wanted, current)) return;
    if (current && sameRole(wanted, current)) {
      // Same role at the same epoch: remember the newer revision, tell nobody.
      if (slot.wanted) slot.wanted = wanted;
      else if (slot.applying) slot.applying = wanted;
      else slot.applied = wanted;
      return;
    }
    slot.wanted = wanted;
    if (!slot.running) slot.running = this.#drain(topic, partition, slot, partitions, config);
  }

  async #drain(topic: string, partition: number, slot: Slot, partitions: number, config: Record<string, string>): Promise<void> {
    try {
      while (slot.wanted && !this.#fenced) {
        const next = slot.wanted;
        slot.wanted = null;
        slot.applying = next;
        try {
          await this.#apply(topic, partition, next, partitions, config);
          // A same-role state that came meanwhile replaced `applying` (its newer revision is kept).
          slot.applied = slot.applying ?? next;
          this.#onEvent({ topic, partition, applied: slot.applied });
        } catch (error) {
          this.#onEvent({ topic, partition, error });
          // A stale epoch means a newer state is coming (or came): it will be applied. Anything
          // else is the replica's failure, reported; the next change tries again.
          if (!isRivuletError(error)) slot.applied = null;
        } finally {
          slot.applying = null;
        }
      }
    } finally {
      slot.running = null;
    }
  }

  async #apply(topic: string, partition: number, role: AppliedRole, partitions: number, config: Record<string, string>): Promise<void> {
    if (role.role === "stopped") {
      await this.#replicas.stopReplica(topic, partition, { deleteData: true });
      if (!this.#cache.topic(topic)) await this.#closeTopicWhenStopped(topic);
      return;
    }
    await this.#openTopic(topic, partitions, config);
    if (role.role === "outside") await this.#replicas.stopReplica(topic, partition, { deleteData: false });
    else if (role.role === "leader") await this.#replicas.becomeLeader(topic, partition, { leaderEpoch: role.epoch, replicas: role.replicas, isr: role.isr, revision: role.revision });
    else await this.#replicas.becomeFollower(topic, partition, { leaderEpoch: role.epoch, leader: role.leader, replicas: role.replicas });
  }

  #openTopic(topic: string, partitions: number, config: Record<string, string>): Promise<void> {
    let opening = this.#openTopics.get(topic);
    if (!opening) {
      opening = this.#local.ensureTopic(topic, partitions, config);
      this.#openTopics.set(topic, opening);
      opening.catch(() => this.#openTopics.delete(topic));
    }
    return opening;
  }

  /** Deletes the local topic once none of its partitions is still being driven. */
  async #closeTopicWhenStopped(topic: string): Promise<void> {
    const prefix = `${topic}\u0000`;
    const busy = [...this.#slots].some(([key, slot]) => key.startsWith(prefix) && slot.wanted !== null && slot.wanted.role !== "stopped");
    if (busy) return;
    this.#openTopics.delete(topic);
    await this.#local.deleteTopic(topic);
  }

  /** Stops leading everything at once; nothing is applied after. */
  #fence(): void {
    if (this.#fenced) return;
    this.#fenced = true;
    for (const [key, slot] of this.#slots) {
      slot.wanted = null;
      // A leader role being applied right now is stopped too, once its call ends.
      const role = slot.applying ?? slot.applied;
      if (role?.role !== "leader") continue;
      const [topic, partition] = parseSlotKey(key);
      const stopped: AppliedRole = { role: "stopped", epoch: role.epoch, revision: role.revision };
      const previous = slot.running ?? Promise.resolve();
      slot.running = previous
        .then(() => this.#replicas.stopReplica(topic, partition, { deleteData: false }))
        .then(() => {
          slot.applied = stopped;
          this.#onEvent({ topic, partition, applied: stopped });
        }, (error) => this.#onEvent({ topic, partition, error }))
        .finally(() => {
          slot.running = null;
        });
    }
  }
}

function slotKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function parseSlotKey(key: string): [string, number] {
  const at = key.indexOf("\u0000");
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/** Whether `a` comes after `b` in the partition's history. */
function newer(a: AppliedRole, b: AppliedRole): boolean {
  // etcd's revisions order every state of a key (a later leader epoch is a later write), also
  // across a delete and re-create of the topic, where the epoch starts again at 0.
  return a.revision > b.revision;
}

/** Whether applying `a` after `b` would tell the replica nothing new. */
function sameRole(a: AppliedRole, b: AppliedRole): boolean {
  if (a.role !== b.role || a.epoch !== b.epoch) return false;
  // A leader is told again when its ISR or its replicas changed (a partition move adds followers and removes them).
  if (a.role === "leader" && b.role === "leader") return sameIds(a.isr, b.isr) && sameIds(a.replicas, b.replicas);
  if (a.role === "follower" && b.role === "follower") return a.leader === b.leader;
  return a.role === "stopped" || a.role === "outside";
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
