/**
 * Idempotent producers that number their *requests* rather than their batches: the HTTP
 * produce door's `Producer-Id`, `Producer-Epoch` and `Producer-Seq`. A client cannot number
 * batches per partition, since the broker picks the partitions; instead it numbers its produce
 * requests per (producer, topic) from 0, and the broker turns each request into per-partition
 * batches whose Kafka sequence numbers are fixed when the request is first planned (see
 * request-plan.ts). Rules, per (producer, topic):
 *
 * - `Producer-Seq` = the last request's number: a retry. Answered with the last request's
 *   offsets once complete; if its first try failed part way, only what that try may not have
 *   written is sent again, with the same sequence numbers, so the partitions drop what they hold.
 * - = last + 1, once the last is complete: a new request.
 * - anything else: `out_of_order_sequence` (details `expectedSequence`), nothing written.
 * - an epoch below the producer's: `producer_fenced`; above it, or an id this broker did not
 *   register (or forgot under the {@link Limits.requestProducersMax} bound, or, without a store,
 *   across a restart): `unknown_producer`.
 *
 * Requests of one (producer, topic) run one at a time, in arrival order. Producer ids come from
 * the same allocator as Kafka's InitProducerId, so they never collide with a Kafka client's.
 *
 * Durability: given a {@link RequestProducerStore} (the broker's is the compacted internal topic
 * `__request_producers`, broker/request-producer-log.ts), the registry survives a broker restart,
 * kill -9 included, and is read back before the first request or registration after a start.
 * A registration or epoch bump is durable before it is answered. Request N's plan (each record's
 * partition, each batch's Kafka base sequence, each partition's next sequence) is durable before
 * any of its batches is sent, and rewritten with the batches' offsets once all are acknowledged,
 * before the answer. So whatever the moment of a crash, the retry of N re-sends exactly the
 * planned batches (laid out again from the retried body, which must match by checksum):
 * partitions that hold one answer with its original offsets, the rest append it; and N + 1
 * continues every partition's sequence. A plan is re-sent whole after a restart, so it puts at
 * most PRODUCER_BATCHES_KEPT batches on one partition (what a partition remembers per producer);
 * a larger share is `request_too_large`. Without a store, producers live in memory only (a
 * partition worker's crash still loses nothing: its idempotent state is rebuilt from its log).
 *
 * Not thread-safe: owned by the broker's main thread.
 */
import { RivuletError } from "../core/errors.ts";
import { PRODUCER_BATCHES_KEPT } from "../storage/producer-state.ts";
import { Partitioner } from "./partitioner.ts";
import { fillOffsets, layOut, planAnswer, planBatches, sendPlan, type Layout, type PlanHost, type RequestPlan } from "./request-plan.ts";
import { packPartitions, type RequestProducerChange, type RequestProducerStore, type StoredSession } from "./request-producer-log.ts";
import type { ProduceLimits, ProducerRecord, ProducerRequest, RecordMetadata } from "./types.ts";

/** Largest producer epoch a batch can carry (int16). */
const EPOCH_MAX = 0x7fff;

/** A producer as `initProducer` hands it out. */
export interface RequestProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

interface TopicSession {
  /** Per partition, the sequence number the next batch starts at. */
  next: Map<number, number>;
  last: RequestPlan | null;
  /** The tail of this session's requests, run one at a time. */
  queue: Promise<unknown>;
  running: number;
}

interface Registered {
  epoch: number;
  owner: string | null;
  topics: Map<string, TopicSession>;
}

/**
 * For tests only: a step inside idempotent produce, so a test can stop the broker (kill -9)
 * at the worst moment of a request.
 */
export interface RequestProducerTestHooks {
  /** Before one of a request's batches goes to its partition. */
  beforeBatch?(topic: string, request: ProducerRequest, partition: number): Promise<void> | void;
  /** After one of a request's batches is acknowledged. */
  afterBatch?(topic: string, request: ProducerRequest, partition: number): Promise<void> | void;
  /** After every batch of a request is acknowledged, before the store records it complete. */
  afterBatchesSent?(topic: string, request: ProducerRequest): Promise<void> | void;
}

