import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../core/clock.ts";
import { isRivuletError, type ErrorCode } from "../core/errors.ts";
import { Log } from "./log.ts";
import { keyed, tempDir, testConfig } from "../test/support/storage/log.ts";
import { BATCHES, EPOCH, fill, idem, PID, type Written } from "../test/support/storage/compacted-producer.ts";
import { decodeRecords, encodeRecordBatch, iterateBatches } from "../record/record-batch.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const HOUR = 3600_000;
async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await p.then(() => assert.unreachable(`expected ${code}`), (e) => assert.ok(isRivuletError(e, code), String(e)));
}

/** Every batch and record below the high watermark; `emptyTail`: the log may hold nothing past some offset below it. */
function readAll(log: Log, emptyTail = false): { batches: { base: number; last: number; count: number; producerId: number }[]; records: Written[] } {
  const batches: { base: number; last: number; count: number; producerId: number }[] = [];
  const records: Written[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const { batches: bytes } = log.read(offset, 1 << 16);
    if (bytes.length === 0 && emptyTail) break;
    assert.ok(bytes.length > 0, `read at ${offset} returned nothing below the high watermark`);
    for (const { position, header } of iterateBatches(bytes)) {
      batches.push({ base: header.baseOffset, last: header.baseOffset + header.lastOffsetDelta, count: header.recordCount, producerId: header.producerId });
      for (const r of decodeRecords(bytes, position)) records.push({ offset: r.offset, key: dec.decode(r.key!), value: dec.decode(r.value!) });
      offset = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return { batches, records };
}

async function scenario(reopen: "clean" | "unclean"): Promise<void> {
  const plain = tempDir();
  const compacted = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024 });
    const logs = [Log.open(plain.dir, cfg, { clock }), Log.open(compacted.dir, cfg, { clock })];
    const filled = [await fill(logs[0], clock), await fill(logs[1], clock)];
    const { written, answers } = filled[1];
    assert.equal(filled[0].answers, answers);
    const activeBase = Number(readdirSync(compacted.dir).filter((f) => f.endsWith(".log")).sort().pop()!.slice(0, 20));
    assert.ok(answers[BATCHES - 1].lastOffset < activeBase, "the producer's batches are all in cleanable segments");
    assert.ok(logs[1].compact().removedRecords > BATCHES);

    // reads: exactly the survivors, at their original offsets; the emptied batch reads as nothing
    const latest = new Map<string, number>();
    for (const w of written) if (w.offset < activeBase) latest.set(w.key, w.offset);
    const survivors = written.filter((w) => w.offset >= activeBase || latest.get(w.key) === w.offset);
    const { batches, records } = readAll(logs[1]);
    assert.equal(records, survivors);
    for (let j = 0; j < BATCHES; j++) {
      const b = batches.find((x) => x.base === answers[j].baseOffset);
      assert.ok(b, `batch ${j} of the producer is kept`);
      assert.equal(b, { base: answers[j].baseOffset, last: answers[j].lastOffset, count: j === BATCHES - 1 ? 0 : 1, producerId: PID });
    }
    assert.ok(batches.every((b) => b.count > 0 || b.producerId >= 0), "empty batches without a producer are dropped");
    assert.ok(records.some((r) => r.offset === answers[3].baseOffset + 1) && !records.some((r) => r.offset === answers[3].baseOffset), "a gap inside a batch");

    // reopen both, rebuilding producer state from the log (snapshots deleted)
    const dirs = [plain.dir, compacted.dir];
    for (let i = 0; i < 2; i++) {
      if (reopen === "clean") logs[i].close();
      else logs[i].flush(); // unclean: no snapshot at the end, no clean-shutdown marker
      for (const f of readdirSync(dirs[i])) if (f.endsWith(".snapshot")) rmSync(join(dirs[i], f));
      logs[i] = Log.open(dirs[i], cfg, { clock });
    }
    assert.is(logs[1].logEndOffset, logs[0].logEndOffset);
    for (const log of logs) {
      // retries of the last two batches are duplicates answered with their original offsets
      for (const j of [BATCHES - 1, BATCHES - 2]) {
        const end = log.logEndOffset;
        assert.equal(await log.append(idem(j, clock.now())), { ...answers[j], logAppendTime: -1, duplicate: true }, `retry of batch ${j}`);
        assert.is(log.logEndOffset, end);
      }
      await rejects(log.append(idem(BATCHES + 3, clock.now())), "out_of_order_sequence");
      await rejects(log.append(encodeRecordBatch([{ key: enc.encode("z"), value: enc.encode("old"), headers: [], timestamp: clock.now() }], { producerId: PID, producerEpoch: EPOCH - 1, baseSequence: 2 * BATCHES })), "producer_fenced");
    }
    const next = [await logs[0].append(idem(BATCHES, clock.now())), await logs[1].append(idem(BATCHES, clock.now()))];
    assert.equal(next[1], next[0]);
    assert.is(next[1].duplicate, false);
    for (const log of logs) log.close();
  } finally {
    plain.cleanup();
    compacted.cleanup();
  }
}

