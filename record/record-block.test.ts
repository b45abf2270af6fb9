import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { encodeRecordBatch, validateBatch, decodeRecords, type BatchRecord } from "./record-batch.ts";
import { checkRecordBlock, packedBytes, packRecordBlocks, RecordBlockBuilder, type RecordBlock } from "./record-block.ts";
import { encodeRecordBlock } from "./record-block-encoder.ts";

const T0 = 1_700_000_000_000;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Writes records into a builder, strings as strings (the builder encodes them) when `asText`. */
function build(records: BatchRecord[], asText = false): RecordBlockBuilder {
  const builder = new RecordBlockBuilder(1, 16);
  const decoder = new TextDecoder();
  for (const r of records) {
    builder.beginRecord(r.timestamp);
    builder.writeKey(r.key);
    builder.writeValue(asText && r.value !== null ? decoder.decode(r.value) : r.value);
    builder.writeHeaderCount(r.headers.length);
    for (const [name, value] of r.headers) builder.writeHeader(name, value);
    builder.endRecord();
  }
  return builder;
}

function pack(builder: RecordBlockBuilder): RecordBlock {
  return packRecordBlocks([{ builder, from: 0, to: builder.count }]);
}

const bytes = fc.uint8Array({ maxLength: 300 });
const header = fc.tuple(fc.string({ maxLength: 20 }), fc.option(bytes, { nil: null })) as fc.Arbitrary<[string, Uint8Array | null]>;
const record: fc.Arbitrary<BatchRecord> = fc.record({
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.array(header, { maxLength: 5 }),
  timestamp: fc.oneof(fc.integer({ min: T0 - 1e9, max: T0 + 1e9 }), fc.constantFrom(0, 2 ** 52, -1)),
});
const producer = fc.oneof(
  fc.constant({}),
  fc.record({ producerId: fc.integer({ min: 0, max: 2 ** 40 }), producerEpoch: fc.integer({ min: 0, max: 32767 }), baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
);

test("block → RecordBatch bytes equal encodeRecordBatch's for the same records and producer fields", () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), producer, (records, options) => {
      const block = pack(build(records));
      assert.is(checkRecordBlock(block), null);
      const fromBlock = encodeRecordBlock(block, options);
      assert.equal(fromBlock, encodeRecordBatch(records, options));
    }),
    { numRuns: 300 },
  );
});

/** One builder per group, each packed from a seed-chosen record to its end. */
function tailRanges(groups: BatchRecord[][], seed: number) {
  return groups.map((records, g) => {
    const builder = build(records);
    const from = (seed + g) % records.length;
    return { builder, from, to: records.length, records: records.slice(from) };
  });
}

test("ranges of several builders pack into one block that encodes as their records concatenated", () => {
  fc.assert(
    fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.nat(), (groups, seed) => {
      const ranges = tailRanges(groups, seed);
      const block = packRecordBlocks(ranges);
      assert.is(checkRecordBlock(block), null);
      // One buffer behind every view: one entry in a transfer list moves the whole block.
      for (const view of [block.timestamps, block.lengths]) assert.ok(view.buffer === block.data.buffer);
      assert.equal(encodeRecordBlock(block), encodeRecordBatch(ranges.flatMap((r) => r.records)));
    }),
    { numRuns: 200 },
  );
});

