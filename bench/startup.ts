/**
 * Start-up, memory and size, as a user meets them (issue 13; targets in DESIGN §10):
 * - cold start: process start → first 200 from `/health` of `rivulet serve` on a data directory
 *   with 8 existing partitions (target ≤ 150 ms), with the CPU time it took and the first
 *   produce to all 8 partitions after it; per runtime, from the sources and from the built
 *   package, and for the Bun single executable;
 * - `rivulet produce` of one record, spawn to exit (target ≤ 300 ms);
 * - idle RSS with 0 and 8 partitions (target ≤ 60 MB + 8 MB per partition worker);
 * - the npm tarball, the built JavaScript, the worker entry, the executable, `rivulet/client`.
 * The package is built (and the executable compiled) afresh into tmp/ for the run. Rounds are
 * interleaved across launchers, after one warm-up each (Deno's and the Node worker bundle
 * caches); every figure is the median.
 *
 *   node --import tsx bench/startup.ts [ROUNDS]
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Broker } from "../groups/broker.ts";
import { cliProduceMs, coldStart, idleRss, startServe, waitHealthy, type ColdStart, type Launcher } from "./package/probe.ts";
import { measureSizes } from "./package/sizes.ts";
import { isMain, median, type BenchRow } from "./stats.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const PARTITIONS = 8;
const TOPIC = "bench";
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/** Options of {@link startupBenchmark}. */
export interface StartupOptions {
  /** Measured rounds per launcher (after one warm-up). */
  rounds: number;
  /** Quiet time before idle RSS is read. */
  settleMs: number;
  log?: (line: string) => void;
}

function launchers(built: string, binary: string | null): Launcher[] {
  const env = {
    DENO_DIR: process.env.DENO_DIR ?? join(root, "tmp", "deno-cache"),
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: process.env.BUN_RUNTIME_TRANSPILER_CACHE_PATH ?? join(root, "tmp", "bun-cache"),
    DENO_NO_UPDATE_CHECK: "1",
  };
  const source = join(root, "cli", "rivulet.mjs");
  const command = join(built, "dist", "cli", "bin.js");
  const deno = ["run", "-A", "--no-lock"];
  const list: Launcher[] = [
    { name: "node, built package", command: process.execPath, args: [command], cwd: root, env },
    { name: "node, from source (tsx)", command: process.execPath, args: [source], cwd: root, env },
    { name: "bun, built package", command: bin("bun"), args: [command], cwd: root, env },
    { name: "bun, from source", command: bin("bun"), args: [source], cwd: root, env },
    { name: "deno, built package", command: bin("deno"), args: [...deno, command], cwd: root, env },
    { name: "deno, from source", command: bin("deno"), args: [...deno, source], cwd: root, env },
  ];
  if (binary) list.push({ name: "bun single executable", command: binary, args: [], cwd: tmpdir(), env });
  return list;
}

/** Builds the package (and the Bun executable) into a fresh directory under tmp/. */
function buildForBench(dir: string): { binary: string | null } {
  mkdirSync(dir, { recursive: true });
  for (const file of ["package.json", "README.md"]) copyFileSync(join(root, file), join(dir, file));
  execFileSync(process.execPath, [join(root, "bench", "package", "build.mjs"), "--out", join(dir, "dist")], { cwd: root, stdio: "ignore" });
  try {
    execFileSync(process.execPath, [join(root, "bench", "package", "compile.mjs"), "--target", "bun", "--out", dir], { cwd: root, stdio: "ignore" });
    return { binary: join(dir, "rivulet-bun") };
  } catch {
    return { binary: null };
  }
}

