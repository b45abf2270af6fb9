/**
 * The two shapes a chaos run takes: one broker (the form that runs today: one process killed,
 * paused, cut off and restarted) and three brokers with etcd (the cluster of DESIGN §9, started
 * with its documented flags). Both give the workload the same things: Kafka and HTTP addresses,
 * a topic, the brokers as processes, and which broker leads a partition or controls the cluster.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../../../runtime/spawn-script.ts";
import { freePort } from "../../../runtime/free-port.ts";
import { etcdBinary } from "../etcd.ts";
import { BrokerProcess } from "./broker-process.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = join(root, "cli", "rivulet.mjs");
const brokerChild = join(root, "test", "support", "chaos", "broker-child.ts");

/** A fault the harness knows how to inject. */
export type FaultKind =
  | "kill"
  | "pause"
  | "cut-clients"
  | "restart"
  | "kill-leader"
  | "kill-controller"
  | "kill-two"
  | "pause-leader"
  | "cut-leader-from-followers"
  | "cut-from-etcd"
  | "rolling-restart"
  | "restart-all";

export interface ChaosForm {
  /** Printed, so the output says which form ran. */
  name: string;
  brokers: BrokerProcess[];
  /** The fault kinds of this form, in the order rounds take them. */
  faults: FaultKind[];
  /** Rounds when `RIVULET_CHAOS_ROUNDS` is not set (a short run that fits the suite's time limit). */
  defaultRounds: number;
  /** The address Kafka and HTTP clients of the test connect from (the default source). */
  clientHost: string;
  /** etcd's address (three-broker form). */
  etcdHost?: string;
  /** Creates the topic (3 partitions; replication factor 3 and min ISR 2 on the cluster) and waits until it serves. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /**
   * Resolves once every partition of `topic` has a leader and all its replicas in sync (at once
   * for one broker): healed, every replica holds what the high watermark covers.
   */
  inSync(topic: string, partitions: number): Promise<void>;
  /** The broker leading `partition` of `topic` now. */
  leaderOf(topic: string, partition: number): Promise<BrokerProcess>;
  /** The broker acting as controller now. */
  controller(): Promise<BrokerProcess>;
  /** Stops every broker (and etcd), keeping the data. */
  dispose(): Promise<void>;
}

/**
 * An HTTP JSON call with a bound; throws on a non-2xx answer. The bound is generous: on a loaded
 * machine a broker may take seconds to answer (callers that poll try again after a failure).
 */
async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * One broker process (`broker-child.ts`: what `rivulet serve` runs, plus the fault-injection
 * switch for the broken-mode test) at `host`.
 */
export async function singleBrokerForm(options: { dataRoot: string; host: string; clientHost: string; canCut: boolean; env?: Record<string, string> }): Promise<ChaosForm> {
  const port = await freePort();
  const kafkaPort = await freePort();
  const dataDir = join(options.dataRoot, "b1");
  const { command, args } = scriptCommand(brokerChild);
  const broker = new BrokerProcess({ id: 1, host: options.host, port, kafkaPort, dataDir, command, args: [...args, dataDir, options.host, String(port), String(kafkaPort)], cwd: root, env: options.env });
  await broker.start();
  return {
    name: `single broker (one process at ${options.host}, flush=always): kill -9, SIGSTOP/SIGCONT, ${options.canCut ? "client-broker network cut, " : ""}graceful restart`,
    brokers: [broker],
    faults: options.canCut ? ["kill", "pause", "cut-clients", "restart"] : ["kill", "pause", "restart"],
    defaultRounds: options.canCut ? 4 : 3,
    clientHost: options.clientHost,
    async createTopic(topic, partitions) {
      await call(`${broker.url}/v1/topics`, { method: "POST", body: JSON.stringify({ name: topic, partitions, config: { flush: "always" } }) });
    },
    inSync: async () => {},
    leaderOf: async () => broker,
    controller: async () => broker,
    dispose: () => broker.stop(),
  };
}

/** True when this checkout's `rivulet serve` takes the cluster flags and etcd is installed. */
export function clusterAvailable(): boolean {
  if (!etcdBinary()) return false;
  const { command, args } = scriptCommand(cli);
  const help = spawnSync(command, [...args, "serve", "--help"], { cwd: root, stdio: "pipe", timeout: 60_000 });
  const text = `${help.stdout ?? ""}${help.stderr ?? ""}`;
  return text.includes("--broker-id") && text.includes("--etcd");
}

