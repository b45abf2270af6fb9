/**
 * Flat with data size (default run only): two data directories, one holding a 100 MB log and one
 * a large one (10 GB, or a quarter of the free disk if that is less), each an 8-partition topic.
 * For each, alternately and several times, a fresh process opens the broker (start-up time and
 * resident memory), produces records of 100 bytes and reads them back (bench/scenarios/
 * big-log-child.ts). The page cache is left as the fill left it (a cold-cache start-up would
 * need dropping caches machine-wide).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker } from "../../groups/broker.ts";
import { parseTopicConfig } from "../../core/topic-config.ts";
import { Log } from "../../storage/log.ts";
import { encodeRecordBatch } from "../../record/record-batch.ts";
import { freeBytes } from "../machine.ts";
import { median } from "../stats.ts";
import type { BenchRow } from "../stats.ts";

const GB = 1e9;
const PARTITIONS = 8;
const encoder = new TextEncoder();
const CHILD_TIMEOUT_MS = 300_000;

/**
 * Fills a new data directory with about `bytes` bytes of log: the broker creates the topic, then
 * each partition's log is appended to directly with one encoded batch of 1,000 records of 100
 * bytes, reused (the log re-stamps offsets), which is much faster than the actor path.
 *
 * @returns seconds taken
 */
async function fill(dataDir: string, bytes: number): Promise<number> {
  const started = performance.now();
  const broker = await Broker.open({ dataDir, maxWorkers: PARTITIONS });
  await broker.createTopic("bench", { partitions: PARTITIONS, config: { flush: "os" } });
  await broker.close();
  const value = new Uint8Array(100).fill(98);
  const batch = encodeRecordBatch(Array.from({ length: 1_000 }, (_, i) => ({ key: encoder.encode(`key-${i}`), value, headers: [], timestamp: Date.now() })));
  const perPartition = Math.ceil(bytes / PARTITIONS / batch.length);
  for (let p = 0; p < PARTITIONS; p++) {
    const log = Log.open(join(dataDir, `bench-${p}`), parseTopicConfig({ flush: "os" }));
    for (let i = 0; i < perPartition; i++) await log.append(batch);
    log.close();
  }
  return (performance.now() - started) / 1000;
}

interface ChildResult {
  openMs: number;
  rssMb: number;
  produceMs: number;
  consumeMs: number;
}

function measureOnce(dataDir: string, records: number): ChildResult {
  const script = new URL("./big-log-child.ts", import.meta.url).pathname;
  const out = execFileSync(process.execPath, ["--import", "tsx", script, dataDir, String(records)], { encoding: "utf8", timeout: CHILD_TIMEOUT_MS });
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`big-log child printed no result: ${out.slice(-500)}`);
  return JSON.parse(line) as ChildResult;
}

/**
 * Runs the log-size scenario.
 *
 * @param options rounds per size and records produced per round
 * @returns rows for both sizes (throughput, start-up and memory), and a note on the sizes used
 */
export async function bigLogBenchmark(options: { rounds: number; records: number; largeBytes?: number }): Promise<{ rows: BenchRow[]; note: string }> {
  const root = mkdtempSync(join(tmpdir(), "rivulet-bench-biglog-"));
  try {
    const wanted = options.largeBytes ?? 10 * GB;
    const large = Math.min(wanted, Math.floor(freeBytes(root) / 4));
    const sizes = [{ label: "100 MB log", bytes: 100e6 }, { label: `${(large / GB).toFixed(1)} GB log`, bytes: large }];
    const notes: string[] = [];
    for (const size of sizes) {
      const seconds = await fill(join(root, size.label), size.bytes);
      notes.push(`${size.label} filled in ${seconds.toFixed(0)} s (${(size.bytes / 1e6 / seconds).toFixed(0)} MB/s)`);
    }
    if (large < wanted) notes.push(`large log cut to a quarter of the free disk (${(large / GB).toFixed(1)} GB)`);
    const results = new Map<string, ChildResult[]>(sizes.map((s) => [s.label, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const size of sizes) results.get(size.label)!.push(measureOnce(join(root, size.label), options.records));
    }
    const rows: BenchRow[] = [];
    for (const size of sizes) {
      const r = results.get(size.label)!;
      const produceMs = median(r.map((x) => x.produceMs));
      const consumeMs = median(r.map((x) => x.consumeMs));
      const openMs = median(r.map((x) => x.openMs));
      const rss = median(r.map((x) => x.rssMb));
      const row = (scenario: string, ms: number): BenchRow => ({
        scenario, system: `rivulet in-process, ${size.label}`, records_per_s: (options.records / ms) * 1000, mb_per_s: (options.records * 100) / 1e6 / (ms / 1000),
        p50_ms: null, p99_ms: null, p999_ms: null,
      });
      rows.push(row("log size: produce", produceMs), row("log size: consume the new records", consumeMs));
      rows.push({ scenario: "log size: start-up (Broker.open)", system: `rivulet, ${size.label}`, records_per_s: null, mb_per_s: null, p50_ms: openMs, p99_ms: null, p999_ms: null, note: `RSS after open ${rss.toFixed(0)} MB` });
    }
    return { rows, note: notes.join("; ") };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
