/**
 * `rivulet bench --cluster` (DESIGN §9's figures): three brokers and etcd on this machine, each
 * broker its own process, against one broker alone, in the same run.
 *
 * - Produce: kafkajs, acks=all, 100-byte values in batches of 100, 8 requests in flight, round
 *   robin over 3 partitions; the cluster's topic has RF 3 (min ISR 2), both topics flush=always.
 *   Records/s, request latency p50/p99, brokers' CPU per record. Target: cluster ≥ 50% of alone.
 * - Consume: a kafkajs consumer reading those records from the beginning (first record → last).
 * - Failover: a producer sending one record at a time, acks=all, to a partition of RF 3; its
 *   leader is killed with SIGKILL, and the time from the kill to the next acknowledged produce on
 *   the partition is taken; the killed broker is started again and the partition waited on until
 *   its ISR is whole, then the next kill. p50/p95/max, with the lease TTL used. Target p95 ≤ 2 s.
 *
 *   node --import tsx bench/cluster.ts [--quick] [--kills N] [--lease-ms MS]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { processCpuSeconds } from "./harness/cpu.ts";
import { BenchBroker, etcdPath, startEtcd } from "./cluster-processes.ts";
import { markdownTable, plainRows, type ResultRow } from "./report.ts";
import { isMain, percentile } from "./stats.ts";

/** Options of {@link clusterBenchmark}. */
export interface ClusterBenchOptions {
  quick: boolean;
  /** kill -9 rounds for the failover figure (default 3 quick, 6 otherwise). */
  kills?: number;
  /** The brokers' lease TTL in etcd, ms (default 2000). */
  leaseTtlMs?: number;
  log?: (line: string) => void;
}

const VALUE_BYTES = 100;
const BATCH = 100;
const IN_FLIGHT = 8;
const PARTITIONS = 3;
const TOPIC = "bench-cluster";
const FAILOVER_TOPIC = "bench-failover";
const CONFIG = { flush: "always" };
/** Longest wait for a partition's ISR to be whole again, or for the next acknowledged produce, ms. */
const WAIT_MS_MAX = 60_000;
/** How often the benchmark looks at a partition's state while it waits for it. */
const LOOK_MS = 25;

interface Throughput {
  recordsPerS: number;
  latencies: number[];
  cpuSeconds: number | null;
}

/** Brokers' CPU seconds so far (null when one cannot be read). */
function cpuOf(brokers: BenchBroker[]): number | null {
  let sum = 0;
  for (const b of brokers) {
    const s = b.pid === null ? null : processCpuSeconds(b.pid);
    if (s === null) return null;
    sum += s;
  }
  return sum;
}

function kafka(addresses: string[], retry = { initialRetryTime: 100, retries: 8 }): Kafka {
  return new Kafka({ clientId: "rivulet-bench-cluster", brokers: addresses, logLevel: logLevel.NOTHING, retry });
}

async function createTopic(url: string, name: string, partitions: number, replicationFactor: number | null): Promise<void> {
  const response = await fetch(`${url}/v1/topics`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, partitions, config: CONFIG, ...(replicationFactor ? { replication_factor: replicationFactor } : {}) }),
  });
  if (response.status !== 201) throw new Error(`creating ${name} answered ${response.status}: ${await response.text()}`);
}

interface PartitionInfo {
  partition: number;
  leader?: number;
  replicas?: number[];
  isr?: number[];
}

/** Waits until every partition of `topic`, as `url` describes it, has a leader and a whole ISR. */
async function whole(url: string, topic: string, replicas: number): Promise<PartitionInfo[]> {
  const deadline = performance.now() + WAIT_MS_MAX;
  for (;;) {
    try {
      const response = await fetch(`${url}/v1/topics/${topic}`);
      if (response.ok) {
        const { partitions } = (await response.json()) as { partitions: PartitionInfo[] };
        if (partitions.every((p) => (p.leader ?? 1) >= 0 && (p.isr?.length ?? 1) >= replicas)) return partitions;
      } else await response.text();
    } catch {
      // the broker asked may be the one restarting
    }
    if (performance.now() > deadline) throw new Error(`${topic} did not get a leader and ${replicas} in-sync replicas within ${WAIT_MS_MAX} ms`);
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  }
}

/** acks=all produce of `records` records, round robin over the partitions. */
async function produce(addresses: string[], brokers: BenchBroker[], records: number): Promise<Throughput> {
  const producer = kafka(addresses).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 97);
  const latencies: number[] = [];
  const send = async (partition: number) => {
    const started = performance.now();
    await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: BATCH }, () => ({ value, partition })) });
    latencies.push(performance.now() - started);
  };
  try {
    await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => send(p)));
    latencies.length = 0;
    const cpu0 = cpuOf(brokers);
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let sent = 0, i = 0; sent < records; sent += BATCH, i++) {
      const p: Promise<void> = send(i % PARTITIONS).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    const cpu1 = cpuOf(brokers);
    return { recordsPerS: records / seconds, latencies, cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } finally {
    await producer.disconnect();
  }
}