/** etcd on `host`:2379, fast Raft timings, data in `dir`; resolves once it serves. */
function startEtcdAt(host: string, dir: string): Promise<ChildProcess> {
  const client = `http://${host}:2379`;
  const peer = `http://${host}:2380`;
  const child = spawn(etcdBinary()!, ["--name", "chaos", "--data-dir", dir, "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", `chaos=${peer}`, "--heartbeat-interval", "50", "--election-timeout", "500"], { stdio: ["ignore", "ignore", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`etcd did not serve within 30 s:\n${out.slice(-3000)}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      out = (out + d.toString()).slice(-16_000);
      if (/serving client traffic|ready to serve client requests/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`etcd exited (${code}):\n${out.slice(-3000)}`));
    });
  });
}

/** Bound on waiting for every replica to be in sync (after a topic's creation, after the last heal): generous for a loaded machine. */
const inSyncMsMax = 90_000;

interface DescribedPartition {
  partition?: number;
  leader?: number | null;
  isr?: number[];
}

/**
 * Three brokers on 127.0.0.1-3 and etcd on 127.0.0.10 (a private network namespace), each started
 * as `rivulet serve --broker-id N --etcd URL --host 127.0.0.N --port 8080 --kafka-port 9092`.
 * With `userCuts`, broker N runs as user 1000+N, so a cut can take one broker's packets off the
 * network (all of them leave from 127.0.0.1, whatever the broker's address); without, the two
 * faults that need it (a leader cut from its followers, a broker cut from etcd) are left out.
 */
export async function threeBrokerForm(options: { dataRoot: string; userCuts: boolean }): Promise<ChaosForm> {
  const etcdHost = "127.0.0.10";
  // the brokers' own users must reach their data directories inside it
  if (options.userCuts) chmodSync(options.dataRoot, 0o755);
  const etcd = await startEtcdAt(etcdHost, join(options.dataRoot, "etcd"));
  const { command, args } = scriptCommand(cli);
  const brokers = [1, 2, 3].map((id) => {
    const host = `127.0.0.${id}`;
    const dataDir = join(options.dataRoot, `b${id}`);
    return new BrokerProcess({
      id,
      host,
      port: 8080,
      kafkaPort: 9092,
      dataDir,
      command,
      args: [...args, "serve", "--broker-id", String(id), "--etcd", `http://${etcdHost}:2379`, "--data-dir", dataDir, "--host", host, "--port", "8080", "--kafka-port", "9092"],
      cwd: root,
      uid: options.userCuts ? 1000 + id : undefined,
    });
  });
  const started = await Promise.allSettled(brokers.map((b) => b.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    // nothing left running behind a failed start (the test process would never exit)
    await Promise.all(brokers.map((b) => b.stop()));
    const exited = new Promise((resolve) => etcd.once("exit", resolve));
    process.kill(etcd.pid!, "SIGTERM");
    await exited;
    throw failed.reason;
  }
  const byId = (id: number) => {
    const broker = brokers.find((b) => b.id === id);
    if (!broker) throw new Error(`no broker ${id}`);
    return broker;
  };
  /** Asks the brokers that run, in turn, until one answers. */
  const ask = async <T>(path: string): Promise<T> => {
    let last: unknown;
    for (const b of brokers.filter((x) => x.running && !x.paused)) {
      try {
        return await call<T>(`${b.url}${path}`);
      } catch (error) {
        last = error;
      }
    }
    throw new Error(`no broker answered ${path}: ${String(last)}`);
  };
  /** Every partition led, with all three replicas in sync; bounded by {@link inSyncMsMax}. */
  const inSync = async (topic: string, partitions: number): Promise<void> => {
    const deadline = Date.now() + inSyncMsMax;
    let last: DescribedPartition[] = [];
    for (;;) {
      const described = await ask<{ partitions: DescribedPartition[] }>(`/v1/topics/${topic}`).catch(() => null);
      if (described) last = described.partitions;
      if (described && described.partitions.length === partitions && described.partitions.every((p) => (p.leader ?? -1) >= 0 && p.isr?.length === 3)) return;
      if (Date.now() > deadline) throw new Error(`${topic}'s replicas were not all in sync within ${inSyncMsMax} ms: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  return {
    name: "three brokers (127.0.0.1-3, etcd on 127.0.0.10, replication factor 3, min.insync.replicas 2)",
    brokers,
    // the first three are CI's short run: a crash, a pause past the lease, a partition
    faults: options.userCuts
      ? ["kill-leader", "pause-leader", "cut-leader-from-followers", "kill-controller", "cut-from-etcd", "kill-two", "rolling-restart", "restart-all"]
      : ["kill-leader", "pause-leader", "kill-controller", "kill-two", "rolling-restart", "restart-all"],
    defaultRounds: 3,
    clientHost: "127.0.0.1",
    etcdHost,
    async createTopic(topic, partitions) {
      // A create whose answer did not come in time may have been made: asked again, topic_exists is its success.
      for (;;) {
        try {
          await call(`${brokers[0].url}/v1/topics`, { method: "POST", body: JSON.stringify({ name: topic, partitions, replication_factor: 3, config: { flush: "always", "min.insync.replicas": 2 } }) });
          break;
        } catch (error) {
          if (/topic_exists/.test(String(error))) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      await inSync(topic, partitions);
    },
    inSync,
    async leaderOf(topic, partition) {
      // right after a fault there may be no leader for a moment (-1): ask again, bounded
      const deadline = Date.now() + 60_000;
      for (;;) {
        const described = await ask<{ partitions: DescribedPartition[] }>(`/v1/topics/${topic}`).catch((error) => {
          if (Date.now() > deadline) throw error;
          return { partitions: [] };
        });
        const p = described.partitions.find((x, i) => (x.partition ?? i) === partition);
        if ((p?.leader ?? -1) >= 0) return byId(p!.leader!);
        if (Date.now() > deadline) throw new Error(`${topic}/${partition} has had no leader for 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async controller() {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const cluster = await ask<{ controller: number }>("/v1/cluster").catch((error) => {
          if (Date.now() > deadline) throw error;
          return { controller: -1 };
        });
        if (cluster.controller >= 0) return byId(cluster.controller);
        if (Date.now() > deadline) throw new Error("no controller for 60 s");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async dispose() {
      await Promise.all(brokers.map((b) => b.stop()));
      // a second dispose (a test's finally) finds etcd gone: no exit event will come then
      if (etcd.exitCode !== null || etcd.signalCode !== null) return;
      const exited = new Promise((resolve) => etcd.once("exit", resolve));
      process.kill(etcd.pid!, "SIGTERM");
      await exited;
    },
  };
}
