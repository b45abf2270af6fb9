import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync } from "node:fs";
import { isRivuletError } from "../core/errors.ts";
import { ManualClock } from "../core/clock.ts";
import { Log } from "./log.ts";
import { batch, concat, records, tempDir, testConfig } from "../test/support/storage/log.ts";
import { decodeRecords, encodeRecordBatch, iterateBatches } from "../record/record-batch.ts";

const text = new TextDecoder();

/** Reads every record from `from` to the high watermark. */
function readAll(log: Log, from = log.logStartOffset, maxBytes = 4096): { offset: number; value: string; timestamp: number }[] {
  const out: { offset: number; value: string; timestamp: number }[] = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const { batches } = log.read(offset, maxBytes);
    if (batches.length === 0) break;
    for (const { position } of iterateBatches(batches)) {
      for (const r of decodeRecords(batches, position)) {
        if (r.offset >= offset) out.push({ offset: r.offset, value: text.decode(r.value!), timestamp: r.timestamp });
      }
    }
    offset = out[out.length - 1].offset + 1;
  }
  return out;
}

test("Log.append() assigns dense offsets and read() returns them across many segment rolls", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 2048, "index.interval.bytes": 256 }));
    for (let i = 0; i < 200; i++) {
      const r = await log.append(batch(3, `b${i}`));
      assert.is(r.baseOffset, i * 3);
      assert.is(r.lastOffset, i * 3 + 2);
      assert.is(r.duplicate, false);
    }
    assert.is(log.logEndOffset, 600);
    assert.ok(log.segmentCount > 8, `segments: ${log.segmentCount}`);
    const all = readAll(log);
    assert.is(all.length, 600);
    all.forEach((r, i) => {
      assert.is(r.offset, i);
      assert.is(r.value, `b${Math.floor(i / 3)}-${i % 3}`);
    });
    // a read from the middle of a batch returns the batch holding it, from any segment
    for (const offset of [0, 1, 299, 300, 301, 598, 599]) {
      const { batches } = log.read(offset, 1);
      const first = decodeRecords(batches, 0);
      assert.ok(first[0].offset <= offset && first[first.length - 1].offset >= offset, `offset ${offset}`);
    }
    log.close();
    const reopened = Log.open(dir, testConfig({ "segment.bytes": 2048, "index.interval.bytes": 256 }));
    assert.is(reopened.logEndOffset, 600);
    assert.equal(readAll(reopened), all);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.read() returns one whole batch even when it exceeds maxBytes, and stops at maxBytes otherwise", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    const big = batch(100, "big");
    await log.append(big);
    await log.append(batch(1, "small"));
    const one = log.read(0, 10);
    assert.is(one.batches.length, big.length);
    const both = log.read(0, 1 << 20);
    assert.is(decodeRecords(both.batches, big.length)[0].offset, 100);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.read() at the log end is empty and outside the log is offset_out_of_range", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(batch(5));
    assert.is(log.read(5, 100).batches.length, 0);
    for (const offset of [-1, 6, 1000]) {
      try {
        log.read(offset, 100);
        assert.unreachable("should throw");
      } catch (error) {
        assert.ok(isRivuletError(error, "offset_out_of_range"), String(error));
        assert.equal((error as { info: unknown }).info, { offset, logStartOffset: 0, logEndOffset: 5 });
      }
    }
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() of several concatenated batches writes them as one, in order", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    const r = await log.append(concat([batch(2, "a"), batch(3, "b"), batch(1, "c")]));
    assert.equal([r.baseOffset, r.lastOffset], [0, 5]);
    assert.equal(readAll(log).map((x) => x.value), ["a-0", "a-1", "b-0", "b-1", "b-2", "c-0"]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() refuses a corrupt or oversized batch and leaves the log as before", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "message.max.bytes": 1000 }));
    await log.append(batch(2));
    const size = log.sizeBytes;
    const bad = batch(2);
    bad[bad.length - 1] ^= 0xff;
    await log.append(concat([batch(1), bad])).then(() => assert.unreachable("accepted"), (e) => assert.ok(isRivuletError(e, "corrupt_record"), String(e)));
    await log.append(batch(100)).then(() => assert.unreachable("accepted"), (e) => assert.ok(isRivuletError(e, "record_too_large"), String(e)));
    await log.append(new Uint8Array(0)).then(() => assert.unreachable("accepted"), (e) => assert.ok(isRivuletError(e, "invalid_record"), String(e)));
    assert.is(log.sizeBytes, size);
    assert.is(log.logEndOffset, 2);
    assert.is((await log.append(batch(1))).baseOffset, 2);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() truncates back when the write fails after its bytes landed", async () => {
  const { dir, cleanup } = tempDir();
  try {
    let fail = false;
    const log = Log.open(dir, testConfig(), { hooks: { afterWrite: (file) => { if (fail && file.endsWith(".log")) throw new Error("disk full"); } } });
    await log.append(batch(2));
    const size = log.sizeBytes;
    fail = true;
    await log.append(batch(3)).then(() => assert.unreachable("accepted"), (e) => assert.ok(isRivuletError(e, "storage_error"), String(e)));
    assert.is(log.sizeBytes, size);
    assert.is(log.logEndOffset, 2);
    fail = false;
    assert.is((await log.append(batch(1, "after"))).baseOffset, 2);
    assert.equal(readAll(log).map((r) => r.value), ["v-0", "v-1", "after-0"]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() stamps LogAppendTime from the injected clock", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(5_000_000);
    const log = Log.open(dir, testConfig({ "message.timestamp.type": "LogAppendTime" }), { clock });
    const r = await log.append(batch(2, "v", { timestamp: 1 }));
    assert.is(r.logAppendTime, 5_000_000);
    assert.equal(readAll(log).map((x) => x.timestamp), [5_000_000, 5_000_000]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() rolls a segment older than segment.ms by the clock", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock();
    const log = Log.open(dir, testConfig({ "segment.ms": 1000 }), { clock });
    await log.append(batch(1));
    clock.advance(999);
    await log.append(batch(1));
    assert.is(log.segmentCount, 1);
    clock.advance(1);
    await log.append(batch(1));
    assert.is(log.segmentCount, 2);
    assert.ok(readdirSync(dir).includes("00000000000000000002.log"));
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.offsetForTimestamp() finds the first offset at or after a time, across segments", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128 }));
    for (let i = 0; i < 100; i++) {
      await log.append(encodeRecordBatch(records(2, `t${i}`, 1000 + i * 10)));
    }
    assert.is(log.offsetForTimestamp(0), 0);
    assert.is(log.offsetForTimestamp(1000), 0);
    assert.is(log.offsetForTimestamp(1001), 2);
    assert.is(log.offsetForTimestamp(1500), 100);
    assert.is(log.offsetForTimestamp(1990), 198);
    assert.is(log.offsetForTimestamp(1991), null);
    log.close();
    const reopened = Log.open(dir, testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128 }));
    assert.is(reopened.offsetForTimestamp(1500), 100);
    reopened.close();
  } finally {
    cleanup();
  }
});

test.run();
