/**
 * `serve(broker, options)`: the front ends over one broker, on Node, Bun or Deno: the HTTP API
 * on a real port with the Durable Streams protocol mounted at `/v1/stream`, and the Kafka
 * wire-protocol listener when a Kafka port is asked for. Front ends never import each other;
 * this is where they are put together.
 */
import type { Hono } from "hono";
import type { BrokerApi } from "../broker/types.ts";
import { resolveLimits } from "../core/limits.ts";
import { serveFetch } from "../runtime/serve.ts";
import { createApp } from "../http/app.ts";
import { loadAuthFile } from "../auth/auth-file.ts";
import { Authenticator } from "../auth/authenticator.ts";
import type { AuthConfig } from "../auth/auth-config.ts";
import type { AppEnv } from "../http/context.ts";
import type { HttpOptions } from "../http/options.ts";
import { createDurableStreamsApp, durableStreamsMountAuth } from "../durable-streams/mod.ts";
import { consoleMount } from "../console/mod.ts";
import type { KafkaListener, KafkaListenerOptions } from "../kafka/listener.ts";
import { ReplicaManagerImpl, type ReplicationEnv } from "../cluster/replication/replica-manager.ts";
import type { ReplicaHost } from "../cluster/replication/replica-host.ts";
import { ClusteredBroker } from "../cluster/node/clustered-broker.ts";
import { TxnMarkerChannel } from "../kafka/txn-marker-channel.ts";
import { brokerTls } from "../kafka/replica-client/leader-socket.ts";
import { trustingFetch } from "../runtime/trusting-fetch.ts";
import type { ClusterNode } from "../cluster/node/cluster-node.ts";
import { type ClusterView, singleNodeView } from "../cluster/node/cluster-view.ts";
import { clusterHealth } from "../cluster/node/cluster-health.ts";
import { streamsBroker } from "../cluster/node/streams-broker.ts";
import type { ReplicationSnapshot } from "../cluster/replication/replication-metrics.ts";
import { joinCluster, type ServeClusterOptions } from "./join-cluster.ts";
import { interBrokerAuthorization, interBrokerIdentity, type InterBrokerIdentity, replicationCredentials } from "./inter-broker-identity.ts";

export type { ServeClusterOptions } from "./join-cluster.ts";

/** The replica manager over `broker`, its followers fetching with the Kafka replica fetcher (over TLS when the listeners use it). */
async function startReplication(broker: BrokerApi, env: ReplicationEnv, limits: ServeOptions["limits"], tls: ServeOptions["tls"]): Promise<ReplicaManagerImpl> {
  const host = broker as BrokerApi & Partial<ReplicaHost>;
  if (typeof host.becomeFollower !== "function" || typeof host.isrWatch !== "function") throw new TypeError("replication needs a Broker (its replication internals), not a bare BrokerApi");
  const { connectToLeader, tlsLeaderConnector } = await import("../kafka/replica-fetcher.ts");
  return new ReplicaManagerImpl({ host: host as ReplicaHost, connect: tls ? tlsLeaderConnector(tls.cert) : connectToLeader, env, limits: resolveLimits(limits) });
}

/** Options of {@link serve}: the app's options plus where and how to listen. */
export interface ServeOptions extends Omit<HttpOptions, "signal"> {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 8080; 0 picks a free one). */
  port?: number;
  /** PEM certificate and key: serve HTTPS, and Kafka over TLS (SASL_SSL with an auth file). */
  tls?: { cert: string; key: string };
  /**
   * Read the principals from this JSON file (see `auth/auth-config.ts`); `auth` wins if both are
   * given. Every door uses them: bearer tokens on HTTP, SASL on the Kafka port.
   */
  authFile?: string;
  /** Also start the Kafka wire-protocol listener on this port (0 picks a free one). */
  kafkaPort?: number;
  /** How long `close()` lets in-flight requests finish before cutting connections (default 2000 ms). */
  closeGraceMs?: number;
  /**
   * Run as one broker of a cluster without etcd, driven directly: a {@link ReplicaManager}
   * (returned as `replicas`) leads and follows partitions as its caller says, its followers
   * fetching over other brokers' Kafka listeners (tests, embedding). Needs `kafkaPort` and a
   * `Broker` (not any BrokerApi). With `cluster`, the etcd reconciler drives one instead.
   */
  replication?: ReplicationEnv;
  /**
   * Join a cluster through etcd (`--etcd`, `--broker-id`, …; DESIGN §9): topics go to the
   * controller, Metadata and `GET /v1/cluster` show the cluster, record routes for partitions
   * led elsewhere are forwarded, and the replicas this broker holds are led or followed as the
   * controller's partition states say (cluster/replication). Needs `kafkaPort`.
   */
  cluster?: ServeClusterOptions;
}