test("compaction keeps an idempotent producer's batch headers: state rebuilt after a clean reopen matches an uncompacted log", () => scenario("clean"));
test("compaction keeps an idempotent producer's batch headers: state rebuilt after an unclean stop matches an uncompacted log", () => scenario("unclean"));

test("a follower copies a compacted log with gaps between batches, and rebuilds the same producer state", async () => {
  const leaderDir = tempDir();
  const followerDir = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024 });
    const leader = Log.open(leaderDir.dir, cfg, { clock });
    const { answers } = await fill(leader, clock);
    leader.compact();
    const expected = readAll(leader);
    assert.ok(expected.batches.some((b, i) => i > 0 && b.base > expected.batches[i - 1].last + 1), "the compacted log has a gap between batches");
    let follower = Log.open(followerDir.dir, cfg, { clock });
    // fetch the way a follower does: from its log end, whatever the leader returns there
    while (follower.logEndOffset < leader.highWatermark) {
      const { batches } = leader.read(follower.logEndOffset, 300);
      await follower.appendAsFollower(batches);
    }
    assert.equal(readAll(follower), expected);
    await rejects(follower.appendAsFollower(leader.read(0, 300).batches), "invalid_offset");
    follower.flush();
    for (const f of readdirSync(followerDir.dir)) if (f.endsWith(".snapshot")) rmSync(join(followerDir.dir, f));
    follower = Log.open(followerDir.dir, cfg, { clock }); // unclean: rebuilt from the copied batches
    assert.equal(readAll(follower), expected);
    const j = BATCHES - 1;
    assert.equal(await follower.append(idem(j, clock.now())), { ...answers[j], logAppendTime: -1, duplicate: true });
    await rejects(follower.append(idem(BATCHES + 1, clock.now())), "out_of_order_sequence");
    assert.is((await follower.append(idem(BATCHES, clock.now()))).duplicate, false);
    // truncating to an offset in a gap that compaction left inside a segment cuts before the
    // next batch: the log ends at or before `cut`, past its last record (compaction emptied the
    // segments between, so reads there find nothing)
    const bases = new Set(readdirSync(leaderDir.dir).filter((f) => f.endsWith(".log")).map((f) => Number(f.slice(0, 20))));
    const gapAt = expected.batches.findIndex((b, i) => i > 0 && b.base > expected.batches[i - 1].last + 2 && !bases.has(b.base));
    assert.ok(gapAt > 0, "a gap inside a segment");
    const cut = expected.batches[gapAt].base - 1;
    leader.truncateTo(cut);
    const kept = expected.records.filter((r) => r.offset < cut);
    assert.ok(leader.logEndOffset <= cut && leader.logEndOffset > kept[kept.length - 1].offset, `log end ${leader.logEndOffset}`);
    assert.equal(readAll(leader, true).records, kept);
    leader.close();
    follower.close();
  } finally {
    leaderDir.cleanup();
    followerDir.cleanup();
  }
});

test("truncating a compacted segment after a gap between its batches keeps the batches past the gap", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const clock = new ManualClock(100 * HOUR);
    const cfg = testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024 });
    const log = Log.open(dir, cfg, { clock });
    const keys = ["a", "x", "x", "x", "b", "c"];
    for (let i = 0; i < 40; i++) keys.push(`y${i}`);
    keys.push("x");
    for (let i = 0; i < 30; i++) keys.push(`z${i}`);
    for (const [i, key] of keys.entries()) assert.is((await log.append(keyed(key, `v${i}`, clock.now()))).baseOffset, i);
    log.compact();
    assert.equal(readAll(log).records.slice(0, 3).map((r) => [r.offset, r.key]), [[0, "a"], [4, "b"], [5, "c"]]);
    log.truncateTo(5);
    assert.is(log.logEndOffset, 5);
    assert.equal(readAll(log).records.map((r) => [r.offset, r.key]), [[0, "a"], [4, "b"]]);
    log.close();
    const reopened = Log.open(dir, cfg, { clock });
    assert.equal(readAll(reopened).records.map((r) => [r.offset, r.key]), [[0, "a"], [4, "b"]]);
    reopened.close();
  } finally {
    cleanup();
  }
});

test.run();
