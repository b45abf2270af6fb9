/**
 * Durable Streams: Rivulet (`/v1/stream`, each stream a topic, flush=always) against the
 * protocol's Node reference server (`@durable-streams/server`, file-backed, fdatasync per
 * append), both as server processes on 127.0.0.1, driven from this one process by the same
 * official client (`@durable-streams/client`) with the same records, in interleaved rounds
 * (the order alternates) reduced to medians:
 *
 * - append: JSON-mode POSTs of 1,000 records (100-byte JSON strings), 4 requests in flight;
 * - catch-up read: the whole stream from offset -1 until up to date, counting parsed JSON items
 *   (`subscribeJson` with `live: "long-poll"`: the client reads one response only with
 *   `live: false`, and its `json()` overflows the stack on one response of 200,000 items);
 * - latency: 1 record every ms, a long-poll reader from `now`; p50/p99 from append to arrival.
 *
 * A third read row is the client's own ceiling: the same records answered from memory by a stub
 * server in this process (prebuilt 4 MiB JSON chunks), so no server can be read faster with this
 * client on this machine at this moment.
 *
 *   node --import tsx bench/durable-streams.ts [--records 200000] [--rounds 3] [--latency-ms 5000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DurableStream, stream } from "@durable-streams/client";
import { startCpuMeter } from "./harness/cpu.ts";
import { measureLatency } from "./harness/latency.ts";
import { BATCH_RECORDS, forEachSeq, VALUE_BYTES, valueText } from "./harness/records.ts";
import { isRunning, startProcess, waitForPort, type ServerProcess } from "./harness/server-process.ts";
import { freePort } from "../runtime/free-port.ts";
import { median, printTable, type BenchRow } from "./stats.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg("records", 200_000);
const ROUNDS = arg("rounds", 3);
const LATENCY_MS = arg("latency-ms", 5_000);
const IN_FLIGHT = 4;
const JSON_TYPE = "application/json";

/** A server under test: where its streams live, and its process. */
interface Target {
  name: string;
  base: string;
  server: ServerProcess;
  dir: string;
}

async function startTarget(name: string, script: string, args: (dir: string, port: number) => string[], base: (port: number) => string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), `rivulet-bench-ds-${name}-`));
  const port = await freePort();
  const server = startProcess(process.execPath, ["--import", "tsx", new URL(script, import.meta.url).pathname, ...args(dir, port)]);
  let actual = port;
  if (name === "rivulet") {
    for (let i = 0; i < 600 && !/"http":\d+/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
    actual = Number(/"http":(\d+)/.exec(server.output())?.[1] ?? Number.NaN);
  }
  await waitForPort(actual, 30_000, () => isRunning(server));
  return { name, base: base(actual), server, dir };
}

function batchText(first: number, count: number): string {
  const values: string[] = [];
  for (let i = first; i < first + count; i++) values.push(valueText(i));
  return values.join(",");
}

async function metered<T>(target: Target, work: () => Promise<T>): Promise<{ ms: number; result: T; clientPct: number; serverPct: number | null }> {
  const meter = startCpuMeter(target.server.pid);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  return { ms, result, ...meter.stop() };
}

/** One measured run: wall time, and CPU of this process (client) and the server, in % of a core. */
interface Run {
  ms: number;
  clientPct: number;
  serverPct: number | null;
}

async function append(target: Target, url: string, batches: string[]): Promise<Run> {
  const handle = await DurableStream.create({ url, contentType: JSON_TYPE, batching: false });
  let next = 0;
  const lane = async () => {
    while (next < batches.length) await handle.append(batches[next++]);
  };
  return metered(target, () => Promise.all(Array.from({ length: IN_FLIGHT }, lane)));
}

async function read(target: Target, url: string): Promise<Run> {
  const run = await metered(target, async () => {
    const res = await stream<string>({ url, offset: "-1", live: "long-poll", json: true });
    let count = 0;
    await new Promise<void>((resolve) => {
      res.subscribeJson((batch) => {
        count += batch.items.length;
        if (batch.upToDate) resolve();
      });
    });
    res.cancel();
    return count;
  });
  if (run.result !== RECORDS) throw new Error(`${target.name}: read ${run.result} of ${RECORDS} records`);
  return run;
}

