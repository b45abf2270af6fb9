/**
 * `rivulet/client`: a small typed client for Rivulet's HTTP API that needs nothing but `fetch`
 * (and `ReadableStream`, `TextDecoder`, `AbortSignal`): it runs in browsers, Cloudflare
 * Workers, Deno, Bun and Node 20, and imports nothing else.
 *
 * - produce, idempotent by default: retried through lost answers with each record stored once;
 * - fetch, and subscribe over Server-Sent Events with resume after a dropped connection;
 * - consumer groups; topic administration; Durable Streams.
 *
 * @example
 * ```ts
 * import { RivuletClient, RivuletHttpError } from "rivulet/client";
 * const client = new RivuletClient({ url: "http://127.0.0.1:8080" });
 * await client.produce("events", [{ key: "user-1", value: { clicked: "buy" } }]);
 * const { records } = await client.fetch("events", 0, { offset: "earliest" });
 * ```
 * @module
 */
export { type FetchOptions, RivuletClient, type RivuletClientOptions, Topics } from "./client.ts";
export * from "./errors.ts";
export { GroupConsumer, type GroupOptions } from "./group-consumer.ts";
export type { ProduceOptions } from "./producer.ts";
export { parseSse, type SseEvent } from "./sse.ts";
export { type AppendOptions, type CreateStreamOptions, DurableStreams, type ReadOptions, type StreamChunk } from "./streams.ts";
export type { SubscribeOptions } from "./subscription.ts";
export * from "./types.ts";
