/**
 * HTTP benchmark: the Hono API served by a broker in its own process (Node, Bun or Deno),
 * driven from this process over keep-alive HTTP/1.1.
 *
 * - produce: batches of 1,000 records (100-byte values, keys from 10,000 distinct keys) from 4
 *   concurrent keep-alive clients, in JSON and in CBOR;
 * - fetch: the JSON topic read back from offset 0 (JSON and CBOR answers), one client per partition;
 * - end-to-end latency, produce → SSE consumer, at 10,000 records/s (hdr-histogram-js), measured
 *   from each record's intended send time (no coordinated omission): the producer keeps at
 *   most 2 requests in flight and sends whatever fell due meanwhile in the next one.
 *
 *   node --import tsx bench/http.ts [--quick] [--server node|bun|deno] [--flush always|os|interval] [--only produce,fetch,sse]
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Encoder, decode } from "cbor-x";
import * as hdr from "hdr-histogram-js";
import { BenchClient } from "./http-bench-client.ts";
import { type BenchRow, isMain, printTable, throughputRow } from "./stats.ts";

const VALUE_BYTES = 100;
const KEYS = 10_000;
const BATCH = 1_000;
const CLIENTS = 4;
const PARTITIONS = 4;
const SSE_RATE = 10_000;
/** Produce requests the latency run keeps in flight; records due meanwhile wait and go in the next one. */
const SSE_IN_FLIGHT_MAX = 2;

/** Options of {@link runHttpBench}. */
export interface HttpBenchOptions {
  quick?: boolean;
  server?: "node" | "bun" | "deno";
  flush?: "always" | "os" | "interval";
  /** Scenarios to run (default all). */
  only?: Array<"produce" | "fetch" | "sse">;
}

interface BenchServer {
  port: number;
  /** CPU time the server process has used so far (every thread), in µs. */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(runtime: "node" | "bun" | "deno"): Promise<BenchServer> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const bin = (name: string) => `${root}node_modules/.bin/${name}`;
  const [command, args] = runtime === "node" ? [process.execPath, ["--import", "tsx", "bench/http-server.ts"]]
    : runtime === "bun" ? [bin("bun"), ["bench/http-server.ts"]]
    : [bin("deno"), ["run", "-A", "--no-lock", "bench/http-server.ts"]];
  const env = { ...process.env, DENO_DIR: process.env.DENO_DIR ?? `${root}tmp/deno-cache`, BUN_RUNTIME_TRANSPILER_CACHE_PATH: process.env.BUN_RUNTIME_TRANSPILER_CACHE_PATH ?? `${root}tmp/bun-cache` };
  const child = spawn(command, args, { cwd: root, env, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, "line"), once(child, "exit").then(() => { throw new Error("the server exited before listening"); })])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    port,
    async cpuUs() {
      child.stdin!.write("cpu\n");
      for (;;) {
        const [reply] = (await once(lines, "line")) as [string];
        if (reply.startsWith(`{"cpuUs"`)) return (JSON.parse(reply) as { cpuUs: number }).cpuUs;
      }
    },
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      if (child.exitCode === null) await once(child, "exit");
      clearTimeout(timer);
    },
  };
}

function jsonBodies(count: number): string[] {
  const value = "v".repeat(VALUE_BYTES - 2);
  return Array.from({ length: count }, (_, b) => JSON.stringify({ records: Array.from({ length: BATCH }, (_, i) => ({ key: `key-${(b * BATCH + i) % KEYS}`, value })) }));
}

function cborBodies(count: number): Uint8Array[] {
  const encoder = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true });
  const value = new Uint8Array(VALUE_BYTES).fill(118);
  const keys = Array.from({ length: KEYS }, (_, i) => new TextEncoder().encode(`key-${i}`));
  return Array.from({ length: count }, (_, b) => encoder.encode({ records: Array.from({ length: BATCH }, (_, i) => ({ key: keys[(b * BATCH + i) % KEYS], value })) }));
}

