/**
 * Options of {@link createDurableStreamsApp} and the context its handlers share.
 */
import type { BrokerApi } from "../broker/types.ts";
import { systemClock, type Clock } from "../core/clock.ts";
import { resolveLimits, type Limits } from "../core/limits.ts";
import type { ReadAhead } from "./read-ahead.ts";
import type { StreamRegistry } from "./stream-registry.ts";

/** A broker, plus what Rivulet's `Broker` offers beyond {@link BrokerApi}. */
export type StreamsBroker = BrokerApi & {
  /** Broker-allocated ids for idempotent producers (needed for Producer-Id appends). */
  allocateProducerId?: () => Promise<number>;
  /** The broker's clock (expiry follows it). */
  clock?: Clock;
};

/** Options of the Durable Streams app. */
export interface DurableStreamsOptions {
  /** The path the app is mounted at; stream paths start with it (default `/v1/stream`). */
  basePath?: string;
  /** Overrides of the `ds*` limits (and the body and message limits they are bounded by). */
  limits?: Partial<Limits>;
  /** Time for expiry and cursors (default: the broker's clock, else the system clock). */
  clock?: Clock;
  /** Aborting it ends long-polls and SSE streams and stops maintenance (server shutdown). */
  signal?: AbortSignal;
  /** `public` (default) or `private` caching of catch-up reads (PROTOCOL.md §8.1). */
  cacheScope?: "public" | "private";
  /**
   * Topic config of new streams, e.g. `{ flush: "os" }` (default: the broker's defaults, so
   * `flush=always`). Retention is always off: a stream keeps its data until deleted or expired.
   */
  topicConfig?: Record<string, unknown>;
  /**
   * In a cluster: a number that changes whenever this server may have missed metadata writes
   * (the leader epoch of `__ds_streams` while it leads it); the streams are loaded again from
   * `__ds_streams` on the next request after it changed. Default: loaded once.
   */
  generation?: () => number;
}

/** What every handler uses. */
export interface StreamsContext {
  broker: StreamsBroker;
  registry: StreamRegistry;
  readAhead: ReadAhead;
  limits: Limits;
  clock: Clock;
  basePath: string;
  signal: AbortSignal;
  /** Largest append body accepted. */
  appendBytesMax: number;
  /** Cache-Control of catch-up and long-poll reads. */
  readCacheControl: string;
  /** Open SSE streams (at most `sseStreamsMax`). */
  sse: { open: number };
  /** Topic config of new streams. */
  topicConfig: Record<string, unknown>;
}

/** Longest Stream-TTL accepted: 100 years. */
export const TTL_SECONDS_MAX = 100 * 365 * 24 * 3600;

/**
 * Fills in defaults.
 *
 * @throws {TypeError} on invalid limits or a base path not starting with `/`
 */
export function resolveStreamsOptions(broker: StreamsBroker, options: DurableStreamsOptions): Omit<StreamsContext, "registry" | "readAhead"> {
  const limits = resolveLimits(options.limits);
  const basePath = options.basePath ?? "/v1/stream";
  if (basePath !== "" && (!basePath.startsWith("/") || basePath.endsWith("/"))) throw new TypeError(`basePath must start and not end with "/", got ${basePath}`);
  const appendBytesMax = Math.min(limits.dsAppendBytesMax, limits.httpBodyBytesMax, limits.messageMaxBytes * 100 - limits.dsHeaderBytesMax - 4096);
  return {
    broker,
    limits,
    clock: options.clock ?? broker.clock ?? systemClock,
    basePath,
    signal: options.signal ?? new AbortController().signal,
    appendBytesMax,
    readCacheControl: `${options.cacheScope ?? "public"}, max-age=60, stale-while-revalidate=300`,
    sse: { open: 0 },
    topicConfig: { ...options.topicConfig },
  };
}