/** A kafkajs consumer reading `records` records of the topic from the beginning (timed from its first record). */
async function consume(addresses: string[], brokers: BenchBroker[], records: number): Promise<Throughput> {
  const consumer = kafka(addresses).consumer({ groupId: `bench-${Date.now()}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let cpu0: number | null = null;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (seen === 0) {
          first = performance.now();
          cpu0 = cpuOf(brokers);
        }
        seen += batch.messages.length;
        if (seen >= records) resolve(performance.now());
      },
    });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the consumer read ${seen} of ${records} records within ${WAIT_MS_MAX} ms`)), WAIT_MS_MAX)));
  try {
    const ended = await Promise.race([done, late]);
    const cpu1 = cpuOf(brokers);
    return { recordsPerS: records / ((ended - first) / 1000), latencies: [], cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

function row(scenario: string, system: string, t: Throughput, records: number, note?: string): ResultRow {
  const [r] = plainRows([{
    scenario, system, records_per_s: t.recordsPerS, mb_per_s: (t.recordsPerS * VALUE_BYTES) / 1e6,
    p50_ms: t.latencies.length ? percentile(t.latencies, 50) : null,
    p99_ms: t.latencies.length ? percentile(t.latencies, 99) : null,
    p999_ms: t.latencies.length ? percentile(t.latencies, 99.9) : null,
    note,
  }], 1);
  r.server_cpu_s_per_m = t.cpuSeconds === null ? null : (t.cpuSeconds / records) * 1e6;
  return r;
}

/**
 * A producer sending one record at a time to partition 0 of the failover topic, noting when each
 * acknowledgement came.
 */
function steadyProducer(producer: Producer): { acks: number[]; stop(): Promise<void>; nextAckAfter(t: number): Promise<number> } {
  const acks: number[] = [];
  let stopped = false;
  const waiters: Array<() => void> = [];
  const loop = (async () => {
    let n = 0;
    while (!stopped) {
      try {
        await producer.send({ topic: FAILOVER_TOPIC, acks: -1, messages: [{ value: `r${n++}`, partition: 0 }] });
        acks.push(performance.now());
        for (const w of waiters.splice(0)) w();
      } catch {
        // retries exhausted during a failover: send the next one
      }
    }
  })();
  return {
    acks,
    async stop() {
      stopped = true;
      await loop;
    },
    nextAckAfter(t: number) {
      const deadline = performance.now() + WAIT_MS_MAX;
      return new Promise<number>((resolve, reject) => {
        const look = () => {
          const found = acks.find((a) => a > t);
          if (found !== undefined) return resolve(found);
          if (performance.now() > deadline) return reject(new Error(`no acknowledged produce within ${WAIT_MS_MAX} ms of the kill`));
          waiters.push(look);
        };
        look();
      });
    },
  };
}

/** When `url`'s metadata first shows a leader of the failover partition other than `old` (looked at every LOOK_MS). */
async function newLeader(url: string, old: number): Promise<number> {
  const deadline = performance.now() + WAIT_MS_MAX;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`${url}/v1/topics/${FAILOVER_TOPIC}`);
      const { partitions } = (await response.json()) as { partitions: PartitionInfo[] };
      const leader = partitions[0]?.leader ?? -1;
      if (leader >= 0 && leader !== old) return performance.now();
    } catch {
      // asked again below
    }
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  }
  return Number.NaN;
}

/** kill -9 of the failover partition's leader, `kills` times: kill → next acknowledged produce, ms. */
async function failovers(brokers: BenchBroker[], kills: number, log: (line: string) => void): Promise<number[]> {
  await createTopic(brokers[0].url, FAILOVER_TOPIC, 1, 3);
  // Fast client retries: the figure is the cluster's, not kafkajs's default backoff's.
  const producer = kafka(brokers.map((b) => b.kafkaAddress), { initialRetryTime: 50, retries: 100, maxRetryTime: 250 } as never).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const steady = steadyProducer(producer);
  const times: number[] = [];
  try {
    for (let round = 0; round < kills; round++) {
      const asked = brokers.find((b) => b.running)!;
      const [state] = await whole(asked.url, FAILOVER_TOPIC, 3);
      const leader = brokers.find((b) => b.id === state.leader)!;
      const acked = steady.acks.length;
      await steady.nextAckAfter(steady.acks[acked - 1] ?? 0);
      const survivor = brokers.find((b) => b.running && b !== leader)!;
      const killedAt = performance.now();
      await leader.kill();
      const elected = newLeader(survivor.url, leader.id);
      const next = await steady.nextAckAfter(killedAt);
      const electedAt = await elected;
      times.push(next - killedAt);
      log(`    kill -9 of broker ${leader.id} (leader of ${FAILOVER_TOPIC}/0): broker ${survivor.id} shows a new leader after ${Math.round(electedAt - killedAt)} ms, next acknowledged produce after ${Math.round(next - killedAt)} ms`);
      await leader.restart();
      await whole(brokers.find((b) => b.running && b !== leader)!.url, FAILOVER_TOPIC, 3);
    }
  } finally {
    await steady.stop();
    await producer.disconnect();
  }
  return times;
}

