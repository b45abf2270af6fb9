/**
 * A cluster of three in-process brokers for tests (real etcd, real replication): each a
 * transactional `Broker` with one worker thread and its own temporary data directory, served by
 * `serve()` on free HTTP and Kafka ports; optionally over TLS with an auth file, the brokers
 * logging in to each other as `interBrokerUser`.
 */
import { Broker, type TransactionalBrokerOptions } from "../../../transactions/broker.ts";
import { serve, type Server } from "../../../server/serve.ts";
import type { AuthConfig } from "../../../auth/auth-config.ts";
import { tempDir } from "../temp-dir.ts";

/** One broker of the cluster. */
export interface Member {
  id: number;
  broker: Broker;
  server: Server;
  data: { dir: string; remove(): void };
}

/** How the members run. */
export interface MemberOptions {
  /** TLS listeners (HTTPS and SASL_SSL) and an auth file, brokers logging in as `interBrokerUser`. */
  secure?: { tls: { cert: string; key: string }; auth: AuthConfig; interBrokerUser: string };
  /** Options of each `Broker.open` beside its data directory (e.g. `transactionCoordination`). */
  broker?: Omit<TransactionalBrokerOptions, "dataDir">;
}

/** Starts brokers 1, 2 and 3 of `cluster` on the etcd at `endpoint` (those started are stopped again if one fails). */
export async function startMembers(endpoint: string, cluster: string, options: MemberOptions = {}): Promise<Member[]> {
  const { secure } = options;
  const members: Member[] = [];
  try {
    for (const id of [1, 2, 3]) {
      const data = tempDir(`rivulet-${cluster}${id}-`);
      const broker = await Broker.open({ maxWorkers: 1, ...options.broker, dataDir: data.dir });
      const server = await serve(broker, {
        port: 0, kafkaPort: 0,
        ...(secure ? { tls: secure.tls, auth: secure.auth } : {}),
        cluster: { etcd: endpoint, brokerId: id, name: cluster, ...(secure ? { interBrokerUser: secure.interBrokerUser } : {}) },
      });
      members.push({ id, broker, server, data });
    }
  } catch (error) {
    await stopMembers(members);
    throw error;
  }
  return members;
}

/** Closes the members' servers, then their brokers, and removes their data directories. */
export async function stopMembers(members: Member[]): Promise<void> {
  for (const m of members) await m.server.close().catch(() => {});
  for (const m of members) {
    await m.broker.close().catch(() => {});
    m.data.remove();
  }
}
