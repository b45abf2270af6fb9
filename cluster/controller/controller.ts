/**
 * The controller's work, run by whichever broker holds the controller key (see
 * {@link ControllerElection}); every write is a txn guarded by its controller epoch, so a
 * deposed controller writes nothing (`not_controller`).
 *
 * - **Topics**: creates a topic's record (replica assignment spread by {@link assignReplicas})
 *   and every partition's first state `{leader: first replica, leader_epoch: 0, isr: replicas}`
 *   in one txn, only if the topic key is absent; deletes the topic key and its partition
 *   states in one txn. Requests come from this broker directly or from others through request
 *   keys ({@link TopicRequester}); the outcome is written into the request key in the same txn.
 * - **Leaders**: after every metadata change, for each partition: a dead or missing leader is
 *   replaced from the ISR ({@link electOffline}); a dead follower leaves the ISR (as Kafka's
 *   controller does for a fenced broker, so a broker that returns must catch up before it can be
 *   elected); a live preferred replica back in the ISR leads again ({@link electPreferred}).
 *   Each change is a compare-and-set on the state's mod_revision; one that loses the race is
 *   recomputed from the newer state on the next change.
 * - **Moves** (Kafka's reassignment, KIP-455; see {@link ./reassignment.ts}): `reassign` starts
 *   one partition's move, `drain` and `rebalance` plan many ({@link ./rebalance-plan.ts}) and
 *   start them; every pass completes the moves whose target replicas are all in the ISR. The
 *   move lives in the topic record, so a controller elected mid-move finishes it. While a
 *   partition moves, its preferred leader is not elected (the move's end chooses the leader).
 *   A drained broker is written to `/<c>/drained/<id>` with its broker epoch: until it
 *   registers anew (restarted), new topics and rebalances leave it out.
 * - **Internal topics** (`__consumer_offsets`, Durable Streams metadata: whatever `__` topics
 *   the local broker opens) are created with replication factor min(3, live brokers) once three
 *   brokers are live, or at once when a broker asks for one.
 */
import { pause } from "../../core/abortable.ts";
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import { parseTopicConfig } from "../../core/topic-config.ts";
import type { BrokerRegistration } from "../membership/broker-registration.ts";
import type { ControllerElection } from "../membership/controller-election.ts";
import type { MetadataCache, Versioned } from "../membership/metadata-cache.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import type { TxnOp } from "../etcd/etcd-types.ts";
import { prefixEnd, bytesText } from "../etcd/etcd-bytes.ts";
import { assignReplicas } from "./replica-assignment.ts";
import { type Election, electOffline, electPreferred } from "./leader-election.ts";
import { allowsUncleanElection, splitTopicConfig } from "./cluster-topic-config.ts";
import { type MovesResult, parseStoredRequest, requestPrefix, type TopicRequest, type TopicRequestOutcome } from "./topic-requests.ts";
import { checkTarget, completeMove, moveOf, startMove } from "./reassignment.ts";
import { planDrain, planRebalance, type PlannedMove } from "./rebalance-plan.ts";
import type { Compare } from "../etcd/etcd-types.ts";

/** An internal topic the controller creates when missing: its name, partitions and local config. */
export interface InternalTopic {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** A change the controller made, for logs, metrics and tests. */
export type ControllerEvent =
  | { type: "elected"; epoch: number }
  | { type: "deposed"; epoch: number }
  | { type: "leader"; topic: string; partition: number; kind: Election["kind"] | "isr"; state: PartitionState }
  | { type: "topic_created"; topic: string; replicas: number[][] }
  | { type: "topic_deleted"; topic: string }
  | { type: "move_started"; topic: string; partition: number; replicas: number[] }
  | { type: "move_completed"; topic: string; partition: number; state: PartitionState };

/** How to build a controller. */
export interface ControllerOptions {
  /** The `__` topics to create when missing (from the local broker). */
  internalTopics?: () => Promise<InternalTopic[]>;
  limits?: Partial<Limits>;
  /** Hears every change made (never throws into the controller). */
  onEvent?: (event: ControllerEvent) => void;
}

/** The default replication factor: min(3, live brokers). */
export function defaultReplicationFactor(liveBrokers: number): number {
  return Math.max(1, Math.min(3, liveBrokers));
}

/**
 * The controller role of one broker.
 *
 * @example
 * ```ts
 * const controller = new Controller(registration, election, cache);
 * controller.start();
 * ```
 */
export class Controller {
  readonly #registration: BrokerRegistration;
  readonly #election: ControllerElection;
  readonly #cache: MetadataCache;
  readonly #options: ControllerOptions;
  readonly #limits: Limits;
  #term: AbortController | null = null;
  #offElection: (() => void) | null = null;
  #dirty = false;
  #passing: Promise<void> | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(registration: BrokerRegistration, election: ControllerElection, cache: MetadataCache, options: ControllerOptions = {}) {
    this.#registration = registration;
    this.#election = election;
    this.#cache = cache;
    this.#options = options;
    this.#limits = { ...defaultLimits, ...options.limits };
  }

