/**
 * Stream processing end to end, Rivulet's processors against `@kafkats/flow` (issue 18; target:
 * Rivulet ≥ 3× its throughput), the same two topologies (bench/streams-compare/): a stateless
 * filter + mapValues, and a count per key in 1-second tumbling windows emitting every update.
 *
 * Each run: a fresh broker (in this process) with its Kafka listener on 127.0.0.1; N records
 * (1,000 keys, 100-byte values, 1 ms apart) pre-produced to a 2-partition input topic; then the
 * app starts, and the figure is N / (time from the start call until the output topic holds
 * every result). Rivulet's app runs in the broker (`broker.processors.start`, 2 pool workers);
 * the flow app is its own Node process (bench/streams-compare/flow-app.ts) speaking the Kafka
 * protocol to the listener, as a flow service would. Both figures include joining the group;
 * "after first output" leaves the start-up out. CPU is all threads of the processes involved
 * (the broker's process, plus the flow app's), in CPU seconds per million records.
 *
 * `@kafkats/flow` is a package this checkout may not have: it is taken from node_modules, else
 * from `$RIVULET_BENCH_PEER_MODULES` (a folder it was installed into with
 * `npm install --prefix DIR @kafkats/flow`), else installed (pinned version) into
 * `tmp/bench-peers/` of the checkout with npm, as the bench installs its other peers, unless
 * RIVULET_BENCH_NO_INSTALL is set; without it the flow rows say why they are missing.
 *
 *   node --import tsx bench/streams-compare.ts [--quick] [--flush-interval]
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Broker } from "../groups/broker.ts";
import "../processors/broker-processors.ts";
import { startKafkaListener } from "../kafka/listener.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { processCpuSeconds, selfCpuSeconds } from "./harness/cpu.ts";
import { startProcess, type ServerProcess } from "./harness/server-process.ts";
import { compareTopics, keep, type CompareKind } from "./streams-compare/topologies.ts";
import { isMain } from "./stats.ts";

const KEYS = 1_000;
const VALUE_BYTES = 100;
const PARTITIONS = 2;
/** How long one run may take before it is reported as unfinished. */
const RUN_TIMEOUT_MS = 900_000;
/** How often the output topic's end offsets are read while waiting. */
const POLL_MS = 20;

/** The `@kafkats/flow` version the comparison installs when the checkout has none. */
export const FLOW_VERSION = "0.12.0";
const INSTALL_TIMEOUT_MS = 300_000;

function resolvesFrom(dir: string): boolean {
  try {
    createRequire(join(dir, "package.json")).resolve("@kafkats/flow");
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the flow app finds `@kafkats/flow`: `{ env }` to pass to it (empty when the checkout has
 * the package), or why it cannot be had. Installs it into `tmp/bench-peers/` when allowed.
 */
export function locateFlow(): { env: Record<string, string> } | { skip: string } {
  const root = fileURLToPath(new URL("../", import.meta.url));
  if (resolvesFrom(root)) return { env: {} };
  const given = process.env.RIVULET_BENCH_PEER_MODULES;
  if (given) return resolvesFrom(given) ? { env: { RIVULET_BENCH_PEER_MODULES: given } } : { skip: `@kafkats/flow is not installed under RIVULET_BENCH_PEER_MODULES=${given}` };
  const prefix = join(root, "tmp", "bench-peers");
  if (!resolvesFrom(prefix)) {
    if (process.env.RIVULET_BENCH_NO_INSTALL) return { skip: `@kafkats/flow is not installed (npm install --prefix DIR @kafkats/flow@${FLOW_VERSION}, then RIVULET_BENCH_PEER_MODULES=DIR); RIVULET_BENCH_NO_INSTALL is set, so the bench did not try` };
    try {
      execFileSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", `@kafkats/flow@${FLOW_VERSION}`], { stdio: "ignore", timeout: INSTALL_TIMEOUT_MS });
    } catch (error) {
      return { skip: `installing @kafkats/flow@${FLOW_VERSION} with npm failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` };
    }
    if (!resolvesFrom(prefix)) return { skip: `npm installed @kafkats/flow@${FLOW_VERSION} into ${prefix}, but it does not resolve there` };
  }
  return { env: { RIVULET_BENCH_PEER_MODULES: prefix } };
}

/** One measured run. */
export interface CompareRow {
  system: "rivulet" | "@kafkats/flow";
  topology: string;
  records: number;
  /** Output records expected and seen. */
  expected: number;
  outputs: number;
  /** From the start call until every result was written; null when it did not finish. */
  seconds: number | null;
  recordsPerSecond: number | null;
  /** Records per second counted from the first output on (start-up left out). */
  recordsPerSecondAfterFirst: number | null;
  /** CPU seconds (all threads of the processes involved) per million input records. */
  cpuSecondsPerMillion: number | null;
  /** Why the run has no figure, if it has none. */
  error?: string;
}

const topologyNames: Record<CompareKind, string> = {
  stateless: "stateless: filter + mapValues",
  windowed: "windowed count: 1 s tumbling, 1,000 keys, updates",
};

/** The input: keys round-robin over 1,000, values 100 bytes with 1 in 16 starting with `#`. */
function inputRecords(first: number, count: number, t0: number): Array<{ key: string; value: string; timestamp: number }> {
  const values = Array.from({ length: 16 }, (_, i) => (i === 0 ? "#" : "v").padEnd(VALUE_BYTES, String.fromCharCode(97 + i)));
  return Array.from({ length: count }, (_, j) => {
    const i = first + j;
    return { key: `key-${String((i * 7919) % KEYS).padStart(12, "0")}`, value: values[i % 16], timestamp: t0 + i };
  });
}

function expectedOutputs(kind: CompareKind, records: number): number {
  if (kind === "windowed") return records;
  let kept = 0;
  for (let i = 0; i < 16; i++) if (keep(inputRecords(i, 1, 0)[0].value)) kept += Math.floor(records / 16) + (i < records % 16 ? 1 : 0);
  return kept;
}

async function outputCount(broker: Broker, topic: string): Promise<number> {
  let sum = 0;
  for (let p = 0; p < PARTITIONS; p++) sum += await broker.listOffset(topic, p, "latest");
  return sum;
}

/** Waits until `topic` holds `expected` records (or the run times out, or `failed()` says why). */
async function waitForOutputs(broker: Broker, topic: string, expected: number, failed: () => string | null): Promise<{ done: boolean; firstAt: number | null; count: number; error?: string }> {
  const deadline = performance.now() + RUN_TIMEOUT_MS;
  let firstAt: number | null = null;
  for (;;) {
    const count = await outputCount(broker, topic);
    if (count > 0 && firstAt === null) firstAt = performance.now();
    if (count >= expected) return { done: true, firstAt, count };
    const error = failed();
    if (error) return { done: false, firstAt, count, error };
    if (performance.now() > deadline) return { done: false, firstAt, count, error: `timed out after ${RUN_TIMEOUT_MS / 1000} s` };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Reads the flow app's JSON lines as they come. */
function events(child: ServerProcess): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  let buffered = "";
  child.child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        seen.push(JSON.parse(line));
      } catch {
        // not one of ours (a library's log line): kept in output() for error messages
      }
    }
  });
  return seen;
}

