import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError } from "../core/errors.ts";
import { Log } from "./log.ts";
import { TRUNCATION_FILE } from "./file-names.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";
import { iterateBatches, validateBatch } from "../record/record-batch.ts";
import type { TopicConfig } from "../core/topic-config.ts";

const cfg = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128 });

/** A log of 60 batches of 2 records (offsets 0-119) over several segments, epochs 0, 2 (from 40), 5 (from 80). */
async function filled(dir: string, config: TopicConfig = cfg): Promise<Log> {
  const log = Log.open(dir, config);
  for (let i = 0; i < 60; i++) {
    if (i === 20) log.becomeLeader(2);
    if (i === 40) log.becomeLeader(5);
    await log.append(batch(2, `r${i}`, { producerId: 1, producerEpoch: 0, baseSequence: i * 2, timestamp: 1_000 + i }));
  }
  assert.ok(log.segmentCount >= 5, `segments: ${log.segmentCount}`);
  return log;
}

/** Checks the whole log: contiguous CRC-valid batches from the start to the log end; returns their base offsets. */
function checkWhole(log: Log): number[] {
  const bases: number[] = [];
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const { batches } = log.read(next, 1 << 20);
    for (const { position, header } of iterateBatches(batches)) {
      validateBatch(batches, position, { maxBytes: 1 << 20 });
      assert.is(header.baseOffset, next, "offsets contiguous");
      bases.push(header.baseOffset);
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  assert.is(next, log.logEndOffset);
  return bases;
}

const pairs = (log: Log): [number, number][] => log.epochEntries.map((e) => [e.epoch, e.startOffset]);
const segmentBases = (dir: string): number[] => readdirSync(dir).filter((f) => f.endsWith(".log")).map((f) => Number(f.slice(0, 20)));

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    assert.ok(isRivuletError(error, code as never), `expected ${code}, got ${String(error)}`);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

/** Truncates a fresh filled log to `offset`, checks it, appends after, reopens (clean, then unclean), checks again. */
async function truncateAndCheck(offset: number): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const log = await filled(dir);
    const removed = log.truncateTo(offset);
    assert.ok(removed > 0);
    const check = (l: Log, end: number): void => {
      assert.is(l.logEndOffset, end);
      assert.is(l.highWatermark, end);
      checkWhole(l);
      assert.ok(segmentBases(dir).every((b) => b <= Math.max(offset, 0)), `segments ${segmentBases(dir)}`);
      assert.not.ok(existsSync(join(dir, TRUNCATION_FILE)));
      const ts = l.offsetForTimestamp(1_000 + offset / 2);
      assert.is(ts, null, "no record past the cut is found by timestamp");
      if (offset > 0) assert.is(l.offsetForTimestamp(1_000 + offset / 2 - 1), offset - 2, "the time index still finds the last batch");
    };
    check(log, offset);
    const epochsAfter = [[0, 0], [2, 40], [5, 80]].filter(([, start]) => start < offset);
    assert.equal(pairs(log), epochsAfter);
    // producer state: the batch at the cut is new again, the one below it still a duplicate
    if (offset > 0) {
      const dup = await log.append(batch(2, `r${offset / 2 - 1}`, { producerId: 1, producerEpoch: 0, baseSequence: offset - 2 }));
      assert.equal([dup.duplicate, dup.baseOffset], [true, offset - 2]);
    }
    const again = await log.append(batch(2, `again`, { producerId: 1, producerEpoch: 0, baseSequence: offset, timestamp: 1 }));
    assert.equal([again.duplicate, again.baseOffset], [false, offset]);
    log.truncateTo(offset);
    log.close();
    for (const unclean of [false, true]) {
      if (unclean) {
        const { rmSync } = await import("node:fs");
        rmSync(join(dir, ".clean-shutdown"), { force: true });
      }
      const reopened = Log.open(dir, cfg);
      check(reopened, offset);
      assert.equal(pairs(reopened).filter(([, s]) => s < offset), epochsAfter);
      reopened.close();
    }
  } finally {
    cleanup();
  }
}

test("Log.truncateTo() mid-segment cuts the holding segment, its indexes, later segments, producer state and epochs", async () => {
  await truncateAndCheck(90);
  await truncateAndCheck(42);
});

test("Log.truncateTo() at a segment's base offset removes that segment's records", async () => {
  const { dir, cleanup } = tempDir();
  let base: number;
  try {
    const log = await filled(dir);
    base = segmentBases(dir).sort((a, b) => a - b)[2];
    log.close();
  } finally {
    cleanup();
  }
  await truncateAndCheck(base);
});

test("Log.truncateTo(0) empties the log; appends start again at 0", async () => {
  await truncateAndCheck(0);
});

