/**
 * Rivulet: an event streaming platform in TypeScript, in the line of Apache Kafka, for Node,
 * Bun and Deno. Publish and subscribe to partitioned, durable, append-only logs; consume them
 * in consumer groups or replay them; serve them over HTTP and the Kafka protocol.
 *
 * ```ts
 * import { Broker, serve } from "rivulet";
 * const broker = await Broker.open({ dataDir: "./data" });            // supervisor + workers start
 * await broker.createTopic("payments", { partitions: 4, config: { "retention.ms": 604800000 } });
 * const producer = broker.producer({ idempotent: true });
 * const { partition, offset } = await producer.send("payments", { key: "alice", value: "paid 200 to bob" });
 * const consumer = broker.consumer({ groupId: "billing", fromBeginning: true });
 * await consumer.subscribe(["payments"]);
 * for await (const record of consumer) {
 *   console.log(record.topic, record.partition, record.offset, new TextDecoder().decode(record.value!));
 *   break;
 * }
 * await consumer.close();
 * const server = await serve(broker, { port: 8080 });                  // the HTTP API
 * await server.close();
 * await broker.close();
 * ```
 *
 * Actors on worker threads: a worker module hosts an actor, the owner spawns it and asks.
 *
 * ```ts
 * // hasher-worker.ts — runs on its own thread
 * import { hostActor, reply } from "rivulet";
 * type HashMessage = { type: "sum"; bytes: Uint8Array };
 * hostActor((init) => ({
 *   receive(message: HashMessage) {
 *     let sum = Number(init);
 *     for (const byte of message.bytes) sum = (sum + byte) % 65_521;
 *     return reply({ sum, bytes: message.bytes }, [message.bytes.buffer]); // hand the buffer back
 *   },
 * }));
 *
 * // main.ts
 * import { spawnWorkerActor } from "rivulet";
 * const hasher = await spawnWorkerActor<HashMessage, { sum: number; bytes: Uint8Array }>(
 *   "hasher", new URL("./hasher-worker.ts", import.meta.url), { init: () => 1 });
 * const bytes = new Uint8Array([1, 2, 3]);
 * const { sum } = await hasher.ask({ type: "sum", bytes }, { transfer: [bytes.buffer], timeoutMs: 1_000 });
 * // sum === 7; `bytes` moved to the worker (byteLength 0 here) and came back in the answer
 * await hasher.stop();
 * ```
 *
 * @module
 */
export * from "./core/errors.ts";
export * from "./core/clock.ts";
export * from "./core/limits.ts";
export * from "./core/topic-config.ts";
export * from "./broker/types.ts";
export * from "./broker/group-api.ts";
export type { OffsetStore } from "./groups/offset-store.ts";
export { Broker, type BrokerOptions, TransactionalProducer, type TransactionalProducerOptions, type Transaction } from "./transactions/broker.ts";
export { Producer, type ProducerOptions } from "./broker/producer.ts";
export { Consumer, type ConsumerOptions } from "./broker/consumer.ts";
export type { BrokerFaults } from "./broker/broker-faults.ts";
export * from "./actors/index.ts";
export * from "./server/serve.ts";
// Stream processing: installs `broker.processors` (DESIGN §13) and exports its types.
export * from "./processors/broker-processors.ts";
// The streams DSL (`rivulet/streams`): topology, windows, serdes, TopologyTestDriver.
export * from "./processors/streams.ts";
