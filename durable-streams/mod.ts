/**
 * The Durable Streams protocol (ElectricSQL, v1.0) over Rivulet: plain-HTTP append-only streams
 * with opaque offsets, catch-up, long-poll and SSE reads, JSON mode, idempotent producers,
 * TTL/expiry, closing and forking. Each stream is a single-partition internal topic
 * (`__ds.<hash>.<id>`); stream metadata lives in the compacted topic `__ds_streams`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createDurableStreamsApp } from "./durable-streams/mod.ts";
 *
 * const app = new Hono();
 * app.route("/v1/stream", createDurableStreamsApp(broker));
 * ```
 * @module
 */
export * from "./create-app.ts";
export * from "./mount-auth.ts";
export type { StreamsEnv } from "./stream-access.ts";
export type { DurableStreamsOptions, StreamsBroker } from "./options.ts";
