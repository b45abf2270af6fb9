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
import type { MetadataCache } from "../membership/metadata-cache.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import type { TxnOp } from "../etcd/etcd-types.ts";
import { prefixEnd, bytesText } from "../etcd/etcd-bytes.ts";
import { assignReplicas } from "./replica-assignment.ts";
import { type Election, electOffline, electPreferred } from "./leader-election.ts";
import { allowsUncleanElection, splitTopicConfig } from "./cluster-topic-config.ts";
import { parseStoredRequest, requestPrefix, type TopicRequest, type TopicRequestOutcome } from "./topic-requests.ts";

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
  | { type: "topic_deleted"; topic: string };

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
    const live = this.#cache.brokers().map((b) => b.id);
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
      success: [...ops, ...guard.map((g) => g.answer(true))],
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
      success: [{ deleteRange: { key: topicKey } }, { deleteRange: { key: partitionsPrefix, rangeEnd: bytesText(prefixEnd(partitionsPrefix)) } }, ...guard.map((g) => g.answer(true))],
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
    const guard: RequestGuard = [{ compare: { key, target: "mod_revision", result: "equal", value: modRevision }, answer: () => answer({ ok: true, revision: 0 }) }];
    try {
      if (request.op === "create") {
        if (request.internal && request.name.startsWith("__") && this.#cache.topic(request.name)) throw new RivuletError("topic_exists", `topic ${request.name} already exists`);
        await this.#serial(() => this.#create(request, guard));
      } else {
        await this.#serial(() => this.#delete(request, guard));
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
type RequestGuard = Array<{ compare: { key: string; target: "mod_revision"; result: "equal"; value: number }; answer: (ok: boolean) => TxnOp }>;

/** The next change a partition needs, in order: a leader if it has none, dead followers out of the ISR, the preferred leader back. */
function nextChange(state: PartitionState, topic: TopicRecord, partition: number, live: ReadonlySet<number>): { kind: Election["kind"] | "isr"; state: PartitionState } | null {
  const replicas = topic.replicas[partition];
  const offline = electOffline(state, replicas, live, allowsUncleanElection(topic.config));
  if (offline) return offline;
  if (state.leader === -1) return null;
  const isr = state.isr.filter((id) => live.has(id) || id === state.leader);
  if (isr.length !== state.isr.length) return { kind: "isr", state: { leader: state.leader, leader_epoch: state.leader_epoch, isr } };
  return electPreferred(state, replicas, live);
}

function pauseOn(signal: AbortSignal | undefined, ms: number): Promise<void> {
  return signal ? pause(ms, signal) : Promise.resolve();
}
