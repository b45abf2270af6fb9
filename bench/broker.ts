/**
 * In-process benchmark through the whole actor path: producer → partition actors on worker
 * threads → logs, and back. 100-byte values, keys from 10,000 distinct keys, 8 partitions.
 * Also: a crashed partition worker serving again, in ms.
 *
 *   node --import tsx bench/broker.ts [--quick]
 */
import { Broker } from "../groups/broker.ts";
import type { FlushPolicy } from "../core/topic-config.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { Log } from "../storage/log.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { isMain, median, percentile, printTable, throughputRow, type BenchRow } from "./stats.ts";

const VALUE_BYTES = 100;
const PARTITIONS = 8;

function makeKeys(n: number): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from({ length: n }, (_, i) => encoder.encode(`key-${i}`));
}

/** A broker on a fresh temporary directory with one 8-partition topic `bench`. */
export async function openBenchBroker(flush: FlushPolicy): Promise<{ broker: Broker; remove(): void }> {
  const tmp = tempDir("rivulet-bench-");
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: PARTITIONS });
  await broker.createTopic("bench", { partitions: PARTITIONS, config: { flush, "segment.bytes": 256 * 1024 * 1024 } });
  return { broker, remove: tmp.remove };
}

/** Produces `records` records to `bench` in calls of 1,000 with 32 calls in flight; returns ms. */
export async function produceRecords(broker: Broker, records: number): Promise<number> {
  const keys = makeKeys(10_000);
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  const producer = broker.producer({ idempotent: true });
  const perCall = 1000;
  const inFlight = 32;
  const started = performance.now();
  let sent = 0;
  const pending = new Set<Promise<unknown>>();
  while (sent < records) {
    const batch = Array.from({ length: Math.min(perCall, records - sent) }, (_, i) => ({ key: keys[(sent + i) % keys.length], value }));
    sent += batch.length;
    const p = producer.sendBatch("bench", batch).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  return performance.now() - started;
}

async function produceScenario(flush: FlushPolicy, records: number): Promise<{ row: BenchRow; broker: Broker; remove(): void }> {
  const { broker, remove } = await openBenchBroker(flush);
  const ms = await produceRecords(broker, records);
  return { row: throughputRow(`produce flush=${flush}`, "rivulet (in-process)", records, records * VALUE_BYTES, ms), broker, remove };
}

/** Reads every partition of `bench` from offset 0 in parallel; returns ms. */
export async function consumeRecords(broker: Broker, records: number): Promise<number> {
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, partition) => {
      let offset = 0;
      for (;;) {
        const r = await broker.fetch("bench", partition, { offset, maxRecords: 50_000, maxBytes: 8 * 1024 * 1024 });
        count += r.records.length;
        offset = r.nextOffset;
        if (offset >= r.highWatermark) break;
      }
    }),
  );
  const ms = performance.now() - started;
  if (count !== records) throw new Error(`consumed ${count} of ${records}`);
  return ms;
}

async function consumeScenario(broker: Broker, records: number): Promise<BenchRow> {
  const ms = await consumeRecords(broker, records);
  return throughputRow("consume from offset 0", "rivulet (in-process)", records, records * VALUE_BYTES, ms);
}

/**
 * Crashes the worker of a partition `rounds` times; each time, ms until a produce is acknowledged
 * again. Each crash is measured as a first crash: the restart window is 1 ms, so the supervisor's
 * crash-loop backoff (doubling per restart within the window) does not pile up across rounds, and
 * every restart waits the default first backoff.
 */
export async function crashRecovery(rounds: number): Promise<BenchRow> {
  const tmp = tempDir("rivulet-bench-");
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2, faultInjection: true, limits: { restartsInWindowMax: 1000, restartWindowMs: 1 } });
  try {
    await broker.createTopic("crash", { partitions: 1, config: { flush: "os" } });
    await broker.produce("crash", Array.from({ length: 10_000 }, (_, i) => ({ value: `v${i}` })));
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await broker.faults.crashPartition("crash", 0);
      const started = performance.now();
      await broker.produce("crash", [{ value: "after" }]);
      times.push(performance.now() - started);
    }
    return { scenario: "worker crash → serving again", system: "rivulet", records_per_s: null, mb_per_s: null, p50_ms: median(times), p99_ms: percentile(times, 99), p999_ms: null, note: `${rounds} crashes, each a first crash (default backoff); ms until the next produce is acknowledged` };
  } finally {
    await broker.close();
    tmp.remove();
  }
}

/** Runs the in-process scenarios and returns their rows. */
export async function brokerBenchmarks(options: { quick: boolean }): Promise<BenchRow[]> {
  const records = options.quick ? 200_000 : 1_000_000;
  const rows: BenchRow[] = [];
  const os = await produceScenario("os", records);
  rows.push(os.row);
  rows.push(await consumeScenario(os.broker, records));
  await os.broker.close();
  os.remove();
  const always = await produceScenario("always", records);
  rows.push(always.row);
  await always.broker.close();
  always.remove();
  rows.push(await crashRecovery(options.quick ? 5 : 20));
  return rows;
}

/**
 * The same records appended straight to one Log on this thread, batches encoded beforehand:
 * the storage engine alone, to set the actor path against.
 */
export async function rawLogAppend(flush: FlushPolicy, records: number): Promise<BenchRow> {
  const ms = await rawAppendMs(flush, records);
  return throughputRow(`raw storage append flush=${flush}`, "rivulet Log, one thread", records, records * VALUE_BYTES, ms);
}

/** {@link rawLogAppend}'s measurement: ms to append `records` records (encoding not counted). */
export async function rawAppendMs(flush: FlushPolicy, records: number): Promise<number> {
  const keys = makeKeys(10_000);
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  const batches: Uint8Array[] = [];
  for (let sent = 0; sent < records; sent += 1000) {
    batches.push(encodeRecordBatch(Array.from({ length: 1000 }, (_, i) => ({ key: keys[(sent + i) % keys.length], value, headers: [], timestamp: Date.now() }))));
  }
  const tmp = tempDir("rivulet-bench-");
  const log = Log.open(tmp.dir, parseTopicConfig({ flush, "segment.bytes": 256 * 1024 * 1024 }));
  try {
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (const batch of batches) {
      pending.push(log.append(batch));
      if (pending.length >= 8) await pending.shift();
    }
    await Promise.all(pending);
    return performance.now() - started;
  } finally {
    log.close();
    tmp.remove();
  }
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes("--quick");
  const records = quick ? 200_000 : 1_000_000;
  const rows = await brokerBenchmarks({ quick });
  const raw = [await rawLogAppend("os", records), await rawLogAppend("always", records)];
  printTable("Rivulet in-process, through the actor path (8 partitions, 100-byte values), and the storage engine alone", [...rows, ...raw]);
  const ratio = (a: BenchRow, b: BenchRow) => ((a.records_per_s ?? 0) / (b.records_per_s ?? 1)).toFixed(2);
  console.log(`\nactor path ÷ raw storage, same run: flush=os ${ratio(rows[0], raw[0])}, flush=always ${ratio(rows[2], raw[1])}`);
}
