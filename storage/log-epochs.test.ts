import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError } from "../core/errors.ts";
import { Log } from "./log.ts";
import { LEADER_EPOCH_CHECKPOINT_FILE } from "./leader-epoch-cache.ts";
import { batch, concat, tempDir, testConfig } from "../test/support/storage/log.ts";
import { iterateBatches, readBatchHeader } from "../record/record-batch.ts";
import { packRecordBlocks, RecordBlockBuilder } from "../record/record-block.ts";

/** (baseOffset, partitionLeaderEpoch) of every stored batch, read back from the log. */
function storedEpochs(log: Log): [number, number][] {
  const out: [number, number][] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const { batches } = log.read(offset, 1 << 20);
    if (batches.length === 0) break;
    for (const { header } of iterateBatches(batches)) {
      out.push([header.baseOffset, header.partitionLeaderEpoch]);
      offset = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return out;
}

const pairs = (log: Log): [number, number][] => log.epochEntries.map((e) => [e.epoch, e.startOffset]);

async function rejects(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    assert.ok(isRivuletError(error, code as never), `expected ${code}, got ${String(error)}`);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test("Log.append() stamps the leader epoch on every batch: 0 on a new log, then what becomeLeader() set", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    assert.is(log.leaderEpoch, 0);
    await log.append(batch(2, "a", { partitionLeaderEpoch: 9 })); // what a client sends is overwritten
    await log.append(batch(3, "b"));
    log.becomeLeader(4);
    assert.equal(pairs(log), [[0, 0], [4, 5]], "the new epoch starts at the log end at once");
    await log.append(concat([batch(1, "c"), batch(2, "d")]));
    assert.equal(storedEpochs(log), [[0, 0], [2, 0], [5, 4], [6, 4]]);
    assert.equal(log.endOffsetForEpoch(0), { epoch: 0, endOffset: 5 });
    assert.equal(log.endOffsetForEpoch(3), { epoch: 0, endOffset: 5 });
    assert.equal(log.endOffsetForEpoch(4), { epoch: 4, endOffset: 8 });
    assert.equal(log.endOffsetForEpoch(5), { epoch: -1, endOffset: -1 });
    log.close();
    const reopened = Log.open(dir, testConfig());
    assert.is(reopened.leaderEpoch, 4, "the epoch survives a restart");
    assert.equal(pairs(reopened), [[0, 0], [4, 5]]);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.appendRecords() stamps the leader epoch too", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    log.becomeLeader(2);
    const builder = new RecordBlockBuilder();
    builder.beginRecord(1);
    builder.writeKey(null);
    builder.writeValue("x");
    builder.writeHeaderCount(0);
    builder.endRecord();
    await log.appendRecords(packRecordBlocks([{ builder, from: 0, to: 1 }]), {});
    assert.equal(storedEpochs(log), [[0, 2]]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.becomeLeader() refuses an older epoch and takes the same one again as a no-op", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    log.becomeLeader(3);
    log.becomeLeader(3);
    await rejects(() => log.becomeLeader(2), "fenced_leader_epoch");
    await rejects(() => log.becomeLeader(-1), "invalid_request");
    assert.equal(pairs(log), [[3, 0]]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.open() rebuilds a deleted, torn or stale checkpoint from the batches", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128 });
    const log = Log.open(dir, cfg);
    const expected: [number, number][] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      if (epoch !== 1) {
        log.becomeLeader(epoch);
        expected.push([epoch, log.logEndOffset]);
        for (let i = 0; i < 15; i++) await log.append(batch(2, `e${epoch}-${i}`));
      }
    }
    assert.ok(log.segmentCount > 4, `segments: ${log.segmentCount}`);
    assert.equal(pairs(log), expected);
    log.close();
    const path = join(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    for (const damage of [() => rmSync(path), () => writeFileSync(path, "0\n4\n0 0\n"), () => writeFileSync(path, "0\n1\n0 0\n")]) {
      damage();
      // an unclean stop too: the stale-checkpoint check runs only then
      rmSync(join(dir, ".clean-shutdown"), { force: true });
      const reopened = Log.open(dir, cfg);
      assert.equal(pairs(reopened), expected);
      assert.is(reopened.leaderEpoch, 4);
      reopened.close();
    }
    // after a clean stop the checkpoint is trusted, but not an empty one beside a log with records
    writeFileSync(path, "0\n0\n");
    const clean = Log.open(dir, cfg);
    assert.equal(pairs(clean), expected);
    clean.close();
  } finally {
    cleanup();
  }
});

test("Log.open() gives a log from before leader epochs (every batch -1, no checkpoint) the epoch 0 from its start", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024 });
    const log = Log.open(dir, cfg);
    for (let i = 0; i < 40; i++) await log.append(batch(2, `old${i}`));
    log.close();
    // rewrite what older versions stored: partitionLeaderEpoch -1 (outside the CRC), no checkpoint file
    const segments = (await import("node:fs")).readdirSync(dir).filter((f) => f.endsWith(".log"));
    const fs = await import("node:fs");
    for (const name of segments) {
      const bytes = new Uint8Array(fs.readFileSync(join(dir, name)));
      for (const { position } of iterateBatches(bytes)) new DataView(bytes.buffer).setInt32(position + 12, -1);
      fs.writeFileSync(join(dir, name), bytes);
    }
    rmSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE));
    const old = Log.open(dir, cfg);
    assert.ok(old.segmentCount > 2);
    assert.ok(storedEpochs(old).every(([, e]) => e === -1));
    assert.equal(pairs(old), [[0, 0]]);
    assert.is(old.leaderEpoch, 0);
    assert.equal(old.endOffsetForEpoch(0), { epoch: 0, endOffset: 80 });
    await old.append(batch(1, "new"));
    assert.equal(storedEpochs(old).pop(), [80, 0]);
    old.close();
  } finally {
    cleanup();
  }
});

