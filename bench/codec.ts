/**
 * Codec micro-benchmark: CRC-32C throughput, and encode / validate / decode rates for
 * 1,000-record batches of 100-byte values (16-byte keys, no headers).
 *
 *   node --import tsx bench/codec.ts        (also: bun bench/codec.ts, deno run -A bench/codec.ts)
 */
import { crc32c } from "../record/crc32c.ts";
import { decodeRecords, encodeRecordBatch, validateBatch, type BatchRecord } from "../record/record-batch.ts";

const RECORDS_PER_BATCH = 1_000;
const VALUE_BYTES = 100;
const KEY_BYTES = 16;
const RUN_MS = 1_000;
const ROUNDS = 3;

function makeRecords(): BatchRecord[] {
  const now = Date.now();
  const records: BatchRecord[] = [];
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const value = new Uint8Array(VALUE_BYTES);
    for (let j = 0; j < VALUE_BYTES; j++) value[j] = (i * 31 + j) & 0xff;
    const key = new Uint8Array(KEY_BYTES).fill(i & 0xff);
    records.push({ key, value, headers: [], timestamp: now + i });
  }
  return records;
}

/** Runs `fn` repeatedly for RUN_MS, ROUNDS times; returns the best rate of `units` per call. */
function measure(units: number, fn: () => void): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    let calls = 0;
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = performance.now() - started;
    } while (elapsed < RUN_MS);
    best = Math.max(best, (calls * units) / (elapsed / 1000));
  }
  return best;
}

const records = makeRecords();
const batch = encodeRecordBatch(records);
let sink = 0;

const crcBytesPerSecond = measure(batch.length, () => { sink ^= crc32c(batch); });
const encodeRate = measure(RECORDS_PER_BATCH, () => { sink ^= encodeRecordBatch(records).length; });
const validateRate = measure(RECORDS_PER_BATCH, () => { sink ^= validateBatch(batch, 0, { maxBytes: 1 << 20 }); });
const decodeRate = measure(RECORDS_PER_BATCH, () => { sink ^= decodeRecords(batch).length; });

const fmt = (n: number) => (n / 1e6).toFixed(2) + " M";
console.log(`batch: ${RECORDS_PER_BATCH} records x ${VALUE_BYTES} B values = ${batch.length} bytes`);
console.log(`crc32c     ${(crcBytesPerSecond / 1e9).toFixed(2)} GB/s   (target >= 1.5)`);
console.log(`encode     ${fmt(encodeRate)}records/s   (target >= 3.5 M)`);
// The CRC over the whole batch bounds validation: split the time to show where it goes.
const crcSeconds = batch.length / crcBytesPerSecond;
const walkSeconds = RECORDS_PER_BATCH / validateRate - crcSeconds;
console.log(`validate   ${fmt(validateRate)}records/s   (target >= 20 M; CRC ${(crcSeconds * 1e6).toFixed(0)} us + record walk ${(walkSeconds * 1e6).toFixed(0)} us per batch)`);
console.log(`decode     ${fmt(decodeRate)}records/s`);
if (sink === 0.5) console.log(sink); // keep results alive