  /** Acts whenever this broker is the controller, from now until {@link close}. */
  start(): void {
    if (this.#offElection) return;
    this.#offElection = this.#election.onChange((state) => (state.controller ? this.#beginTerm(state.epoch) : this.#endTerm()));
    const state = this.#election.state;
    if (state.controller) this.#beginTerm(state.epoch);
  }

  async close(): Promise<void> {
    this.#offElection?.();
    this.#endTerm();
    await this.#passing;
    await this.#queue.catch(() => {});
  }

  /**
   * Creates a topic (this broker must be the controller).
   *
   * @returns the revision of the write
   * @throws {RivuletError} `not_controller`, `topic_exists`, `invalid_replication_factor`,
   *   `invalid_topic_name`, `invalid_config`, `invalid_request`
   */
  createTopic(request: Extract<TopicRequest, { op: "create" }>): Promise<number> {
    return this.#serial(() => this.#create(request, []));
  }

  /**
   * Deletes a topic and its partition states (this broker must be the controller).
   *
   * @throws {RivuletError} `not_controller`, `unknown_topic`, `invalid_topic_name` (internal)
   */
  deleteTopic(request: Extract<TopicRequest, { op: "delete" }>): Promise<number> {
    return this.#serial(() => this.#delete(request, []));
  }

  /**
   * Starts moving one partition to `request.replicas` (this broker must be the controller).
   *
   * @returns the revision of the write
   * @throws {RivuletError} `not_controller`, `unknown_topic`, `unknown_partition`,
   *   `invalid_replica_assignment`, `unknown_broker`, `conflict` (the partition kept changing)
   */
  reassign(request: Extract<TopicRequest, { op: "reassign" }>): Promise<number> {
    return this.#serial(async () => (await this.#reassign(request, [])).revision);
  }

  /**
   * Moves every replica off a broker and keeps new ones off it until it registers anew.
   *
   * @throws {RivuletError} `not_controller`, `unknown_broker`, `not_enough_brokers`, `conflict`
   */
  drain(request: Extract<TopicRequest, { op: "drain" }>): Promise<{ revision: number; result: MovesResult }> {
    return this.#serial(() => this.#drain(request, []));
  }

  /**
   * Spreads replicas and preferred leaders evenly over the live brokers that are not drained.
   *
   * @throws {RivuletError} `not_controller`, `conflict`
   */
  rebalance(_request: Extract<TopicRequest, { op: "rebalance" }>): Promise<{ revision: number; result: MovesResult }> {
    return this.#serial(() => this.#rebalance([]));
  }

  /** Topic changes run one at a time, so each sees the one before in the cache. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  #beginTerm(epoch: number): void {
    this.#endTerm();
    const term = new AbortController();
    this.#term = term;
    this.#emit({ type: "elected", epoch });
    const off = this.#cache.onChange(() => this.#schedule());
    term.signal.addEventListener("abort", () => {
      off();
      this.#emit({ type: "deposed", epoch });
    }, { once: true });
    this.#schedule();
    void this.#serveRequests(term.signal).catch(() => {});
  }

  #endTerm(): void {
    this.#term?.abort();
    this.#term = null;
  }

  #emit(event: ControllerEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A listener's failure is not the controller's.
    }
  }

  /** Runs a reconciliation pass now, or once more after the one running. */
  #schedule(): void {
    this.#dirty = true;
    if (this.#passing) return;
    this.#passing = (async () => {
      while (this.#dirty && this.#term && !this.#term.signal.aborted) {
        this.#dirty = false;
        try {
          await this.#pass();
        } catch (error) {
          if (isRivuletError(error, "not_controller")) return;
          // etcd unreachable or slow: the next metadata change (or the watch's reconnection) runs the pass again.
          this.#dirty = this.#dirty || !isRivuletError(error, "closed");
          if (this.#dirty) await pauseOn(this.#term?.signal, this.#limits.etcdRetryBackoffMaxMs);
        }
      }
    })().finally(() => {
      this.#passing = null;
    });
  }

