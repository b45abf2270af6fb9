/**
 * Options of the HTTP app ({@link createApp}) and their resolved form. Every limit comes from
 * `core/limits.ts`; options only override them.
 */
import type { Hono } from "hono";
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { type Limits, resolveLimits } from "../core/limits.ts";
import type { AuthConfig } from "../auth/auth-config.ts";
import { Authenticator } from "../auth/authenticator.ts";

/** Options of {@link createApp}. */
export interface HttpOptions {
  /** Overrides of the limits in `core/limits.ts` (body size, records per request, SSE, …). */
  limits?: Partial<Limits>;
  /** Create a topic on first produce (Kafka's `auto.create.topics.enable`); off by default. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics (default 1). */
  autoCreatePartitions?: number;
  /**
   * The principals and their rights (an auth file's config, or an {@link Authenticator} shared
   * with other doors); absent = no authentication.
   */
  auth?: AuthConfig | Authenticator;
  /** Time source for metrics (lag in seconds) and member bookkeeping. */
  clock?: Clock;
  /**
   * Sub-apps mounted under a path prefix, e.g. the Durable Streams protocol, which `serve()`
   * (server/serve.ts) mounts at `/v1/stream`.
   * With auth on, they need a valid token; finer rights are theirs to check.
   */
  mounts?: Array<{ path: string; app: Hono }>;
  /** Aborting it ends every SSE stream and long-poll (graceful shutdown). */
  signal?: AbortSignal;
}

/** {@link HttpOptions} with defaults filled in. */
export interface ResolvedHttpOptions {
  limits: Limits;
  autoCreateTopics: boolean;
  autoCreatePartitions: number;
  auth: Authenticator | null;
  clock: Clock;
  /** Aborts when the server shuts down. */
  signal: AbortSignal;
}

/**
 * Fills in defaults and checks the options.
 *
 * @param options as given to {@link createApp}
 * @returns the resolved options
 * @throws {TypeError} on a limit that is not a positive number, or a malformed auth config
 */
export function resolveHttpOptions(options: HttpOptions = {}): ResolvedHttpOptions {
  const autoCreatePartitions = options.autoCreatePartitions ?? 1;
  if (!Number.isSafeInteger(autoCreatePartitions) || autoCreatePartitions < 1) {
    throw new TypeError(`autoCreatePartitions must be a positive integer, got ${autoCreatePartitions}`);
  }
  return {
    limits: resolveLimits(options.limits),
    autoCreateTopics: options.autoCreateTopics ?? false,
    autoCreatePartitions,
    auth: options.auth instanceof Authenticator ? options.auth : options.auth ? new Authenticator(options.auth, options.limits) : null,
    clock: options.clock ?? systemClock,
    signal: options.signal ?? new AbortController().signal,
  };
}
