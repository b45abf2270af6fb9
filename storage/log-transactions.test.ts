import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError, type ErrorCode } from "../core/errors.ts";
import { readControlMarker } from "../record/control-batch.ts";
import { decodeRecords, encodeRecordBatch, iterateBatches } from "../record/record-batch.ts";
import { AbortedTxnFilter } from "../record/aborted-filter.ts";
import { Log, type Isolation } from "./log.ts";
import { TXN_INDEX_ENTRY_BYTES } from "./transaction-index.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";

const decoder = new TextDecoder();

/** A transactional batch of `count` records of producer `pid` at `seq`. */
const txn = (pid: number, seq: number, count = 2, epoch = 0) => batch(count, `t${pid}-s${seq}`, { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true });
/** An idempotent, non-transactional batch. */
const plain = (pid: number, seq: number, count = 2, epoch = 0) => batch(count, `p${pid}-s${seq}`, { producerId: pid, producerEpoch: epoch, baseSequence: seq });
const marker = (log: Log, producerId: number, commit: boolean, producerEpoch = 0) => log.appendTxnMarker({ producerId, producerEpoch, coordinatorEpoch: 1, commit });

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await p.then(() => assert.unreachable(`expected ${code}`), (e) => assert.ok(isRivuletError(e, code), String(e)));
}

/** Reads the whole readable log as a consumer with `isolation` would: record values, control batches left out. */
function consume(log: Log, isolation: Isolation): string[] {
  const out: string[] = [];
  let next = log.logStartOffset;
  for (;;) {
    const r = log.read(next, 1 << 20, { isolation: isolation });
    if (r.batches.length === 0) return out;
    const filter = new AbortedTxnFilter(isolation === "read_committed" ? r.abortedTransactions : []);
    for (const { position, header } of iterateBatches(r.batches)) {
      if (!filter.skips(r.batches, position, header)) for (const rec of decodeRecords(r.batches, position)) if (rec.offset >= next) out.push(decoder.decode(rec.value!));
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
}

/** The `.txnindex` files of `dir` with their entry counts. */
function txnIndexFiles(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const name of readdirSync(dir)) if (name.endsWith(".txnindex")) files.set(name, statSync(join(dir, name)).size / TXN_INDEX_ENTRY_BYTES);
  return files;
}

test("producer state: a transactional batch opens a transaction, a marker ends it; a plain batch meanwhile is invalid_txn_state", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(plain(9, 0)); // 0-1
    await log.append(txn(7, 0)); // 2-3
    assert.equal([...log.ongoingTransactions], [[7, 2]]);
    await log.append(txn(7, 2)); // 4-5: extends it
    assert.equal([...log.ongoingTransactions], [[7, 2]]);
    await rejects(log.append(plain(7, 4)), "invalid_txn_state");
    const retry = await log.append(txn(7, 0));
    assert.equal([retry.baseOffset, retry.lastOffset, retry.duplicate], [2, 3, true], "a retried batch is answered as a duplicate first");
    const m = await marker(log, 7, true); // 6
    assert.is(m.baseOffset, 6);
    assert.is(log.ongoingTransactions.size, 0);
    assert.is((await log.append(plain(7, 4))).baseOffset, 7, "after the marker plain batches are fine again, sequence kept");
    // a marker for a producer without an open transaction is written and changes nothing else
    const idle = await marker(log, 9, false);
    assert.is(idle.baseOffset, 9);
    assert.is(log.ongoingTransactions.size, 0);
    assert.equal(txnIndexFiles(dir), new Map([["00000000000000000000.txnindex", 0]]), "no transaction was aborted");
    // the marker is a control batch with the producer's fields
    const { batches } = log.read(6, 1);
    const header = [...iterateBatches(batches)][0].header;
    assert.is(header.producerId, 7);
    assert.equal(readControlMarker(batches), { commit: true, coordinatorEpoch: 1 });
    log.close();
  } finally {
    cleanup();
  }
});

test("a marker below the producer's epoch is invalid_producer_epoch; a higher one fences the old epoch's batches", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(txn(7, 0, 2, 3));
    await rejects(marker(log, 7, true, 2), "invalid_producer_epoch");
    assert.is(log.logEndOffset, 2, "nothing written");
    await marker(log, 7, false, 4); // the coordinator fenced epoch 3 and aborted its transaction
    assert.is(log.ongoingTransactions.size, 0);
    await rejects(log.append(txn(7, 2, 2, 3)), "producer_fenced");
    assert.is((await log.append(txn(7, 0, 2, 4))).baseOffset, 3, "the new epoch starts at sequence 0");
    // clients cannot produce control batches
    const { batches } = log.read(2, 1);
    await rejects(log.append(batches.slice()), "invalid_record");
    log.close();
  } finally {
    cleanup();
  }
});

