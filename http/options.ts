/**
 * Options of the HTTP app ({@link createApp}) and their resolved form. Every limit comes from
 * `core/limits.ts`; options only override them.
 */
import type { Hono } from "hono";
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import { type Limits, resolveLimits } from "../core/limits.ts";
import type { AuthConfig } from "../auth/auth-config.ts";
import type { AuthDoor } from "../auth/auth-failures.ts";
import type { Principal } from "../auth/rights.ts";
import { Authenticator } from "../auth/authenticator.ts";
import type { ReplicationSnapshot } from "../cluster/replication/replication-metrics.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import type { FetchLike } from "../runtime/trusting-fetch.ts";

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
   * (server/serve.ts) mounts at `/v1/stream`. See {@link HttpMount}.
   */
  mounts?: HttpMount[];
  /** Aborting it ends every SSE stream and long-poll (graceful shutdown). */
  signal?: AbortSignal;
  /** In a cluster, the replica manager's figures (ISR changes, under-replicated partitions, replica lag) for `/metrics`. */
  replicationMetrics?: () => Promise<ReplicationSnapshot | null>;
  /**
   * The cluster this broker is in: `GET /v1/cluster` shows it, and requests for a partition led
   * by another broker are forwarded there. Absent: a broker alone.
   */
  clusterView?: ClusterView;
  /**
   * With auth on in a cluster, the principal other brokers call this one as (`--inter-broker-user`):
   * only it may name internal topics on the inter-broker routes (the batch read and append).
   */
  interBrokerUser?: string;
  /**
   * In a cluster, the fetch this broker calls the others' HTTP ports with (forwarded requests,
   * produce fan-out, a coordinator's reads): over HTTPS, one trusting the cluster's certificate
   * (`trustingFetch`, as `serve()` gives it). Default: the global `fetch`.
   */
  brokerFetch?: FetchLike;
}

/** What a mounted sub-app's handlers see: the principal the host authenticated. */
export interface MountEnv {
  Variables: {
    /** The authenticated principal; absent when auth is off (and on OPTIONS preflights). */
    principal?: Principal | null;
  };
}

/**
 * A sub-app served under a path prefix. With auth on, the host authenticates every request to
 * it (bearer token, failures counted and slowed per client address) before the sub-app sees
 * it, and hands the principal over as the `principal` variable; finer rights are the sub-app's
 * to check. OPTIONS requests (CORS preflights, which by the Fetch standard carry no
 * credentials) pass unauthenticated: a sub-app must answer them without reading or writing.
 */
export interface HttpMount {
  /** The prefix, e.g. `/v1/stream`. */
  path: string;
  /** The sub-app (`new Hono<MountEnv>()`, so its handlers can read the principal). */
  app: Hono<MountEnv>;
  /** The door its failed authentications are counted under in `/metrics` (default `http`). */
  door?: AuthDoor;
  /** Renders a refused authentication in the sub-app's own error shape (default problem+json). */
  refuse?: (error: unknown, request: Request) => Response;
  /**
   * Requests the host lets through unauthenticated (the `principal` variable stays unset), e.g.
   * the web console's page shell and static assets, which hold no data. The sub-app must still
   * refuse data on them: with auth on, a handler that reads data needs the principal.
   */
  isPublic?: (request: Request) => boolean;
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
  replicationMetrics: (() => Promise<ReplicationSnapshot | null>) | null;
  /** The cluster this broker is in (null: `GET /v1/cluster` answers with this broker alone). */
  cluster: ClusterView | null;
  /** The inter-broker principal's name (null: none, auth off or not clustered). */
  interBrokerUser: string | null;
  /** What this broker calls other brokers of its cluster with. */
  brokerFetch: FetchLike;
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
    replicationMetrics: options.replicationMetrics ?? null,
    cluster: options.clusterView ?? null,
    interBrokerUser: options.interBrokerUser ?? null,
    brokerFetch: options.brokerFetch ?? ((url, init) => fetch(url, init)),
  };
}
