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
 *   register (or forgot: restart, or the {@link Limits.requestProducersMax} bound): `unknown_producer`.
 *
 * Requests of one (producer, topic) run one at a time, in arrival order. Producer ids come from
 * the same allocator as Kafka's InitProducerId, so they never collide with a Kafka client's.
 * What is kept per producer lives in memory: a partition worker's crash loses nothing (its
 * idempotent state is rebuilt from its log), a broker restart forgets the producers, whose
 * clients then initialize new ones.
 *
 * Not thread-safe: owned by the broker's main thread.
 */
import { RivuletError } from "../core/errors.ts";
import { Partitioner } from "./partitioner.ts";
import { layOut, planAnswer, planBatches, sendPlan, type Layout, type PlanHost, type RequestPlan } from "./request-plan.ts";
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

/** The registry of request producers and the produce path that applies their rules. */
export class RequestProducers {
  #host: PlanHost & { allocateProducerId(): Promise<number> };
  #producers = new Map<number, Registered>();
  #partitioner = new Partitioner();
  #recordsHeld = 0;

  constructor(host: PlanHost & { allocateProducerId(): Promise<number> }) {
    this.#host = host;
  }

  /** Registered producers. */
  get size(): number {
    return this.#producers.size;
  }

  /**
   * Registers a producer: a fresh id at epoch 0, or, given one this broker registered for the
   * same owner, that id at the next epoch (fencing whoever holds the old one; sequences start
   * again at 0). An id this broker does not know, or whose epoch is used up, is replaced by a
   * fresh one.
   */
  async init(options: { owner?: string | null; producerId?: number } = {}): Promise<RequestProducerIdentity> {
    const owner = options.owner ?? null;
    const known = options.producerId === undefined ? undefined : this.#producers.get(options.producerId);
    if (known && known.owner === owner && known.epoch < EPOCH_MAX && this.#idle(known)) {
      known.epoch++;
      this.#forgetTopics(known);
      this.#touch(options.producerId!, known);
      return { producerId: options.producerId!, producerEpoch: known.epoch };
    }
    const producerId = await this.#host.allocateProducerId();
    this.#touch(producerId, { epoch: 0, owner, topics: new Map() });
    this.#evict();
    return { producerId, producerEpoch: 0 };
  }

  /**
   * Produces `records` as request `request.sequence` of a registered producer.
   *
   * @returns where each record landed, in request order (a retry: where its first try put them)
   * @throws {RivuletError} `unknown_producer`, `producer_fenced`, `out_of_order_sequence`,
   *   `conflict` (same number, different body), and what a produce throws
   */
  produce(topic: string, records: ProducerRecord[], request: ProducerRequest, limits?: ProduceLimits): Promise<RecordMetadata[]> {
    try {
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
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #registered(request: ProducerRequest): Registered {
    const producer = this.#producers.get(request.producerId);
    if (!producer || producer.owner !== (request.owner ?? null)) {
      throw new RivuletError("unknown_producer", `producer ${request.producerId} is not known to this broker (it restarted or forgot it): initialize a new producer`, { producerId: request.producerId });
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
      return this.#run(topic, last, layOut(this.#host, topic, records, this.#partitioner, limits, last.partitions), request);
    }
    const expected = !last ? 0 : last.status === "done" ? last.sequence + 1 : last.sequence;
    if (request.sequence !== expected) {
      const why = last && last.status !== "done" ? `request ${last.sequence} is not acknowledged yet: retry it first` : `expected Producer-Seq ${expected}`;
      throw new RivuletError("out_of_order_sequence", `producer ${request.producerId} on topic "${topic}": ${why}, got ${request.sequence}`, { expectedSequence: expected, sequence: request.sequence });
    }
    const layout = layOut(this.#host, topic, records, this.#partitioner, limits);
    const next = new Map(session.next);
    const batches = planBatches(this.#host, topic, layout, next);
    const plan: RequestPlan = { sequence: request.sequence, fingerprint, partitions: layout.partitions, offsets: new Float64Array(records.length).fill(-1), batches, status: "running" };
    session.next = next;
    this.#recordsHeld += plan.partitions.length - (last?.partitions.length ?? 0);
    session.last = plan;
    this.#evict();
    return this.#run(topic, plan, layout, request);
  }

  async #run(topic: string, plan: RequestPlan, layout: Layout, request: ProducerRequest): Promise<RecordMetadata[]> {
    plan.status = "running";
    try {
      await sendPlan(this.#host, topic, plan, layout, request, this.#host.clock.now() + this.#host.limits.deliveryTimeoutMs);
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

  /** Forgets the least recently used idle producers while over either bound. */
  #evict(): void {
    const { requestProducersMax, requestProducerRecordsHeldMax } = this.#host.limits;
    for (const [id, producer] of this.#producers) {
      if (this.#producers.size <= requestProducersMax && this.#recordsHeld <= requestProducerRecordsHeldMax) return;
      if (!this.#idle(producer)) continue;
      this.#forgetTopics(producer);
      this.#producers.delete(id);
    }
  }
}

function noop(): void {}
