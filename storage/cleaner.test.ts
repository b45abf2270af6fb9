import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../core/clock.ts";
import { isRivuletError } from "../core/errors.ts";
import { Log } from "./log.ts";
import { batch, keyed, records, tempDir, testConfig } from "../test/support/storage/log.ts";
import { decodeRecords, encodeRecordBatch, iterateBatches } from "../record/record-batch.ts";

const text = new TextDecoder();
const HOUR = 3600_000;

function all(log: Log): { offset: number; key: string; value: string | null }[] {
  const out: { offset: number; key: string; value: string | null }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const { batches } = log.read(offset, 1 << 16);
    if (batches.length === 0) break;
    for (const { position } of iterateBatches(batches)) {
      for (const r of decodeRecords(batches, position)) {
        if (r.offset >= offset) out.push({ offset: r.offset, key: text.decode(r.key!), value: r.value && text.decode(r.value) });
      }
    }
    offset = out[out.length - 1].offset + 1;
  }
  return out;
}

test("Log.compact() keeps the latest record per key with its offset, and drops old tombstones", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024, "delete.retention.ms": HOUR });
    const log = Log.open(dir, cfg, { clock });
    const written: { key: string; offset: number; value: string | null }[] = [];
    for (let i = 0; i < 200; i++) {
      const key = `k${i % 10}`;
      const value = i === 150 ? null : `v${i}`; // k0 deleted at offset 150, then rewritten at 160
      const r = await log.append(keyed(key, value, clock.now()));
      written.push({ key, offset: r.baseOffset, value });
    }
    const end = log.logEndOffset;
    const activeBase = Number(readdirSync(dir).filter((f) => f.endsWith(".log")).sort().pop()!.slice(0, 20));
    // the active segment is never cleaned nor used to clean: "latest" is within the older segments
    const latest = new Map<string, { offset: number; value: string | null }>();
    for (const w of written) if (w.offset < activeBase) latest.set(w.key, w);
    const { removedRecords } = log.compact();
    assert.ok(removedRecords > 100, `removed ${removedRecords}`);
    const after = all(log);
    assert.is(log.logEndOffset, end);
    for (const r of after.filter((x) => x.offset < activeBase)) {
      const l = latest.get(r.key)!;
      assert.is(r.offset, l.offset, `offset ${r.offset} key ${r.key} is not the latest`);
    }
    for (const [key, l] of latest) {
      const found = after.find((r) => r.offset === l.offset);
      assert.equal(found, { offset: l.offset, key, value: l.value }, `latest of ${key} kept at its offset`);
    }
    assert.equal(after.filter((r) => r.offset >= activeBase), written.filter((w) => w.offset >= activeBase).map(({ offset, key, value }) => ({ offset, key, value })));
    assert.ok(after.every((r, i) => i === 0 || r.offset > after[i - 1].offset), "offsets increase, with gaps");
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.compact() removes a tombstone only once it is older than delete.retention.ms", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024, "delete.retention.ms": HOUR });
    const log = Log.open(dir, cfg, { clock });
    await log.append(keyed("gone", "v", clock.now()));
    await log.append(keyed("gone", null, clock.now()));
    for (let i = 0; i < 40; i++) await log.append(keyed(`other${i}`, "x", clock.now()));
    log.compact();
    assert.equal(all(log).filter((r) => r.key === "gone"), [{ offset: 1, key: "gone", value: null }]);
    clock.advance(HOUR + 1);
    log.compact();
    assert.equal(all(log).filter((r) => r.key === "gone"), []);
    log.close();
    const reopened = Log.open(dir, cfg, { clock });
    assert.equal(all(reopened).filter((r) => r.key === "gone"), []);
    assert.is(reopened.logEndOffset, 42);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.compact() leaves segments newer than min.compaction.lag.ms alone", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const log = Log.open(dir, testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024, "min.compaction.lag.ms": HOUR }), { clock });
    for (let i = 0; i < 60; i++) await log.append(keyed("same", `v${i}`, clock.now()));
    assert.equal(log.compact(), { removedRecords: 0 });
    clock.advance(HOUR + 1);
    assert.ok(log.compact().removedRecords > 0);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() refuses records without a key on a compacted topic", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "cleanup.policy": "compact" }));
    await log.append(batch(1)); // the helper gives every record a key
    await log.append(encodeRecordBatch(records(2, "v", 1, () => null))).then(
      () => assert.unreachable("accepted a null key"),
      (e) => assert.ok(isRivuletError(e, "invalid_record"), String(e)),
    );
    assert.is(log.logEndOffset, 1);
    log.close();
  } finally {
    cleanup();
  }
});

test("loadLog() finishes a compaction swap interrupted after its commit point and drops a half-written one", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024 });
    const log = Log.open(dir, cfg, { clock });
    for (let i = 0; i < 60; i++) await log.append(keyed(`k${i % 3}`, `v${i}`, clock.now()));
    log.close();
    const first = join(dir, "00000000000000000000.log");
    // simulate: the cleaned copy was committed as .swap (here: the same bytes) and the old files remain
    copyFileSync(first, first + ".swap");
    copyFileSync(first, join(dir, "00000000000000000013.log.cleaned"));
    const reopened = Log.open(dir, cfg, { clock });
    const names = readdirSync(dir);
    assert.not.ok(names.some((n) => n.endsWith(".swap") || n.endsWith(".cleaned")), names.join(" "));
    assert.is(reopened.logEndOffset, 60);
    assert.is(all(reopened).length, 60);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.compact() keeps each surviving record's leader epoch, so the epoch cache can be rebuilt from the cleaned log", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024 });
    const log = Log.open(dir, cfg, { clock });
    for (let i = 0; i < 120; i++) {
      if (i === 40) log.becomeLeader(2);
      if (i === 80) log.becomeLeader(4);
      // two records per batch, one key repeated: compaction thins batches, rewriting them
      await log.append(encodeRecordBatch([...records(1, `a${i}`, clock.now(), () => `k${i % 7}`), ...records(1, `b${i}`, clock.now(), () => `u${i}`)]));
    }
    const before = log.epochEntries;
    assert.ok(log.compact().removedRecords > 0);
    const epochs: [number, number][] = [];
    let offset = log.logStartOffset;
    while (offset < log.highWatermark) {
      const { batches } = log.read(offset, 1 << 16);
      for (const { header } of iterateBatches(batches)) {
        epochs.push([header.baseOffset, header.partitionLeaderEpoch]);
        offset = header.baseOffset + header.lastOffsetDelta + 1;
      }
    }
    for (const [base, epoch] of epochs) assert.is(epoch, base >= 160 ? 4 : base >= 80 ? 2 : 0, `batch at ${base}`);
    log.close();
    rmSync(join(dir, "leader-epoch-checkpoint"));
    const reopened = Log.open(dir, cfg, { clock });
    // rebuilt: each epoch from its first surviving record (compaction may have removed the first)
    const firsts = [0, 2, 4].map((epoch) => ({ epoch, startOffset: epochs.find(([, e]) => e === epoch)![0] }));
    assert.equal(reopened.epochEntries, firsts);
    assert.equal(firsts.map((e) => e.epoch), before.map((e) => e.epoch));
    reopened.close();
  } finally {
    cleanup();
  }
});

test.run();
