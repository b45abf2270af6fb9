import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatEpochCheckpoint, LEADER_EPOCH_CHECKPOINT_FILE, LeaderEpochCache, parseEpochCheckpoint } from "./leader-epoch-cache.ts";
import { tempDir } from "../test/support/storage/log.ts";

function withCache(entries: [number, number][], body: (cache: LeaderEpochCache, dir: string) => void): void {
  const { dir, cleanup } = tempDir("rivulet-epochs-");
  try {
    const { cache } = LeaderEpochCache.load(dir);
    for (const [epoch, start] of entries) cache.assign(epoch, start);
    body(cache, dir);
  } finally {
    cleanup();
  }
}

const pairs = (cache: LeaderEpochCache): [number, number][] => cache.entries.map((e) => [e.epoch, e.startOffset]);

test("LeaderEpochCache.assign() writes Kafka's checkpoint text atomically and load() reads it back", () => {
  withCache([[0, 0], [2, 100], [5, 250]], (cache, dir) => {
    const text = readFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), "utf8");
    assert.is(text, "0\n3\n0 0\n2 100\n5 250\n");
    assert.equal(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "no temp file is left");
    const { cache: again, readable } = LeaderEpochCache.load(dir);
    assert.ok(readable);
    assert.equal(pairs(again), [[0, 0], [2, 100], [5, 250]]);
    assert.is(cache.latestEpoch, 5);
  });
});

test("LeaderEpochCache.load() reports a missing or malformed file as unreadable, with an empty cache", () => {
  const { dir, cleanup } = tempDir("rivulet-epochs-");
  try {
    assert.is(LeaderEpochCache.load(dir).readable, false);
    for (const bad of ["", "1\n0\n", "0\n2\n0 0\n", "0\n1\n0 x\n", "0\n2\n3 10\n2 20\n", "0\n2\n1 10\n2 10\n", "0\n1\n-1 0\n", "0\n1\n0 0 0\n"]) {
      writeFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), bad);
      const { cache, readable } = LeaderEpochCache.load(dir);
      assert.is(readable, false, JSON.stringify(bad));
      assert.equal(cache.entries, []);
    }
  } finally {
    cleanup();
  }
});

test("parseEpochCheckpoint() reads what formatEpochCheckpoint() writes, with or without the last newline", () => {
  const entries = [{ epoch: 0, startOffset: 0 }, { epoch: 7, startOffset: 2 ** 40 }];
  assert.equal(parseEpochCheckpoint(formatEpochCheckpoint(entries)), entries);
  assert.equal(parseEpochCheckpoint(formatEpochCheckpoint(entries).trimEnd()), entries);
  assert.equal(parseEpochCheckpoint("0\n0\n"), []);
});

test("LeaderEpochCache.assign() ignores a known epoch and removes entries a newer one contradicts", () => {
  withCache([[0, 0], [2, 100]], (cache) => {
    assert.is(cache.assign(2, 150), false, "the latest epoch again, later: nothing changes");
    assert.is(cache.assign(4, 300), true);
    assert.equal(pairs(cache), [[0, 0], [2, 100], [4, 300]]);
    // an epoch 3 at 200: epoch 4 (newer epoch) goes; a start at 90 would remove epoch 2 too
    cache.assign(3, 200);
    assert.equal(pairs(cache), [[0, 0], [2, 100], [3, 200]]);
    cache.assign(5, 90);
    assert.equal(pairs(cache), [[0, 0], [5, 90]]);
  });
});

test("LeaderEpochCache.endOffsetFor() answers KIP-101 and KIP-279's cases", () => {
  withCache([[1, 0], [2, 100], [5, 250]], (cache) => {
    const leo = 400;
    const at = (epoch: number) => cache.endOffsetFor(epoch, leo);
    assert.equal(at(5), { epoch: 5, endOffset: 400 }, "the latest epoch ends at the log end");
    assert.equal(at(2), { epoch: 2, endOffset: 250 }, "a known epoch ends where the next begins");
    assert.equal(at(1), { epoch: 1, endOffset: 100 });
    // KIP-279: a follower's epoch 3 or 4 that this leader never saw: the largest epoch below it (2) and its end
    assert.equal(at(3), { epoch: 2, endOffset: 250 });
    assert.equal(at(4), { epoch: 2, endOffset: 250 });
    // below every known epoch: the requested epoch, ending where the first known one starts
    assert.equal(at(0), { epoch: 0, endOffset: 0 });
    assert.equal(at(6), { epoch: -1, endOffset: -1 }, "newer than any known epoch: undefined");
    assert.equal(at(-1), { epoch: -1, endOffset: -1 }, "no epoch: undefined");
    assert.equal(at(-7), { epoch: -1, endOffset: -1 }, "a negative epoch from the wire: undefined");
  });
  withCache([], (cache) => assert.equal(cache.endOffsetFor(0, 10), { epoch: -1, endOffset: -1 }, "an empty cache knows nothing"));
});

test("LeaderEpochCache.truncateFromEnd() removes entries at or past the offset and writes the file", () => {
  withCache([[0, 0], [2, 100], [5, 250]], (cache, dir) => {
    cache.truncateFromEnd(251);
    assert.equal(pairs(cache), [[0, 0], [2, 100], [5, 250]]);
    cache.truncateFromEnd(250);
    assert.equal(pairs(cache), [[0, 0], [2, 100]]);
    cache.truncateFromEnd(0);
    assert.equal(pairs(cache), []);
    assert.is(readFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), "utf8"), "0\n0\n");
  });
});

test("LeaderEpochCache.truncateFromStart() keeps the epoch holding the new start, moved up to it", () => {
  withCache([[0, 0], [2, 100], [5, 250]], (cache, dir) => {
    cache.truncateFromStart(0);
    assert.equal(pairs(cache), [[0, 0], [2, 100], [5, 250]], "nothing below 0");
    cache.truncateFromStart(120);
    assert.equal(pairs(cache), [[2, 120], [5, 250]]);
    cache.truncateFromStart(250);
    assert.equal(pairs(cache), [[5, 250]]);
    cache.truncateFromStart(300);
    assert.equal(pairs(cache), [[5, 300]]);
    assert.equal(pairs(LeaderEpochCache.load(dir).cache), [[5, 300]], "the file follows");
    assert.ok(existsSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE)));
  });
});

test.run();
