/**
 * The Kafka wire-protocol listener: a `node:net` server (the same API on Node, Bun and Deno)
 * whose connections translate Kafka requests into BrokerApi calls.
 *
 * Metadata and FindCoordinator advertise the address each client actually connected to (the
 * connection's local address and port) unless `advertisedHost` / `advertisedPort` say
 * otherwise, so `localhost`, `127.0.0.1` and a LAN address all work without configuration.
 *
 * With `tls` the listener speaks Kafka over TLS (`node:tls`, which behaves the same on Node, Bun
 * and Deno); a client that does not speak TLS fails the handshake and its socket is closed,
 * silently. With `auth` every connection must authenticate with SASL (PLAIN, SCRAM-SHA-256,
 * SCRAM-SHA-512) before any request but ApiVersions and the SASL ones is answered, and its
 * requests then carry the principal (SASL_PLAINTEXT, or SASL_SSL with `tls`).
 */
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Authenticator } from "../auth/authenticator.ts";
import { resolveLimits, type Limits } from "../core/limits.ts";
import { KafkaConnection } from "./connection.ts";
import type { KafkaBroker } from "./handler-context.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import { InFlightBudget } from "./in-flight-budget.ts";
import { ConnectionAuth } from "./sasl/connection-auth.ts";

/** Options of {@link startKafkaListener}. */
export interface KafkaListenerOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 9092; 0 picks a free one). */
  port?: number;
  /** Host and port to advertise instead of the connection's local address. */
  advertisedHost?: string;
  advertisedPort?: number;
  /** This broker's node id (default 1). */
  nodeId?: number;
  /** The cluster this broker is in (see HandlerContext.cluster); absent when it runs alone. */
  cluster?: ClusterView;
  /** Create unknown topics named in Metadata requests that allow it (default false). */
  autoCreateTopics?: boolean;
  /** Partitions for CreateTopics with -1 and for auto-created topics (default 1). */
  defaultPartitions?: number;
  /** Limits (default: the broker's own `limits` if it has them, else the defaults). */
  limits?: Partial<Limits>;
  /** PEM certificate (chain) and private key: serve Kafka over TLS. */
  tls?: { cert: string; key: string };
  /** The principals (shared with the other doors): require SASL on every connection. */
  auth?: Authenticator;
}

/** A running listener. */
export interface KafkaListener {
  readonly host: string;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stops accepting, closes every connection, and resolves when the server has closed. */
  close(): Promise<void>;
}

function plainAddress(address: string | undefined, fallback: string): string {
  if (!address) return fallback;
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * Starts serving the Kafka protocol for `broker`.
 *
 * @param broker the broker facade (a `Broker` also gives idempotent producers their ids)
 * @param options where to listen and what to advertise
 * @returns the running listener
 * @example
 * ```ts
 * const broker = await Broker.open({ dataDir: "./data" });
 * const kafka = await startKafkaListener(broker, { host: "127.0.0.1", port: 9092 });
 * // kafkajs: new Kafka({ brokers: [`127.0.0.1:${kafka.port}`] })
 * const secure = await startKafkaListener(broker, { port: 9093, tls: { cert, key }, auth: new Authenticator(config) });
 * // kafkajs: new Kafka({ brokers, ssl: { ca }, sasl: { mechanism: "scram-sha-512", username, password } })
 * await kafka.close();
 * ```
 */
export async function startKafkaListener(broker: KafkaBroker & { limits?: Limits }, options: KafkaListenerOptions = {}): Promise<KafkaListener> {
  const limits = options.limits ? resolveLimits(options.limits) : (broker.limits ?? resolveLimits());
  const budget = new InFlightBudget(limits.kafkaInFlightBytesMax);
  const host = options.host ?? "127.0.0.1";
  const connections = new Set<KafkaConnection>();
  let boundPort = 0;

  const serveSocket = (socket: Socket) => {
    if (connections.size >= limits.kafkaConnectionsMax) {
      socket.destroy();
      return;
    }
    const clientAddress = plainAddress(socket.remoteAddress, "unknown");
    const connection = new KafkaConnection(socket, {
      context: {
        broker,
        nodeId: options.nodeId ?? options.cluster?.brokerId ?? 1,
        cluster: options.cluster,
        host: options.advertisedHost ?? plainAddress(socket.localAddress, host),
        port: options.advertisedPort ?? socket.localPort ?? boundPort,
        clientHost: `/${clientAddress}`,
        autoCreateTopics: options.autoCreateTopics ?? false,
        defaultPartitions: options.defaultPartitions ?? 1,
        principal: null,
        auth: options.auth ? new ConnectionAuth(options.auth, clientAddress) : null,
      },
      limits,
      budget,
      onClose: () => connections.delete(connection),
    });
    connections.add(connection);
  };
  // The TLS handshake counts against the time a connection has to authenticate.
  const tlsOptions = options.tls && { cert: options.tls.cert, key: options.tls.key, handshakeTimeout: limits.kafkaSaslTimeoutMs };
  const server: Server = tlsOptions ? createTlsServer(tlsOptions, serveSocket) : createServer(serveSocket);
  // A client that does not speak TLS (or fails the handshake): its socket is closed; nothing
  // else to do, and nothing to log (the bytes it sent are not ours to print).
  if (tlsOptions) server.on("tlsClientError", () => undefined);
  // Every TCP socket, including those still in the TLS handshake, so close() ends them all.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9092, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  boundPort = typeof address === "object" && address !== null ? address.port : (options.port ?? 9092);

  return {
    host,
    port: boundPort,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of [...connections]) connection.destroy();
      for (const socket of [...sockets]) socket.destroy();
    }),
  };
}

/** {@link startKafkaListener} under the name `server/serve.ts` looks up (`serve(broker, { kafkaPort })`). */
export const listen = startKafkaListener;
