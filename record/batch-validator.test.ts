import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { isRivuletError, type RivuletError } from "../core/errors.ts";
import { BatchOffset, CRC_START } from "./batch-layout.ts";
import { crc32c } from "./crc32c.ts";
import { encodeRecordBatch, validateBatch, type BatchRecord } from "./record-batch.ts";
import { writeVarint } from "./varint.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const T = 1_700_000_000_000;
const FILE = "/data/orders-0/00000000000000000000.log";
const options = { maxBytes: 1 << 20, file: FILE };

function sampleBatch(count = 3, baseOffset = 0): Uint8Array {
  const records: BatchRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push({ key: i % 2 ? utf8(`k${i}`) : null, value: utf8(`value-${i}`), headers: i === 1 ? [["h", utf8("x")], ["h", null]] : [], timestamp: T + i });
  }
  return encodeRecordBatch(records, { baseOffset });
}

/** Recomputes the CRC after an edit, so that the check under test is not the CRC's. */
function reseal(batch: Uint8Array): Uint8Array {
  new DataView(batch.buffer, batch.byteOffset).setUint32(BatchOffset.crc, crc32c(batch, CRC_START));
  return batch;
}

/** True when `fn` throws corrupt_record naming the file and the position (and `reason`). */
function corrupt(fn: () => unknown, position: number, reason?: RegExp): boolean {
  try {
    fn();
  } catch (error) {
    if (!isRivuletError(error, "corrupt_record")) throw error;
    const message = (error as RivuletError).message;
    assert.ok(message.includes(FILE), `message names the file: ${message}`);
    assert.ok(message.includes(`position ${position}`), `message names position ${position}: ${message}`);
    if (reason) assert.match(message, reason);
    assert.is((error as RivuletError).info.position, position);
    return true;
  }
  return false;
}

test("validateBatch() returns the size of a good batch and walks concatenated batches", () => {
  const a = sampleBatch(3, 0);
  const b = sampleBatch(5, 3);
  const segment = new Uint8Array(a.length + b.length);
  segment.set(a);
  segment.set(b, a.length);
  assert.is(validateBatch(segment, 0, options), a.length);
  assert.is(validateBatch(segment, a.length, options), b.length);
});

test("validateBatch() catches every single bit flipped inside the checked bytes", () => {
  const prefix = sampleBatch(2);
  const batch = sampleBatch(4);
  const bytes = new Uint8Array(prefix.length + batch.length);
  bytes.set(prefix);
  bytes.set(batch, prefix.length);
  const at = prefix.length;
  let flips = 0;
  // baseOffset [0, 8) and partitionLeaderEpoch [12, 16) lie outside the CRC by design (the
  // broker stamps them); every other bit is covered by the length, magic or CRC checks.
  for (let i = BatchOffset.batchLength; i < batch.length; i++) {
    if (i >= BatchOffset.partitionLeaderEpoch && i < BatchOffset.magic) continue;
    for (let bit = 0; bit < 8; bit++) {
      bytes[at + i] ^= 1 << bit;
      assert.ok(corrupt(() => validateBatch(bytes, at, options), at), `flip of bit ${bit} in byte ${i} not caught`);
      bytes[at + i] ^= 1 << bit;
      flips++;
    }
  }
  assert.is(flips, (batch.length - 12) * 8);
  assert.is(validateBatch(bytes, at, options), batch.length);
});

test("validateBatch() reports a CRC mismatch by name", () => {
  const batch = sampleBatch();
  batch[batch.length - 1] ^= 0x40;
  assert.ok(corrupt(() => validateBatch(batch, 0, options), 0, /CRC mismatch/));
});

test("validateBatch() catches every truncation", () => {
  const batch = sampleBatch();
  for (let length = 0; length < batch.length; length++) {
    assert.ok(corrupt(() => validateBatch(batch.subarray(0, length), 0, options), 0, /truncated/), `length ${length}`);
  }
});

test("validateBatch() rejects random garbage as corrupt_record", () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (garbage) => corrupt(() => validateBatch(garbage, 0, options), 0)));
  const zeros = new Uint8Array(100);
  assert.ok(corrupt(() => validateBatch(zeros, 0, options), 0, /batchLength 0/));
});