async function oneRun(system: CompareRow["system"], kind: CompareKind, records: number, flowEnv: Record<string, string>, flush: "always" | "interval"): Promise<CompareRow> {
  const tmp = tempDir("rivulet-bench-streams-compare-");
  const broker = await Broker.open({ dataDir: join(tmp.dir, "data") });
  const side = system === "rivulet" ? "rivulet" : "flow";
  const { input, output } = compareTopics(kind, side);
  const expected = expectedOutputs(kind, records);
  const row: CompareRow = { system, topology: topologyNames[kind], records, expected, outputs: 0, seconds: null, recordsPerSecond: null, recordsPerSecondAfterFirst: null, cpuSecondsPerMillion: null };
  let child: ServerProcess | null = null;
  let stopApp: () => Promise<void> = async () => {};
  const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
  try {
    const config = flush === "always" ? {} : { flush: "interval", "flush.ms": "1000" };
    await broker.createTopic(input, { partitions: PARTITIONS, config });
    await broker.createTopic(output, { partitions: PARTITIONS, config });
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < records; i += 1_000) await broker.produce(input, inputRecords(i, Math.min(1_000, records - i), t0));

    let started: number;
    let cpu0: number;
    let failed: () => string | null;
    if (system === "rivulet") {
      const module = new URL(`./streams-compare/rivulet-${kind}.ts`, import.meta.url);
      cpu0 = selfCpuSeconds();
      started = performance.now();
      const app = await broker.processors.start(module, { workers: 2, commitIntervalMs: 100 });
      stopApp = () => app.stop();
      failed = () => (app.status().state === "failed" ? `app failed: ${app.status().error?.message}` : null);
    } else {
      const script = new URL("./streams-compare/flow-app.ts", import.meta.url).pathname;
      const launched = startProcess(process.execPath, ["--import", "tsx", script, String(listener.port), kind], { env: flowEnv });
      child = launched;
      const seen = events(launched);
      const exited = () => launched.child.exitCode !== null || launched.child.signalCode !== null;
      // Timing starts when the app calls start(), as Rivulet's does: not at Node's start-up.
      for (;;) {
        const error = seen.find((e) => e.event === "error");
        if (error) throw new Error(String(error.message));
        if (seen.some((e) => e.event === "starting")) break;
        if (exited()) throw new Error(`the flow app exited: ${launched.output().slice(-2_000)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const offsetMs = Date.now() - Number(seen.find((e) => e.event === "starting")!.at);
      started = performance.now() - offsetMs;
      cpu0 = selfCpuSeconds();
      failed = () => {
        const error = seen.find((e) => e.event === "error");
        if (error) return String(error.message);
        return exited() ? `the flow app exited: ${launched.output().slice(-2_000)}` : null;
      };
    }
    const waited = await waitForOutputs(broker, output, expected, failed);
    const ended = performance.now();
    const childCpu = child ? processCpuSeconds(child.pid) ?? 0 : 0;
    row.outputs = waited.count;
    if (!waited.done) {
      row.error = `${waited.error}: ${waited.count} of ${expected} outputs`;
      return row;
    }
    row.seconds = (ended - started) / 1000;
    row.recordsPerSecond = records / row.seconds;
    if (waited.firstAt !== null && ended > waited.firstAt) row.recordsPerSecondAfterFirst = records / ((ended - waited.firstAt) / 1000);
    // The flow child's CPU includes its start-up (Node, tsx, imports): a small fixed cost, said in the notes.
    row.cpuSecondsPerMillion = ((selfCpuSeconds() - cpu0 + childCpu) / records) * 1e6;
    return row;
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
    return row;
  } finally {
    await stopApp().catch(() => {});
    await child?.stop();
    await listener.close();
    await broker.close();
    tmp.remove();
  }
}

/**
 * Runs both topologies on both systems, one run each (Rivulet, then flow, per topology).
 *
 * @param options `quick`: 20,000 records (CI); else 50,000 (flow, at a few hundred records/s
 *   here, takes minutes for that); one round each: the flow runs are long enough to be steady;
 *   `flush`: of the input and output topics (default `always`, the topic default: an fsync
 *   before each produce is acknowledged; `interval` shows what that costs each side)
 * @returns one row per system and topology
 */
export async function streamsCompareBenchmark(options: { quick?: boolean; flush?: "always" | "interval"; log?: (line: string) => void } = {}): Promise<CompareRow[]> {
  const records = options.quick ? 20_000 : 50_000;
  const rounds = 1;
  const best = new Map<string, CompareRow>();
  const flow = locateFlow();
  for (let round = 0; round < rounds; round++) {
    for (const kind of ["stateless", "windowed"] as const) {
      for (const system of ["rivulet", "@kafkats/flow"] as const) {
        if (system === "@kafkats/flow" && "skip" in flow) {
          best.set(`${system} ${kind}`, { system, topology: topologyNames[kind], records, expected: expectedOutputs(kind, records), outputs: 0, seconds: null, recordsPerSecond: null, recordsPerSecondAfterFirst: null, cpuSecondsPerMillion: null, error: `skipped: ${flow.skip}` });
          continue;
        }
        const row = await oneRun(system, kind, records, "env" in flow ? flow.env : {}, options.flush ?? "always");
        options.log?.(`    ${system} ${kind} round ${round + 1}: ${row.recordsPerSecond === null ? row.error : `${Math.round(row.recordsPerSecond).toLocaleString("en-US")} records/s`}`);
        const key = `${system} ${kind}`;
        const previous = best.get(key);
        if (!previous || (row.recordsPerSecond ?? -1) > (previous.recordsPerSecond ?? -1)) best.set(key, row);
      }
    }
  }
  return [...best.values()];
}

const rate = (n: number | null) => (n === null ? "-" : Math.round(n).toLocaleString("en-US"));

/** The rows as a table, with Rivulet's ratio over flow per topology (target ≥ 3×). */
export function formatCompareTable(rows: readonly CompareRow[]): string {
  const lines = [
    "| topology | system | records | records/s (start to last result) | records/s (after first result) | CPU-s per 1M records | Rivulet ÷ flow | target |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const flow = rows.find((r) => r.system === "@kafkats/flow" && r.topology === row.topology);
    const ratio = row.system === "rivulet" && flow?.recordsPerSecond && row.recordsPerSecond ? row.recordsPerSecond / flow.recordsPerSecond : null;
    const figure = row.recordsPerSecond !== null ? rate(row.recordsPerSecond) : row.error?.startsWith("skipped: ") ? row.error : `did not finish: ${row.error}`;
    lines.push(`| ${row.topology} | ${row.system} | ${row.records.toLocaleString("en-US")} | ${figure} | ${rate(row.recordsPerSecondAfterFirst)} | ${row.cpuSecondsPerMillion === null ? "-" : row.cpuSecondsPerMillion.toFixed(1)} | ${ratio === null ? "-" : `${ratio.toFixed(1)}×`} | ${row.system === "rivulet" ? `≥ 3× (${ratio === null ? "no figure" : ratio >= 3 ? "met" : "not met"})` : ""} |`);
  }
  return lines.join("\n");
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const flush = process.argv.includes("--flush-interval") ? "interval" : "always";
  const rows = await streamsCompareBenchmark({ quick, flush, log: (line) => console.log(line) });
  console.log(`\nstream processing vs @kafkats/flow${quick ? " --quick" : ""}, input and output topics flush=${flush} (load average ${loadavg().map((l) => l.toFixed(1)).join(" ")})\n`);
  console.log(formatCompareTable(rows));
}
