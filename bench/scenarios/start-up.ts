/**
 * Start-up: how long `Broker.open` takes on a data directory holding one 8-partition topic (a
 * few records each, so worker start and recovery are measured, not reading a large log; the
 * log-size scenario covers 10 GB), and how long the first produce to every partition takes
 * after it. `Broker.open` returns before the partition workers have booted (they boot one at a
 * time; requests wait for theirs), so the first produce carries the workers' boot and recovery.
 * Each round is a fresh process (bench/scenarios/start-up-child.ts), as a restarted server is;
 * the figures are the medians. The server as a user starts it (process start to the first 200
 * from /health, per runtime) is bench/startup.ts.
 *
 *   node --import tsx bench/scenarios/start-up.ts [ROUNDS]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../../groups/broker.ts";
import { isMain, median, type BenchRow } from "../stats.ts";

const PARTITIONS = 8;
const CHILD_TIMEOUT_MS = 60_000;

/** One fresh-process measurement: open ms and first-produce ms. */
export interface StartUpResult {
  openMs: number;
  firstProduceMs: number;
}

/**
 * Opens the broker on `dataDir` in a fresh Node process and produces one record per partition.
 *
 * @param dataDir a data directory holding topic `bench`
 * @param partitions its partitions
 */
export function measureStartUp(dataDir: string, partitions: number): StartUpResult {
  const script = new URL("./start-up-child.ts", import.meta.url).pathname;
  const out = execFileSync(process.execPath, ["--import", "tsx", script, dataDir, String(partitions)], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`start-up child printed no result: ${out.slice(-500)}`);
  return JSON.parse(line) as StartUpResult;
}

/**
 * Runs the start-up scenario.
 *
 * @param rounds fresh processes to measure
 * @returns one row: median Broker.open ms (first produce in the note)
 */
export async function startUpBenchmark(rounds: number): Promise<BenchRow> {
  const dataDir = mkdtempSync(join(tmpdir(), "rivulet-bench-start-up-"));
  try {
    const broker = await Broker.open({ dataDir });
    await broker.createTopic("bench", { partitions: PARTITIONS });
    await Promise.all(Array.from({ length: PARTITIONS }, (_, partition) => broker.produce("bench", [{ key: "k", value: "v", partition }])));
    await broker.close();
    const results: StartUpResult[] = [];
    for (let i = 0; i < rounds; i++) results.push(measureStartUp(dataDir, PARTITIONS));
    const openMs = median(results.map((r) => r.openMs));
    const produceMs = median(results.map((r) => r.firstProduceMs));
    return {
      scenario: "start-up (Broker.open)", system: `rivulet, ${PARTITIONS} partitions`, records_per_s: null, mb_per_s: null,
      p50_ms: openMs, p99_ms: null, p999_ms: null,
      note: `fresh process each time, median of ${rounds}; then one produce to each partition ${produceMs.toFixed(0)} ms; all opens ${results.map((r) => r.openMs.toFixed(0)).join(", ")} ms`,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 5);
  const started = loadavg()[0];
  const row = await startUpBenchmark(rounds);
  console.log(`${row.scenario}, ${row.system}: ${row.p50_ms?.toFixed(0)} ms (${row.note}); load average ${started.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
}