test("validateBatch() throws record_too_large above maxBytes", () => {
  const batch = sampleBatch();
  assert.is(validateBatch(batch, 0, { maxBytes: batch.length }), batch.length);
  assert.throws(() => validateBatch(batch, 0, { maxBytes: batch.length - 1 }), (e: unknown) => isRivuletError(e, "record_too_large"));
});

test("validateBatch() rejects a wrong magic, an unknown codec and unsafe int64 fields", () => {
  const magic = sampleBatch();
  magic[BatchOffset.magic] = 1;
  assert.ok(corrupt(() => validateBatch(magic, 0, options), 0, /magic 1/));
  const codec = sampleBatch();
  codec[BatchOffset.attributes + 1] |= 5;
  assert.ok(corrupt(() => validateBatch(reseal(codec), 0, options), 0, /codec 5/));
  const timestamp = sampleBatch();
  timestamp[BatchOffset.maxTimestamp] = 0x7f;
  assert.ok(corrupt(() => validateBatch(reseal(timestamp), 0, options), 0, /maxTimestamp/));
});

test("validateBatch() rejects inconsistent recordCount and lastOffsetDelta", () => {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset);
  const negative = sampleBatch();
  view(negative).setInt32(BatchOffset.recordCount, -1);
  assert.ok(corrupt(() => validateBatch(reseal(negative), 0, options), 0, /recordCount -1/));
  const delta = sampleBatch();
  view(delta).setInt32(BatchOffset.lastOffsetDelta, 1);
  assert.ok(corrupt(() => validateBatch(reseal(delta), 0, options), 0, /lastOffsetDelta/));
  const more = sampleBatch();
  view(more).setInt32(BatchOffset.recordCount, 4);
  view(more).setInt32(BatchOffset.lastOffsetDelta, 3);
  assert.ok(corrupt(() => validateBatch(reseal(more), 0, options), 0));
  const fewer = sampleBatch();
  view(fewer).setInt32(BatchOffset.recordCount, 2);
  assert.ok(corrupt(() => validateBatch(reseal(fewer), 0, options), 0, /bytes after record 1/));
});

test("validateBatch() catches records that overrun the batch or their own length", () => {
  // The first record starts at 61: length varint, attributes, timestampDelta, offsetDelta, key.
  const first = 61;
  const grown = sampleBatch();
  writeVarint(grown, first, 63); // one-byte varint, now far past the batch end
  assert.ok(corrupt(() => validateBatch(reseal(grown), 0, options), 0, /record 0 has length/));
  const keyOverrun = sampleBatch();
  assert.is(keyOverrun[first + 4], 1); // record 0 has a null key
  keyOverrun[first + 4] = 0x7e; // key of 63 bytes
  assert.ok(corrupt(() => validateBatch(reseal(keyOverrun), 0, options), 0, /overruns/));
  const badLength = sampleBatch();
  badLength[first + 4] = 3; // key length -2
  assert.ok(corrupt(() => validateBatch(reseal(badLength), 0, options), 0, /overruns/));
  const offsets = sampleBatch();
  offsets[first + 3] = 4; // offsetDelta 2 for record 0, then record 1 has 1
  assert.ok(corrupt(() => validateBatch(reseal(offsets), 0, options), 0, /offsetDelta/));
});

test("validateBatch() catches bytes after the last record", () => {
  const batch = sampleBatch();
  const padded = new Uint8Array(batch.length + 2);
  padded.set(batch);
  new DataView(padded.buffer).setInt32(BatchOffset.batchLength, padded.length - 12);
  assert.ok(corrupt(() => validateBatch(reseal(padded), 0, options), 0, /2 bytes after record 2/));
});

test("validateBatch() accepts gzip batches without parsing their records", () => {
  const batch = encodeRecordBatch([{ key: null, value: utf8("x".repeat(1000)), headers: [], timestamp: T }], { compression: "gzip" });
  assert.is(validateBatch(batch, 0, options), batch.length);
  batch[batch.length - 3] ^= 1;
  assert.ok(corrupt(() => validateBatch(batch, 0, options), 0, /CRC/));
});

test.run();
