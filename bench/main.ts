/**
 * `rivulet bench`: Rivulet measured side by side with the systems users would pick instead —
 * Redis Streams, NATS JetStream and the Durable Streams reference server — started by the
 * benchmark on 127.0.0.1, fed the same records (100-byte values, keys from 10,000 distinct keys)
 * by the same client process (this one), in interleaved rounds; every figure is the median of
 * the rounds. Also: Rivulet in-process, over the Kafka protocol (kcat), a worker crash, a large
 * log against a small one (default run only), and the machine's own disk limits. The data plane
 * in a few lines: produce CPU-seconds per million records at each door (in-process, HTTP JSON,
 * HTTP CBOR, Kafka listener, Durable Streams), HTTP ÷ Kafka listener, and in-process produce ÷
 * the raw storage append measured in the same rounds. Transactions: transactional produce at
 * 10, 100 and 1,000 records per transaction against idempotent produce, and read_committed
 * end-to-end latency (bench/transactions.ts).
 *
 *   node --import tsx bench/main.ts [--quick] [--json FILE] [--markdown FILE]
 *
 * @example
 * ```ts
 * import { runBenchmarks } from "./bench/main.ts";
 * const rows = await runBenchmarks({ quick: true, jsonPath: "bench.json" });
 * ```
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { crashRecovery } from "./broker.ts";
import { comparisonTable, readRows } from "./compare.ts";
import { runRounds } from "./harness/rounds.ts";
import { describeMachine, measureDiskLimits } from "./machine.ts";
import { rivuletDurableStreamsSystem, startDurableStreams } from "./peers/durable-streams.ts";
import { startNats } from "./peers/nats.ts";
import { startRedis } from "./peers/redis.ts";
import { rivuletHttpSystem, startRivuletServer, type RivuletServer } from "./peers/rivulet-http.ts";
import type { RoundSizes, System } from "./peers/system.ts";
import { annotate, caseRows, dataPlaneLines, markdownTable, plainRows, ratioLines, type ResultRow } from "./report.ts";
import { bigLogBenchmark } from "./scenarios/big-log.ts";
import { inProcessSystem } from "./scenarios/in-process.ts";
import { kcatSystem } from "./scenarios/kcat.ts";
import { startUpBenchmark } from "./scenarios/start-up.ts";
import { startupBenchmark } from "./startup.ts";
import { transactionBenchmarks } from "./transactions.ts";
import { benchStreams, formatStreamsTable } from "./streams.ts";
import { formatCompareTable, streamsCompareBenchmark } from "./streams-compare.ts";
import { formatRestoreTable, streamsRestoreBenchmark } from "./streams-restore.ts";
import { isMain } from "./stats.ts";

/** Options of {@link runBenchmarks}. */
export interface BenchOptions {
  /** A short run (under two minutes), as CI runs it. */
  quick: boolean;
  /** Also write the rows as a JSON array here. */
  jsonPath?: string;
  /** Also write the report (machine, limits, table, ratios) as markdown here. */
  markdownPath?: string;
  /** A `--json` file of an earlier run: print (and add to the report) a before/after table. */
  baselinePath?: string;
}

interface Plan {
  rounds: number;
  sizes: RoundSizes;
  crashes: number;
  /** Fresh processes timing Broker.open at 8 partitions. */
  startUps: number;
  /** Cold starts of `rivulet serve` (and `rivulet produce` runs) per runtime (bench/startup.ts). */
  coldStarts: number;
  /** Quiet time before idle memory is read. */
  settleMs: number;
  bigLog: { rounds: number; records: number } | null;
  /** Also run Rivulet's HTTP server on Bun. */
  bun: boolean;
}

const QUICK: Plan = {
  rounds: 3,
  sizes: { records: 50_000, inProcessRecords: 200_000, latencyRatePerS: 10_000, latencyMs: 2_000, latencyWarmupMs: 500 },
  crashes: 5,
  startUps: 3,
  coldStarts: 3,
  settleMs: 500,
  bigLog: null,
  bun: false,
};
const FULL: Plan = {
  rounds: 5,
  sizes: { records: 500_000, inProcessRecords: 1_000_000, latencyRatePerS: 10_000, latencyMs: 10_000, latencyWarmupMs: 1_000 },
  crashes: 20,
  startUps: 5,
  coldStarts: 10,
  settleMs: 2_000,
  bigLog: { rounds: 3, records: 1_000_000 },
  bun: true,
};

