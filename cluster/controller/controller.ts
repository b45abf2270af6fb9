/**
 * The controller's work, run by whichever broker holds the controller key (see
 * {@link ControllerElection}); every write is a txn guarded by its controller epoch, so a
 * deposed controller writes nothing (`not_controller`).
 *
 * - **Topics** (topic-txns.ts): creates a topic's record (replica assignment spread by
 *   {@link assignReplicas}) and every partition's first state `{leader: first replica,
 *   leader_epoch: 0, isr: replicas}` in one txn, only if the topic key is absent; deletes the
 *   topic key and its partition states in one txn. Requests come from this broker directly or
 *   from others through request keys ({@link TopicRequester}, served in
 *   topic-request-server.ts); the outcome is written into the request key in the same txn.
 * - **Leaders** (leader-changes.ts): after every metadata change, for each partition: a dead
 *   or missing leader is replaced from the ISR ({@link electOffline}); a dead follower leaves
 *   the ISR (as Kafka's controller does for a fenced broker, so a broker that returns must catch
 *   up before it can be elected); a live preferred replica back in the ISR leads again
 *   ({@link electPreferred}). Each change is a compare-and-set on the state's mod_revision; one
 *   that loses the race is recomputed from the newer state on the next change.
 * - **Moves** (Kafka's reassignment, KIP-455; see {@link ./reassignment.ts}; written in
 *   partition-moves.ts): `reassign` starts one partition's move, `drain` and `rebalance` plan
 *   many ({@link ./rebalance-plan.ts}) and start them; every pass completes the moves whose
 *   target replicas are all in the ISR. The move lives in the topic record, so a controller
 *   elected mid-move finishes it. While a partition moves, its preferred leader is not elected
 *   (the move's end chooses the leader). A drained broker is written to `/<c>/drained/<id>` with
 *   its broker epoch (drained-brokers.ts): until it registers anew (restarted), new topics and
 *   rebalances leave it out.
 * - **Internal topics** (`__consumer_offsets`, Durable Streams metadata: whatever `__` topics
 *   the local broker opens) are created with replication factor min(3, live brokers) once three
 *   brokers are live, or at once when a broker asks for one.
 *
 * This file runs the terms and the reconciliation passes and puts the topic changes in one
 * queue; the parts get a {@link ControllerContext}.
 */
import { isRivuletError } from "../../core/errors.ts";
import { defaultLimits, type Limits } from "../../core/limits.ts";
import type { BrokerRegistration } from "../membership/broker-registration.ts";
import type { ControllerElection } from "../membership/controller-election.ts";
import type { MetadataCache } from "../membership/metadata-cache.ts";
import type { MovesResult, TopicRequest } from "./topic-requests.ts";
import { pauseOn, type ControllerContext, type ControllerEvent, type RequestGuard } from "./controller-context.ts";
import { createTopicTxn, deleteTopicTxn } from "./topic-txns.ts";
import { completeOneMove, drainBroker, rebalanceBrokers, reassignPartition } from "./partition-moves.ts";
import { writeLeaderChanges } from "./leader-changes.ts";
import { serveTopicRequests } from "./topic-request-server.ts";

export type { ControllerEvent } from "./controller-context.ts";
export { defaultReplicationFactor } from "./topic-txns.ts";

/** An internal topic the controller creates when missing: its name, partitions and local config. */
export interface InternalTopic {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** How to build a controller. */
export interface ControllerOptions {
  /** The `__` topics to create when missing (from the local broker). */
  internalTopics?: () => Promise<InternalTopic[]>;
  limits?: Partial<Limits>;
  /** Hears every change made (never throws into the controller). */
  onEvent?: (event: ControllerEvent) => void;
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
  readonly #context: ControllerContext;
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
    this.#context = { cache, election, limits: this.#limits, signal: () => this.#term?.signal, emit: (event) => this.#emit(event) };
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
    return this.#serial(() => createTopicTxn(this.#context, request, []));
  }

  /**
   * Deletes a topic and its partition states (this broker must be the controller).
   *
   * @throws {RivuletError} `not_controller`, `unknown_topic`, `invalid_topic_name` (internal)
   */
  deleteTopic(request: Extract<TopicRequest, { op: "delete" }>): Promise<number> {
    return this.#serial(() => deleteTopicTxn(this.#context, request, []));
  }

  /**
   * Starts moving one partition to `request.replicas` (this broker must be the controller).
   *
   * @returns the revision of the write
   * @throws {RivuletError} `not_controller`, `unknown_topic`, `unknown_partition`,
   *   `invalid_replica_assignment`, `unknown_broker`, `conflict` (the partition kept changing)
   */
  reassign(request: Extract<TopicRequest, { op: "reassign" }>): Promise<number> {
    return this.#serial(async () => (await reassignPartition(this.#context, request, [])).revision);
  }

  /**
   * Moves every replica off a broker and keeps new ones off it until it registers anew.
   *
   * @throws {RivuletError} `not_controller`, `unknown_broker`, `not_enough_brokers`, `conflict`
   */
  drain(request: Extract<TopicRequest, { op: "drain" }>): Promise<{ revision: number; result: MovesResult }> {
    return this.#serial(() => drainBroker(this.#context, request, []));
  }

  /**
   * Spreads replicas and preferred leaders evenly over the live brokers that are not drained.
   *
   * @throws {RivuletError} `not_controller`, `conflict`
   */
  rebalance(_request: Extract<TopicRequest, { op: "rebalance" }>): Promise<{ revision: number; result: MovesResult }> {
    return this.#serial(() => rebalanceBrokers(this.#context, []));
  }

  /** Topic changes run one at a time, so each sees the one before in the cache. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** A request key's change, with its guard, in the queue of topic changes. */
  #apply(request: TopicRequest, guard: RequestGuard): Promise<unknown> {
    const context = this.#context;
    if (request.op === "create") return this.#serial(() => createTopicTxn(context, request, guard));
    if (request.op === "delete") return this.#serial(() => deleteTopicTxn(context, request, guard));
    if (request.op === "reassign") return this.#serial(() => reassignPartition(context, request, guard));
    if (request.op === "drain") return this.#serial(() => drainBroker(context, request, guard));
    return this.#serial(() => rebalanceBrokers(context, guard));
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
    void serveTopicRequests(this.#context, this.#registration.client, term.signal, (request, guard) => this.#apply(request, guard)).catch(() => {});
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
      if (await completeOneMove(this.#context, topic, states, live)) continue;
      await writeLeaderChanges(this.#context, topic, states, live);
    }
    if (live.size >= 3) await this.#ensureInternalTopics([]);
  }

  /** Creates the local broker's `__` topics that the cluster does not have yet. */
  async #ensureInternalTopics(only: string[]): Promise<void> {
    const internal = (await this.#options.internalTopics?.()) ?? [];
    for (const topic of internal) {
      if (this.#cache.topic(topic.name) || (only.length > 0 && !only.includes(topic.name))) continue;
      await this.#serial(() => createTopicTxn(this.#context, { op: "create", name: topic.name, partitions: topic.partitions, config: topic.config, replication_factor: null, internal: true }, []))
        .catch((error) => {
          if (!isRivuletError(error, "topic_exists")) throw error;
        });
    }
  }
}
