/**
 * Stream-processing state restore (issue 18; targets: a 1,000,000-key store restored in ≤ 2 s,
 * changelog replay ≥ 500,000 records/s):
 * - the state layer alone: applying 1M changelog records in random key order to an empty store,
 *   from stored record batches as a restore fetches them (the pool worker's part of a replay)
 *   and from record objects; writing a 1M-key snapshot, and loading it (read + CRC + decode +
 *   sorted load); point reads of random keys on the replayed store (hash table) and on the
 *   loaded one (first reads: found in the sorted run, then moved to the hash table — what the
 *   fast load costs a read);
 * - end to end through a broker and the piscina pool, with the hand-written counting app: a
 *   task restored from a 1M-record changelog (no snapshot: broker fetch, transfer, apply), then,
 *   after a clean stop, from its 1M-entry snapshot.
 *
 * Each figure is given in wall time and in CPU time (all threads of the process), with the load
 * average: on a shared machine the wall figures say more about the neighbours than about us.
 *
 *   node --import tsx bench/streams-restore.ts [KEYS]   |   bun bench/streams-restore.ts   |   deno run -A bench/streams-restore.ts
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { Broker } from "../groups/broker.ts";
import "../processors/broker-processors.ts";
import { runtimeName } from "../runtime/runtime-name.ts";
import { OrderedStore } from "../processors/state/ordered-store.ts";
import { TaskStores } from "../processors/state/task-stores.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { defaultLimits } from "../core/limits.ts";
import { encodeRecordBatch } from "../record/record-batch-encoder.ts";
import { isMain } from "./stats.ts";

/** Wall and CPU milliseconds of `fn`. */
async function measure<T>(fn: () => T | Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const result = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { result, wallMs: performance.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const ms = (m: { wallMs: number; cpuMs: number }) => `${m.wallMs.toFixed(0)} ms (CPU ${m.cpuMs.toFixed(0)} ms)`;
const rate = (n: number, m: { wallMs: number; cpuMs: number }) => `${Math.round((n / m.wallMs) * 1000).toLocaleString("en-US")}/s (per CPU-s ${Math.round((n / m.cpuMs) * 1000).toLocaleString("en-US")})`;

/** One line of the restore table. */
export interface RestoreRow {
  measurement: string;
  figure: string;
  target: string;
  met: string;
}

const keyOf = (i: number) => new TextEncoder().encode(`key-${String(i).padStart(8, "0")}`);
const value = new TextEncoder().encode("1");

/** Pseudo-random permutation of 0..n-1 (a fixed seed: runs compare). */
function shuffled(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let seed = 42;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The changelog as a restore fetches it: stored batches of 10,000 records, in chunks of at most the restore fetch size. */
function storedChangelog(order: Uint32Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const chunk = new Uint8Array(pendingBytes);
    let at = 0;
    for (const batch of pending) {
      chunk.set(batch, at);
      at += batch.length;
    }
    chunks.push(chunk);
    pending = [];
    pendingBytes = 0;
  };
  for (let i = 0; i < order.length; i += 10_000) {
    const records = Array.from(order.subarray(i, i + 10_000), (k) => ({ key: keyOf(k), value, headers: [], timestamp: 0 }));
    const batch = encodeRecordBatch(records, { baseOffset: i });
    if (pendingBytes + batch.length > defaultLimits.processorRestoreFetchBytesMax) flush();
    pending.push(batch);
    pendingBytes += batch.length;
  }
  if (pending.length > 0) flush();
  return chunks;
}

async function stateLayer(keys: number, dir: string): Promise<RestoreRow[]> {
  const order = shuffled(keys);
  const chunks = storedChangelog(order);
  const replayed = new TaskStores(dir, { storeBytesMax: 1 << 30 });
  replayed.open("counts");
  const applyBatches = await measure(() => {
    for (const chunk of chunks) replayed.applyChangelogBatches("counts", chunk, 0);
  });
  if ((replayed.get("counts") as OrderedStore).size !== keys) throw new Error("the stored-batch replay lost entries");
  chunks.length = 0;
  const records = Array.from(order, (i) => ({ key: keyOf(i), value }));
  const stores = new TaskStores(dir, { storeBytesMax: 1 << 30 });
  stores.open("counts");
  const apply = await measure(() => stores.applyChangelog("counts", records));
  const write = await measure(() => stores.snapshot({ counts: keys }));
  const fresh = new TaskStores(dir, { storeBytesMax: 1 << 30 });
  fresh.open("counts");
  const load = await measure(() => fresh.loadSnapshots());
  if (load.result[0].snapshotEntries !== keys || (fresh.get("counts") as OrderedStore).size !== keys) throw new Error("snapshot load lost entries");
  const reads = Math.min(keys, 200_000);
  const readKeys = Array.from(shuffled(keys).subarray(0, reads), keyOf);
  const readAll = (store: OrderedStore) => () => {
    for (const key of readKeys) if (store.get(key) === undefined) throw new Error("a read missed");
  };
  const readReplayed = await measure(readAll(replayed.get("counts") as OrderedStore));
  const readLoaded = await measure(readAll(fresh.get("counts") as OrderedStore));
  const n = keys.toLocaleString("en-US");
  return [
    { measurement: `changelog apply of stored batches (the pool worker's part of a replay), ${n} records in random key order`, figure: rate(keys, applyBatches), target: "≥ 500,000 records/s", met: (keys / applyBatches.wallMs) * 1000 >= 500_000 ? "yes" : "no" },
    { measurement: `changelog apply, ${n} records in random key order (state layer)`, figure: rate(keys, apply), target: "≥ 500,000 records/s", met: (keys / apply.wallMs) * 1000 >= 500_000 ? "yes" : "no" },
    { measurement: `snapshot write, ${n} keys (sort + encode + tmp/fsync/rename)`, figure: ms(write), target: "-", met: "-" },
    { measurement: `snapshot load, ${n} keys (read + CRC + decode + load)`, figure: ms(load), target: "≤ 2,000 ms", met: load.wallMs <= 2000 ? "yes" : "no" },
    { measurement: `point reads of ${reads.toLocaleString("en-US")} random keys, replayed store (hash table)`, figure: rate(reads, readReplayed), target: "-", met: "-" },
    { measurement: `point reads of ${reads.toLocaleString("en-US")} random keys, store just loaded from its snapshot (a key's first read: binary search in the run, then moved to the hash table)`, figure: rate(reads, readLoaded), target: "-", met: "-" },
  ];
}

async function endToEnd(keys: number, dir: string): Promise<RestoreRow[]> {
  let broker = await Broker.open({ dataDir: dir, maxWorkers: 1 });
  await broker.createTopic("words", { partitions: 1 });
  await broker.createTopic("word-counts", { partitions: 1 });
  await broker.createTopic("word-counter-counts-changelog", { partitions: 1, config: { "cleanup.policy": "compact" } });
  const producer = broker.producer({ idempotent: false });
  for (let i = 0; i < keys; i += 10_000) {
    await producer.sendBatch("word-counter-counts-changelog", Array.from({ length: Math.min(10_000, keys - i) }, (_, j) => ({ key: keyOf(i + j), value, partition: 0 })));
  }
  await producer.close();
  const module = new URL("../test/support/processors/counter-topology.ts", import.meta.url);
  const restoreOf = async () => {
    const app = await broker.processors.start(module, { workers: 1 });
    while (app.status().tasks[0]?.state !== "running") await new Promise((r) => setTimeout(r, 5));
    const task = app.status().tasks[0];
    return { app, task };
  };
  const firstRun = await measure(restoreOf);
  const first = firstRun.result;
  const replay = first.task.restore.counts;
  if (replay.replayed !== keys || first.task.stores.counts.entries !== keys) throw new Error(`replayed ${replay.replayed} of ${keys}`);
  await first.app.stop();
  await broker.close();
  broker = await Broker.open({ dataDir: dir, maxWorkers: 1 });
  const secondRun = await measure(restoreOf);
  const second = secondRun.result;
  const fromSnapshot = second.task;
  if (fromSnapshot.restore.counts.snapshotEntries !== keys) throw new Error("the second restore did not use the snapshot");
  await second.app.stop();
  await broker.close();
  const replayRate = (keys / replay.replayMs) * 1000;
  const n = keys.toLocaleString("en-US");
  return [
    { measurement: `changelog replay through broker + pool, ${n} records`, figure: `${Math.round(replayRate).toLocaleString("en-US")}/s (${replay.replayMs.toFixed(0)} ms)`, target: "≥ 500,000 records/s", met: replayRate >= 500_000 ? "yes" : "no" },
    { measurement: `task restore without snapshot (open + replay), ${n} keys`, figure: `${first.task.restoreMs} ms; app start to running ${ms(firstRun)}`, target: "-", met: "-" },
    { measurement: `task restore from snapshot (open + load + empty tail), ${n} keys`, figure: `${fromSnapshot.restoreMs} ms; app start to running ${ms(secondRun)}`, target: "≤ 2,000 ms", met: fromSnapshot.restoreMs <= 2000 ? "yes" : "no" },
  ];
}

/** The rows as the table other bench files print (markdown). */
export function formatRestoreTable(rows: readonly RestoreRow[]): string {
  const lines = [["measurement", "figure", "target", "met"], ...rows.map((r) => [r.measurement, r.figure, r.target, r.met])];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const out: string[] = [];
  for (const [i, l] of lines.entries()) {
    out.push("| " + l.map((c, j) => c.padEnd(widths[j])).join(" | ") + " |");
    if (i === 0) out.push("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  }
  return out.join("\n");
}

function print(rows: RestoreRow[]): void {
  console.log(`\nStream-processing restore (${runtimeName}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})`);
  console.log(formatRestoreTable(rows));
}

/**
 * Runs both parts and prints one table (unless `quiet`: `rivulet bench` prints it in its report).
 *
 * @param keys store size (1,000,000 for the targets; `rivulet bench --quick` uses 100,000)
 */
export async function streamsRestoreBenchmark(keys = 1_000_000, options: { quiet?: boolean } = {}): Promise<RestoreRow[]> {
  const tmp = tempDir("rivulet-bench-restore-");
  try {
    const rows = [...(await stateLayer(keys, join(tmp.dir, "state"))), ...(await endToEnd(keys, join(tmp.dir, "broker")))];
    if (!options.quiet) print(rows);
    return rows;
  } finally {
    tmp.remove();
  }
}

if (isMain(import.meta.url)) await streamsRestoreBenchmark(Number(process.argv[2] ?? 1_000_000));
