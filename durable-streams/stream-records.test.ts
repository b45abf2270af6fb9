import { test } from "uvu";
import * as assert from "uvu/assert";
import { concatBytes } from "../test/support/bytes.ts";
import { decodeRecords, encodeFilteredBatch, encodeRecordBatch, readBatchHeader } from "../record/record-batch.ts";
import { walkStreamRecords } from "./stream-records.ts";

const enc = new TextEncoder();
const batchAt = (baseOffset: number, count: number): Uint8Array =>
  encodeRecordBatch(Array.from({ length: count }, (_, i) => ({ key: enc.encode(`k${i}`), value: enc.encode(`v${baseOffset + i}`), headers: [], timestamp: 1 })), { baseOffset, producerId: 3, producerEpoch: 0, baseSequence: baseOffset });
const thinned = (bytes: Uint8Array, keep: (offset: number) => boolean): Uint8Array =>
  encodeFilteredBatch(readBatchHeader(bytes), decodeRecords(bytes).filter((r) => keep(r.offset)));

test("walkStreamRecords() steps past a batch thinned at its tail and past an emptied batch", () => {
  const bytes = concatBytes([thinned(batchAt(0, 4), (o) => o === 1), thinned(batchAt(4, 3), () => false)]);
  const seen: number[] = [];
  const next = walkStreamRecords(bytes, 0, 100, (offset) => {
    seen.push(offset);
    return true;
  });
  assert.equal(seen, [1]);
  assert.is(next, 7, "past the last offset of both batches");
  assert.is(walkStreamRecords(bytes, 0, 5, () => true), 5, "never past the end asked for");
  let visits = 0;
  assert.is(walkStreamRecords(bytes, 0, 100, () => (visits++, false)), 2, "a visitor that stops keeps the offset after its record");
});

test.run();
