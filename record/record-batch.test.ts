import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { isRivuletError } from "../core/errors.ts";
import type { RecordHeader } from "./record-header.ts";
import { Attributes, BatchOffset } from "./batch-layout.ts";
import { decodeRecords, encodeRecordBatch, readBatchHeader, validateBatch, type BatchRecord, type DecodedRecord } from "./record-batch.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const limit = { maxBytes: 64 << 20 };
const T0 = 1_700_000_000_000;

/** Records as plain arrays, so uvu's deep equality compares bytes and not views. */
function plain(records: Array<BatchRecord | DecodedRecord>) {
  const bytes = (b: Uint8Array | null) => (b === null ? null : Array.from(b));
  return records.map((r) => ({
    timestamp: r.timestamp,
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers.map(([name, value]) => [name, bytes(value)]),
  }));
}

function roundTrip(records: BatchRecord[], baseOffset = 0): DecodedRecord[] {
  const batch = encodeRecordBatch(records, { baseOffset });
  assert.is(validateBatch(batch, 0, limit), batch.length);
  const decoded = decodeRecords(batch);
  assert.equal(plain(decoded), plain(records));
  assert.equal(decoded.map((r) => r.offset), records.map((_, i) => baseOffset + i));
  return decoded;
}

test("encodeRecordBatch() round trips null keys, null values, empty and binary values", () => {
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  roundTrip([
    { key: null, value: utf8("v"), headers: [], timestamp: T0 },
    { key: utf8("k"), value: null, headers: [], timestamp: T0 },
    { key: new Uint8Array(0), value: new Uint8Array(0), headers: [], timestamp: T0 },
    { key: binary, value: binary, headers: [], timestamp: T0 },
    { key: null, value: null, headers: [], timestamp: T0 },
  ], 7);
});

test("encodeRecordBatch() round trips many headers, repeated names, null and UTF-8", () => {
  const headers: RecordHeader[] = [];
  for (let i = 0; i < 64; i++) headers.push([`h${i % 5}`, i % 7 === 0 ? null : utf8(`value ${i}`)]);
  headers.push(["ünïcødé ✓ 😀", utf8("x")], ["", new Uint8Array(0)], ["lone \ud800 surrogate", null]);
  const decoded = encodeRecordBatch([{ key: null, value: null, headers, timestamp: T0 }]);
  const [record] = decodeRecords(decoded);
  assert.is(record.headers.length, headers.length);
  assert.is(record.headers.filter(([name]) => name === "h0").length, 13);
  assert.is(record.headers[64][0], "ünïcødé ✓ 😀");
  assert.is(record.headers[66][0], "lone \ufffd surrogate"); // as TextEncoder would write it
  roundTrip([{ key: null, value: null, headers: headers.slice(0, 66), timestamp: T0 }]);
});

test("encodeRecordBatch() keeps negative timestamp deltas and sets max timestamp", () => {
  const records: BatchRecord[] = [T0, T0 - 5000, T0 + 10, T0 - 2 ** 40, -1].map((timestamp) => ({ key: null, value: utf8("x"), headers: [], timestamp }));
  const batch = encodeRecordBatch(records);
  const header = readBatchHeader(batch);
  assert.is(header.baseTimestamp, T0);
  assert.is(header.maxTimestamp, T0 + 10);
  roundTrip(records);
});

test("encodeRecordBatch() round trips a large batch of 20,000 records", () => {
  const records: BatchRecord[] = [];
  for (let i = 0; i < 20_000; i++) records.push({ key: utf8(`key-${i}`), value: new Uint8Array(100).fill(i & 0xff), headers: i % 100 === 0 ? [["n", utf8(String(i))]] : [], timestamp: T0 + i });
  const decoded = roundTrip(records, 1_000_000_000_000);
  assert.is(decoded[19_999].offset, 1_000_000_000_000 + 19_999);
  assert.is(readBatchHeader(encodeRecordBatch(records)).lastOffsetDelta, 19_999);
});

test("encodeRecordBatch() writes the options into the header", () => {
  const batch = encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: T0 }], {
    baseOffset: 2 ** 40, partitionLeaderEpoch: 3, producerId: 2 ** 45 + 1, producerEpoch: 4, baseSequence: 5, transactional: true,
  });
  const header = readBatchHeader(batch);
  assert.equal(
    [header.baseOffset, header.partitionLeaderEpoch, header.producerId, header.producerEpoch, header.baseSequence, header.magic, header.recordCount],
    [2 ** 40, 3, 2 ** 45 + 1, 4, 5, 2, 1],
  );
  assert.is(header.attributes, Attributes.transactional);
  assert.is(header.batchLength, batch.length - 12);
  const defaults = readBatchHeader(encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: T0 }]));
  assert.equal([defaults.baseOffset, defaults.partitionLeaderEpoch, defaults.producerId, defaults.producerEpoch, defaults.baseSequence, defaults.attributes], [0, -1, -1, -1, -1, 0]);
});

test("encodeRecordBatch() throws invalid_record for no records", () => {
  assert.throws(() => encodeRecordBatch([]), (e: unknown) => isRivuletError(e, "invalid_record"));
});

