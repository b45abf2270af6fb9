import { test } from "uvu";
import { concatBytes } from "../test/support/bytes.ts";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { Attributes, BatchOffset } from "./batch-layout.ts";
import {
  batchSize, decodeRecords, encodeRecordBatch, iterateBatches, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch, stampLogAppendTime, validateBatch, type BatchRecord,
} from "./record-batch.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const T = 1_700_000_000_000;
const limit = { maxBytes: 1 << 20 };
const records = (n: number): BatchRecord[] => Array.from({ length: n }, (_, i) => ({ key: null, value: utf8(`v${i}`), headers: [], timestamp: T + i }));

const concat = (...parts: Uint8Array[]) => concatBytes(parts);

test("readBatchHeader() reads every field at a position", () => {
  const batch = encodeRecordBatch(records(3), { baseOffset: 42, partitionLeaderEpoch: 7, producerId: 99, producerEpoch: 2, baseSequence: 10 });
  const bytes = concat(new Uint8Array(5), batch);
  const header = readBatchHeader(bytes, 5);
  assert.equal(header, {
    baseOffset: 42, batchLength: batch.length - 12, partitionLeaderEpoch: 7, magic: 2, crc: new DataView(batch.buffer).getUint32(17), attributes: 0,
    lastOffsetDelta: 2, baseTimestamp: T, maxTimestamp: T + 2, producerId: 99, producerEpoch: 2, baseSequence: 10, recordCount: 3,
  });
});

test("readBatchHeader() throws corrupt_record for a short header or an unsafe int64", () => {
  const batch = encodeRecordBatch(records(1));
  assert.throws(() => readBatchHeader(batch.subarray(0, 60)), (e: unknown) => isRivuletError(e, "corrupt_record"));
  batch[BatchOffset.producerId] = 0x40;
  assert.throws(() => readBatchHeader(batch), (e: unknown) => isRivuletError(e, "corrupt_record") && /producerId/.test((e as Error).message));
});

test("batchSize() returns 12 + batchLength, or -1 under 12 bytes", () => {
  const batch = encodeRecordBatch(records(2));
  assert.is(batchSize(batch), batch.length);
  assert.is(batchSize(concat(new Uint8Array(3), batch), 3), batch.length);
  assert.is(batchSize(batch.subarray(0, 12)), batch.length);
  assert.is(batchSize(batch.subarray(0, 11)), -1);
  assert.is(batchSize(batch, batch.length - 5), -1);
});

test("setBaseOffset() re-stamps offsets without breaking the CRC", () => {
  const batch = encodeRecordBatch(records(3));
  const crcBefore = readBatchHeader(batch).crc;
  setBaseOffset(batch, 0, 2 ** 40 + 3);
  assert.is(readBatchHeader(batch).baseOffset, 2 ** 40 + 3);
  assert.is(readBatchHeader(batch).crc, crcBefore);
  assert.is(validateBatch(batch, 0, limit), batch.length);
  assert.equal(decodeRecords(batch).map((r) => r.offset), [2 ** 40 + 3, 2 ** 40 + 4, 2 ** 40 + 5]);
  assert.throws(() => setBaseOffset(batch, 0, -1));
});

test("setPartitionLeaderEpoch() stamps the epoch outside the CRC: the batch stays valid", () => {
  const batch = encodeRecordBatch([{ key: null, value: utf8("x"), headers: [], timestamp: T }]);
  assert.is(readBatchHeader(batch).partitionLeaderEpoch, -1, "the encoder's default: no epoch");
  for (const epoch of [0, 1, 0x1234_5678, 0x7fff_ffff]) {
    setPartitionLeaderEpoch(batch, 0, epoch);
    assert.is(readBatchHeader(batch).partitionLeaderEpoch, epoch);
    validateBatch(batch, 0, limit);
  }
  assert.throws(() => setPartitionLeaderEpoch(batch, 0, -1));
  assert.throws(() => setPartitionLeaderEpoch(batch, 0, 2 ** 31));
  assert.throws(() => setPartitionLeaderEpoch(batch.subarray(0, 40), 0, 1));
});

test("stampLogAppendTime() sets the attribute and max timestamp and reseals the CRC", () => {
  const batch = encodeRecordBatch(records(3), { transactional: true });
  const bytes = concat(encodeRecordBatch(records(1)), batch);
  const at = bytes.length - batch.length;
  stampLogAppendTime(bytes, at, T + 1000);
  const header = readBatchHeader(bytes, at);
  assert.is(header.attributes, Attributes.timestampTypeLogAppend | Attributes.transactional);
  assert.is(header.maxTimestamp, T + 1000);
  assert.is(validateBatch(bytes, at, limit), batch.length);
  assert.equal(decodeRecords(bytes, at).map((r) => r.timestamp), [T + 1000, T + 1000, T + 1000]);
});

test("iterateBatches() yields each whole batch and stops before a partial tail", () => {
  const a = encodeRecordBatch(records(1), { baseOffset: 0 });
  const b = encodeRecordBatch(records(4), { baseOffset: 1 });
  const c = encodeRecordBatch(records(2), { baseOffset: 5 });
  const all = concat(a, b, c);
  assert.equal([...iterateBatches(all)].map(({ position, header }) => [position, header.baseOffset, header.recordCount]), [[0, 0, 1], [a.length, 1, 4], [a.length + b.length, 5, 2]]);
  assert.is([...iterateBatches(all.subarray(0, all.length - 1))].length, 2);
  assert.is([...iterateBatches(all.subarray(0, a.length + 30))].length, 1);
  assert.is([...iterateBatches(new Uint8Array(0))].length, 0);
});

test("iterateBatches() throws corrupt_record when a batchLength cannot advance", () => {
  const bytes = concat(encodeRecordBatch(records(1)), new Uint8Array(70));
  assert.throws(() => [...iterateBatches(bytes)], (e: unknown) => isRivuletError(e, "corrupt_record"));
});

test.run();