test("Log.truncateTo() the log end is a no-op for records but drops an epoch that wrote nothing", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = await filled(dir);
    log.becomeLeader(7);
    assert.equal(pairs(log).pop(), [7, 120]);
    assert.is(log.truncateTo(120), 0);
    assert.is(log.logEndOffset, 120);
    assert.equal(pairs(log), [[0, 0], [2, 40], [5, 80]]);
    assert.is(checkWhole(log).length, 60);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.truncateTo() the log start after retention empties the log there; below it is refused", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const config = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128, "retention.bytes": 2048 });
    const log = await filled(dir, config);
    log.applyRetention();
    const start = log.logStartOffset;
    assert.ok(start > 0, `log start ${start}`);
    expectCode(() => log.truncateTo(start - 2), "offset_out_of_range");
    log.truncateTo(start);
    assert.equal([log.logStartOffset, log.logEndOffset, log.segmentCount], [start, start, 1]);
    assert.equal(pairs(log), []);
    const next = await log.append(batch(1, "fresh"));
    assert.is(next.baseOffset, start);
    log.close();
    const reopened = Log.open(dir, config);
    assert.equal([reopened.logStartOffset, reopened.logEndOffset], [start, start + 1]);
    assert.equal(pairs(reopened), [[5, start]]);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.truncateTo() refuses an offset beyond the log, below its start, or inside a batch", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = await filled(dir);
    expectCode(() => log.truncateTo(121), "offset_out_of_range");
    expectCode(() => log.truncateTo(-1), "offset_out_of_range");
    expectCode(() => log.truncateTo(1.5), "offset_out_of_range");
    expectCode(() => log.truncateTo(51), "invalid_offset");
    assert.is(log.logEndOffset, 120, "nothing changed");
    assert.is(checkWhole(log).length, 60);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.truncateTo() under flush=always settles waiting appends first", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = await filled(dir, testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128, flush: "always" }));
    const pending = log.append(batch(2, "late"));
    log.truncateTo(100);
    const result = await pending;
    assert.is(result.baseOffset, 120, "the append was acknowledged before the cut");
    assert.is(log.logEndOffset, 100);
    log.close();
  } finally {
    cleanup();
  }
});

for (const [name, at] of [["past the log end", 500], ["below the log start", 0], ["at a segment's base", -1]] as const) {
  test(`Log.truncateFullyAndStartAt() ${name} leaves an empty log there, with no epochs or producers`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128, "retention.bytes": 2048 });
      const log = await filled(dir, config);
      log.applyRetention();
      assert.ok(log.logStartOffset > 0);
      const offset = at >= 0 ? at : segmentBases(dir).sort((a, b) => a - b).pop()!;
      assert.ok(log.truncateFullyAndStartAt(offset) > 0);
      const check = (l: Log): void => {
        assert.equal([l.logStartOffset, l.logEndOffset, l.highWatermark, l.segmentCount], [offset, offset, offset, 1]);
        assert.equal(segmentBases(dir), [offset]);
        assert.equal(pairs(l), []);
      };
      check(log);
      assert.equal(readdirSync(dir).filter((f) => f.endsWith(".snapshot")), [], "no producer snapshot of the old records");
      // a producer the old log knew may start over at any sequence
      const r = await log.append(batch(2, "new", { producerId: 1, producerEpoch: 0, baseSequence: 0 }));
      assert.equal([r.baseOffset, r.duplicate], [offset, false]);
      assert.equal(pairs(log), [[5, offset]]);
      log.truncateTo(offset);
      log.close();
      const reopened = Log.open(dir, config);
      check(reopened);
      reopened.close();
    } finally {
      cleanup();
    }
  });
}

test("Log.truncateFullyAndStartAt() refuses a negative or fractional offset", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = await filled(dir);
    expectCode(() => log.truncateFullyAndStartAt(-1), "invalid_offset");
    expectCode(() => log.truncateFullyAndStartAt(2.5), "invalid_offset");
    assert.is(log.logEndOffset, 120);
    log.close();
  } finally {
    cleanup();
  }
});

for (const step of ["marker", "segments", "epochs"] as const) {
  test(`Log.open() finishes a truncation (and a full one) that failed after its ${step} step`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const filledLog = await filled(dir);
      filledLog.close();
      let armed = true;
      const log = Log.open(dir, cfg, {
        hooks: {
          onTruncationStep: (s) => {
            if (armed && s === step) throw new Error(`injected failure after ${s}`);
          },
        },
      });
      assert.throws(() => log.truncateTo(64));
      armed = false;
      // the log refuses writes now, as after a failed fsync
      try {
        await log.append(batch(1, "x"));
        assert.unreachable("append after a failed truncation");
      } catch (error) {
        assert.ok(isRivuletError(error, "storage_error"), String(error));
      }
      log.close();
      assert.ok(existsSync(join(dir, TRUNCATION_FILE)), "the marker is still there");
      const reopened = Log.open(dir, cfg);
      assert.is(reopened.logEndOffset, 64);
      checkWhole(reopened);
      assert.equal(pairs(reopened), [[0, 0], [2, 40]]);
      assert.not.ok(existsSync(join(dir, TRUNCATION_FILE)));
      const next = await reopened.append(batch(2, "after", { producerId: 1, producerEpoch: 0, baseSequence: 64 }));
      assert.equal([next.duplicate, next.baseOffset], [false, 64], "producer state matches the cut log");
      reopened.close();
      armed = true;
      const again = Log.open(dir, cfg, { hooks: { onTruncationStep: (s) => { if (armed && s === step) throw new Error(`injected failure after ${s}`); } } });
      assert.throws(() => again.truncateFullyAndStartAt(1000));
      armed = false;
      again.close();
      const restarted = Log.open(dir, cfg);
      assert.equal([restarted.logStartOffset, restarted.logEndOffset, restarted.epochEntries], [1000, 1000, []]);
      assert.equal(segmentBases(dir), [1000]);
      restarted.close();
    } finally {
      cleanup();
    }
  });
}

test.run();
