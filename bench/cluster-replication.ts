/**
 * Replication benchmark (quick form of `rivulet bench --cluster`, DESIGN §9's throughput
 * figure): kafkajs producing acks=all to a topic of `--partitions` partitions with RF 3 led by
 * broker 1 of three in-machine brokers (each its own data directory, Kafka listener and worker
 * threads, in this process), against one broker alone with the same topic, flush=always, in the
 * same run. Records/s and per-request latency p50/p95/p99. Target: replicated ≥ 50% of alone.
 *
 *   node --import tsx bench/cluster-replication.ts [--records 100000] [--batch 100] [--in-flight 8] [--partitions 3]
 *
 * The ISR changes go to an in-process stand-in for the controller (no etcd): it accepts every
 * change at the current epoch. The failover figure needs the controller's elections and is not here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../groups/broker.ts";
import { serve, type Server } from "../server/serve.ts";
import { RivuletError } from "../core/errors.ts";
import type { ReplicationEnv } from "../cluster/replication/replica-manager.ts";
import { percentile } from "./stats.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg("records", 100_000);
const BATCH = arg("batch", 100);
const IN_FLIGHT = arg("in-flight", 8);
const PARTITIONS = arg("partitions", 3);
const VALUE_BYTES = 100;
const TOPIC = "bench-repl";
const CONFIG = { flush: "always" };

interface Node {
  broker: Broker;
  server: Server;
  dir: string;
}

interface Result {
  system: string;
  recordsPerS: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Sends RECORDS records in batches of BATCH, IN_FLIGHT requests at a time, round robin over the partitions. */
async function produce(address: string, system: string): Promise<Result> {
  const kafka = new Kafka({ clientId: "bench-repl", brokers: [address], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 97);
  const messages = Array.from({ length: BATCH }, () => ({ value }));
  const latencies: number[] = [];
  const send = async (partition: number) => {
    const started = performance.now();
    await producer.send({ topic: TOPIC, acks: -1, messages: messages.map((m) => ({ ...m, partition })) });
    latencies.push(performance.now() - started);
  };
  // warm-up
  await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => send(p)));
  latencies.length = 0;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let sent = 0, i = 0; sent < RECORDS; sent += BATCH, i++) {
    const p = send(i % PARTITIONS).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return { system, recordsPerS: RECORDS / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

async function start(dir: string, replication?: ReplicationEnv): Promise<Node> {
  const broker = await Broker.open({ dataDir: dir, maxWorkers: Math.max(2, PARTITIONS) });
  const server = await serve(broker, { host: "127.0.0.1", port: 0, kafkaPort: 0, replication, closeGraceMs: 100 });
  return { broker, server, dir };
}

async function alone(root: string): Promise<Result> {
  const node = await start(join(root, "alone"));
  try {
    await node.broker.createTopic(TOPIC, { partitions: PARTITIONS, config: CONFIG });
    return await produce(`127.0.0.1:${node.server.kafkaPort}`, "1 broker, flush=always");
  } finally {
    await node.server.close();
    await node.broker.close();
  }
}

async function replicated(root: string): Promise<Result> {
  const endpoints = new Map<number, { host: string; port: number }>();
  const states = new Map<number, { leaderEpoch: number; isr: number[] }>();
  const env = (brokerId: number): ReplicationEnv => ({
    brokerId,
    endpoint: (id) => endpoints.get(id),
    topic: (name) => (name === TOPIC ? { partitions: PARTITIONS, config: CONFIG } : undefined),
    alterIsr: async (_topic, partition, request) => {
      const state = states.get(partition)!;
      if (state.leaderEpoch !== request.leaderEpoch) throw new RivuletError("fenced_leader_epoch", "stale epoch");
      state.isr = [...request.isr];
      return { isr: state.isr };
    },
  });
  const nodes: Node[] = [];
  try {
    for (const id of [1, 2, 3]) {
      const node = await start(join(root, `b${id}`), env(id));
      endpoints.set(id, { host: "127.0.0.1", port: node.server.kafkaPort! });
      nodes.push(node);
    }
    const replicas = [1, 2, 3];
    for (let p = 0; p < PARTITIONS; p++) {
      states.set(p, { leaderEpoch: 1, isr: replicas });
      await nodes[0].server.replicas!.becomeLeader(TOPIC, p, { leaderEpoch: 1, replicas, isr: replicas });
      for (const follower of nodes.slice(1)) await follower.server.replicas!.becomeFollower(TOPIC, p, { leaderEpoch: 1, leader: 1, replicas });
    }
    const result = await produce(`127.0.0.1:${endpoints.get(1)!.port}`, "3 brokers, RF 3, acks=all");
    const shrinks = [...states.values()].filter((s) => s.isr.length < 3).length;
    if (shrinks > 0) console.log(`note: ${shrinks} partition(s) ended with a shrunk ISR`);
    return result;
  } finally {
    for (const node of nodes) {
      await node.server.close();
      await node.broker.close();
    }
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "rivulet-bench-repl-"));
  try {
    const one = await alone(root);
    const three = await replicated(root);
    const rows = [one, three];
    console.log(`\nacks=all produce, kafkajs, ${RECORDS} records of ${VALUE_BYTES} B in batches of ${BATCH}, ${IN_FLIGHT} in flight, ${PARTITIONS} partitions, flush=always`);
    console.log("| system | records/s | p50 ms | p95 ms | p99 ms |");
    console.log("|---|---:|---:|---:|---:|");
    for (const r of rows) console.log(`| ${r.system} | ${r.recordsPerS.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} |`);
    console.log(`replicated / alone: ${((three.recordsPerS / one.recordsPerS) * 100).toFixed(0)}% (target ≥ 50%)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
