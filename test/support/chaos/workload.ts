/**
 * The chaos run's workload: producers writing unique values to a topic (kafkajs idempotent
 * producers with acks=all, and plain HTTP producers), kafkajs consumers in one group reading it
 * from the start, every operation recorded in the history (see `history.ts`). It takes a list of
 * broker addresses, so the same workload runs against one broker or a cluster.
 *
 * Each producer has one send in flight and picks partitions in turn, so every partition gets
 * writes all along (the failover figures need that) and its acks come in the order it sent.
 * A kafkajs producer whose send failed is replaced by a new one (a new producer id): its
 * sequence numbers are in doubt, and reusing them could make a later value look like a
 * duplicate of the one in doubt.
 */
import "../kafka/kafkajs-timers.ts";
import { Kafka, logLevel, type Consumer, type Producer } from "kafkajs";
import type { HistoryWriter } from "./history-file.ts";

export interface WorkloadOptions {
  /** Kafka bootstrap addresses, `host:port`. */
  brokers: string[];
  /** HTTP base URLs: each HTTP producer starts on one and moves to the next after a failed send. */
  httpUrls: string[];
  topic: string;
  partitions: number;
  kafkaProducers: number;
  httpProducers: number;
  consumers: number;
  history: HistoryWriter;
}

/** Kafka error codes a broker answers only for a request it did not write. */
const definiteKafkaErrors = new Set(["CORRUPT_MESSAGE", "MESSAGE_TOO_LARGE", "INVALID_TOPIC_EXCEPTION", "RECORD_LIST_TOO_LARGE", "INVALID_REQUIRED_ACKS", "TOPIC_AUTHORIZATION_FAILED", "INVALID_RECORD"]);

/** A send's request bound: a paused broker must turn into a failed send, not a stuck producer. */
const requestTimeoutMs = 5_000;

function kafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2_000, requestTimeout: requestTimeoutMs, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1_000 } });
}

/** "fail" for an error that proves the record was not written, else "info". */
function outcomeOf(error: unknown): "fail" | "info" {
  for (let e = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; e = (e.cause ?? e.originalError) as typeof e) {
    if (e.type && definiteKafkaErrors.has(e.type)) return "fail";
  }
  return "info";
}

/** Waiters for the next ack on a partition after a time. */
interface AckWaiter {
  partition: number;
  after: number;
  resolve(at: number): void;
}

/** The running workload. */
export class Workload {
  readonly #options: WorkloadOptions;
  #running = true;
  #loops: Promise<void>[] = [];
  #consumers: Consumer[] = [];
  #waiters: AckWaiter[] = [];
  #countWaiters: Array<{ count: number; resolve(): void }> = [];
  /** Acknowledged sends so far. */
  acks = 0;
  /** Last ack time per partition. */
  readonly lastAck = new Map<number, number>();
  /** Highest offset polled per partition (by any consumer). */
  readonly polledUpTo = new Map<number, number>();

  private constructor(options: WorkloadOptions) {
    this.#options = options;
  }

  /** Starts the consumers (joined and assigned) and the producers. */
  static async start(options: WorkloadOptions): Promise<Workload> {
    const workload = new Workload(options);
    for (let i = 0; i < options.consumers; i++) workload.#consumers.push(await workload.#startConsumer(`consumer-${i}`));
    for (let i = 0; i < options.kafkaProducers; i++) workload.#loops.push(workload.#kafkaProducerLoop(`kafkajs-${i}`, i));
    for (let i = 0; i < options.httpProducers; i++) workload.#loops.push(workload.#httpProducerLoop(`http-${i}`, i));
    return workload;
  }