test("decodeRecords() gives LogAppendTime batches the max timestamp", () => {
  const records: BatchRecord[] = [{ key: null, value: utf8("a"), headers: [], timestamp: T0 }, { key: null, value: utf8("b"), headers: [], timestamp: T0 + 9 }];
  const batch = encodeRecordBatch(records, { logAppendTime: true });
  assert.is(batch[BatchOffset.attributes + 1] & Attributes.timestampTypeLogAppend, Attributes.timestampTypeLogAppend);
  assert.equal(decodeRecords(batch).map((r) => r.timestamp), [T0 + 9, T0 + 9]);
});

test("decodeRecords() returns zero-copy views into the batch", () => {
  const batch = encodeRecordBatch([{ key: utf8("k"), value: utf8("value"), headers: [["h", utf8("hv")]], timestamp: T0 }]);
  const [record] = decodeRecords(batch);
  assert.is(record.value!.buffer, batch.buffer);
  assert.is(record.key!.buffer, batch.buffer);
  assert.is(record.headers[0][1]!.buffer, batch.buffer);
  batch[record.value!.byteOffset] = 0x56; // "V"
  assert.is(new TextDecoder().decode(record.value!), "Value");
});

test("decodeRecords() reads a batch at a position inside a larger buffer", () => {
  const a = encodeRecordBatch([{ key: null, value: utf8("first"), headers: [], timestamp: T0 }], { baseOffset: 0 });
  const b = encodeRecordBatch([{ key: null, value: utf8("second"), headers: [], timestamp: T0 }], { baseOffset: 1 });
  const both = new Uint8Array(a.length + b.length + 3);
  both.set(a, 3);
  both.set(b, 3 + a.length);
  const [record] = decodeRecords(both, 3 + a.length);
  assert.is(new TextDecoder().decode(record.value!), "second");
  assert.is(record.offset, 1);
});

test("encodeRecordBatch() round trips gzip batches", () => {
  const records: BatchRecord[] = [];
  for (let i = 0; i < 500; i++) records.push({ key: i % 3 ? utf8(`k${i}`) : null, value: utf8(`value number ${i} `.repeat(5)), headers: [["trace", utf8(String(i))]], timestamp: T0 + i });
  const batch = encodeRecordBatch(records, { compression: "gzip", baseOffset: 10 });
  const header = readBatchHeader(batch);
  assert.is(header.attributes & Attributes.compressionMask, 1);
  assert.is(header.recordCount, 500);
  assert.ok(batch.length < encodeRecordBatch(records).length / 3);
  assert.is(validateBatch(batch, 0, limit), batch.length);
  const decoded = decodeRecords(batch);
  assert.equal(plain(decoded), plain(records));
  assert.is(decoded[499].offset, 509);
});

test("decodeRecords() throws corrupt_record naming the position for truncated or overrunning batches", () => {
  const batch = encodeRecordBatch([{ key: utf8("k"), value: utf8("value"), headers: [["h", null]], timestamp: T0 }]);
  const isCorrupt = (e: unknown) => isRivuletError(e, "corrupt_record") && /position 0/.test((e as Error).message);
  assert.throws(() => decodeRecords(batch.subarray(0, batch.length - 1)), isCorrupt);
  assert.throws(() => decodeRecords(batch.subarray(0, 30)), isCorrupt);
  const overrun = batch.slice();
  overrun[61] = 0x7e; // record length 63, past the batch end
  assert.throws(() => decodeRecords(overrun), isCorrupt);
  const magic = batch.slice();
  magic[BatchOffset.magic] = 0;
  assert.throws(() => decodeRecords(magic), isCorrupt);
});

test("decodeRecords() throws invalid_record for snappy batches", () => {
  const batch = encodeRecordBatch([{ key: null, value: utf8("v"), headers: [], timestamp: T0 }]);
  batch[BatchOffset.attributes + 1] = 2;
  assert.throws(() => decodeRecords(batch), (e: unknown) => isRivuletError(e, "invalid_record") && /snappy/.test((e as Error).message));
});


const headerArb = fc.tuple(fc.string({ maxLength: 12, unit: "grapheme" }), fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }));
const recordArb: fc.Arbitrary<BatchRecord> = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null }),
  headers: fc.array(headerArb, { maxLength: 5 }) as fc.Arbitrary<RecordHeader[]>,
  timestamp: fc.integer({ min: -1, max: 2 ** 45 }),
});
const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 30 }),
  baseOffset: fc.integer({ min: 0, max: 2 ** 50 }),
  gzip: fc.boolean(),
});

test("encodeRecordBatch() round trips random records (property)", () => {
  fc.assert(fc.property(batchArb, ({ records, baseOffset, gzip }) => {
    const batch = encodeRecordBatch(records, { baseOffset, compression: gzip ? "gzip" : "none" });
    const decoded = decodeRecords(batch);
    assert.equal(plain(decoded), plain(records));
    assert.equal(decoded.map((r) => r.offset), records.map((_, i) => baseOffset + i));
  }), { numRuns: 200 });
});

test("validateBatch() accepts every encoded batch (property)", () => {
  fc.assert(fc.property(batchArb, ({ records, baseOffset, gzip }) => {
    const batch = encodeRecordBatch(records, { baseOffset, compression: gzip ? "gzip" : "none" });
    return validateBatch(batch, 0, limit) === batch.length;
  }), { numRuns: 200 });
});

test.run();