/**
 * What the registry needs from the broker. `registryGeneration`, in a cluster: a number that
 * changes whenever this broker becomes the registry's owner anew (the leader epoch of
 * `__request_producers` partition 0 while this broker leads it): the registry then forgets what
 * it held and reads the store again, since another broker may have changed it in between.
 */
export type RequestProducerHost = PlanHost & { allocateProducerId(): Promise<number>; registryGeneration?(): number };

/** The registry of request producers and the produce path that applies their rules. */
export class RequestProducers {
  #host: RequestProducerHost;
  #store: RequestProducerStore | null;
  #hooks: RequestProducerTestHooks;
  #producers = new Map<number, Registered>();
  #partitioner = new Partitioner();
  #recordsHeld = 0;
  #loaded: Promise<void> | null = null;
  #generation = 0;

  /**
   * @param host the broker
   * @param options `store` keeps the registry across restarts (without one it lives in memory);
   *   `testHooks` for tests only
   */
  constructor(host: RequestProducerHost, options: { store?: RequestProducerStore; testHooks?: RequestProducerTestHooks } = {}) {
    this.#host = host;
    this.#store = options.store ?? null;
    this.#hooks = options.testHooks ?? {};
  }

  /** Registered producers. */
  get size(): number {
    return this.#producers.size;
  }

  /**
   * Registers a producer: a fresh id at epoch 0, or, given one this broker registered for the
   * same owner, that id at the next epoch (fencing whoever holds the old one; sequences start
   * again at 0). An id this broker does not know, or whose epoch is used up, is replaced by a
   * fresh one. Durable (with a store) before it resolves.
   */
  async init(options: { owner?: string | null; producerId?: number } = {}): Promise<RequestProducerIdentity> {
    await this.#ready();
    const owner = options.owner ?? null;
    const known = options.producerId === undefined ? undefined : this.#producers.get(options.producerId);
    if (known && known.owner === owner && known.epoch < EPOCH_MAX && this.#idle(known)) {
      const producerId = options.producerId!;
      known.epoch++;
      const changes: RequestProducerChange[] = [{ producerId, producer: { epoch: known.epoch, owner } }];
      for (const topic of known.topics.keys()) changes.push({ producerId, topic, session: null });
      this.#forgetTopics(known);
      this.#touch(producerId, known);
      await this.#store?.write(changes);
      return { producerId, producerEpoch: known.epoch };
    }
    const producerId = await this.#host.allocateProducerId();
    this.#touch(producerId, { epoch: 0, owner, topics: new Map() });
    this.#evict();
    await this.#store?.write([{ producerId, producer: { epoch: 0, owner } }]);
    return { producerId, producerEpoch: 0 };
  }

  /**
   * Produces `records` as request `request.sequence` of a registered producer.
   *
   * @returns where each record landed, in request order (a retry: where its first try put them)
   * @throws {RivuletError} `unknown_producer`, `producer_fenced`, `out_of_order_sequence`,
   *   `conflict` (same number, different body), `request_too_large`, and what a produce throws
   */
  produce(topic: string, records: ProducerRecord[], request: ProducerRequest, limits?: ProduceLimits): Promise<RecordMetadata[]> {
    // Requests keep their arrival order through the wait: `then` callbacks run in order.
    return this.#ready().then(() => this.#enqueue(topic, records, request, limits));
  }