async function produce(client: BenchClient, topic: string, bodies: Array<string | Uint8Array>, records: number, type: string): Promise<number> {
  let next = 0;
  const requests = Math.ceil(records / BATCH);
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < requests) {
      const body = bodies[next++ % bodies.length];
      await client.send("POST", `/v1/topics/${topic}/records`, body, { "content-type": type });
    }
  }));
  return performance.now() - started;
}

async function fetchAll(client: BenchClient, topic: string, cbor: boolean): Promise<{ records: number; ms: number }> {
  let records = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: PARTITIONS }, async (_, partition) => {
    let offset = 0;
    for (;;) {
      const reply = await client.send("GET", `/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=10000`, undefined, cbor ? { accept: "application/cbor" } : {});
      let next: number;
      let hw: number;
      if (cbor) {
        const body = decode(reply.body) as { next_offset: number; high_watermark: number };
        next = body.next_offset;
        hw = body.high_watermark;
      } else {
        const tail = reply.body.subarray(Math.max(0, reply.body.length - 120)).toString("utf8");
        next = Number(/"next_offset":(\d+)/.exec(tail)![1]);
        hw = Number(/"high_watermark":(\d+)/.exec(tail)![1]);
      }
      records += next - offset;
      offset = next;
      if (offset >= hw) break;
    }
  }));
  return { records, ms: performance.now() - started };
}

function latencyRow(scenario: string, histogram: hdr.Histogram, note: string): BenchRow {
  const ms = (us: number) => us / 1000;
  return {
    scenario, system: "rivulet HTTP", records_per_s: null, mb_per_s: null,
    p50_ms: ms(histogram.getValueAtPercentile(50)), p99_ms: ms(histogram.getValueAtPercentile(99)), p999_ms: ms(histogram.getValueAtPercentile(99.9)), note,
  };
}

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

async function sseLatency(client: BenchClient, seconds: number, flush: string): Promise<BenchRow[]> {
  await client.send("POST", "/v1/topics", JSON.stringify({ name: "bench-sse", partitions: 1, config: { flush } }), { "content-type": "application/json" });
  const histogram = newHistogram();
  const acks = newHistogram();
  const total = SSE_RATE * seconds;
  let received = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const stream = await client.events("/v1/topics/bench-sse/partitions/0/stream?offset=latest", (data) => {
    const at = data.indexOf(`"value":{"t":`);
    const sentAt = Number(data.slice(at + 13, data.indexOf(",", at + 13)));
    histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
    if (++received >= total) resolveDone();
  });
  const pad = "p".repeat(60);
  let failed = 0;
  let inFlight = 0;
  const started = performance.now();
  const intended = (i: number) => started + (i * 1000) / SSE_RATE;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * SSE_RATE));
    if (due > sent && inFlight < SSE_IN_FLIGHT_MAX) {
      const first = sent;
      const records = Array.from({ length: due - sent }, (_, i) => ({ value: { t: intended(first + i), pad } }));
      sent = due;
      inFlight++;
      const sentAt = performance.now();
      void client.send("POST", "/v1/topics/bench-sse/records", JSON.stringify({ records }), { "content-type": "application/json" })
        .then(() => acks.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000))), (error: Error) => {
          failed += records.length;
          if (failed === records.length) console.error(`bench: a produce request failed after ${(performance.now() - sentAt).toFixed(1)} ms: ${error.message}`);
        })
        .finally(() => inFlight--);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (failed === 0) await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  stream.close();
  return [
    latencyRow(`produce → SSE latency at ${SSE_RATE.toLocaleString("en-US")}/s`, histogram, `flush=${flush}; ${received}/${total} events${failed ? `, ${failed} records failed` : ""}; target p99 ≤ 3, p99.9 ≤ 10`),
    latencyRow("  of which: produce POST until acknowledged", acks, "same run, per request"),
  ];
}