  /** One look at every partition's leadership, and at missing internal topics. */
  async #pass(): Promise<void> {
    const live = new Set(this.#cache.brokers().map((b) => b.id));
    for (const topic of this.#cache.topics()) {
      const states = this.#cache.partitions(topic.name);
      // One move completed per topic and pass: the next pass sees the record it wrote.
      if (await this.#completeOneMove(topic, states, live)) continue;
      for (let p = 0; p < topic.replicas.length; p++) {
        const state = states.get(p);
        if (!state || this.#term?.signal.aborted) continue;
        const change = nextChange(state, topic, p, live);
        if (!change) continue;
        // The new leader must still be the live broker the cache saw (same broker epoch) when the
        // txn commits, so a leader that died a moment ago is never elected.
        const leader = change.state.leader >= 0 ? this.#cache.broker(change.state.leader) : undefined;
        const answer = await this.#election.controllerTxn({
          compare: [
            { key: this.#cache.keys.partition(topic.name, p), target: "mod_revision", result: "equal", value: state.mod_revision },
            ...(leader ? [{ key: this.#cache.keys.broker(leader.id), target: "create_revision" as const, result: "equal" as const, value: leader.epoch }] : []),
          ],
          success: [{ put: { key: this.#cache.keys.partition(topic.name, p), value: JSON.stringify(change.state) } }],
        });
        if (answer.succeeded) this.#emit({ type: "leader", topic: topic.name, partition: p, kind: change.kind, state: change.state });
      }
    }
    if (live.size >= 3) await this.#ensureInternalTopics([]);
  }

  /**
   * Completes the first move of `topic` whose target replicas are all in the ISR: the record
   * takes the target, the state drops the leaving brokers from the ISR (and gets a new leader
   * from the target when the leader leaves), in one txn that finds both keys unchanged.
   *
   * @returns whether a completion was written
   */
  async #completeOneMove(topic: Versioned<TopicRecord>, states: ReadonlyMap<number, Versioned<PartitionState>>, live: ReadonlySet<number>): Promise<boolean> {
    if (!topic.adding_replicas && !topic.removing_replicas) return false;
    const keys = this.#cache.keys;
    for (let p = 0; p < topic.replicas.length; p++) {
      const state = states.get(p);
      if (!state || !moveOf(topic, p)) continue;
      const step = completeMove(topic, p, state, live);
      if (!step) continue;
      const leader = this.#cache.broker(step.state.leader);
      if (!leader) continue;
      const answer = await this.#election.controllerTxn({
        compare: [
          { key: keys.topic(topic.name), target: "mod_revision", result: "equal", value: topic.mod_revision },
          { key: keys.partition(topic.name, p), target: "mod_revision", result: "equal", value: state.mod_revision },
          { key: keys.broker(leader.id), target: "create_revision", result: "equal", value: leader.epoch },
        ],
        success: [
          { put: { key: keys.topic(topic.name), value: JSON.stringify(step.record) } },
          { put: { key: keys.partition(topic.name, p), value: JSON.stringify(step.state) } },
        ],
      });
      if (!answer.succeeded) return false;
      this.#emit({ type: "move_completed", topic: topic.name, partition: p, state: step.state });
      return true;
    }
    return false;
  }

  /** The partition move of a PUT, retried on a newer state when the partition changed meanwhile. */
  async #reassign(request: Extract<TopicRequest, { op: "reassign" }>, guard: RequestGuard): Promise<{ revision: number }> {
    validateTopicName(request.name, { internal: true });
    const record = this.#cache.topic(request.name);
    if (!record) throw new RivuletError("unknown_topic", `topic ${request.name} does not exist`, { topic: request.name });
    const registered = new Set(this.#cache.brokers().map((b) => b.id));
    const replicas = checkTarget(record, request.partition, request.replicas, registered);
    const revision = await this.#startMoves([{ topic: request.name, partition: request.partition, replicas }], guard, []);
    return { revision };
  }

  /** Plans and starts a drain, then marks the broker drained with the request's answer. */
  async #drain(request: Extract<TopicRequest, { op: "drain" }>, guard: RequestGuard): Promise<{ revision: number; result: MovesResult }> {
    const id = request.broker;
    const live = this.#cache.broker(id);
    const holds = this.#cache.topics().some((t) => t.replicas.some((row) => row.includes(id)));
    if (!Number.isInteger(id) || (!live && !holds)) throw new RivuletError("unknown_broker", `broker ${id} is neither registered nor a replica of any partition`, { broker: id });
    const started: PlannedMove[] = [];
    const marker: TxnOp = { put: { key: drainedKey(this.#cache.keys.prefix, id), value: JSON.stringify({ broker_epoch: live?.epoch ?? 0 }) } };
    const revision = await this.#moveUntilDone((drained) => planDrain(this.#cache.topics(), id, this.#eligible(drained)), started, guard, [marker]);
    return { revision, result: { moves: started } };
  }

  async #rebalance(guard: RequestGuard): Promise<{ revision: number; result: MovesResult }> {
    const started: PlannedMove[] = [];
    const plan = (drained: ReadonlyMap<number, number>) => planRebalance(this.#cache.topics(), this.#eligible(drained));
    const revision = await this.#moveUntilDone(plan, started, guard, []);
    return { revision, result: { moves: started } };
  }

  /** The live brokers that are not drained (`drained`: broker id → broker epoch when drained). */
  #eligible(drained: ReadonlyMap<number, number>): number[] {
    return this.#cache.brokers().filter((b) => drained.get(b.id) !== b.epoch).map((b) => b.id);
  }

  /**
   * Plans, starts up to `clusterMovesPerTxnMax` moves of one topic per txn, and plans again from
   * the newer metadata, until the plan is empty; then writes `finalOps` with the request's
   * answer. Every txn finds the records and states it changes as planned, so a plan made on a
   * stale cache is made again rather than written.
   */
  async #moveUntilDone(plan: (drained: ReadonlyMap<number, number>) => PlannedMove[], started: PlannedMove[], guard: RequestGuard, finalOps: TxnOp[]): Promise<number> {
    const drained = await this.#drainedBrokers();
    for (let round = 0; ; round++) {
      const moves = plan(drained);
      if (moves.length === 0) break;
      if (round > 2 * moves.length + this.#cache.topics().length + 16) throw new RivuletError("conflict", "the partitions kept changing while their moves were written; try again", { moves: moves.length });
      const topic = moves[0].topic;
      const batch = moves.filter((m) => m.topic === topic).slice(0, this.#limits.clusterMovesPerTxnMax);
      const revision = await this.#startMoves(batch, guard, [], false);
      if (revision > 0) started.push(...batch);
    }
    const answer = await this.#election.controllerTxn({
      compare: guard.map((g) => g.compare),
      success: [...finalOps, ...guard.map((g) => g.answer({ moves: started }))],
    });
    if (!answer.succeeded) throw new RivuletError("conflict", "the request changed while it was served");
    return answer.header.revision;
  }

  /** The drained brokers as stored: broker id → its broker epoch when drained (0: it was not registered). */
  async #drainedBrokers(): Promise<Map<number, number>> {
    const prefix = `${this.#cache.keys.prefix}drained/`;
    // Read through the guard: a broker that is not the controller (or is cut off) fails at once with `not_controller`.
    const answer = await this.#election.controllerTxn({ success: [{ range: { key: prefix, prefix: true } }] });
    const read = answer.responses[0];
    const drained = new Map<number, number>();
    for (const kv of read && "range" in read ? read.range.kvs : []) {
      const id = Number(kv.key.slice(prefix.length));
      try {
        const epoch = (JSON.parse(bytesText(kv.value)) as { broker_epoch?: unknown }).broker_epoch;
        if (Number.isInteger(id) && typeof epoch === "number") drained.set(id, epoch);
      } catch {
        // not a marker: ignored
      }
    }
    return drained;
  }

  /**
   * Starts the moves of one topic in one txn: the record with each partition moving, each
   * state with the ISR cut to the new replica set (and rewritten anyway, so the leader's
   * reconciler hears of its new followers); the topic and every state must be as planned.
   *
   * @param answer whether the request's answer goes in this txn (false: the caller writes it)
   * @returns the txn's revision; 0 when `answer` is false and the metadata changed under it
   *   (the caller plans again once the cache shows the change)
   * @throws {RivuletError} `conflict` when `answer` is true and the partition kept changing
   */
  async #startMoves(moves: PlannedMove[], guard: RequestGuard, extraOps: TxnOp[], answer = true): Promise<number> {
    const keys = this.#cache.keys;
    for (let attempt = 0; attempt < 8; attempt++) {
      const name = moves[0].topic;
      let record: TopicRecord | undefined = this.#cache.topic(name);
      const topicRevision = this.#cache.topic(name)?.mod_revision;
      if (!record || topicRevision === undefined) throw new RivuletError("unknown_topic", `topic ${name} does not exist`, { topic: name });
      const compare: Compare[] = [{ key: keys.topic(name), target: "mod_revision", result: "equal", value: topicRevision }];
      const puts: TxnOp[] = [];
      for (const move of moves) {
        const state = this.#cache.partition(name, move.partition);
        if (!state) throw new RivuletError("unknown_partition", `${name}/${move.partition} has no state in the cluster yet`, { topic: name, partition: move.partition });
        const next = startMove(record, move.partition, move.replicas, state);
        record = next.record;
        compare.push({ key: keys.partition(name, move.partition), target: "mod_revision", result: "equal", value: state.mod_revision });
        puts.push({ put: { key: keys.partition(name, move.partition), value: JSON.stringify(next.state) } });
      }
      const result = await this.#election.controllerTxn({
        compare: [...compare, ...guard.map((g) => g.compare)],
        success: [{ put: { key: keys.topic(name), value: JSON.stringify(record) } }, ...puts, ...extraOps, ...(answer ? guard.map((g) => g.answer()) : [])],
        failure: compare.map((c) => ({ range: { key: c.key } })),
      });
      if (result.succeeded) {
        for (const move of moves) this.#emit({ type: "move_started", topic: name, partition: move.partition, replicas: move.replicas });
        await this.#cache.waitForRevision(result.header.revision, this.#term?.signal);
        return result.header.revision;
      }
      // Wait until the cache shows what changed, then try on it.
      const seen = result.responses.flatMap((r) => ("range" in r ? r.range.kvs.map((kv) => kv.modRevision) : []));
      await this.#cache.waitForRevision(Math.max(0, ...seen), this.#term?.signal);
      if (!answer) return 0;
    }
    throw new RivuletError("conflict", `${moves[0].topic} kept changing while its move was written; try again`, { topic: moves[0].topic });
  }

