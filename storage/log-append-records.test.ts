import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { packRecordBlocks, RecordBlockBuilder, type RecordBlock } from "../record/record-block.ts";
import { Log } from "./log.ts";
import { tempDir, testConfig } from "../test/support/storage/log.ts";
import { decodeRecords, iterateBatches, validateBatch } from "../record/record-batch.ts";

const T0 = 1_700_000_000_000;

function block(values: Array<[string | null, string | null]>): RecordBlock {
  const builder = new RecordBlockBuilder();
  values.forEach(([key, value], i) => {
    builder.beginRecord(T0 + i);
    builder.writeKey(key);
    builder.writeValue(value);
    builder.writeHeaderCount(0);
    builder.endRecord();
  });
  return packRecordBlocks([{ builder, from: 0, to: builder.count }]);
}

test("Log.appendRecords encodes a block as one valid batch with the producer's fields, and a retry of it is a duplicate", async () => {
  const tmp = tempDir();
  const log = Log.open(tmp.dir, testConfig());
  try {
    const first = await log.appendRecords(block([["a", "1"], [null, "2"], ["c", null]]), { producerId: 9, producerEpoch: 0, baseSequence: 0 });
    assert.equal([first.baseOffset, first.lastOffset, first.duplicate], [0, 2, false]);
    const again = await log.appendRecords(block([["a", "1"], [null, "2"], ["c", null]]), { producerId: 9, producerEpoch: 0, baseSequence: 0 });
    assert.equal([again.baseOffset, again.lastOffset, again.duplicate], [0, 2, true]);
    const gap = await log.appendRecords(block([["d", "4"]]), { producerId: 9, producerEpoch: 0, baseSequence: 7 }).catch((e) => e);
    assert.ok(isRivuletError(gap, "out_of_order_sequence"), String(gap));
    const { batches } = log.read(0, 1 << 20);
    const positions = [...iterateBatches(batches)].map((b) => b.position);
    assert.is(positions.length, 1);
    assert.is(validateBatch(batches, 0, { maxBytes: 1 << 20 }), batches.length);
    const records = decodeRecords(batches, 0);
    assert.equal(records.map((r) => [r.offset, r.key && new TextDecoder().decode(r.key), r.value && new TextDecoder().decode(r.value), r.timestamp]), [[0, "a", "1", T0], [1, null, "2", T0 + 1], [2, "c", null, T0 + 2]]);
  } finally {
    log.close();
    tmp.cleanup();
  }
});

test("Log.appendRecords: batches of growing and shrinking sizes to two logs in turn (one encoding buffer per thread), each read back as written", async () => {
  const dirs = [tempDir(), tempDir()];
  const logs = dirs.map((tmp) => Log.open(tmp.dir, testConfig({ flush: "always" })));
  try {
    const sizes = [3, 200, 1, 50, 400, 2, 120];
    const expected: string[][] = [[], []];
    const pending: Promise<unknown>[] = [];
    const sequence = [0, 0];
    for (const [n, count] of sizes.entries()) {
      const which = n % 2;
      const values = Array.from({ length: count }, (_, i): [string, string] => [`k${n}-${i}`, `value ${n}-${i} `.repeat(1 + (i % 7))]);
      expected[which].push(...values.map(([k, v]) => `${k}=${v}`));
      // Not awaited: under flush=always the next append is written before this one is acknowledged.
      pending.push(logs[which].appendRecords(block(values), { producerId: 3, producerEpoch: 0, baseSequence: sequence[which] }));
      sequence[which] += count;
    }
    await Promise.all(pending);
    for (const which of [0, 1]) {
      const { batches } = logs[which].read(0, 1 << 22);
      const got: string[] = [];
      for (const { position } of iterateBatches(batches)) {
        validateBatch(batches, position, { maxBytes: 1 << 22 });
        for (const r of decodeRecords(batches, position)) got.push(`${new TextDecoder().decode(r.key!)}=${new TextDecoder().decode(r.value!)}`);
      }
      assert.equal(got, expected[which]);
    }
  } finally {
    for (const log of logs) log.close();
    for (const tmp of dirs) tmp.cleanup();
  }
});

test("Log.appendRecords refuses an inconsistent block, a keyless record on a compacted topic and an oversized batch, writing nothing", async () => {
  const tmp = tempDir();
  const log = Log.open(tmp.dir, testConfig({ "cleanup.policy": "compact", "message.max.bytes": 200 }));
  try {
    const good = block([["k", "v"]]);
    const broken = await log.appendRecords({ ...good, lengths: Int32Array.from([good.lengths[0] + 5, 1]) }, {}).catch((e) => e);
    assert.ok(isRivuletError(broken, "invalid_record") && /inconsistent/.test(broken.message), String(broken));
    const keyless = await log.appendRecords(block([["k", "v"], [null, "v"]]), {}).catch((e) => e);
    assert.ok(isRivuletError(keyless, "invalid_record") && /records\[1\]/.test(keyless.message), String(keyless));
    const big = await log.appendRecords(block([["k", "x".repeat(300)]]), {}).catch((e) => e);
    assert.ok(isRivuletError(big, "record_too_large"), String(big));
    assert.is(log.logEndOffset, 0);
    assert.is((await log.appendRecords(good, {})).baseOffset, 0);
  } finally {
    log.close();
    tmp.cleanup();
  }
});

test.run();