async function prepareDataDir(dir: string, partitions: number): Promise<void> {
  const broker = await Broker.open({ dataDir: dir });
  if (partitions > 0) {
    await broker.createTopic(TOPIC, { partitions });
    await Promise.all(Array.from({ length: partitions }, (_, partition) => broker.produce(TOPIC, [{ key: "k", value: "before", partition }])));
  }
  await broker.close();
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} KB`;

function row(scenario: string, system: string, p50: number | null, note: string): BenchRow {
  return { scenario, system, records_per_s: null, mb_per_s: null, p50_ms: p50, p99_ms: null, p999_ms: null, note };
}

/**
 * Runs the start-up benchmark.
 * @param options rounds, settle time, a line logger
 * @returns one row per figure
 */
export async function startupBenchmark(options: StartupOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  mkdirSync(join(root, "tmp"), { recursive: true });
  // Below the repository: the built package resolves its dependencies from its node_modules.
  const work = mkdtempSync(join(root, "tmp", "bench-startup-"));
  const data8 = join(work, "data-8");
  const rows: BenchRow[] = [];
  try {
    const { binary } = buildForBench(join(work, "package"));
    await prepareDataDir(data8, PARTITIONS);
    const list = launchers(join(work, "package"), binary);

    const cold = new Map<string, ColdStart[]>(list.map((l) => [l.name, []]));
    for (let round = -1; round < options.rounds; round++) {
      for (const launcher of list) {
        const result = await coldStart(launcher, data8, TOPIC, PARTITIONS);
        if (round >= 0) cold.get(launcher.name)!.push(result);
      }
    }
    for (const launcher of list) {
      const results = cold.get(launcher.name)!;
      const health = median(results.map((r) => r.healthMs));
      rows.push(row(`cold start → /health 200 (${PARTITIONS} partitions)`, launcher.name, health,
        `target ≤ 150 ms; CPU ${ms(median(results.map((r) => r.cpuMs)))}; then 1 record to each partition ${ms(median(results.map((r) => r.firstProduceMs)))}; all: ${results.map((r) => r.healthMs.toFixed(0)).join(", ")}`));
      log(`  ${launcher.name}: cold start ${ms(health)}`);
    }

    // `rivulet produce` of one record against one running server (the built package on Node).
    const server = await startServe(list[0], data8);
    try {
      await waitHealthy(server);
      const latencies = new Map<string, number[]>(list.map((l) => [l.name, []]));
      for (let round = -1; round < options.rounds; round++) {
        for (const launcher of list) {
          const taken = await cliProduceMs(launcher, server.url, TOPIC);
          if (round >= 0) latencies.get(launcher.name)!.push(taken);
        }
      }
      for (const launcher of list) {
        const p50 = median(latencies.get(launcher.name)!);
        rows.push(row("rivulet produce, 1 record, spawn to exit", launcher.name, p50, `target ≤ 300 ms; all: ${latencies.get(launcher.name)!.map((v) => v.toFixed(0)).join(", ")}`));
        log(`  ${launcher.name}: rivulet produce ${ms(p50)}`);
      }
    } finally {
      await server.stop();
    }

    for (const launcher of list.filter((l) => !l.name.includes("source"))) {
      const empty = join(work, `data-0-${rows.length}`);
      const rss0 = await idleRss(launcher, empty, options.settleMs);
      const rss8 = await idleRss(launcher, data8, options.settleMs);
      // With 0 topics the broker still hosts its own offsets topic: one worker. With 8 partitions, 8 workers (workersMax).
      rows.push(row("idle RSS", launcher.name, null, `0 partitions (1 worker): ${rss0.toFixed(0)} MB (target ≤ 68); ${PARTITIONS} partitions (8 workers): ${rss8.toFixed(0)} MB (target ≤ ${60 + 8 * 8})`));
      log(`  ${launcher.name}: idle RSS ${rss0.toFixed(0)} / ${rss8.toFixed(0)} MB`);
    }

    const sizes = await measureSizes(join(work, "package"), binary, root);
    rows.push(row("package size", "npm tarball", null,
      `tarball ${kb(sizes.tarballBytes)} (unpacked ${kb(sizes.unpackedBytes)}, with .d.ts); built JavaScript ${kb(sizes.jsBytes)} (${kb(sizes.jsGzipBytes)} gzipped); partition worker ${kb(sizes.workerBytes)}; Bun executable ${sizes.binaryBytes === null ? "not built" : mb(sizes.binaryBytes)}; rivulet/client ${sizes.clientGzipBytes === null ? "not present (client/mod.ts)" : `${kb(sizes.clientGzipBytes)} minified + gzipped (target ≤ 20 KB)`}`));
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 10);
  const before = loadavg()[0];
  const rows = await startupBenchmark({ rounds, settleMs: 2_000, log: console.log });
  for (const r of rows) console.log(`${r.scenario} | ${r.system} | ${r.p50_ms === null ? "" : `${r.p50_ms.toFixed(0)} ms | `}${r.note}`);
  console.log(`load average (1 min) ${before.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
}
