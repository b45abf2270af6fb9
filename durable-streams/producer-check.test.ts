import { test } from "uvu";
import * as assert from "uvu/assert";
import { BATCH_EPOCH_MAX, BATCH_SEQUENCE_MAX, batchProducer, checkProducer } from "./producer-check.ts";

test("checkProducer() lets an unknown producer start only at seq 0", () => {
  assert.equal(checkProducer(undefined, 0, 0), { kind: "accept" });
  assert.equal(checkProducer(undefined, 7, 0), { kind: "accept" });
  assert.equal(checkProducer(undefined, 0, 3), { kind: "gap", expected: 0 });
});

test("checkProducer() fences lower epochs and needs seq 0 to open a new one", () => {
  const known = { epoch: 2, lastSeq: 5 };
  assert.equal(checkProducer(known, 1, 6), { kind: "stale_epoch", currentEpoch: 2 });
  assert.equal(checkProducer(known, 3, 0), { kind: "accept" });
  assert.equal(checkProducer(known, 3, 1), { kind: "new_epoch_seq" });
});

test("checkProducer() treats any seq at or below the last as a duplicate and a jump as a gap", () => {
  const known = { epoch: 0, lastSeq: 9 };
  assert.equal(checkProducer(known, 0, 9), { kind: "duplicate", lastSeq: 9 });
  assert.equal(checkProducer(known, 0, 0), { kind: "duplicate", lastSeq: 9 }, "older than Kafka's five remembered batches");
  assert.equal(checkProducer(known, 0, 10), { kind: "accept" });
  assert.equal(checkProducer(known, 0, 12), { kind: "gap", expected: 10 });
});

test("batchProducer() maps epoch and seq relative to the mapping's bases", () => {
  const mapping = { id: 17, epochBase: 0, seqBase: 0 };
  assert.equal(batchProducer(mapping, 3, 41), { mapping, remap: false, producerEpoch: 3, baseSequence: 41 });
  const rebased = { id: 18, epochBase: 40_000, seqBase: 0 };
  assert.equal(batchProducer(rebased, 40_001, 2), { mapping: rebased, remap: false, producerEpoch: 1, baseSequence: 2 });
});

test("batchProducer() moves to a fresh numeric id when a value does not fit the batch fields", () => {
  const mapping = { id: 17, epochBase: 0, seqBase: 0 };
  assert.equal(batchProducer(undefined, 0, 0), { mapping: { id: -1, epochBase: 0, seqBase: 0 }, remap: true, producerEpoch: 0, baseSequence: 0 });
  assert.equal(batchProducer(mapping, BATCH_EPOCH_MAX + 1, 0).remap, true);
  assert.equal(batchProducer(mapping, 0, BATCH_SEQUENCE_MAX + 1), { mapping: { id: -1, epochBase: 0, seqBase: BATCH_SEQUENCE_MAX + 1 }, remap: true, producerEpoch: 0, baseSequence: 0 });
  assert.equal(batchProducer(mapping, 2 ** 53 - 1, 0).mapping.epochBase, 2 ** 53 - 1);
  assert.equal(batchProducer({ id: 3, epochBase: 0, seqBase: 100 }, 1, 0).remap, true, "a new epoch below the seq base");
});

test.run();