/** Runs a scenario and notes the CPU it cost the server and this client, per record. */
async function metered<T extends { records: number; ms: number }>(server: BenchServer, run: () => Promise<T>): Promise<T & { note: string }> {
  const serverBefore = await server.cpuUs();
  const clientBefore = process.cpuUsage();
  const result = await run();
  const client = process.cpuUsage(clientBefore);
  const serverUs = (await server.cpuUs()) - serverBefore;
  const per = (us: number) => (us / result.records).toFixed(2);
  return { ...result, note: `CPU µs/record: server ${per(serverUs)}, client ${per(client.user + client.system)}` };
}

/**
 * Runs the HTTP benchmark and prints its table.
 *
 * @param options `quick` for a short run, the server's runtime, the topics' flush policy
 * @returns the table's rows
 */
export async function runHttpBench(options: HttpBenchOptions = {}): Promise<BenchRow[]> {
  const records = options.quick ? 200_000 : 1_000_000;
  const runtime = options.server ?? "node";
  const flush = options.flush ?? "always";
  const server = await startServer(runtime);
  const client = new BenchClient(server.port, CLIENTS + 2);
  const rows: BenchRow[] = [];
  try {
    const system = `rivulet HTTP (${runtime} server)`;
    for (const topic of ["bench-json", "bench-cbor"]) {
      await client.send("POST", "/v1/topics", JSON.stringify({ name: topic, partitions: PARTITIONS, config: { flush } }), { "content-type": "application/json" });
    }
    const only = new Set(options.only ?? ["produce", "fetch", "sse"]);
    if (only.has("produce") || only.has("fetch")) {
      const jsonData = jsonBodies(10);
      const cborData = cborBodies(10);
      const json = await metered(server, async () => ({ records, ms: await produce(client, "bench-json", jsonData, records, "application/json") }));
      const cbor = await metered(server, async () => ({ records, ms: await produce(client, "bench-cbor", cborData, records, "application/cbor") }));
      if (only.has("produce")) {
        rows.push(throughputRow(`produce JSON, batches of ${BATCH}, ${CLIENTS} clients`, system, records, records * VALUE_BYTES, json.ms, `flush=${flush}; ${json.note}; target ≥ 500,000/s`));
        rows.push(throughputRow(`produce CBOR, batches of ${BATCH}, ${CLIENTS} clients`, system, records, records * VALUE_BYTES, cbor.ms, `flush=${flush}; ${cbor.note}; target ≥ 1,000,000/s`));
      }
    }
    if (only.has("fetch")) {
      const fetchedJson = await metered(server, () => fetchAll(client, "bench-json", false));
      rows.push(throughputRow("fetch JSON from offset 0", system, fetchedJson.records, fetchedJson.records * VALUE_BYTES, fetchedJson.ms, `${fetchedJson.note}; target ≥ 1,000,000/s`));
      const fetchedCbor = await metered(server, () => fetchAll(client, "bench-cbor", true));
      rows.push(throughputRow("fetch CBOR from offset 0", system, fetchedCbor.records, fetchedCbor.records * VALUE_BYTES, fetchedCbor.ms, `${fetchedCbor.note}; target ≥ 1,000,000/s`));
    }
    if (only.has("sse")) rows.push(...await sseLatency(client, options.quick ? 2 : 5, flush));
  } finally {
    client.close();
    await server.stop();
  }
  const [load] = (await import("node:os")).loadavg();
  printTable(`HTTP API (${records.toLocaleString("en-US")} records per produce run, 100-byte values, ${PARTITIONS} partitions; load average ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} CPUs)`, rows);
  return rows;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  await runHttpBench({
    quick: args.includes("--quick"),
    server: value("--server") as HttpBenchOptions["server"],
    flush: value("--flush") as HttpBenchOptions["flush"],
    only: value("--only")?.split(",") as HttpBenchOptions["only"],
  });
}
