import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync } from "node:fs";
import { ManualClock } from "../core/clock.ts";
import { isRivuletError } from "../core/errors.ts";
import { Log } from "./log.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";

const HOUR = 3600_000;

test("Log.applyRetention() deletes old segments past retention.ms by the clock and moves the log start", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(10 * HOUR);
    const cfg = testConfig({ "segment.bytes": 1024, "retention.ms": HOUR });
    const log = Log.open(dir, cfg, { clock });
    for (let i = 0; i < 30; i++) await log.append(batch(2, `old${i}`, { timestamp: 10 * HOUR }));
    const oldEnd = log.logEndOffset;
    clock.advance(HOUR / 2);
    for (let i = 0; i < 30; i++) await log.append(batch(2, `new${i}`, { timestamp: 10 * HOUR + HOUR / 2 }));
    assert.equal(log.applyRetention(), { deletedSegments: 0, deletedBytes: 0 }, "nothing expired yet");
    clock.advance(HOUR / 2 + 1);
    const before = log.sizeBytes;
    const { deletedSegments, deletedBytes } = log.applyRetention();
    assert.ok(deletedSegments > 0);
    assert.is(log.sizeBytes, before - deletedBytes);
    assert.ok(log.logStartOffset > 0 && log.logStartOffset <= oldEnd, `log start ${log.logStartOffset}`);
    try {
      log.read(0, 100);
      assert.unreachable("read below the log start");
    } catch (error) {
      assert.ok(isRivuletError(error, "offset_out_of_range"));
      assert.is(error.info.logStartOffset, log.logStartOffset);
    }
    const start = log.logStartOffset;
    log.close();
    const reopened = Log.open(dir, cfg, { clock });
    assert.is(reopened.logStartOffset, start, "the log start survives a restart");
    assert.ok(reopened.read(start, 100).batches.length > 0);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.applyRetention() deletes the oldest segments while the log exceeds retention.bytes, never the active one", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 1024, "retention.bytes": 3000, "retention.ms": -1 }));
    for (let i = 0; i < 60; i++) await log.append(batch(2, `b${i}`));
    const segments = log.segmentCount;
    const { deletedSegments } = log.applyRetention();
    assert.ok(deletedSegments > 0 && deletedSegments < segments);
    assert.ok(log.sizeBytes >= 3000 - 1024 && log.sizeBytes < 3000 + 1024, `size ${log.sizeBytes}`);
    assert.is(readdirSync(dir).filter((f) => f.endsWith(".log")).length, log.segmentCount);
    const tiny = testConfig({ "segment.bytes": 1024, "retention.bytes": 0, "retention.ms": -1 });
    log.updateConfig(tiny);
    log.applyRetention();
    assert.is(log.segmentCount, 1, "the active segment stays");
    assert.is(log.logEndOffset, 120);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.applyRetention() does nothing under cleanup.policy=compact", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 1024, "retention.bytes": 0, "cleanup.policy": "compact" }));
    for (let i = 0; i < 30; i++) await log.append(batch(2, `b${i}`));
    assert.equal(log.applyRetention(), { deletedSegments: 0, deletedBytes: 0 });
    log.close();
  } finally {
    cleanup();
  }
});

test.run();
