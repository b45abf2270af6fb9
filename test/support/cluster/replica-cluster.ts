/**
 * Brokers of a replicated cluster in this process, without etcd: each a real `Broker` behind
 * `serve()` with its Kafka listener on a free 127.0.0.1 port, and a replica manager the test
 * drives directly (becomeLeader / becomeFollower), as the cluster's reconciler would. The
 * "controller" here is an in-process map: `alterIsr` accepts every change made at the current
 * leader epoch, records it and wakes waiters. Tests only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Broker } from "../../../groups/broker.ts";
import { serve, type Server } from "../../../server/serve.ts";
import { RivuletError } from "../../../core/errors.ts";
import type { Limits } from "../../../core/limits.ts";
import { partitionDir } from "../../../actors/partition-host.ts";
import type { ReplicaManagerImpl, ReplicationEnv } from "../../../cluster/replication/replica-manager.ts";
import type { ReplicationCredentials } from "../../../cluster/replication/leader-connection.ts";
import type { AuthConfig } from "../../../auth/auth-config.ts";
import { tempDir } from "../temp-dir.ts";

/** One running broker of the cluster. */
export interface ReplicaNode {
  id: number;
  dir: string;
  broker: Broker;
  server: Server;
  replicas: ReplicaManagerImpl;
  /** "127.0.0.1:<kafka port>" */
  address: string;
  /** Closes server and broker (the data stays). */
  close(): Promise<void>;
}

/** An ISR change the in-process controller accepted. */
export interface IsrEvent {
  broker: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  isr: number[];
}

export class ReplicaCluster {
  readonly endpoints = new Map<number, { host: string; port: number }>();
  readonly isrEvents: IsrEvent[] = [];
  readonly topics = new Map<string, { partitions: number; config: Record<string, unknown> }>();
  readonly #states = new Map<string, { leaderEpoch: number; isr: number[] }>();
  readonly #dirs = new Map<number, { dir: string; remove(): void }>();
  readonly #nodes = new Set<ReplicaNode>();
  #waiters: Array<() => void> = [];
  #limits: Partial<Limits>;
  #auth: AuthConfig | undefined;
  /** SASL credentials the followers log in with (when `auth` is on); may be changed between starts. */
  credentials: ReplicationCredentials | undefined;

  constructor(options: { limits?: Partial<Limits>; auth?: AuthConfig; credentials?: ReplicationCredentials } = {}) {
    this.#limits = { replicaFetchBackoffMs: 100, ...options.limits };
    this.#auth = options.auth;
    this.credentials = options.credentials;
  }

  /** The controller's word for a partition (what `alterIsr` compares against). */
  setState(topic: string, partition: number, state: { leaderEpoch: number; isr: number[] }): void {
    this.#states.set(`${topic}/${partition}`, { leaderEpoch: state.leaderEpoch, isr: [...state.isr] });
    this.#wake();
  }

  state(topic: string, partition: number): { leaderEpoch: number; isr: number[] } | undefined {
    return this.#states.get(`${topic}/${partition}`);
  }

  env(id: number): ReplicationEnv {
    return {
      brokerId: id,
      credentials: this.credentials,
      endpoint: (broker) => this.endpoints.get(broker),
      topic: (name) => this.topics.get(name),
      alterIsr: async (topic, partition, request) => {
        const state = this.#states.get(`${topic}/${partition}`);
        if (!state || state.leaderEpoch !== request.leaderEpoch) {
          throw new RivuletError("fenced_leader_epoch", `stale leader epoch ${request.leaderEpoch} for ${topic}/${partition}`);
        }
        state.isr = [...request.isr];
        this.isrEvents.push({ broker: id, topic, partition, leaderEpoch: request.leaderEpoch, isr: [...request.isr] });
        this.#wake();
        return { isr: [...request.isr] };
      },
    };
  }

  /** Starts broker `id` on its data directory (a new one the first time, the same after a close). */
  async start(id: number): Promise<ReplicaNode> {
    let data = this.#dirs.get(id);
    if (!data) {
      data = tempDir(`rivulet-repl-${id}-`);
      this.#dirs.set(id, data);
    }
    const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 2, limits: this.#limits, faultInjection: true });
    const server = await serve(broker, { host: "127.0.0.1", port: 0, kafkaPort: 0, replication: this.env(id), limits: this.#limits, closeGraceMs: 100, auth: this.#auth });
    this.endpoints.set(id, { host: "127.0.0.1", port: server.kafkaPort! });
    let closed = false;
    const node: ReplicaNode = {
      id,
      dir: data.dir,
      broker,
      server,
      replicas: server.replicas!,
      address: `127.0.0.1:${server.kafkaPort}`,
      close: async () => {
        if (closed) return;
        closed = true;
        this.#nodes.delete(node);
        await server.close();
        await broker.close();
      },
    };
    this.#nodes.add(node);
    return node;
  }

  /**
   * Resolves once `condition` holds, checked after every ISR change and every `pollMs`; fails
   * after `timeoutMs` (a generous bound for a loaded machine, not a timing assumption).
   */
  async until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, pollMs = 20): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes every running broker and removes every data directory. */
  async close(): Promise<void> {
    for (const node of [...this.#nodes]) await node.close();
    for (const data of this.#dirs.values()) data.remove();
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** Every `.log` segment file of a partition replica, concatenated in offset order. */
export function logBytes(dataDir: string, topic: string, partition: number): Uint8Array {
  const dir = partitionDir(dataDir, topic, partition);
  const files = readdirSync(dir).filter((f) => f.endsWith(".log")).sort();
  const parts = files.map((f) => readFileSync(join(dir, f)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
