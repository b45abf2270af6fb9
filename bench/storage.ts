/**
 * Storage engine benchmark: append 1,000,000 records of 100-byte values in batches of 1,000
 * with flush=os and with flush=always (several appends in flight, so group commit works), read
 * them all back (every batch CRC-checked by the log, then iterated), and set the figures against
 * the machine's raw sequential write speed with an fdatasync per 110 KB block, measured in the
 * same run.
 *
 *   node --import tsx bench/storage.ts [--records 1000000] [--in-flight 8]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTopicConfig, type FlushPolicy } from "../core/topic-config.ts";
import { Log } from "../storage/log.ts";
import { encodeRecordBatch, iterateBatches, type BatchRecord } from "../record/record-batch.ts";
import { rawFdatasync } from "./machine.ts";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg("records", 1_000_000);
const BATCH_RECORDS = 1_000;
const VALUE_BYTES = 100;
const IN_FLIGHT = arg("in-flight", 8);
const MB = 1024 * 1024;

function makeBatches(): Uint8Array[] {
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  const out: Uint8Array[] = [];
  for (let b = 0; b < RECORDS / BATCH_RECORDS; b++) {
    const records: BatchRecord[] = [];
    for (let i = 0; i < BATCH_RECORDS; i++) records.push({ key: null, value, headers: [], timestamp: 1_700_000_000_000 + b });
    out.push(encodeRecordBatch(records));
  }
  return out;
}

async function appendAll(dir: string, flush: FlushPolicy, batches: Uint8Array[]): Promise<{ seconds: number; bytes: number }> {
  const log = Log.open(dir, parseTopicConfig({ flush }));
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++];
      bytes += batch.length;
      await log.append(batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  log.close();
  return { seconds, bytes };
}

function readAll(dir: string): { seconds: number; bytes: number; records: number } {
  const log = Log.open(dir, parseTopicConfig({ flush: "os" }));
  const started = performance.now();
  let offset = 0;
  let records = 0;
  let bytes = 0;
  while (offset < log.highWatermark) {
    const { batches } = log.read(offset, MB);
    bytes += batches.length;
    for (const { header } of iterateBatches(batches)) {
      records += header.recordCount;
      offset = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  log.close();
  return { seconds, bytes, records };
}

const root = mkdtempSync(join(tmpdir(), "rivulet-bench-"));
try {
  const fresh = (name: string): string => join(root, name);
  const raw = rawFdatasync(root);
  const os = await appendAll(fresh("os"), "os", makeBatches());
  const always = await appendAll(fresh("always"), "always", makeBatches());
  const read = readAll(fresh("always"));
  if (read.records !== RECORDS) throw new Error(`read ${read.records} records, wrote ${RECORDS}`);

  const row = (what: string, records: number, bytes: number, seconds: number, ratio: string): string =>
    `| ${what.padEnd(36)} | ${Math.round(records / seconds).toLocaleString("en-US").padStart(11)} | ${(bytes / MB / seconds).toFixed(0).padStart(6)} | ${ratio.padEnd(30)} |`;
  console.log(`\nstorage bench: ${RECORDS.toLocaleString("en-US")} records × ${VALUE_BYTES} B, batches of ${BATCH_RECORDS}, ${IN_FLIGHT} appends in flight\n`);
  console.log(`| ${"what".padEnd(36)} | ${"records/s".padStart(11)} | ${"MB/s".padStart(6)} | ${"vs target / raw".padEnd(30)} |`);
  console.log(`|${"-".repeat(38)}|${"-".repeat(13)}|${"-".repeat(8)}|${"-".repeat(32)}|`);
  console.log(row("append, flush=os", RECORDS, os.bytes, os.seconds, `${(RECORDS / os.seconds / 3e6).toFixed(2)}× the 3 M/s target`));
  const alwaysMbs = always.bytes / MB / always.seconds;
  console.log(row("append, flush=always (group commit)", RECORDS, always.bytes, always.seconds, `${((alwaysMbs / raw.mbPerSecond) * 100).toFixed(0)}% of raw (target ≥ 50%)`));
  console.log(row("read + CRC check + iterate", read.records, read.bytes, read.seconds, `${(read.records / read.seconds / 5e6).toFixed(2)}× the 5 M/s target`));
  console.log(`| ${"raw write 110 KB + fdatasync each".padEnd(36)} | ${"".padStart(11)} | ${raw.mbPerSecond.toFixed(0).padStart(6)} | ${"the machine's ceiling".padEnd(30)} |`);
  console.log(`\none fdatasync (4 KB write, median of 200): ${raw.syncMs.toFixed(3)} ms`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