/** A running server. */
export interface Server {
  /** The bound HTTP port. */
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The bound Kafka port, when one was asked for. */
  kafkaPort?: number;
  /** The Hono app being served. */
  app: Hono<AppEnv>;
  /** With `replication`, or `cluster`: the replica manager (becomeLeader, becomeFollower, stopReplica). */
  replicas?: ReplicaManagerImpl;
  /** The cluster membership, with `cluster` set. */
  node?: ClusterNode;
  /** Ends SSE streams and long-polls, stops accepting, and closes every connection. */
  close(): Promise<void>;
}

/** A replication snapshot with the cluster's figures added (elections, offline and under-replicated partitions). */
function withCluster(snapshot: ReplicationSnapshot, node: ClusterNode | undefined): ReplicationSnapshot {
  if (!node) return snapshot;
  const health = clusterHealth(node.view, 0);
  return { ...snapshot, leaderElections: node.leaderElections, clusterLeaderlessPartitions: health.leaderlessCount, clusterUnderReplicatedPartitions: health.underReplicatedCount };
}

/**
 * The inter-broker identity of a clustered broker with auth on (none without a cluster or an
 * auth file).
 *
 * @throws {TypeError} as {@link interBrokerIdentity}; also when the auth is a shared
 *   Authenticator (its secrets are not readable: give the AuthConfig or the file), or when
 *   `interBrokerUser` is given without a cluster or without auth
 */
function interBrokerOf(options: ServeOptions, config: AuthConfig | Authenticator | undefined): InterBrokerIdentity | undefined {
  const user = options.cluster?.interBrokerUser;
  if (!options.cluster || config === undefined) {
    if (user !== undefined) throw new TypeError(options.cluster ? "--inter-broker-user needs --auth-file: without auth brokers need no credentials" : "--inter-broker-user needs --etcd");
    return undefined;
  }
  if (config instanceof Authenticator) throw new TypeError("a clustered broker reads its inter-broker user's token from the auth config: pass auth as an AuthConfig (or authFile), not an Authenticator");
  return interBrokerIdentity(config, user);
}

/** The Kafka listener, loaded only when a Kafka port is asked for. */
async function startKafka(broker: BrokerApi, options: KafkaListenerOptions): Promise<KafkaListener> {
  const { listen } = await import("../kafka/listener.ts");
  return await listen(broker, options);
}