test("the last stable offset is held by the earliest of two interleaved transactions, and read_committed stops there", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(plain(9, 0)); // 0-1
    await log.append(txn(1, 0)); // 2-3
    await log.append(txn(2, 0)); // 4-5
    await log.append(txn(1, 2)); // 6-7
    assert.is(log.highWatermark, 8);
    assert.is(log.lastStableOffset, 2);
    assert.equal(consume(log, "read_committed"), ["p9-s0-0", "p9-s0-1"]);
    assert.is(consume(log, "read_uncommitted").length, 8);
    await marker(log, 2, true); // 8: 2 commits first, 1 still holds the LSO
    assert.is(log.lastStableOffset, 2);
    await marker(log, 1, false); // 9: 1 aborts
    assert.is(log.lastStableOffset, 10);
    assert.equal(consume(log, "read_committed"), ["p9-s0-0", "p9-s0-1", "t2-s0-0", "t2-s0-1"]);
    assert.equal(consume(log, "read_uncommitted"), ["p9-s0-0", "p9-s0-1", "t1-s0-0", "t1-s0-1", "t2-s0-0", "t2-s0-1", "t1-s2-0", "t1-s2-1"]);
    const r = log.read(0, 1 << 20, { isolation: "read_committed" });
    assert.equal(r.abortedTransactions, [{ producerId: 1, firstOffset: 2 }]);
    assert.is(r.lastStableOffset, 10);
    assert.equal(log.read(0, 1 << 20).abortedTransactions, [], "read_uncommitted lists none");
    assert.equal(log.read(8, 1 << 20, { isolation: "read_committed" }).abortedTransactions, [{ producerId: 1, firstOffset: 2 }], "its marker is past the read offset");
    log.close();
  } finally {
    cleanup();
  }
});

test("under flush=always the last stable offset stays at a transaction until its marker is durable", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ flush: "always" }));
    await log.append(txn(1, 0));
    const pending = marker(log, 1, true);
    assert.is(log.lastStableOffset, 0, "the marker is written but not below the high watermark yet");
    await pending;
    assert.is(log.highWatermark, 3);
    assert.is(log.lastStableOffset, 3);
    log.close();
  } finally {
    cleanup();
  }
});

test(".txnindex: an abort adds a 34-byte entry; it survives a restart, and is rebuilt when deleted or torn", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024, flush: "always" });
    let log = Log.open(dir, cfg);
    for (let i = 0; i < 12; i++) {
      await log.append(txn(1, i * 10, 10));
      await marker(log, 1, i % 2 === 0); // commits and aborts alternate
    }
    const expected = log.read(0, 1 << 20, { isolation: "read_committed" });
    const abortedAll = log.abortedTransactions(0, log.logEndOffset);
    assert.equal(abortedAll.map((t) => [t.firstOffset, t.lastOffset]), [1, 3, 5, 7, 9, 11].map((i) => [i * 11, i * 11 + 10]));
    const files = txnIndexFiles(dir);
    assert.ok([...files.values()].filter((n) => n > 0).length >= 2, `aborts in several segments: ${JSON.stringify([...files])}`);
    assert.is([...files.values()].reduce((a, b) => a + b, 0), 6);
    const committed = consume(log, "read_committed");
    assert.is(committed.length, 60);
    log.close();

    log = Log.open(dir, cfg);
    assert.equal(log.abortedTransactions(0, log.logEndOffset), abortedAll, "after a clean restart");
    log.close();

    // delete one index that holds an entry and tear another; the log rebuilds both from its batches
    const withEntries = [...txnIndexFiles(dir)].filter(([, n]) => n > 0).map(([name]) => name);
    rmSync(join(dir, withEntries[0]));
    const torn = join(dir, withEntries[withEntries.length - 1]);
    truncateSync(torn, statSync(torn).size - 5);
    log = Log.open(dir, cfg);
    assert.equal(log.abortedTransactions(0, log.logEndOffset), abortedAll, "rebuilt");
    assert.equal(consume(log, "read_committed"), committed);
    assert.equal(log.read(0, 1 << 20, { isolation: "read_committed" }).abortedTransactions, expected.abortedTransactions);
    assert.ok(existsSync(join(dir, withEntries[0])));
    assert.is(statSync(torn).size % TXN_INDEX_ENTRY_BYTES, 0);
    log.close();

    // after a crash (no clean-shutdown marker, entries of the newest segment lost) recovery recomputes them
    const newest = [...txnIndexFiles(dir).keys()].sort().pop()!;
    writeFileSync(join(dir, newest), new Uint8Array(0));
    rmSync(join(dir, ".clean-shutdown"), { force: true });
    rmSync(join(dir, readdirSync(dir).filter((n) => n.endsWith(".snapshot")).sort().pop()!)); // a crash writes no snapshot at the log end
    log = Log.open(dir, cfg);
    assert.equal(log.abortedTransactions(0, log.logEndOffset), abortedAll, "recomputed by recovery");
    log.close();
  } finally {
    cleanup();
  }
});

