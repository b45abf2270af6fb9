/**
 * Rivulet: an event streaming platform in TypeScript, in the line of Apache Kafka, for Node,
 * Bun and Deno.
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
export * from "./actors/index.ts";
export * from "./http/serve.ts";
