/**
 * The Kafka wire-protocol listener: a `node:net` server (the same API on Node, Bun and Deno)
 * whose connections translate Kafka requests into BrokerApi calls.
 *
 * Metadata and FindCoordinator advertise the address each client actually connected to (the
 * connection's local address and port) unless `advertisedHost` / `advertisedPort` say
 * otherwise, so `localhost`, `127.0.0.1` and a LAN address all work without configuration.
 */
import { createServer, type Server, type Socket } from "node:net";
import { resolveLimits, type Limits } from "../core/limits.ts";
import { KafkaConnection } from "./connection.ts";
import type { KafkaBroker } from "./handler-context.ts";
import { InFlightBudget } from "./in-flight-budget.ts";

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
  /** Create unknown topics named in Metadata requests that allow it (default false). */
  autoCreateTopics?: boolean;
  /** Partitions for CreateTopics with -1 and for auto-created topics (default 1). */
  defaultPartitions?: number;
  /** Limits (default: the broker's own `limits` if it has them, else the defaults). */
  limits?: Partial<Limits>;
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
 * await kafka.close();
 * ```
 */
export async function startKafkaListener(broker: KafkaBroker & { limits?: Limits }, options: KafkaListenerOptions = {}): Promise<KafkaListener> {
  const limits = options.limits ? resolveLimits(options.limits) : (broker.limits ?? resolveLimits());
  const budget = new InFlightBudget(limits.kafkaInFlightBytesMax);
  const host = options.host ?? "127.0.0.1";
  const connections = new Set<KafkaConnection>();
  let boundPort = 0;

  const server: Server = createServer((socket: Socket) => {
    if (connections.size >= limits.kafkaConnectionsMax) {
      socket.destroy();
      return;
    }
    const connection = new KafkaConnection(socket, {
      context: {
        broker,
        nodeId: options.nodeId ?? 1,
        host: options.advertisedHost ?? plainAddress(socket.localAddress, host),
        port: options.advertisedPort ?? socket.localPort ?? boundPort,
        clientHost: `/${plainAddress(socket.remoteAddress, "unknown")}`,
        autoCreateTopics: options.autoCreateTopics ?? false,
        defaultPartitions: options.defaultPartitions ?? 1,
        principal: null,
      },
      limits,
      budget,
      onClose: () => connections.delete(connection),
    });
    connections.add(connection);
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
    }),
  };
}

/** {@link startKafkaListener} under the name `server/serve.ts` looks up (`serve(broker, { kafkaPort })`). */
export const listen = startKafkaListener;