test(".txnindex is deleted with its segment by retention and cut by truncation", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 1024, "retention.bytes": 1, "retention.ms": -1 }));
    for (let i = 0; i < 12; i++) {
      await log.append(txn(1, i * 10, 10));
      await marker(log, 1, false);
    }
    const before = txnIndexFiles(dir);
    assert.is([...before.values()].reduce((a, b) => a + b, 0), 12);
    // truncation into the newest segment's transactions drops the aborts whose markers go
    const last = log.abortedTransactions(0, log.logEndOffset).pop()!;
    log.truncateTo(last.lastOffset);
    assert.is(log.abortedTransactions(0, log.logEndOffset).length, 11);
    assert.equal([...log.ongoingTransactions], [[1, last.firstOffset]], "its transaction is open again");
    assert.is(log.lastStableOffset, last.firstOffset);
    await log.appendTxnMarker({ producerId: 1, producerEpoch: 0, coordinatorEpoch: 1, commit: false });
    const { deletedSegments } = log.applyRetention();
    assert.ok(deletedSegments > 0);
    const after = txnIndexFiles(dir);
    assert.is(after.size, log.segmentCount, "one .txnindex per remaining segment");
    for (const name of before.keys()) if (!after.has(name)) assert.not.ok(existsSync(join(dir, name.replace(".txnindex", ".log"))), `${name} went with its segment`);
    assert.ok(log.abortedTransactions(log.logStartOffset, log.logEndOffset).every((t) => t.lastOffset >= log.logStartOffset));
    log.close();
  } finally {
    cleanup();
  }
});

test("retention keeps every segment from an undecided transaction's first batch on", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ "segment.bytes": 1024, "retention.bytes": 1, "retention.ms": -1 }));
    for (let i = 0; i < 4; i++) await log.append(plain(9, i * 10, 10));
    const open = (await log.append(txn(1, 0))).baseOffset;
    for (let i = 4; i < 12; i++) await log.append(plain(9, i * 10, 10));
    assert.ok(log.segmentCount > 3);
    log.applyRetention();
    assert.ok(log.logStartOffset <= open, `log start ${log.logStartOffset} kept the open transaction at ${open}`);
    assert.ok(log.logStartOffset > 0, "older segments went");
    await marker(log, 1, true);
    log.applyRetention();
    assert.ok(log.logStartOffset > open, "once decided it may go");
    log.close();
  } finally {
    cleanup();
  }
});

test("a restart knows the open transactions: from the snapshot after a clean close, from the log after a crash", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024 });
    let log = Log.open(dir, cfg);
    await log.append(txn(1, 0)); // 0-1: stays open over several segments
    for (let i = 0; i < 12; i++) {
      await log.append(txn(2, i * 10, 10));
      await marker(log, 2, true);
    }
    assert.ok(log.segmentCount > 2);
    assert.is(log.lastStableOffset, 0);
    log.close();
    const snapshot = readdirSync(dir).filter((n) => n.endsWith(".snapshot"));
    assert.ok(snapshot.length > 0);
    log = Log.open(dir, cfg);
    assert.equal([...log.ongoingTransactions], [[1, 0]], "from the snapshot");
    assert.is(log.lastStableOffset, 0);
    log.close();
    // no clean close and no snapshot at the log end: the newest segment is replayed from the snapshot at its base
    rmSync(join(dir, ".clean-shutdown"));
    const end = readdirSync(dir).filter((n) => n.endsWith(".snapshot")).sort().pop()!;
    rmSync(join(dir, end));
    log = Log.open(dir, cfg);
    assert.equal([...log.ongoingTransactions], [[1, 0]], "from an older snapshot and the batches after it");
    await marker(log, 1, true);
    assert.is(log.lastStableOffset, log.logEndOffset);
    log.close();
  } finally {
    cleanup();
  }
});