  /** Reads the store once (again after a failed read) before the registry serves. */
  #ready(): Promise<void> {
    if (!this.#store) return Promise.resolve();
    const generation = this.#host.registryGeneration?.() ?? 0;
    if (generation !== this.#generation) {
      // Another broker owned the registry since it was read: read it again.
      this.#generation = generation;
      this.#producers.clear();
      this.#recordsHeld = 0;
      this.#loaded = null;
    }
    this.#loaded ??= this.#load().catch((error) => {
      this.#loaded = null;
      throw error;
    });
    return this.#loaded;
  }

  async #load(): Promise<void> {
    const stored = await this.#store!.load();
    for (const [producerId, producer] of stored.producers) {
      const topics = new Map<string, TopicSession>();
      for (const [topic, session] of stored.sessions.get(producerId) ?? []) {
        if (session.epoch !== producer.epoch) continue;
        topics.set(topic, restoreSession(session));
        this.#recordsHeld += session.partitions.length;
      }
      this.#producers.set(producerId, { epoch: producer.epoch, owner: producer.owner, topics });
    }
    this.#evict();
  }

  #enqueue(topic: string, records: ProducerRecord[], request: ProducerRequest, limits?: ProduceLimits): Promise<RecordMetadata[]> {
    const producer = this.#registered(request);
    let session = producer.topics.get(topic);
    if (!session) {
      session = { next: new Map(), last: null, queue: Promise.resolve(), running: 0 };
      producer.topics.set(topic, session);
    }
    const s = session;
    s.running++;
    const run = s.queue.then(() => this.#handle(producer, s, topic, records, request, limits));
    s.queue = run.then(noop, noop).finally(() => s.running--);
    return run;
  }

  #registered(request: ProducerRequest): Registered {
    const producer = this.#producers.get(request.producerId);
    if (!producer || producer.owner !== (request.owner ?? null)) {
      throw new RivuletError("unknown_producer", `producer ${request.producerId} is not known to this broker (it forgot it): initialize a new producer`, { producerId: request.producerId });
    }
    this.#touch(request.producerId, producer);
    return producer;
  }

  async #handle(producer: Registered, session: TopicSession, topic: string, records: ProducerRecord[], request: ProducerRequest, limits?: ProduceLimits): Promise<RecordMetadata[]> {
    if (request.producerEpoch < producer.epoch) {
      throw new RivuletError("producer_fenced", `producer ${request.producerId} epoch ${request.producerEpoch} is fenced by epoch ${producer.epoch}`, { producerId: request.producerId, epoch: request.producerEpoch, currentEpoch: producer.epoch });
    }
    if (request.producerEpoch > producer.epoch) {
      throw new RivuletError("unknown_producer", `producer ${request.producerId} has no epoch ${request.producerEpoch} (its epoch is ${producer.epoch})`, { producerId: request.producerId, epoch: request.producerEpoch });
    }
    const last = session.last;
    const fingerprint = request.fingerprint ?? 0;
    if (last && request.sequence === last.sequence) {
      if (last.fingerprint !== fingerprint || last.partitions.length !== records.length) {
        throw new RivuletError("conflict", `Producer-Seq ${request.sequence} was used for a different request`, { sequence: request.sequence });
      }
      if (last.status === "done") return planAnswer(topic, last);
      return this.#run(session, topic, last, layOut(this.#host, topic, records, this.#partitioner, limits, last.partitions), request);
    }
    const expected = !last ? 0 : last.status === "done" ? last.sequence + 1 : last.sequence;
    if (request.sequence !== expected) {
      const why = last && last.status !== "done" ? `request ${last.sequence} is not acknowledged yet: retry it first` : `expected Producer-Seq ${expected}`;
      throw new RivuletError("out_of_order_sequence", `producer ${request.producerId} on topic "${topic}": ${why}, got ${request.sequence}`, { expectedSequence: expected, sequence: request.sequence });
    }
    const layout = layOut(this.#host, topic, records, this.#partitioner, limits);
    const next = new Map(session.next);
    const batches = planBatches(this.#host, topic, layout, next, this.#store ? PRODUCER_BATCHES_KEPT : Infinity);
    const plan: RequestPlan = { sequence: request.sequence, fingerprint, partitions: layout.partitions, offsets: new Float64Array(records.length).fill(-1), batches, status: "running", persisted: !this.#store };
    session.next = next;
    this.#recordsHeld += plan.partitions.length - (last?.partitions.length ?? 0);
    session.last = plan;
    this.#evict();
    return this.#run(session, topic, plan, layout, request);
  }

  async #run(session: TopicSession, topic: string, plan: RequestPlan, layout: Layout, request: ProducerRequest): Promise<RecordMetadata[]> {
    plan.status = "running";
    try {
      // The plan is durable before any batch leaves, so a retry after a crash re-sends the same batches.
      if (!plan.persisted) {
        await this.#store!.write([sessionChange(request, topic, session, plan, false)]);
        plan.persisted = true;
      }
      const { beforeBatch, afterBatch } = this.#hooks;
      const hooks = beforeBatch || afterBatch ? { beforeBatch: beforeBatch && ((p: number) => beforeBatch(topic, request, p)), afterBatch: afterBatch && ((p: number) => afterBatch(topic, request, p)) } : undefined;
      await sendPlan(this.#host, topic, plan, layout, request, this.#host.clock.now() + this.#host.limits.deliveryTimeoutMs, hooks);
      if (this.#store) {
        if (this.#hooks.afterBatchesSent) await this.#hooks.afterBatchesSent(topic, request);
        await this.#store.write([sessionChange(request, topic, session, plan, true)]);
      }
    } catch (error) {
      plan.status = "failed";
      throw error;
    }
    plan.status = "done";
    return planAnswer(topic, plan);
  }

  #touch(id: number, producer: Registered): void {
    this.#producers.delete(id);
    this.#producers.set(id, producer);
  }

  #idle(producer: Registered): boolean {
    for (const session of producer.topics.values()) if (session.running > 0) return false;
    return true;
  }

  #forgetTopics(producer: Registered): void {
    for (const session of producer.topics.values()) this.#recordsHeld -= session.last?.partitions.length ?? 0;
    producer.topics.clear();
  }

  /**
   * Forgets the least recently used idle producers while over either bound; with a store, their
   * keys get tombstones (not awaited: a producer the store still holds after a crash is
   * forgotten again on the next load).
   */
  #evict(): void {
    const { requestProducersMax, requestProducerRecordsHeldMax } = this.#host.limits;
    const forgotten: RequestProducerChange[] = [];
    for (const [id, producer] of this.#producers) {
      if (this.#producers.size <= requestProducersMax && this.#recordsHeld <= requestProducerRecordsHeldMax) break;
      if (!this.#idle(producer)) continue;
      for (const topic of producer.topics.keys()) forgotten.push({ producerId: id, topic, session: null });
      forgotten.push({ producerId: id, producer: null });
      this.#forgetTopics(producer);
      this.#producers.delete(id);
    }
    if (forgotten.length > 0) this.#store?.write(forgotten).catch(noop);
  }
}

