/**
 * Rivulet over the network, as a separate server process (bench/peers/rivulet-server.ts): HTTP
 * produce (JSON, CBOR, and JSON with flush=always), HTTP fetch (JSON, CBOR), and produce → SSE
 * latency. Throughput topics have 4 partitions and `flush=interval` with `flush.ms=1000`, the
 * durability of Redis's `appendfsync everysec`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode as decodeCbor, encode as encodeCbor } from "cbor-x";
import { HttpClient } from "../harness/http-client.ts";
import { forEachSeq, keyText, valueBytes, valueJson } from "../harness/records.ts";
import { isRunning, startProcess, type ServerProcess } from "../harness/server-process.ts";
import { metered, meteredLatency, sendWindowed } from "../harness/throughput.ts";
import { SCENARIO, type Case, type Measured, type RoundSizes, type System } from "./system.ts";

const PARTITIONS = 4;
const IN_FLIGHT = 4;
const FETCH_RECORDS = 10_000;
const START_TIMEOUT_MS = 30_000;
const encoder = new TextEncoder();
const keyBytes = Array.from({ length: 10_000 }, (_, i) => encoder.encode(keyText(i)));

function jsonBody(first: number, count: number): string {
  const records = [];
  for (let i = first; i < first + count; i++) records.push({ key: keyText(i), value: valueJson(i) });
  return JSON.stringify({ records });
}

function cborBody(first: number, count: number): Uint8Array {
  const records = [];
  for (let i = first; i < first + count; i++) records.push({ key: keyBytes[i % keyBytes.length], value: valueBytes(i) });
  return encodeCbor({ records });
}

/** Reads a server process's first stdout line (its ports). */
function readyLine(server: ServerProcess): Promise<{ http: number; kafka: number | null }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`rivulet server did not start: ${server.output()}`)), START_TIMEOUT_MS);
    server.child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { http: number; kafka: number | null });
      }
    });
    server.child.once("exit", () => reject(new Error(`rivulet server exited: ${server.output()}`)));
  });
}

/** A running Rivulet server process and its ports. */
export interface RivuletServer {
  process: ServerProcess;
  httpPort: number;
  kafkaPort: number | null;
  stop(): Promise<void>;
}

/** The runtime a Rivulet server process runs on. */
export type ServerRuntime = "node" | "bun";

/**
 * Starts Rivulet as a server process on free ports (HTTP and Kafka), on Node (through tsx) or on
 * Bun (the npm-installed binary, running the TypeScript directly). With the environment variable
 * RIVULET_BENCH_CPU_PROF=DIR, a Node server writes V8 CPU profiles (one per thread) there.
 */