test("a follower copying the leader's batches tracks the same open transactions, aborted index and last stable offset", async () => {
  const leaderDir = tempDir();
  const followerDir = tempDir();
  try {
    const leader = Log.open(leaderDir.dir, testConfig());
    const follower = Log.open(followerDir.dir, testConfig());
    await leader.append(txn(1, 0));
    await leader.append(txn(2, 0));
    await marker(leader, 1, false);
    await leader.append(plain(3, 0));
    await leader.append(txn(2, 2));
    for (let next = 0; next < leader.logEndOffset; ) {
      const { batches } = leader.read(next, 1 << 20);
      await follower.appendAsFollower(batches.slice());
      next = follower.logEndOffset;
    }
    assert.equal([...follower.ongoingTransactions], [...leader.ongoingTransactions]);
    assert.equal([...follower.ongoingTransactions], [[2, 2]]);
    assert.is(follower.lastStableOffset, leader.lastStableOffset);
    assert.equal(follower.abortedTransactions(0, follower.logEndOffset), leader.abortedTransactions(0, leader.logEndOffset));
    assert.equal(consume(follower, "read_committed"), consume(leader, "read_committed"));
    leader.close();
    follower.close();
  } finally {
    leaderDir.cleanup();
    followerDir.cleanup();
  }
});

test("a version-1 producer snapshot (from before transactions) still loads", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig();
    let log = Log.open(dir, cfg);
    await log.append(plain(3, 0));
    log.close();
    const { encode, decode } = await import("cbor-x");
    const name = readdirSync(dir).find((n) => n.endsWith(".snapshot"))!;
    const file = decode(readFileSync(join(dir, name))) as { version: number; offset: number; producers: unknown[][] };
    writeFileSync(join(dir, name), encode({ version: 1, offset: file.offset, producers: file.producers.map((p) => p.slice(0, 3)) }));
    log = Log.open(dir, cfg);
    await rejects(log.append(plain(3, 5)), "out_of_order_sequence");
    assert.is((await log.append(plain(3, 2))).baseOffset, 2, "the sequence came from the snapshot");
    log.close();
  } finally {
    cleanup();
  }
});

test("compaction stops at the last stable offset and drops aborted records, keeping committed values and markers", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const enc = new TextEncoder();
    const pad = "x".repeat(200);
    const kv = (pid: number, seq: number, value: string, key = "k", transactional = true) =>
      encodeRecordBatch([{ key: enc.encode(key), value: enc.encode(value), headers: [["pad", enc.encode(pad)]], timestamp: 0 }], { producerId: pid, producerEpoch: 0, baseSequence: seq, transactional });
    const log = Log.open(dir, testConfig({ "cleanup.policy": "compact", "segment.bytes": 1024, "min.compaction.lag.ms": 0, "delete.retention.ms": 0 }));
    await log.append(kv(1, 0, "committed")); // 0
    await marker(log, 1, true); // 1
    await log.append(kv(2, 0, "aborted")); // 2: a newer value of "k", aborted
    await marker(log, 2, false); // 3
    for (let i = 0; i < 6; i++) await log.append(kv(5, i, `filler-${i}`, `f${i}`, false)); // 4-9, plain records
    await log.append(kv(3, 0, "open")); // 10: never decided
    await log.append(kv(3, 1, "open-too", "f0")); // 11: would shadow filler-0 if it were decided
    for (let i = 0; i < 6; i++) await log.append(kv(4, i, `later-${i}`, "z", false));
    assert.ok(log.segmentCount >= 4, `segments ${log.segmentCount}`);
    assert.is(log.lastStableOffset, 10);
    const fillers = Array.from({ length: 6 }, (_, i) => `filler-${i}`);
    assert.ok(log.compact().removedRecords > 0);
    assert.equal(consume(log, "read_committed"), ["committed", ...fillers], "the aborted value did not replace the committed one");
    assert.equal(consume(log, "read_uncommitted").slice(0, 9), ["committed", ...fillers, "open", "open-too"], "the aborted record is gone, the undecided ones stay");
    const markers = [...iterateBatches(log.read(0, 1 << 20).batches)].filter(({ header }) => (header.attributes & 0x20) !== 0);
    assert.is(markers.length, 2, "markers are kept");
    log.close();
  } finally {
    cleanup();
  }
});

test.run();