/** Runs the cluster benchmark and returns its rows and the markdown section. */
export async function clusterBenchmark(options: ClusterBenchOptions): Promise<{ rows: ResultRow[]; text: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const etcdBinary = etcdPath();
  if (!etcdBinary) throw new Error("etcd is not installed (apt-get install etcd-server): rivulet bench --cluster needs it");
  const records = options.quick ? 30_000 : 100_000;
  const kills = options.kills ?? (options.quick ? 3 : 6);
  const leaseTtlMs = options.leaseTtlMs ?? 2_000;
  const root = mkdtempSync(join(tmpdir(), "rivulet-bench-cluster-"));
  const rows: ResultRow[] = [];
  let failoverTimes: number[] = [];
  try {
    log(`  one broker, flush=always: produce and consume ${records} records …`);
    const alone = await BenchBroker.start(1, join(root, "alone"), null);
    let aloneProduce: Throughput;
    try {
      await createTopic(alone.url, TOPIC, PARTITIONS, null);
      aloneProduce = await produce([alone.kafkaAddress], [alone], records);
      rows.push(row("produce acks=all (kafkajs)", "rivulet 1 broker, flush=always", aloneProduce, records));
      rows.push(row("consume (kafkajs)", "rivulet 1 broker, flush=always", await consume([alone.kafkaAddress], [alone], records), records));
    } finally {
      await alone.stop();
    }
    log(`  three brokers + etcd (lease TTL ${leaseTtlMs} ms), RF 3: produce and consume ${records} records …`);
    const etcd = await startEtcd(etcdBinary);
    const brokers: BenchBroker[] = [];
    try {
      for (const id of [1, 2, 3]) brokers.push(await BenchBroker.start(id, join(root, `b${id}`), { etcd: etcd.endpoint, leaseTtlMs }));
      await createTopic(brokers[0].url, TOPIC, PARTITIONS, 3);
      await whole(brokers[0].url, TOPIC, 3);
      const addresses = brokers.map((b) => b.kafkaAddress);
      const clusterProduce = await produce(addresses, brokers, records);
      const ratio = clusterProduce.recordsPerS / aloneProduce.recordsPerS;
      rows.push(row("produce acks=all (kafkajs)", "rivulet 3 brokers, RF 3, min ISR 2", clusterProduce, records, `${Math.round(ratio * 100)}% of one broker (target ≥ 50%)`));
      rows.push(row("consume (kafkajs)", "rivulet 3 brokers, RF 3, min ISR 2", await consume(addresses, brokers, records), records));
      log(`  failover: ${kills} × kill -9 of a partition leader …`);
      failoverTimes = await failovers(brokers, kills, log);
    } catch (error) {
      for (const b of brokers) log(`--- broker ${b.id} output ---\n${b.output().slice(-3000)}`);
      throw error;
    } finally {
      for (const b of brokers) await b.stop().catch(() => {});
      await etcd.stop();
    }
    const p95 = percentile(failoverTimes, 95);
    const [failover] = plainRows([{
      scenario: "failover: kill -9 of a leader → next acknowledged produce",
      system: `rivulet 3 brokers, lease TTL ${leaseTtlMs} ms`,
      records_per_s: null, mb_per_s: null,
      p50_ms: percentile(failoverTimes, 50), p99_ms: percentile(failoverTimes, 99), p999_ms: null,
      note: `${kills} kills: p95 ${Math.round(p95)} ms (target ≤ 2000), max ${Math.round(Math.max(...failoverTimes))} ms`,
    }], kills);
    rows.push(failover);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const text = `### Cluster (${new Date().toISOString().slice(0, 10)}, ${records} records of ${VALUE_BYTES} B, batches of ${BATCH}, ${IN_FLIGHT} in flight, ${PARTITIONS} partitions)\n\n${markdownTable(rows)}\n\n` +
    "Server CPU s/M records: the brokers' CPU (all of them) per million records. Failover: the time from SIGKILL of the partition's leader to the next produce acknowledged on that partition (kafkajs retrying every 50-250 ms); " +
    `the lease TTL is ${leaseTtlMs} ms; the killed broker is restarted and the ISR whole again before the next kill.`;
  return { rows, text };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, kills: { type: "string" }, "lease-ms": { type: "string" } } });
  const { text } = await clusterBenchmark({ quick: values.quick!, kills: values.kills ? Number(values.kills) : undefined, leaseTtlMs: values["lease-ms"] ? Number(values["lease-ms"]) : undefined });
  console.log(`\n${text}\n`);
  process.exit(0);
}