  /** Creates the local broker's `__` topics that the cluster does not have yet. */
  async #ensureInternalTopics(only: string[]): Promise<void> {
    const internal = (await this.#options.internalTopics?.()) ?? [];
    for (const topic of internal) {
      if (this.#cache.topic(topic.name) || (only.length > 0 && !only.includes(topic.name))) continue;
      await this.#serial(() => this.#create({ op: "create", name: topic.name, partitions: topic.partitions, config: topic.config, replication_factor: null, internal: true }, []))
        .catch((error) => {
          if (!isRivuletError(error, "topic_exists")) throw error;
        });
    }
  }

  /**
   * The create txn: the topic key absent (and, for a request, the request key unchanged); the
   * record, every partition state and `extraOps` (the request's outcome) together.
   */
  async #create(request: Extract<TopicRequest, { op: "create" }>, guard: RequestGuard): Promise<number> {
    const keys = this.#cache.keys;
    validateTopicName(request.name, { internal: request.internal });
    if (!Number.isInteger(request.partitions) || request.partitions < 1 || request.partitions > this.#limits.topicPartitionsMax) {
      throw new RivuletError("invalid_request", `partitions must be an integer from 1 to ${this.#limits.topicPartitionsMax}`, { limit: this.#limits.topicPartitionsMax });
    }
    const { local, stored } = splitTopicConfig(request.config ?? {});
    parseTopicConfig(local);
    // Drained brokers take no new replicas (the read costs one etcd round trip per create).
    const live = this.#eligible(await this.#drainedBrokers());
    const factor = request.replication_factor ?? defaultReplicationFactor(live.length);
    const replicas = assignReplicas(live, request.partitions, factor, this.#cache.topics().length);
    const record: TopicRecord = { name: request.name, replicas, config: stored };
    const ops: TxnOp[] = [{ put: { key: keys.topic(request.name), value: JSON.stringify(record) } }];
    replicas.forEach((row, p) => {
      const state: PartitionState = { leader: row[0], leader_epoch: 0, isr: row };
      ops.push({ put: { key: keys.partition(request.name, p), value: JSON.stringify(state) } });
    });
    const topicKey = keys.topic(request.name);
    const answer = await this.#election.controllerTxn({
      compare: [{ key: topicKey, target: "create_revision", result: "equal", value: 0 }, ...guard.map((g) => g.compare)],
      success: [...ops, ...guard.map((g) => g.answer())],
      failure: [{ range: { key: topicKey, countOnly: true } }],
    });
    if (!answer.succeeded) {
      const read = answer.responses[0];
      if (read && "range" in read && read.range.count > 0) throw new RivuletError("topic_exists", `topic ${request.name} already exists`, { topic: request.name });
      throw new RivuletError("conflict", `topic request for ${request.name} changed while it was served`);
    }
    this.#emit({ type: "topic_created", topic: request.name, replicas });
    return answer.header.revision;
  }

  async #delete(request: Extract<TopicRequest, { op: "delete" }>, guard: RequestGuard): Promise<number> {
    const keys = this.#cache.keys;
    validateTopicName(request.name, { internal: true });
    if (request.name.startsWith("__") && !request.internal) throw new RivuletError("invalid_topic_name", `internal topic ${request.name} cannot be deleted`, { topic: request.name });
    const topicKey = keys.topic(request.name);
    const partitionsPrefix = `${keys.prefix}partitions/${request.name}/`;
    const answer = await this.#election.controllerTxn({
      compare: [{ key: topicKey, target: "create_revision", result: "greater", value: 0 }, ...guard.map((g) => g.compare)],
      success: [{ deleteRange: { key: topicKey } }, { deleteRange: { key: partitionsPrefix, rangeEnd: bytesText(prefixEnd(partitionsPrefix)) } }, ...guard.map((g) => g.answer())],
      failure: [{ range: { key: topicKey, countOnly: true } }],
    });
    if (!answer.succeeded) {
      const read = answer.responses[0];
      if (read && "range" in read && read.range.count === 0) throw new RivuletError("unknown_topic", `topic ${request.name} does not exist`, { topic: request.name });
      throw new RivuletError("conflict", `topic request for ${request.name} changed while it was served`);
    }
    this.#emit({ type: "topic_deleted", topic: request.name });
    return answer.header.revision;
  }

  /** Serves request keys while this term lasts: those waiting now, then each new one. */
  async #serveRequests(signal: AbortSignal): Promise<void> {
    const client = this.#registration.client;
    const prefix = requestPrefix(this.#cache.keys.prefix);
    let backoff = this.#limits.etcdRetryBackoffMinMs;
    while (!signal.aborted) {
      try {
        const page = await client.range({ key: prefix, prefix: true }, { signal });
        for (const kv of page.kvs) await this.#serveRequest(kv.key, kv.value, kv.modRevision, kv.lease);
        const watch = client.watch({ key: prefix, prefix: true, startRevision: page.header.revision + 1, signal });
        try {
          for await (const batch of watch) {
            for (const event of batch.events) {
              if (event.type === "put") await this.#serveRequest(event.kv.key, event.kv.value, event.kv.modRevision, event.kv.lease);
            }
          }
        } finally {
          watch.close();
        }
      } catch (error) {
        if (signal.aborted || isRivuletError(error, "not_controller")) return;
        await pauseOn(signal, backoff);
        backoff = Math.min(backoff * 2, this.#limits.etcdRetryBackoffMaxMs);
      }
    }
  }

  async #serveRequest(key: string, value: Uint8Array, modRevision: number, lease: string): Promise<void> {
    const stored = parseStoredRequest(value);
    if (!stored || stored.outcome) return;
    const request = stored.request;
    const answer = (outcome: TopicRequestOutcome): TxnOp => ({ put: { key, value: JSON.stringify({ request, outcome }), lease } });
    // The change's revision is the txn's own, known only afterwards: the outcome says 0 and the
    // requester takes the revision of the write that brought it (the same txn).
    const guard: RequestGuard = [{ compare: { key, target: "mod_revision", result: "equal", value: modRevision }, answer: (result) => answer({ ok: true, revision: 0, ...(result ? { result } : {}) }) }];
    try {
      if (request.op === "create") {
        if (request.internal && request.name.startsWith("__") && this.#cache.topic(request.name)) throw new RivuletError("topic_exists", `topic ${request.name} already exists`);
        await this.#serial(() => this.#create(request, guard));
      } else if (request.op === "delete") {
        await this.#serial(() => this.#delete(request, guard));
      } else if (request.op === "reassign") {
        await this.#serial(() => this.#reassign(request, guard));
      } else if (request.op === "drain") {
        await this.#serial(() => this.#drain(request, guard));
      } else {
        await this.#serial(() => this.#rebalance(guard));
      }
    } catch (error) {
      if (isRivuletError(error, "not_controller") || isRivuletError(error, "conflict")) throw error;
      if (!isRivuletError(error)) throw error;
      await this.#election.controllerTxn({
        compare: [{ key, target: "mod_revision", result: "equal", value: modRevision }],
        success: [answer({ ok: false, code: error.code, message: error.message, details: error.info })],
      });
    }
  }
}