test("ranges packed into a SharedArrayBuffer, and a block's data at any address, encode the same bytes", () => {
  fc.assert(
    fc.property(fc.array(fc.array(record, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.nat(), (groups, seed) => {
      const ranges = tailRanges(groups, seed);
      const expected = encodeRecordBatch(ranges.flatMap((r) => r.records));
      const shared = packRecordBlocks(ranges, new SharedArrayBuffer(packedBytes(ranges) + 64));
      assert.ok(shared.data.buffer instanceof SharedArrayBuffer);
      assert.is(checkRecordBlock(shared), null);
      assert.equal(encodeRecordBlock(shared), expected);
      // The encoder aligns its copy to the data's address: every address modulo 8 gives the same batch.
      const shift = seed % 8;
      const moved = new Uint8Array(new SharedArrayBuffer(shared.data.length + 8), shift, shared.data.length);
      moved.set(shared.data);
      const out = encodeRecordBlock({ ...shared, data: moved });
      assert.equal(out, expected);
      assert.is(out.byteOffset, 0);
    }),
    { numRuns: 200 },
  );
});

test("strings written by the builder are the UTF-8 bytes TextEncoder gives, short and long", () => {
  // Lengths around the varint boundaries (63/64 and 8191/8192 bytes), where the builder's
  // guessed length prefix is longer than the real one.
  const texts = ["", "plain ascii", "ünïcødé ✓ 😀", "lone \ud800 surrogate", "x".repeat(1000) + "é", "😀".repeat(300),
    "a".repeat(21), "a".repeat(22), "é".repeat(31), "é".repeat(32), "a".repeat(63), "a".repeat(64), "a".repeat(2731), "a".repeat(8191), "a".repeat(8192), "é".repeat(4096)];
  const builder = new RecordBlockBuilder();
  for (const text of texts) {
    builder.beginRecord(T0);
    builder.writeKey(text);
    builder.writeValue(text);
    builder.writeHeaderCount(1);
    builder.writeHeader(text, text);
    builder.endRecord();
  }
  const expected = texts.map((text) => ({ key: utf8(text), value: utf8(text), headers: [[text, utf8(text)]] as [string, Uint8Array][], timestamp: T0 }));
  const batch = encodeRecordBlock(pack(builder));
  assert.equal(batch, encodeRecordBatch(expected));
  assert.is(validateBatch(batch, 0, { maxBytes: 1 << 20 }), batch.length);
  assert.is(new TextDecoder().decode(decodeRecords(batch)[3].value!), "lone \ufffd surrogate");
  assert.equal(decodeRecords(batch).map((r) => r.value!.length), texts.map((t) => utf8(t).length));
});

test("a builder grows past its first guess without losing records", () => {
  const records = Array.from({ length: 500 }, (_, i) => ({ key: utf8(`k${i}`), value: new Uint8Array(i % 200).fill(i & 0xff), headers: i % 3 ? [] : ([["h", utf8("v")]] as [string, Uint8Array][]), timestamp: T0 + i }));
  const block = pack(build(records));
  assert.is(block.count, 500);
  assert.equal(encodeRecordBlock(block), encodeRecordBatch(records));
});

test("checkRecordBlock names what is inconsistent", () => {
  const good = pack(build([{ key: utf8("k"), value: utf8("value"), headers: [["h", null]], timestamp: T0 }, { key: null, value: null, headers: [], timestamp: T0 }]));
  assert.is(checkRecordBlock(good), null);
  assert.match(checkRecordBlock({ ...good, data: good.data.subarray(0, 3) })!, /record 0 has a tail of 12 bytes at 0 in 3/);
  assert.match(checkRecordBlock({ ...good, data: Uint8Array.from([...good.data, 0]) })!, /tails add up to 15 bytes, the data has 16/);
  assert.match(checkRecordBlock({ ...good, lengths: Int32Array.from([12, 2, 3, -1]) })!, /record 0 does not start with its key length 2/);
  assert.match(checkRecordBlock({ ...good, lengths: Int32Array.from([12, 1, 3, 0]) })!, /record 1 does not start with its key length 0/);
  assert.match(checkRecordBlock({ ...good, lengths: Int32Array.from([12, 1]) })!, /table sizes/);
  assert.match(checkRecordBlock({ ...good, count: 0 })!, /at least one record/);
  assert.match(checkRecordBlock({ ...good, timestamps: Float64Array.from([T0, NaN]) })!, /record 1 has timestamp NaN/);
});

test.run();