const log = (line: string) => console.log(line);

async function startSystems(skipped: string[], withBun: boolean): Promise<{ systems: System[]; rivulet: RivuletServer | null }> {
  const systems: System[] = [inProcessSystem()];
  let rivulet: RivuletServer | null = null;
  try {
    rivulet = await startRivuletServer();
    systems.push(rivuletHttpSystem(rivulet));
    const kcat = kcatSystem(rivulet);
    if ("skip" in kcat) skipped.push(`kafka protocol (kcat): ${kcat.skip}`);
    else systems.push(kcat);
  } catch (error) {
    skipped.push(`rivulet server: ${String(error).slice(0, 500)}`);
  }
  let rivuletDs = false;
  if (rivulet) {
    const ds = await rivuletDurableStreamsSystem(rivulet).catch((error: unknown) => ({ skip: String(error).slice(0, 500) }));
    if ("skip" in ds) skipped.push(`rivulet durable streams: ${ds.skip}`);
    else {
      systems.push(ds);
      rivuletDs = true;
    }
  }
  if (withBun) {
    try {
      systems.push(rivuletHttpSystem(await startRivuletServer("bun"), { runtime: "bun" }));
    } catch (error) {
      skipped.push(`rivulet server on bun: ${String(error).slice(0, 500)}`);
    }
  }
  const startReference = () => startDurableStreams({ compareTo: rivuletDs ? "rivulet durable streams" : undefined });
  for (const [name, start] of [["redis streams", startRedis], ["nats jetstream", startNats], ["durable streams", startReference]] as const) {
    const started = await start().catch((error: unknown) => ({ skip: String(error).slice(0, 500) }));
    if ("skip" in started) skipped.push(`${name}: ${started.skip}`);
    else systems.push(started);
  }
  return { systems, rivulet };
}

function report(title: string, machine: string, limits: string, rows: ResultRow[], skipped: string[], notes: string[]): string {
  return [
    `## ${title}`,
    "",
    `Machine: ${machine}.`,
    "",
    `Machine limits in this run: ${limits}.`,
    "",
    markdownTable(rows),
    "",
    "Rivulet ÷ peer (throughput: Rivulet's records/s over the peer's; latency: the peer's p99 over Rivulet's; above 1 means Rivulet is ahead):",
    "",
    ...ratioLines(rows),
    "",
    "The data plane (server CPU over throughput; in-process: the whole process):",
    "",
    ...dataPlaneLines(rows),
    "",
    ...notes.map((n) => `- ${n}`),
    ...skipped.map((s) => `- skipped: ${s}`),
  ].join("\n");
}

/**
 * Stream processing (issue 18): the DSL's per-record cost in process (bench/streams.ts), state
 * restore and changelog replay (bench/streams-restore.ts; 1,000,000 keys, 100,000 with
 * `--quick`), and both topologies end to end against `@kafkats/flow` over the Kafka listener
 * (bench/streams-compare.ts). Their figures are not throughput cases of the table above, so
 * they come as their own tables.
 *
 * @returns the section of the report, in markdown
 */
async function streamsBenchmarks(quick: boolean): Promise<string> {
  log("  stream processing: filter + mapValues and a windowed count in process …");
  const inProcess = benchStreams({ quick });
  const keys = quick ? 100_000 : 1_000_000;
  log(`  stream processing: restore of a ${keys.toLocaleString("en-US")}-key store, changelog replay …`);
  const restore = await streamsRestoreBenchmark(keys, { quiet: true });
  log("  stream processing: end to end, Rivulet's processors vs @kafkats/flow over the Kafka listener …");
  const compare = await streamsCompareBenchmark({ quick, log });
  return [
    "### Stream processing: in process (compileTask, batches of 1,000 records, 100 B values)",
    "",
    formatStreamsTable(inProcess),
    "",
    `### Stream processing: state restore (${keys.toLocaleString("en-US")} keys)`,
    "",
    formatRestoreTable(restore),
    "",
    "### Stream processing end to end: Rivulet's processors vs @kafkats/flow (over Rivulet's Kafka listener)",
    "",
    formatCompareTable(compare),
    "",
    "Each run: a fresh broker, N records pre-produced to a 2-partition topic, then the app starts; the time runs from the start call until the output topic holds every result. Rivulet's app runs in the broker on 2 pool workers; the flow app is its own Node process. CPU counts the broker's process and the flow app's, all threads.",
  ].join("\n");
}

