import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { encodeControlBatch } from "../../record/control-batch.ts";
import { setBaseOffset } from "../../record/batch-header.ts";
import { encodeRecordBatch, type BatchRecord } from "../../record/record-batch-encoder.ts";
import { TaskStores } from "./task-stores.ts";
import { concatBytes } from "../../test/support/bytes.ts";

const text = (s: string) => new TextEncoder().encode(s);
const read = (v: Uint8Array | undefined) => (v === undefined ? undefined : new TextDecoder().decode(v));
const record = (key: Uint8Array | string | null, value: string | null, headers: BatchRecord["headers"] = []): BatchRecord => ({ key: typeof key === "string" ? text(key) : key, value: value === null ? null : text(value), headers, timestamp: 1000 });

function stores(): TaskStores {
  const s = new TaskStores("/nonexistent", { storeBytesMax: 1 << 20 });
  s.open("counts");
  return s;
}

test("stored batches apply in offset order: updates, tombstones, headers, gzip, binary keys, control batches skipped", () => {
  const binaryKey = new Uint8Array([0, 0x80, 0x9f, 0xff]);
  const first = encodeRecordBatch([record("alice", "1"), record("bob", "1"), record(binaryKey, "b", [["h", text("v")]])], { baseOffset: 0 });
  const second = encodeRecordBatch([record("alice", "2"), record("bob", null), record("carol", "")], { baseOffset: 3, compression: "gzip" });
  const marker = encodeControlBatch({ producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, commit: true, timestamp: 1000 });
  setBaseOffset(marker, 0, 6);
  const s = stores();
  const applied = s.applyChangelogBatches("counts", concatBytes([first, second, marker]), 0);
  assert.is(applied, 6);
  const counts = s.get("counts")!;
  assert.is(read(counts.get(text("alice"))), "2");
  assert.is(counts.get(text("bob")), undefined);
  assert.is(read(counts.get(text("carol"))), "");
  assert.is(read(counts.get(binaryKey)), "b");
  assert.equal([...counts.range()].map(([k]) => [...k]), [[...binaryKey], [...text("alice")], [...text("carol")]]);
  assert.is(counts.bytes, 4 + 1 + 5 + 1 + 5 + 0);
});

test("records before fromOffset are skipped, within a batch and whole batches", () => {
  const first = encodeRecordBatch([record("a", "1"), record("b", "1")], { baseOffset: 0 });
  const second = encodeRecordBatch([record("a", "2"), record("c", "1")], { baseOffset: 2 });
  const s = stores();
  assert.is(s.applyChangelogBatches("counts", concatBytes([first, second]), 3), 1);
  const counts = s.get("counts")!;
  assert.is(counts.size, 1);
  assert.is(read(counts.get(text("c"))), "1");
});

test("aborted transactions' batches are skipped under read_committed", () => {
  const aborted = encodeRecordBatch([record("a", "aborted")], { baseOffset: 0, producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true });
  const abortMarker = encodeControlBatch({ producerId: 7, producerEpoch: 0, coordinatorEpoch: 0, commit: false, timestamp: 1000 });
  setBaseOffset(abortMarker, 0, 1);
  const committed = encodeRecordBatch([record("b", "kept")], { baseOffset: 2 });
  const s = stores();
  assert.is(s.applyChangelogBatches("counts", concatBytes([aborted, abortMarker, committed]), 0, [{ producerId: 7, firstOffset: 0 }]), 1);
  assert.is(s.get("counts")!.get(text("a")), undefined);
  assert.is(read(s.get("counts")!.get(text("b"))), "kept");
});

test("a record without a key and a malformed batch are refused with corrupt_record", () => {
  const s = stores();
  try {
    s.applyChangelogBatches("counts", encodeRecordBatch([record(null, "1")], { baseOffset: 0 }), 0);
    assert.unreachable("applied");
  } catch (error) {
    assert.ok(isRivuletError(error, "corrupt_record"), String(error));
    assert.match((error as Error).message, /without a key/);
  }
  const batch = encodeRecordBatch([record("abc", "1"), record("def", "2")], { baseOffset: 0 });
  // The first record's key length (a zig-zag varint after length, attributes, timestamp and offset deltas) made too long.
  const damaged = batch.slice();
  damaged[61 + 4] = 0x7e; // 63 bytes: past the record's end
  try {
    stores().applyChangelogBatches("counts", damaged, 0);
    assert.unreachable("applied");
  } catch (error) {
    assert.ok(isRivuletError(error, "corrupt_record"), String(error));
  }
});

test.run();