/**
 * Serves the HTTP API (with Durable Streams at `/v1/stream` and the web console at `/console`,
 * unless `mounts` puts other apps there) and, with `kafkaPort`, the Kafka listener.
 *
 * @param broker the broker to serve
 * @param options host (default 127.0.0.1), port (default 8080), TLS, auth, limits, …
 * @returns the running server
 * @throws {TypeError} on invalid options or an unreadable auth file
 * @example
 * ```ts
 * const broker = await Broker.open({ dataDir: "./data" });
 * const server = await serve(broker, { port: 8080 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function serve(local: BrokerApi, options: ServeOptions = {}): Promise<Server> {
  const host = options.host ?? "127.0.0.1";
  if (options.cluster && options.kafkaPort === undefined) throw new TypeError("a clustered broker needs a Kafka port (--kafka-port): replicas fetch over the Kafka listener");
  // One Authenticator for every door: failed attempts count per client address across doors.
  const config = options.auth ?? (options.authFile ? await loadAuthFile(options.authFile) : undefined);
  const auth = config === undefined || config instanceof Authenticator ? config : new Authenticator(config, options.limits);
  // With auth on, brokers log in to each other as the inter-broker user (checked before anything starts).
  const interBroker = interBrokerOf(options, config);
  const interBrokerCredentials = options.cluster?.credentials ?? (interBroker ? replicationCredentials(interBroker) : undefined);
  // Transaction coordinators reach other brokers (markers, KIP-890 verification) over their Kafka listeners, as the inter-broker user, over TLS when the listeners use it.
  const txnInterBroker = options.cluster ? new TxnMarkerChannel({ brokerId: options.cluster.brokerId, credentials: interBrokerCredentials, tls: options.tls ? brokerTls(options.tls.cert) : undefined, requestTimeoutMs: resolveLimits(options.limits).replicaRequestTimeoutMs }) : undefined;
  // Brokers forward HTTP requests to each other over HTTPS when the listeners use it, trusting the same certificate.
  const brokerFetch = options.brokerFetch ?? (options.cluster && options.tls ? trustingFetch(options.tls.cert) : undefined);
  const clustered = options.cluster ? new ClusteredBroker(local, { httpProtocol: options.tls ? "https:" : "http:", httpFetch: brokerFetch, txnInterBroker }) : null;
  const broker: BrokerApi = clustered ?? local;
  const limits = resolveLimits(options.limits);
  if (options.replication && options.kafkaPort === undefined) throw new TypeError("replication needs a kafkaPort: followers fetch over the Kafka listener");
  const replicas = options.replication ? await startReplication(broker, options.replication, options.limits, options.tls) : undefined;
  const shutdown = new AbortController();
  // In a cluster the leader of __ds_streams/0 serves the protocol (the others forward to it), reading and writing stream topics led elsewhere at their leaders.
  // Once the broker leaves its cluster (close), the streams' metadata is no longer written here.
  let leaving = false;
  const streamsOn = clustered ? streamsBroker(clustered, clustered.view, { protocol: options.tls ? "https:" : "http:", fetch: brokerFetch, authorization: interBroker ? interBrokerAuthorization(interBroker) : null, timeoutMs: () => limits.clusterForwardTimeoutMs, active: () => !leaving }) : null;
  const streamsApp = createDurableStreamsApp(streamsOn ?? broker, { limits: options.limits, signal: shutdown.signal, ...(streamsOn ? { generation: () => streamsOn.generation() } : {}) });
  const streams = { path: "/v1/stream", app: streamsApp, ...durableStreamsMountAuth };
  const webConsole = consoleMount(broker, { authRequired: auth !== undefined, limits: options.limits, clock: options.clock, signal: shutdown.signal });
  const mounts = [...(options.mounts ?? []), ...[streams, webConsole].filter((d) => !options.mounts?.some((m) => m.path === d.path))];
  // The replica manager whose figures /metrics shows: the directly driven one, or the cluster's once it joined.
  let replicaManager: ReplicaManagerImpl | undefined = replicas;
  let node: ClusterNode | undefined;
  const replicationMetrics = replicas || options.cluster ? () => (replicaManager ? replicaManager.metrics().then((m) => withCluster(m, node)) : Promise.resolve(null)) : undefined;
  // Alone, GET /v1/cluster shows this broker: its ports are known once bound, so the view reads them then.
  let kafkaPortBound: number | null = null;
  const alone: ClusterView = { ...singleNodeView({ host, port: 0 }), brokers: () => [{ id: 1, host, port: 0, kafka_port: kafkaPortBound, status: "online" }] };
  const app = createApp(broker, { ...options, auth, interBrokerUser: interBroker?.name, brokerFetch, mounts, signal: shutdown.signal, replicationMetrics, clusterView: clustered?.view ?? alone });
  const running = await serveFetch({
    fetch: app.fetch,
    hostname: host,
    port: options.port ?? 8080,
    tls: options.tls,
    // The app refuses bodies past httpBodyBytesMax itself (problem+json, before reading them);
    // the runtime's own cap (Bun's answers a bare 413) is only a backstop far above it.
    maxRequestBodyBytes: Number.MAX_SAFE_INTEGER,
    idleTimeoutMs: limits.fetchWaitMsMax + limits.sseKeepAliveMs,
  });
  let kafka: KafkaListener | null = null;
  if (options.kafkaPort !== undefined) {
    try {
      kafka = await startKafka(broker, {
        host,
        port: options.kafkaPort,
        tls: options.tls,
        auth,
        limits: options.limits,
        ...(options.cluster ? { nodeId: options.cluster.brokerId, cluster: clustered!.view, advertisedHost: options.cluster.advertisedHost } : {}),
      });
    } catch (error) {
      await replicas?.close();
      await running.shutdown(0);
      throw error;
    }
  }
  kafkaPortBound = kafka?.port ?? null;
  if (options.cluster) {
    try {
      // The replica manager the reconciler drives: followers fetch over the other brokers' Kafka listeners.
      let replicaManagerOf = options.cluster.replicaManager;
      if (!replicaManagerOf) {
        const { connectToLeader, tlsLeaderConnector } = await import("../kafka/replica-fetcher.ts");
        const replicaHost = local as BrokerApi & Partial<ReplicaHost>;
        if (typeof replicaHost.becomeFollower !== "function" || typeof replicaHost.isrWatch !== "function") throw new TypeError("a clustered broker needs a Broker (its replication internals), not a bare BrokerApi");
        // The other brokers' listeners speak TLS when this one's does (one --tls-cert for the cluster, or one CA).
        const connect = options.tls ? tlsLeaderConnector(options.tls.cert) : connectToLeader;
        replicaManagerOf = (env) => (replicaManager = new ReplicaManagerImpl({ host: replicaHost as ReplicaHost, connect, env, limits }));
      }
      node = await joinCluster(local, clustered!, { ...options.cluster, replicaManager: replicaManagerOf, credentials: interBrokerCredentials }, { host, port: running.port, kafkaPort: kafka!.port }, options.limits);
    } catch (error) {
      await Promise.all([running.shutdown(0), kafka?.close()]);
      throw error;
    }
  }
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    port: running.port,
    url: `${options.tls ? "https" : "http"}://${shownHost}:${running.port}`,
    kafkaPort: kafka?.port,
    app,
    replicas: replicaManager,
    node,
    close() {
      closing ??= (async () => {
        leaving = true;
        await node?.close();
        shutdown.abort();
        await replicas?.close();
        await Promise.all([running.shutdown(options.closeGraceMs ?? 2_000), kafka?.close()]);
      })();
      return closing;
    },
  };
}
