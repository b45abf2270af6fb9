import { test } from "uvu";
import * as assert from "uvu/assert";
import { Attributes } from "./batch-layout.ts";
import { decodeRecords, encodeFilteredBatch, encodeRecordBatch, iterateBatches, readBatchHeader, validateBatch, type BatchRecord } from "./record-batch.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const recs = (n: number, t0 = 1_700_000_000_000): BatchRecord[] =>
  Array.from({ length: n }, (_, i) => ({ key: enc.encode(`k${i}`), value: enc.encode(`v${i}`), headers: i === 2 ? [["h", enc.encode("x")]] : [], timestamp: t0 + i * 10 }));

/** Everything but the CRC, batch length, record count and timestamps must come through unchanged. */
function assertSameHeader(original: Uint8Array, rewritten: Uint8Array): void {
  const a = readBatchHeader(original);
  const b = readBatchHeader(rewritten);
  for (const f of ["baseOffset", "lastOffsetDelta", "producerId", "producerEpoch", "baseSequence", "partitionLeaderEpoch", "magic"] as const) assert.is(b[f], a[f], f);
}

test("encodeFilteredBatch() keeps the header and each kept record's offset, leaving gaps", () => {
  const original = encodeRecordBatch(recs(6), { baseOffset: 100, producerId: 42, producerEpoch: 3, baseSequence: 17, partitionLeaderEpoch: 5, transactional: true });
  const all = decodeRecords(original);
  const kept = [all[1], all[2], all[4]];
  const out = encodeFilteredBatch(readBatchHeader(original), kept);
  assert.is(validateBatch(out, 0, { maxBytes: 1 << 20 }), out.length);
  assertSameHeader(original, out);
  const h = readBatchHeader(out);
  assert.is(h.recordCount, 3);
  assert.is(h.attributes, readBatchHeader(original).attributes, "transactional bit kept");
  assert.is(h.baseTimestamp, all[1].timestamp);
  assert.is(h.maxTimestamp, all[4].timestamp);
  const back = decodeRecords(out);
  assert.equal(back.map((r) => [r.offset, r.timestamp, dec.decode(r.key!), dec.decode(r.value!), r.headers.length]), kept.map((r) => [r.offset, r.timestamp, dec.decode(r.key!), dec.decode(r.value!), r.headers.length]));
  assert.equal(back[1].headers.map(([n, v]) => [n, dec.decode(v!)]), [["h", "x"]]);
});

test("encodeFilteredBatch() with nothing kept writes a valid bare header that decodes to no records", () => {
  const original = encodeRecordBatch(recs(4), { baseOffset: 7, producerId: 9, producerEpoch: 0, baseSequence: 40, compression: "gzip" });
  const out = encodeFilteredBatch(readBatchHeader(original), []);
  assert.is(out.length, 61);
  assert.is(validateBatch(out, 0, { maxBytes: 1 << 20 }), 61);
  assertSameHeader(original, out);
  const h = readBatchHeader(out);
  assert.is(h.recordCount, 0);
  assert.is(h.attributes & Attributes.compressionMask, 0, "no codec on an empty batch");
  assert.is(h.maxTimestamp, readBatchHeader(original).maxTimestamp);
  assert.equal(decodeRecords(out), []);
  assert.equal([...iterateBatches(out)].map((b) => b.header.baseOffset + b.header.lastOffsetDelta), [10]);
});

test("encodeFilteredBatch() recompresses a gzip batch and keeps a LogAppendTime batch's time", () => {
  const zipped = encodeRecordBatch(recs(5), { baseOffset: 0, compression: "gzip" });
  const kept = decodeRecords(zipped).filter((r) => r.offset % 2 === 0);
  const out = encodeFilteredBatch(readBatchHeader(zipped), kept);
  validateBatch(out, 0, { maxBytes: 1 << 20 });
  assert.is(readBatchHeader(out).attributes & Attributes.compressionMask, 1);
  assert.equal(decodeRecords(out).map((r) => r.offset), [0, 2, 4]);

  const appended = encodeRecordBatch(recs(3).map((r) => ({ ...r, timestamp: 5000 })), { logAppendTime: true });
  const out2 = encodeFilteredBatch(readBatchHeader(appended), decodeRecords(appended).slice(2));
  const h = readBatchHeader(out2);
  assert.ok((h.attributes & Attributes.timestampTypeLogAppend) !== 0);
  assert.is(h.maxTimestamp, 5000);
  assert.equal(decodeRecords(out2).map((r) => [r.offset, r.timestamp]), [[2, 5000]]);
});

test.run();