/**
 * Runs the benchmarks, prints the table, and writes `--json` / `--markdown` files.
 *
 * @param options quick or full, and where to write results
 * @returns every result row
 */
export async function runBenchmarks(options: BenchOptions): Promise<ResultRow[]> {
  const plan = options.quick ? QUICK : FULL;
  // Read first: a wrong path should fail now, not after the whole run.
  const baseline = options.baselinePath ? readRows(options.baselinePath) : null;
  const started = performance.now();
  const machine = describeMachine();
  const loadAtStart = loadavg()[0];
  log(`rivulet bench${options.quick ? " --quick" : ""}: ${plan.rounds} interleaved rounds; every figure is the median of the rounds`);
  log(`machine: ${machine}`);
  const disk = measureDiskLimits(options.quick);
  const limits = `raw sequential write of 110 KB blocks with fdatasync after each ${disk.mbPerSecond.toFixed(0)} MB/s; one fdatasync after a 4 KB write p50 ${disk.syncMs.toFixed(3)} ms, p99 ${disk.syncP99Ms.toFixed(3)} ms`;
  log(`limits: ${limits}`);

  const skipped: string[] = [];
  const { systems } = await startSystems(skipped, plan.bun);
  for (const s of skipped) log(`skipped: ${s}`);
  let results;
  try {
    results = await runRounds(systems, plan.rounds, plan.sizes, log);
  } finally {
    for (const s of systems) await s.stop().catch((error: unknown) => log(`stopping ${s.name}: ${String(error)}`));
  }
  const rows = caseRows(results);

  log("  worker crash → serving again …");
  rows.push(...plainRows([await crashRecovery(plan.crashes)], plan.crashes));
  log("  start-up (Broker.open, 8 partitions) …");
  rows.push(...plainRows([await startUpBenchmark(plan.startUps)], plan.startUps));
  log("  cold start, rivulet produce, idle memory, sizes (built package, sources, Bun executable) …");
  rows.push(...plainRows(await startupBenchmark({ rounds: plan.coldStarts, settleMs: plan.settleMs, log }), plan.coldStarts));
  log("  transactions: 10, 100, 1,000 records per transaction vs idempotent; read_committed latency …");
  rows.push(...plainRows(await transactionBenchmarks({ quick: options.quick }), 1));
  const streams = await streamsBenchmarks(options.quick);
  const notes = [
    "Client: this one Node process drives every system (network clients: keep-alive node:http, ioredis, @nats-io/jetstream; kcat is librdkafka in its own process). Servers run in their own processes on 127.0.0.1; CPU is % of one core (200 = both cores of a 2-core machine).",
    "Other work on the machine during the run makes absolute figures noisy; interleaved rounds spread it across systems, and medians damp it.",
  ];
  if (plan.bigLog) {
    log("  log size (100 MB vs large) …");
    const big = await bigLogBenchmark(plan.bigLog);
    rows.push(...plainRows(big.rows, plan.bigLog.rounds));
    notes.push(`Log size: ${big.note}.`);
  }
  annotate(rows);
  notes.push(`Load average (1 min) at start ${loadAtStart.toFixed(1)}, at end ${loadavg()[0].toFixed(1)}, on ${cpus().length} cores: above the core count, other processes were competing for the CPU.`);
  const title = `Rivulet bench (${options.quick ? "--quick" : "default run"}, ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 60_000).toFixed(1)} min)`;
  let text = report(title, machine, limits, rows, skipped, notes);
  text += `\n\n${streams}`;
  if (baseline) text += `\n\n### Before (${options.baselinePath}) and after (this run)\n\n${comparisonTable(baseline, rows)}`;
  log(`\n${text}\n`);
  if (options.jsonPath) writeFileSync(options.jsonPath, JSON.stringify(rows, null, 2) + "\n");
  if (options.markdownPath) writeFileSync(options.markdownPath, text + "\n");
  return rows;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, json: { type: "string" }, markdown: { type: "string" }, baseline: { type: "string" } } });
  await runBenchmarks({ quick: values.quick!, jsonPath: values.json, markdownPath: values.markdown, baselinePath: values.baseline });
}
