/**
 * Rivulet: an event streaming platform in TypeScript, in the line of Apache Kafka, for Node,
 * Bun and Deno.
 *
 * @module
 */
export * from "./core/errors.ts";
export * from "./core/clock.ts";
export * from "./core/limits.ts";
export * from "./core/topic-config.ts";
export * from "./broker/types.ts";