test("Log.applyRetention() moves the first epoch entry up to the new log start", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024, "retention.bytes": 2048 });
    const log = Log.open(dir, cfg);
    for (let i = 0; i < 20; i++) await log.append(batch(2, `a${i}`));
    log.becomeLeader(1);
    for (let i = 0; i < 40; i++) await log.append(batch(2, `b${i}`));
    assert.is(pairs(log)[1][0], 1);
    const epoch1Start = pairs(log)[1][1];
    log.applyRetention();
    assert.ok(log.logStartOffset > epoch1Start, `log start ${log.logStartOffset}`);
    assert.equal(pairs(log), [[1, log.logStartOffset]]);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.appendAsFollower() keeps the leader's offsets and epochs and checks contiguity and epoch order", async () => {
  const leader = tempDir();
  const follower = tempDir();
  try {
    const source = Log.open(leader.dir, testConfig());
    await source.append(batch(2, "x"));
    source.becomeLeader(3);
    await source.append(batch(3, "y", { producerId: 7, producerEpoch: 0, baseSequence: 0 }));
    source.becomeLeader(5);
    await source.append(batch(1, "z", { producerId: 7, producerEpoch: 0, baseSequence: 3 }));
    const copied = source.read(0, 1 << 20).batches;

    const log = Log.open(follower.dir, testConfig());
    const result = await log.appendAsFollower(copied.slice());
    assert.equal([result.baseOffset, result.lastOffset], [0, 5]);
    assert.equal(storedEpochs(log), [[0, 0], [2, 3], [5, 5]]);
    assert.equal(pairs(log), [[0, 0], [3, 2], [5, 5]]);
    assert.equal(Buffer.from(log.read(0, 1 << 20).batches).equals(Buffer.from(copied)), true, "stored byte for byte");
    // producer state came along: the producer's retry of its last batch is a duplicate here
    log.becomeLeader(6);
    const retry = await log.append(batch(1, "z", { producerId: 7, producerEpoch: 0, baseSequence: 3 }));
    assert.equal([retry.duplicate, retry.baseOffset], [true, 5]);
    // not contiguous, and an epoch older than the log's newest
    const again = source.read(2, 1 << 20).batches;
    await rejects(log.appendAsFollower(again.slice()), "invalid_offset");
    const more = Log.open(tempDir().dir, testConfig());
    more.becomeLeader(1);
    await more.append(batch(1, "w"));
    const stale = more.read(0, 1 << 20).batches.slice();
    const view = new DataView(stale.buffer);
    view.setInt32(0, 0);
    view.setInt32(4, 6); // base offset 6 = the follower's log end
    await rejects(log.appendAsFollower(stale), "fenced_leader_epoch");
    assert.is(log.logEndOffset, 6, "refused appends leave the log as it was");
    more.close();
    source.close();
    log.close();
    const reopened = Log.open(follower.dir, testConfig());
    assert.equal(pairs(reopened), [[0, 0], [3, 2], [5, 5], [6, 6]]);
    reopened.close();
  } finally {
    leader.cleanup();
    follower.cleanup();
  }
});

test("Log.append() as leader is refused once a follower append brought a newer epoch, until becomeLeader()", async () => {
  const a = tempDir();
  const b = tempDir();
  try {
    const source = Log.open(a.dir, testConfig());
    source.becomeLeader(2);
    await source.append(batch(1, "x"));
    const log = Log.open(b.dir, testConfig());
    await log.appendAsFollower(source.read(0, 1 << 20).batches.slice());
    await rejects(log.append(batch(1, "y")), "fenced_leader_epoch");
    log.becomeLeader(3);
    await log.append(batch(1, "y"));
    assert.equal(storedEpochs(log), [[0, 2], [1, 3]]);
    assert.equal(readBatchHeader(log.read(1, 100).batches).partitionLeaderEpoch, 3);
    source.close();
    log.close();
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test("Log.appendAsFollower() that fails to write takes back the epochs it started, so the retry is accepted", async () => {
  const a = tempDir();
  const b = tempDir();
  try {
    const source = Log.open(a.dir, testConfig());
    await source.append(batch(1, "x"));
    source.becomeLeader(3);
    await source.append(batch(1, "y"));
    source.becomeLeader(5);
    await source.append(batch(1, "z"));
    const copied = source.read(0, 1 << 20).batches;
    let failing = true;
    const log = Log.open(b.dir, testConfig(), {
      hooks: {
        afterWrite: (file) => {
          if (failing && file.endsWith(".log")) throw new Error("injected write failure");
        },
      },
    });
    await rejects(log.appendAsFollower(copied.slice()), "storage_error");
    assert.is(log.logEndOffset, 0);
    assert.ok(pairs(log).every(([, start]) => start <= 0), `entries past the log end: ${JSON.stringify(pairs(log))}`);
    failing = false;
    await log.appendAsFollower(copied.slice());
    assert.equal(pairs(log), [[0, 0], [3, 1], [5, 2]]);
    source.close();
    log.close();
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test.run();
