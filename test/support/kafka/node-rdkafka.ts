/**
 * Loading node-rdkafka (librdkafka 2.x, built from the source its npm package ships) for the
 * tests that run it against the Kafka listener. It is not a dependency of the repository (its
 * build takes minutes): CI installs it into a cached prefix and points `RIVULET_NODE_RDKAFKA`
 * at the package directory. The few calls the tests make are typed here. Tests only.
 */
import { createRequire } from "node:module";
import { runtimeName } from "../../../runtime/runtime-name.ts";

/** A delivery report or consumed message. */
export interface RdkafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Uint8Array | string | null;
  value: Uint8Array | null;
}

/** The client surface both producers and consumers share. */
interface RdkafkaClient {
  connect(options: object, callback: (error: Error | null) => void): void;
  disconnect(callback?: (error: Error | null) => void): void;
  on(event: "event.error", listener: (error: Error) => void): void;
}

/** node-rdkafka's Producer, the calls the tests make. */
export interface RdkafkaProducer extends RdkafkaClient {
  produce(topic: string, partition: number | null, value: Uint8Array, key?: string | null): void;
  flush(timeoutMs: number, callback: (error: Error | null) => void): void;
  setPollInterval(ms: number): void;
  on(event: "delivery-report", listener: (error: Error | null, report: RdkafkaMessage) => void): void;
  on(event: "event.error", listener: (error: Error) => void): void;
  initTransactions(timeoutMs: number, callback: (error: Error | null) => void): void;
  beginTransaction(callback: (error: Error | null) => void): void;
  commitTransaction(timeoutMs: number, callback: (error: Error | null) => void): void;
  abortTransaction(timeoutMs: number, callback: (error: Error | null) => void): void;
}

/** node-rdkafka's KafkaConsumer, the calls the tests make. */
export interface RdkafkaConsumer extends RdkafkaClient {
  subscribe(topics: string[]): void;
  consume(): void;
  /** Commits `message.offset + 1` for its partition, asynchronously. */
  commitMessage(message: RdkafkaMessage): void;
  on(event: "ready", listener: () => void): void;
  /** With `offset_commit_cb: true`: each commit's outcome. */
  on(event: "offset.commit", listener: (error: Error | null, partitions: Array<{ topic: string; partition: number; offset: number }>) => void): void;
  on(event: "data", listener: (message: RdkafkaMessage) => void): void;
  on(event: "event.error", listener: (error: Error) => void): void;
}

/** The module. */
export interface NodeRdkafka {
  librdkafkaVersion: string;
  Producer: new (config: Record<string, unknown>, topicConfig?: Record<string, unknown>) => RdkafkaProducer;
  KafkaConsumer: new (config: Record<string, unknown>, topicConfig?: Record<string, unknown>) => RdkafkaConsumer;
}

/**
 * node-rdkafka from `RIVULET_NODE_RDKAFKA`, or why the tests skip: the variable is unset (a
 * developer's `npm test`), or the runtime cannot load it — it is a NAN addon bound to Node's V8
 * ABI: Bun refuses its Node ABI (NODE_MODULE_VERSION), Deno loads only Node-API addons.
 */
export function loadNodeRdkafka(): { module: NodeRdkafka } | { skip: string } {
  const path = process.env.RIVULET_NODE_RDKAFKA;
  if (!path) return { skip: "RIVULET_NODE_RDKAFKA is not set (CI sets it; see .ci/run): skipping the node-rdkafka (librdkafka 2.x) tests" };
  if (runtimeName !== "node") {
    return { skip: `node-rdkafka is a NAN addon built for Node's V8 ABI, which ${runtimeName === "bun" ? "Bun refuses (it needs a different NODE_MODULE_VERSION)" : "Deno cannot load (Node-API addons only)"}: the node-rdkafka tests run on Node only` };
  }
  return { module: createRequire(import.meta.url)(path) as NodeRdkafka };
}

/** Calls a node-rdkafka callback-style method as a promise. */
export function call(fn: (callback: (error: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));
}
