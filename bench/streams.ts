/**
 * Stream processing benchmark, in process: records/s through `compileTask` (no broker, no
 * threads) of a stateless topology (filter + mapValues) and of a windowed count (1-second
 * tumbling windows over 1,000 keys, emit final, stores in the test driver's sorted store), in
 * batches of 1,000 records with 16-byte keys and 100-byte values. Each figure is the best of
 * the rounds, per second of wall time and per second of the process's CPU time (the latter
 * steadier when other work shares the machine). What it measures is the DSL's per-record cost: serdes, closures, store writes and
 * changelog entries; not the runtime's pool, changelog topics or commits.
 *
 *   node --import tsx bench/streams.ts [--quick]     (also: bun bench/streams.ts, deno run -A bench/streams.ts)
 */
import type { InputRecord, Task } from "../processors/task-contract.ts";
import { compileTask } from "../processors/topology/compile-task.ts";
import { DriverStore } from "../processors/topology/driver-store.ts";
import { topology, type Topology } from "../processors/topology/topology.ts";
import { windows } from "../processors/topology/windows.ts";
import process from "node:process";
import { isMain } from "./stats.ts";

const BATCH_RECORDS = 1_000;
const KEYS = 1_000;
const VALUE_BYTES = 100;
/** Batches every round processes even past its time (5 s of stream time: 4 windows closed per key). */
const BATCHES_MIN = 5;

/** One measured topology. */
export interface StreamsBenchRow {
  name: string;
  recordsPerSecond: number;
  /** Records per second of this process's CPU time (user + system): steadier than wall time on a shared machine. */
  recordsPerCpuSecond: number;
  /** Output records per input record (a sanity check that the topology did its work). */
  outputsPerRecord: number;
}

const stateless = topology("bench-stateless", (t) => {
  t.stream("in")
    .filter((_k, v) => v.charCodeAt(0) !== 35) // drops values starting with "#": 1 in 16
    .mapValues((v) => v.length)
    .to("out");
});

const windowedCount = topology("bench-windowed", (t) => {
  t.stream("in")
    .groupByKey()
    .windowedBy(windows.tumbling("1s"))
    .count({ store: "per-second", retention: "2s" })
    .toStream()
    .to("out");
});

/** A few batches, reused: `restamp` moves their offsets and timestamps on (1 ms per record). */
function makeBatches(count: number): InputRecord[][] {
  const encoder = new TextEncoder();
  const keys = Array.from({ length: KEYS }, (_, i) => encoder.encode(`key-${String(i).padStart(12, "0")}`));
  const values = Array.from({ length: 16 }, (_, i) => encoder.encode((i === 0 ? "#" : "v").padEnd(VALUE_BYTES, String.fromCharCode(97 + i))));
  const batches: InputRecord[][] = [];
  let offset = 0;
  for (let b = 0; b < count; b++) {
    const batch: InputRecord[] = [];
    for (let i = 0; i < BATCH_RECORDS; i++, offset++) {
      batch.push({ topic: "in", partition: 0, offset, timestamp: offset, key: keys[(offset * 7919) % KEYS], value: values[offset % 16] });
    }
    batches.push(batch);
  }
  return batches;
}

function restamp(batch: InputRecord[], firstOffset: number): void {
  for (let i = 0; i < batch.length; i++) {
    batch[i].offset = firstOffset + i;
    batch[i].timestamp = firstOffset + i;
  }
}

function newTask(app: Topology): Task {
  return compileTask(app, 0, (name) => new DriverStore(name));
}

/** Runs batches through fresh tasks for `runMs` per round; the best rate over `rounds`. */
function measure(name: string, app: Topology, batches: InputRecord[][], runMs: number, rounds: number): StreamsBenchRow {
  let best = 0;
  let bestCpu = 0;
  let outputs = 0;
  let processed = 0;
  for (let round = 0; round < rounds; round++) {
    // Timestamps must move forward, so each round starts a fresh task at batch 0.
    const task = newTask(app);
    let records = 0;
    let written = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let elapsed = 0;
    // At least a few batches, however slow the machine: windows must close for the figure to mean anything.
    for (let b = 0; elapsed < runMs || b < BATCHES_MIN; b++) {
      const batch = batches[b % batches.length];
      restamp(batch, b * BATCH_RECORDS);
      const result = task.process(batch);
      written += result.outputs.length;
      if (b % 10 === 9) task.tick(0);
      records += batch.length;
      elapsed = performance.now() - started;
    }
    const cpu = process.cpuUsage(cpuStarted);
    best = Math.max(best, records / (elapsed / 1000));
    bestCpu = Math.max(bestCpu, records / ((cpu.user + cpu.system) / 1e6));
    outputs += written;
    processed += records;
  }
  return { name, recordsPerSecond: best, recordsPerCpuSecond: bestCpu, outputsPerRecord: outputs / processed };
}

/**
 * Measures both topologies.
 *
 * @param options `quick`: short rounds, for CI
 * @returns one row per topology
 */
export function benchStreams(options: { quick?: boolean } = {}): StreamsBenchRow[] {
  const runMs = options.quick ? 300 : 2_000;
  const rounds = options.quick ? 2 : 3;
  const batches = makeBatches(16);
  return [
    measure("stateless: filter + mapValues", stateless, batches, runMs, rounds),
    measure("windowed count: 1 s tumbling, 1,000 keys", windowedCount, batches, runMs, rounds),
  ];
}

/** The rows as the table other bench files print. */
export function formatStreamsTable(rows: readonly StreamsBenchRow[]): string {
  const lines = [
    `| ${"topology".padEnd(42)} | ${"records/s".padStart(11)} | ${"records/CPU-s".padStart(13)} | ${"outputs/record".padStart(14)} |`,
    `|${"-".repeat(44)}|${"-".repeat(13)}|${"-".repeat(15)}|${"-".repeat(16)}|`,
  ];
  for (const row of rows) {
    const rate = (n: number) => Math.round(n).toLocaleString("en-US");
    lines.push(`| ${row.name.padEnd(42)} | ${rate(row.recordsPerSecond).padStart(11)} | ${rate(row.recordsPerCpuSecond).padStart(13)} | ${row.outputsPerRecord.toFixed(3).padStart(14)} |`);
  }
  return lines.join("\n");
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  console.log(`\nstreams bench${quick ? " --quick" : ""}: compileTask in process, batches of ${BATCH_RECORDS} records, ${VALUE_BYTES} B values, ${KEYS} keys\n`);
  console.log(formatStreamsTable(benchStreams({ quick })));
}