/** The durable form of a session's last request: its plan, and the batches' offsets once `done`. */
function sessionChange(request: ProducerRequest, topic: string, session: TopicSession, plan: RequestPlan, done: boolean): RequestProducerChange {
  const value: StoredSession = {
    epoch: request.producerEpoch,
    sequence: plan.sequence,
    fingerprint: plan.fingerprint,
    partitions: packPartitions(plan.partitions),
    batches: plan.batches.flatMap((b) => [b.partition, b.from, b.to, b.firstSequence]),
    next: [...session.next].flat(),
    baseOffsets: done ? plan.batches.map((b) => b.baseOffset) : null,
  };
  return { producerId: request.producerId, topic, session: value };
}

/** A session as loaded: a complete request answers from its offsets, an incomplete one is re-sent whole by its retry. */
function restoreSession(stored: StoredSession): TopicSession {
  const next = new Map<number, number>();
  for (let i = 0; i < stored.next.length; i += 2) next.set(stored.next[i], stored.next[i + 1]);
  const done = stored.baseOffsets !== null;
  const batches = [];
  for (let i = 0, b = 0; i < stored.batches.length; i += 4, b++) {
    const [partition, from, to, firstSequence] = stored.batches.slice(i, i + 4);
    batches.push({ partition, from, to, firstSequence, acknowledged: done, baseOffset: done ? stored.baseOffsets![b] : -1 });
  }
  const partitions = Int32Array.from(stored.partitions);
  const plan: RequestPlan = { sequence: stored.sequence, fingerprint: stored.fingerprint, partitions, offsets: new Float64Array(partitions.length).fill(-1), batches, status: done ? "done" : "failed", persisted: true };
  if (done) fillOffsets(plan);
  return { next, last: plan, queue: Promise.resolve(), running: 0 };
}

function noop(): void {}