export async function startRivuletServer(runtime: ServerRuntime = "node"): Promise<RivuletServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "rivulet-bench-server-"));
  const script = new URL("./rivulet-server.ts", import.meta.url).pathname;
  const root = new URL("../../", import.meta.url).pathname;
  const profileDir = process.env.RIVULET_BENCH_CPU_PROF;
  const profile = profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
  const server = runtime === "node"
    ? startProcess(process.execPath, [...profile, "--import", "tsx", script, dataDir])
    : startProcess(join(root, "node_modules/.bin/bun"), [script, dataDir], { cwd: root, env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: join(root, "tmp/bun-cache") } });
  const ports = await readyLine(server);
  return {
    process: server,
    httpPort: ports.http,
    kafkaPort: ports.kafka,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createTopic(client: HttpClient, name: string, partitions: number, flush: "interval" | "always"): Promise<void> {
  const config: Record<string, string> = flush === "always" ? { flush: "always" } : { flush: "interval", "flush.ms": "1000" };
  await client.ok("POST", "/v1/topics", JSON.stringify({ name, partitions, config }), { "content-type": "application/json" });
}

async function produce(client: HttpClient, pid: number, topic: string, records: number, cbor: boolean): Promise<Measured> {
  return metered(pid, async () => {
    await sendWindowed(records, IN_FLIGHT, async (first, count) => {
      const reply = cbor
        ? await client.ok("POST", `/v1/topics/${topic}/records`, cborBody(first, count), { "content-type": "application/cbor", accept: "application/cbor" })
        : await client.ok("POST", `/v1/topics/${topic}/records`, jsonBody(first, count), { "content-type": "application/json" });
      const answer = (cbor ? decodeCbor(reply.body) : JSON.parse(reply.body.toString("utf8"))) as { offsets: unknown[] };
      if (answer.offsets.length !== count) throw new Error(`produce acknowledged ${answer.offsets.length} of ${count}`);
    });
    return records;
  });
}

async function consume(client: HttpClient, pid: number, topic: string, expected: number, cbor: boolean): Promise<Measured> {
  return metered(pid, async () => {
    let total = 0;
    await Promise.all(Array.from({ length: PARTITIONS }, async (_, p) => {
      let offset = 0;
      for (;;) {
        const path = `/v1/topics/${topic}/partitions/${p}/records?offset=${offset}&max_records=${FETCH_RECORDS}`;
        const reply = await client.ok("GET", path, undefined, cbor ? { accept: "application/cbor" } : {});
        const body = (cbor ? decodeCbor(reply.body) : JSON.parse(reply.body.toString("utf8"))) as { records: unknown[]; next_offset: number; high_watermark: number };
        total += body.records.length;
        offset = body.next_offset;
        if (offset >= body.high_watermark) break;
      }
    }));
    if (total !== expected) throw new Error(`consumed ${total} of ${expected}`);
    return total;
  });
}

async function latency(client: HttpClient, origin: string, pid: number, topic: string, round: number, sizes: RoundSizes): Promise<Measured> {
  await createTopic(client, topic, 1, "interval");
  const sse = new HttpClient(origin, 1);
  try {
    return await meteredLatency(pid, sizes, round, {
      subscribe: (onSeq) => sse.events(`/v1/topics/${topic}/partitions/0/stream?offset=latest`, (data) => {
        JSON.parse(data);
        forEachSeq(data, onSeq);
      }),
      send: async (seqs) => {
        const records = seqs.map((s) => ({ key: keyText(s), value: valueJson(s) }));
        await client.ok("POST", `/v1/topics/${topic}/records`, JSON.stringify({ records }), { "content-type": "application/json" });
      },
    });
  } finally {
    sse.close();
  }
}

/** Waits for a measurement, then deletes its topic (untimed), as the peers' cases do. */
async function dropAfter(client: HttpClient, topic: string, measuring: Promise<Measured>): Promise<Measured> {
  const measured = await measuring;
  await client.send("DELETE", `/v1/topics/${topic}`);
  return measured;
}

/**
 * Lists the network cases of a running Rivulet server process.
 *
 * @param server a running server from {@link startRivuletServer}
 * @param options `runtime` labels the rows (` (bun)`); a Bun server runs only JSON and CBOR
 *   produce, JSON consume and latency, to keep the run short
 */
export function rivuletHttpSystem(server: RivuletServer, options: { runtime?: ServerRuntime } = {}): System {
  const runtime = options.runtime ?? "node";
  const suffix = runtime === "node" ? "" : ` (${runtime})`;
  const client = new HttpClient(`http://127.0.0.1:${server.httpPort}`, IN_FLIGHT + PARTITIONS);
  const pid = server.process.pid;
  const origin = `http://127.0.0.1:${server.httpPort}`;
  const alive = () => {
    if (!isRunning(server.process)) throw new Error(`rivulet server died: ${server.process.output()}`);
  };
  const topic = (kind: string, round: number) => `bench-${kind}-${round}`;
  const all: Case[] = [
    { scenario: SCENARIO.produce, system: "rivulet http json", note: "4 partitions, flush every 1 s, 4 POSTs in flight",
      run: async (round, sizes) => { alive(); await createTopic(client, topic("json", round), PARTITIONS, "interval"); return produce(client, pid, topic("json", round), sizes.records, false); } },
    { scenario: SCENARIO.produce, system: "rivulet http cbor", note: "4 partitions, flush every 1 s, 4 POSTs in flight",
      run: async (round, sizes) => { alive(); await createTopic(client, topic("cbor", round), PARTITIONS, "interval"); return produce(client, pid, topic("cbor", round), sizes.records, true); } },
    { scenario: SCENARIO.produce, system: "rivulet http json flush=always", note: "fsync before every acknowledgement (group commit)",
      run: async (round, sizes) => { alive(); await createTopic(client, topic("always", round), PARTITIONS, "always"); return dropAfter(client, topic("always", round), produce(client, pid, topic("always", round), sizes.records, false)); } },
    { scenario: SCENARIO.consume, system: "rivulet http json", note: "4 partitions read in parallel, 10,000 records per GET",
      run: async (round, sizes) => { alive(); return dropAfter(client, topic("json", round), consume(client, pid, topic("json", round), sizes.records, false)); } },
    { scenario: SCENARIO.consume, system: "rivulet http cbor", note: "4 partitions read in parallel, 10,000 records per GET",
      run: async (round, sizes) => { alive(); return dropAfter(client, topic("cbor", round), consume(client, pid, topic("cbor", round), sizes.records, true)); } },
    { scenario: SCENARIO.latency, system: "rivulet http → sse", note: "1 partition, JSON POSTs as records fall due, SSE consumer",
      run: async (round, sizes) => { alive(); return dropAfter(client, topic("latency", round), latency(client, origin, pid, topic("latency", round), round, sizes)); } },
  ];
  const short = new Set(["rivulet http json", "rivulet http cbor", "rivulet http → sse"]);
  const cases = all
    .filter((c) => runtime === "node" || (short.has(c.system) && !(c.scenario === SCENARIO.consume && c.system.includes("cbor"))))
    .map((c) => ({ ...c, system: c.system + suffix }));
  return {
    name: `rivulet${suffix}`,
    cases,
    async stop() {
      client.close();
      await server.stop();
    },
  };
}
