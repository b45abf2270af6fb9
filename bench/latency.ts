/**
 * The produce → SSE latency scenario alone, with Redis Streams in the same run, and a breakdown
 * of where a record's time goes:
 *
 * - over HTTP (a Rivulet server process, as `rivulet bench` runs it), per record: the client's
 *   pacing (record due → its POST issued), POST issued → acknowledged, acknowledged → SSE event
 *   received (an event that arrived before its ack counts as 0), and the whole record due → SSE;
 * - in-process (the same broker, no HTTP; one partition on a worker thread): `produce` →
 *   acknowledged, and `produce` → a waiting fetch of the main thread returns it (worker append,
 *   flush policy, fetch-wait wakeup and the worker round trips, without HTTP or SSE);
 * - the event-loop delay of the in-process main thread (timers fired late: GC, long tasks).
 *
 *   node --import tsx bench/latency.ts [--rounds 3] [--ms 5000] [--warmup 1000] [--rate 10000]
 *     [--no-redis] [--no-breakdown] [--in-process-only]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as hdr from "hdr-histogram-js";
import { Broker } from "../groups/broker.ts";
import { HttpClient } from "./harness/http-client.ts";
import { pace, PACE_IN_FLIGHT_SENDS_MAX, PACE_TICK_MS } from "./harness/pace.ts";
import { forEachSeq, keyText, valueJson, valueBytes } from "./harness/records.ts";
import { runRounds } from "./harness/rounds.ts";
import { startRedis } from "./peers/redis.ts";
import { rivuletHttpSystem, startRivuletServer } from "./peers/rivulet-http.ts";
import { SCENARIO, type RoundSizes, type System } from "./peers/system.ts";
import { isMain } from "./stats.ts";

const DRAIN_MS_MAX = 5_000;

type Histogram = ReturnType<typeof hdr.build>;

const newHistogram = (): Histogram => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

/** One stage's percentiles, ms. */
export interface StageRow {
  stage: string;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

function row(stage: string, h: Histogram): StageRow {
  const ms = (p: number) => h.getValueAtPercentile(p) / 1000;
  const r = { stage, p50Ms: ms(50), p99Ms: ms(99), p999Ms: ms(99.9), maxMs: h.maxValue / 1000 };
  h.destroy();
  return r;
}

const record = (h: Histogram, ms: number) => h.recordValue(Math.max(1, Math.round(ms * 1000)));

/** Per-record timeline of one paced run, reduced to stage histograms. */
class Timeline {
  readonly dueAt: Float64Array;
  readonly issuedAt: Float64Array;
  readonly ackedAt: Float64Array;
  readonly arrivedAt: Float64Array;
  #received = 0;
  #all: () => void = () => undefined;
  readonly allArrived = new Promise<void>((resolve) => (this.#all = resolve));

  constructor(readonly total: number, readonly counted: number) {
    this.dueAt = new Float64Array(total).fill(-1);
    this.issuedAt = new Float64Array(total).fill(-1);
    this.ackedAt = new Float64Array(total).fill(-1);
    this.arrivedAt = new Float64Array(total).fill(-1);
  }

  sent(first: number, count: number, issuedAt: number, ackedAt: number): void {
    for (let i = first; i < first + count; i++) {
      this.issuedAt[i] = issuedAt;
      this.ackedAt[i] = ackedAt;
    }
  }

  arrived(i: number): void {
    if (i < 0 || i >= this.total || this.arrivedAt[i] >= 0) return;
    this.arrivedAt[i] = performance.now();
    if (++this.#received === this.total) this.#all();
  }

  get lost(): number {
    return this.total - this.#received;
  }

  stages(names: { issue: string; ack: string; afterAck: string; total: string }): StageRow[] {
    const pacing = newHistogram();
    const toAck = newHistogram();
    const afterAck = newHistogram();
    const whole = newHistogram();
    for (let i = this.counted; i < this.total; i++) {
      if (this.arrivedAt[i] < 0 || this.ackedAt[i] < 0) continue;
      record(pacing, this.issuedAt[i] - this.dueAt[i]);
      record(toAck, this.ackedAt[i] - this.issuedAt[i]);
      record(afterAck, Math.max(0, this.arrivedAt[i] - this.ackedAt[i]));
      record(whole, this.arrivedAt[i] - this.dueAt[i]);
    }
    return [row(names.issue, pacing), row(names.ack, toAck), row(names.afterAck, afterAck), row(names.total, whole)];
  }
}

/** The breakdown over HTTP against a running Rivulet server. */
async function httpBreakdown(port: number, options: { ratePerS: number; durationMs: number; warmupMs: number }): Promise<StageRow[]> {
  const origin = `http://127.0.0.1:${port}`;
  const client = new HttpClient(origin, PACE_IN_FLIGHT_SENDS_MAX);
  const sse = new HttpClient(origin, 1);
  const topic = `latency-breakdown-${Date.now()}`;
  await client.ok("POST", "/v1/topics", JSON.stringify({ name: topic, partitions: 1, config: { flush: "interval", "flush.ms": "1000" } }), { "content-type": "application/json" });
  const total = Math.round((options.ratePerS * options.durationMs) / 1000);
  const t = new Timeline(total, Math.round((options.ratePerS * options.warmupMs) / 1000));
  const stream = await sse.events(`/v1/topics/${topic}/partitions/0/stream?offset=latest`, (data) => forEachSeq(data, (seq) => t.arrived(seq)));
  try {
    await pace(total, options.ratePerS, async (first, count) => {
      const records = [];
      for (let s = first; s < first + count; s++) records.push({ key: keyText(s), value: valueJson(s) });
      await client.ok("POST", `/v1/topics/${topic}/records`, JSON.stringify({ records }), { "content-type": "application/json" });
    }, (first, count, issued, acked) => t.sent(first, count, issued, acked), t.dueAt);
    await Promise.race([t.allArrived, new Promise((resolve) => setTimeout(resolve, DRAIN_MS_MAX))]);
  } finally {
    stream.close();
    await client.send("DELETE", `/v1/topics/${topic}`).catch(() => undefined);
    client.close();
    sse.close();
  }
  if (t.lost) throw new Error(`breakdown over HTTP: ${t.lost} records never arrived`);
  return t.stages({ issue: "http: record due → POST issued (client pacing)", ack: "http: POST issued → acknowledged", afterAck: "http: acknowledged → SSE event received", total: "http: record due → SSE event received" });
}

/** The breakdown in-process: produce and a waiting fetch on the same broker, no HTTP. */
async function inProcessBreakdown(options: { ratePerS: number; durationMs: number; warmupMs: number }): Promise<StageRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-latency-"));
  const broker = await Broker.open({ dataDir: dir });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  try {
    const topic = "latency";
    await broker.createTopic(topic, { partitions: 1, config: { flush: "interval", "flush.ms": "1000" } });
    const total = Math.round((options.ratePerS * options.durationMs) / 1000);
    const t = new Timeline(total, Math.round((options.ratePerS * options.warmupMs) / 1000));
    const abort = new AbortController();
    const reading = (async () => {
      let offset = 0;
      while (!abort.signal.aborted) {
        const result = await broker.fetch(topic, 0, { offset, waitMs: 500, signal: abort.signal }).catch(() => null);
        if (!result) break;
        for (const r of result.records) t.arrived(r.value ? seqOf(r.value) : -1);
        offset = result.nextOffset;
      }
    })();
    loopDelay.enable();
    await pace(total, options.ratePerS, async (first, count) => {
      const records = [];
      for (let s = first; s < first + count; s++) records.push({ key: keyText(s), value: valueBytes(s) });
      await broker.produce(topic, records);
    }, (first, count, issued, acked) => t.sent(first, count, issued, acked), t.dueAt);
    await Promise.race([t.allArrived, new Promise((resolve) => setTimeout(resolve, DRAIN_MS_MAX))]);
    loopDelay.disable();
    abort.abort();
    await reading;
    if (t.lost) throw new Error(`breakdown in-process: ${t.lost} records never arrived`);
    const rows = t.stages({ issue: "in-process: record due → produce called", ack: "in-process: produce → acknowledged", afterAck: "in-process: acknowledged → waiting fetch returns it", total: "in-process: record due → fetched" });
    const delay = (p: number) => loopDelay.percentile(p) / 1e6 - PACE_TICK_MS;
    rows.push({ stage: "in-process: main-thread event-loop delay (timer lateness)", p50Ms: delay(50), p99Ms: delay(99), p999Ms: delay(99.9), maxMs: loopDelay.max / 1e6 - PACE_TICK_MS });
    return rows;
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function seqOf(value: Uint8Array): number {
  let seq = 0;
  for (let i = 2; i < 12; i++) seq = seq * 10 + (value[i] - 48);
  return seq;
}

function formatStages(rows: StageRow[]): string {
  const f = (v: number) => v.toFixed(2);
  const lines = [["stage", "p50 ms", "p99 ms", "p99.9 ms", "max ms"], ...rows.map((r) => [r.stage, f(r.p50Ms), f(r.p99Ms), f(r.p999Ms), f(r.maxMs)])];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}

/** Options of {@link runLatencyBenchmark}. */
export interface LatencyBenchOptions {
  rounds: number;
  durationMs: number;
  warmupMs: number;
  ratePerS: number;
  redis: boolean;
  breakdown: boolean;
  /** Only the in-process breakdown (no server, no peers). */
  inProcessOnly?: boolean;
}

/**
 * Runs the produce → SSE latency case of Rivulet (and of Redis Streams) in interleaved rounds,
 * then the breakdown, and prints both.
 */
export async function runLatencyBenchmark(o: LatencyBenchOptions): Promise<void> {
  const log = (line: string) => console.log(line);
  log(`load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  if (o.inProcessOnly) {
    for (let round = 1; round <= o.rounds; round++) log(`\nin-process breakdown, round ${round} of ${o.rounds}:\n${formatStages(await inProcessBreakdown(o))}`);
    log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    return;
  }
  const server = await startRivuletServer();
  const onlyLatency = (s: System): System => ({ ...s, cases: s.cases.filter((c) => c.scenario === SCENARIO.latency) });
  const systems: System[] = [onlyLatency(rivuletHttpSystem(server))];
  if (o.redis) {
    const redis = await startRedis();
    if ("skip" in redis) log(`redis skipped: ${redis.skip}`);
    else systems.push(onlyLatency(redis));
  }
  const sizes: RoundSizes = { records: 0, inProcessRecords: 0, latencyRatePerS: o.ratePerS, latencyMs: o.durationMs, latencyWarmupMs: o.warmupMs };
  let stages: StageRow[] = [];
  try {
    const results = await runRounds(systems, o.rounds, sizes, log);
    log(`\n${o.ratePerS.toLocaleString("en-US")} records/s for ${o.durationMs} ms per round, median of ${o.rounds} rounds:`);
    for (const r of results) {
      log(`  ${r.case.system.padEnd(22)} p50 ${r.p50Ms?.toFixed(2)} ms  p99 ${r.p99Ms?.toFixed(2)} ms  p99.9 ${r.p999Ms?.toFixed(2)} ms  server CPU ${r.serverPct?.toFixed(0)}%${r.error ? `  error: ${r.error}` : ""}`);
    }
    if (o.breakdown) stages = await httpBreakdown(server.httpPort, o);
  } finally {
    for (const s of systems) await s.stop();
  }
  if (o.breakdown) {
    stages.push(...await inProcessBreakdown(o));
    log(`\nbreakdown (one run of ${o.durationMs} ms, first ${o.warmupMs} ms not counted):\n${formatStages(stages)}`);
  }
  log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      ms: { type: "string", default: "5000" },
      warmup: { type: "string", default: "1000" },
      rate: { type: "string", default: "10000" },
      "no-redis": { type: "boolean", default: false },
      "no-breakdown": { type: "boolean", default: false },
      "in-process-only": { type: "boolean", default: false },
    },
  });
  await runLatencyBenchmark({
    rounds: Number(values.rounds),
    durationMs: Number(values.ms),
    warmupMs: Number(values.warmup),
    ratePerS: Number(values.rate),
    redis: !values["no-redis"],
    breakdown: !values["no-breakdown"],
    inProcessOnly: values["in-process-only"],
  });
  process.exit(0);
}