/** The request key a controller write must find unchanged, and the outcome it writes there. */
type RequestGuard = Array<{ compare: { key: string; target: "mod_revision"; result: "equal"; value: number }; answer: (result?: MovesResult) => TxnOp }>;

/** The next change a partition needs, in order: a leader if it has none, dead followers out of the ISR, the preferred leader back. */
function nextChange(state: PartitionState, topic: TopicRecord, partition: number, live: ReadonlySet<number>): { kind: Election["kind"] | "isr"; state: PartitionState } | null {
  const replicas = topic.replicas[partition];
  const offline = electOffline(state, replicas, live, allowsUncleanElection(topic.config));
  if (offline) return offline;
  if (state.leader === -1) return null;
  const isr = state.isr.filter((id) => live.has(id) || id === state.leader);
  if (isr.length !== state.isr.length) return { kind: "isr", state: { leader: state.leader, leader_epoch: state.leader_epoch, isr } };
  // A moving partition's leader is chosen when the move completes.
  if (moveOf(topic, partition)) return null;
  return electPreferred(state, replicas, live);
}

function pauseOn(signal: AbortSignal | undefined, ms: number): Promise<void> {
  return signal ? pause(ms, signal) : Promise.resolve();
}

/** Where a drained broker is marked: `/<c>/drained/<id>` → `{"broker_epoch": N}` (a kind of key the metadata cache ignores). */
function drainedKey(prefix: string, id: number): string {
  return `${prefix}drained/${id}`;
}