/** A stub answering catch-up reads of RECORDS records from prebuilt chunks of ~4 MiB. */
async function startCeiling(): Promise<{ server: Server; url: string }> {
  const perChunk = 40_000;
  const chunks: Buffer[] = [];
  for (let first = 0; first < RECORDS; first += perChunk) {
    const count = Math.min(perChunk, RECORDS - first);
    chunks.push(Buffer.from(`[${batchText(first, count)}]`));
  }
  const server = createServer((req, res) => {
    const offset = new URL(req.url ?? "/", "http://stub").searchParams.get("offset") ?? "-1";
    const i = offset === "-1" ? 0 : Number(offset.split("_")[0]);
    const headers: Record<string, string> = { "content-type": JSON_TYPE, "stream-next-offset": `${String(i + 1).padStart(16, "0")}_${"0".repeat(16)}` };
    if (i + 1 >= chunks.length) headers["stream-up-to-date"] = "true";
    res.writeHead(200, headers);
    res.end(chunks[Math.min(i, chunks.length - 1)]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/ceiling` };
}

async function latency(target: Target, url: string, round: number) {
  const handle = await DurableStream.create({ url, contentType: JSON_TYPE, batching: false });
  return measureLatency({
    async subscribe(onSeq) {
      const controller = new AbortController();
      const res = await stream<string>({ url, offset: "now", live: "long-poll", json: true, signal: controller.signal });
      res.subscribeJson((batch) => {
        for (const item of batch.items) forEachSeq(item, onSeq);
      });
      return { close: () => controller.abort() };
    },
    send: (seqs) => handle.append(batchText(seqs[0], seqs.length)),
  }, { ratePerS: 1_000, durationMs: LATENCY_MS, warmupMs: 1_000, seqBase: round * 100_000_000 });
}

async function main(): Promise<void> {
  const batches: string[] = [];
  for (let first = 0; first < RECORDS; first += BATCH_RECORDS) batches.push(batchText(first, Math.min(BATCH_RECORDS, RECORDS - first)));
  const targets = [
    await startTarget("rivulet", "./peers/rivulet-server.ts", (dir) => [dir], (port) => `http://127.0.0.1:${port}/v1/stream`),
    await startTarget("reference", "./peers/ds-server.ts", (dir, port) => [dir, String(port)], (port) => `http://127.0.0.1:${port}`),
  ];
  const ms = new Map<string, Results>();
  for (const t of targets) ms.set(t.name, { append: [], read: [], p50: [], p99: [] });
  const ceiling = await startCeiling();
  const ceilingMs: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? targets : [...targets].reverse();
      for (const t of order) {
        const url = `${t.base}/bench-${round}`;
        const m = ms.get(t.name)!;
        const a = await append(t, url, batches);
        const r = await read(t, url);
        m.append.push(a.ms);
        m.read.push(r.ms);
        const lat = await latency(t, `${t.base}/bench-latency-${round}`, round);
        m.p50.push(lat.p50Ms);
        m.p99.push(lat.p99Ms);
        const cpu = (x: Run) => `client ${x.clientPct}% server ${x.serverPct ?? "?"}%`;
        const c = await read({ name: "ceiling", base: "", server: t.server, dir: "" }, ceiling.url);
        ceilingMs.push(c.ms);
        console.log(`round ${round} ${t.name}: append ${(RECORDS / a.ms * 1000).toFixed(0)}/s (${cpu(a)}), read ${(RECORDS / r.ms * 1000).toFixed(0)}/s (${cpu(r)}), latency p50 ${lat.p50Ms.toFixed(1)} p99 ${lat.p99Ms.toFixed(1)} ms (lost ${lat.lost})`);
      }
    }
  } finally {
    ceiling.server.close();
    for (const t of targets) {
      await t.server.stop();
      rmSync(t.dir, { recursive: true, force: true });
    }
  }
  report(ms, ceilingMs);
}

/** Per server: wall times of each round's runs, and latency percentiles. */
type Results = { append: number[]; read: number[]; p50: number[]; p99: number[] };

function report(ms: Map<string, Results>, ceilingMs: number[]): void {
  const rate = (values: number[]) => (RECORDS / median(values)) * 1000;
  const rows: BenchRow[] = [];
  const ratio: Record<string, number> = {};
  for (const [kind, label] of [["append", "append (JSON, 1,000/POST, 4 in flight)"], ["read", "catch-up read (offset -1)"]] as const) {
    for (const [name, m] of ms) {
      const perS = rate(m[kind]);
      rows.push({ scenario: label, system: name, records_per_s: perS, mb_per_s: (perS * VALUE_BYTES) / 1e6, p50_ms: null, p99_ms: null, p999_ms: null });
    }
    ratio[kind] = rate(ms.get("rivulet")![kind]) / rate(ms.get("reference")![kind]);
  }
  const ceiling = rate(ceilingMs);
  rows.push({ scenario: "catch-up read (offset -1)", system: "client ceiling", records_per_s: ceiling, mb_per_s: (ceiling * VALUE_BYTES) / 1e6, p50_ms: null, p99_ms: null, p999_ms: null, note: "in-memory stub server" });
  for (const [name, m] of ms) {
    rows.push({ scenario: "latency (1,000/s, long-poll)", system: name, records_per_s: 1000, mb_per_s: null, p50_ms: median(m.p50), p99_ms: median(m.p99), p999_ms: null });
  }
  printTable(`Durable Streams: Rivulet vs the reference server (${RECORDS.toLocaleString("en-US")} records, ${ROUNDS} rounds, medians)`, rows);
  console.log(`\nRivulet/reference: append ${ratio.append.toFixed(2)}x (target >= 3x), catch-up read ${ratio.read.toFixed(2)}x (target >= 5x); reads at ${((rate(ms.get("rivulet")!.read) / ceiling) * 100).toFixed(0)}% of the client's ceiling`);
}

await main();
