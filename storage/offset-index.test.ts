import { test } from "uvu";
import * as assert from "uvu/assert";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OffsetIndex, OFFSET_INDEX_ENTRY_SIZE } from "./offset-index.ts";
import { TimeIndex, TIME_INDEX_ENTRY_SIZE } from "./time-index.ts";
import { tempDir } from "../test/support/storage/log.ts";

test("OffsetIndex.lookup() finds the largest entry at or below an offset, by binary search", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "00000000000000001000.index");
    const index = new OffsetIndex(path, 1000);
    for (let i = 1; i <= 100; i++) index.append(1000 + i * 10, i * 500);
    assert.equal(index.lookup(999), { offset: 1000, position: 0 });
    assert.equal(index.lookup(1005), { offset: 1000, position: 0 });
    assert.equal(index.lookup(1010), { offset: 1010, position: 500 });
    assert.equal(index.lookup(1519), { offset: 1510, position: 25_500 });
    assert.equal(index.lookup(99_999), { offset: 2000, position: 50_000 });
    index.close();
    assert.is(statSync(path).size, 100 * OFFSET_INDEX_ENTRY_SIZE);
    const reopened = new OffsetIndex(path, 1000);
    assert.equal(reopened.lookup(1519), { offset: 1510, position: 25_500 });
    assert.ok(reopened.isSane(50_001));
    assert.not.ok(reopened.isSane(50_000), "an entry at the log end is past the log");
    reopened.truncateToPosition(1000);
    assert.is(reopened.entries, 1);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("OffsetIndex.isSane() rejects partial and non-increasing entries", () => {
  const { dir, cleanup } = tempDir();
  try {
    const partial = join(dir, "a.index");
    writeFileSync(partial, new Uint8Array(12));
    assert.not.ok(new OffsetIndex(partial, 0).isSane(1 << 20));
    const backwards = join(dir, "b.index");
    writeFileSync(backwards, new Uint8Array([0, 0, 0, 5, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 2, 0]));
    assert.not.ok(new OffsetIndex(backwards, 0).isSane(1 << 20));
  } finally {
    cleanup();
  }
});

test("TimeIndex.lookup() gives the offset before which every record is older than a time", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "00000000000000000000.timeindex");
    const index = new TimeIndex(path, 0);
    index.maybeAppend(100, 10);
    index.maybeAppend(100, 20); // same time: skipped
    index.maybeAppend(200, 30);
    index.maybeAppend(150, 40); // earlier time: skipped
    index.maybeAppend(300, 50);
    assert.is(index.entries, 3);
    assert.is(index.lookup(50), 0);
    assert.is(index.lookup(100), 0);
    assert.is(index.lookup(101), 10);
    assert.is(index.lookup(250), 30);
    assert.is(index.lookup(1000), 50);
    assert.is(statSync(path).size, 3 * TIME_INDEX_ENTRY_SIZE);
    assert.ok(index.isSane(50));
    assert.not.ok(index.isSane(49));
    index.truncateToOffset(35);
    assert.is(index.lastEntry()!.offset, 30);
    index.close();
  } finally {
    cleanup();
  }
});

test.run();