  /** Resolves with the time of the first ack on `partition` after `after` (ms since the epoch). */
  nextAck(partition: number, after: number): Promise<number> {
    const last = this.lastAck.get(partition);
    if (last !== undefined && last > after) return Promise.resolve(last);
    return new Promise((resolve) => this.#waiters.push({ partition, after, resolve }));
  }

  /** Resolves once every partition has an ack after `after`. */
  async allAcked(after: number): Promise<void> {
    await Promise.all(Array.from({ length: this.#options.partitions }, (_, p) => this.nextAck(p, after)));
  }

  /** Resolves once `count` sends have been acknowledged in all. */
  acksReach(count: number): Promise<void> {
    if (this.acks >= count) return Promise.resolve();
    return new Promise((resolve) => this.#countWaiters.push({ count, resolve }));
  }

  /** Stops the producers (their sends in flight complete first). */
  async stopProducing(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** Disconnects the consumers. */
  async stopConsuming(): Promise<void> {
    await Promise.all(this.#consumers.map((c) => c.disconnect().catch(() => {})));
  }

  #acked(partition: number, at: number): void {
    this.acks++;
    this.#countWaiters = this.#countWaiters.filter((w) => (this.acks >= w.count ? (w.resolve(), false) : true));
    if ((this.lastAck.get(partition) ?? 0) < at) this.lastAck.set(partition, at);
    this.#waiters = this.#waiters.filter((w) => {
      if (w.partition !== partition || at <= w.after) return true;
      w.resolve(at);
      return false;
    });
  }

  async #kafkaProducerLoop(name: string, index: number): Promise<void> {
    const { topic, partitions, history } = this.#options;
    const kafka = kafkaClient(this.#options.brokers, name);
    let producer: Producer | null = null;
    for (let n = 0; this.#running; n++) {
      const value = `${name}-${n}`;
      const partition = (n + index) % partitions;
      const invokedAt = Date.now();
      try {
        if (!producer) {
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
          await producer.connect();
        }
        const [meta] = await producer.send({ topic, acks: -1, messages: [{ value, partition }] });
        const at = Date.now();
        history.record({ type: "send", producer: name, value, partition, status: "ok", offset: Number(meta.baseOffset), invokedAt, at });
        this.#acked(partition, at);
      } catch (error) {
        history.record({ type: "send", producer: name, value, partition, status: outcomeOf(error), invokedAt, at: Date.now(), error: String(error).slice(0, 200) });
        await producer?.disconnect().catch(() => {});
        producer = null;
      }
    }
    await producer?.disconnect().catch(() => {});
  }

  /** Sends through one broker's HTTP API; after a failure, through the next one (any broker takes any produce). */
  async #httpProducerLoop(name: string, index: number): Promise<void> {
    const { topic, partitions, history, httpUrls } = this.#options;
    let broker = index;
    for (let n = 0; this.#running; n++) {
      const url = httpUrls[broker % httpUrls.length];
      // The HTTP API stores a JSON value as its JSON text: that is the value consumers and the log see.
      const value = JSON.stringify(`${name}-${n}`);
      const partition = (n + index) % partitions;
      const invokedAt = Date.now();
      let status: "fail" | "info";
      let error: string;
      try {
        const response = await fetch(`${url}/v1/topics/${topic}/records`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: `{"records":[{"value":${value},"partition":${partition}}]}`,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        const body = await response.text();
        if (response.ok) {
          const { offsets } = JSON.parse(body) as { offsets: Array<{ partition: number; offset: number }> };
          const at = Date.now();
          history.record({ type: "send", producer: name, value, partition, status: "ok", offset: offsets[0].offset, invokedAt, at });
          this.#acked(partition, at);
          continue;
        }
        // A 4xx is a request the broker refused before writing; a 5xx may have come after.
        status = response.status < 500 ? "fail" : "info";
        error = `${response.status} ${body.slice(0, 150)}`;
      } catch (e) {
        status = "info";
        error = String(e).slice(0, 200);
      }
      history.record({ type: "send", producer: name, value, partition, status, invokedAt, at: Date.now(), error });
      broker++;
      // no retry loop on a dead broker: a short pause before the next value
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #startConsumer(name: string): Promise<Consumer> {
    const { topic, history } = this.#options;
    const consumer = kafkaClient(this.#options.brokers, name).consumer({ groupId: `${topic}-readers`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 });
    consumer.on(consumer.events.GROUP_JOIN, () => history.record({ type: "reset", consumer: name, reason: "joined a generation", at: Date.now() }));
    consumer.on(consumer.events.CRASH, (e) => history.record({ type: "reset", consumer: name, reason: `crashed: ${String(e.payload.error).slice(0, 100)}`, at: Date.now() }));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const partition = batch.partition;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          history.record({ type: "poll", consumer: name, partition, offset, value: m.value?.toString() ?? "", at: Date.now() });
          if ((this.polledUpTo.get(partition) ?? -1) < offset) this.polledUpTo.set(partition, offset);
        }
      },
    });
    return consumer;
  }
}
