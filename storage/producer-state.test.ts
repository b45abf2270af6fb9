import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync, readdirSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError, type ErrorCode } from "../core/errors.ts";
import { Log } from "./log.ts";
import { ProducerState } from "./producer-state.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";

const idem = (producerId: number, producerEpoch: number, baseSequence: number, count = 2): Uint8Array =>
  batch(count, `p${producerId}-e${producerEpoch}-s${baseSequence}`, { producerId, producerEpoch, baseSequence });

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await p.then(() => assert.unreachable(`expected ${code}`), (e) => assert.ok(isRivuletError(e, code), String(e)));
}

test("Log.append() answers a retried duplicate with its original offsets and writes nothing", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    const first = await log.append(idem(7, 0, 0));
    await log.append(idem(7, 0, 2));
    const size = log.sizeBytes;
    const dup = await log.append(idem(7, 0, 0));
    assert.equal(dup, { baseOffset: first.baseOffset, lastOffset: first.lastOffset, logAppendTime: -1, duplicate: true });
    assert.is(log.sizeBytes, size);
    assert.is(log.logEndOffset, 4);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() refuses a sequence gap with out_of_order_sequence", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(idem(7, 0, 0));
    await rejects(log.append(idem(7, 0, 5)), "out_of_order_sequence");
    assert.is(log.logEndOffset, 2);
    assert.is((await log.append(idem(7, 0, 2))).baseOffset, 2);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() fences a lower epoch and requires sequence 0 for a new epoch", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    await log.append(idem(7, 3, 0));
    await rejects(log.append(idem(7, 2, 2)), "producer_fenced");
    await rejects(log.append(idem(7, 4, 2)), "out_of_order_sequence");
    assert.is((await log.append(idem(7, 4, 0))).baseOffset, 2);
    await rejects(log.append(idem(7, 3, 2)), "producer_fenced");
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() keeps only the last five batches for duplicate detection", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    for (let s = 0; s < 12; s += 2) await log.append(idem(1, 0, s));
    assert.is((await log.append(idem(1, 0, 2))).duplicate, true);
    await rejects(log.append(idem(1, 0, 0)), "out_of_order_sequence");
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() refuses a whole multi-batch append when one batch is out of order", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    const both = new Uint8Array([...idem(1, 0, 0), ...idem(1, 0, 9)]);
    await rejects(log.append(both), "out_of_order_sequence");
    assert.is(log.logEndOffset, 0);
    assert.is((await log.append(idem(1, 0, 0))).duplicate, false);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log producer state survives close and reopen, and an unclean stop", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024 });
    let log = Log.open(dir, cfg);
    for (let s = 0; s < 40; s += 2) await log.append(idem(9, 1, s));
    const last = await log.append(idem(9, 1, 40));
    assert.ok(log.segmentCount > 2);
    log.close();
    log = Log.open(dir, cfg);
    assert.equal(await log.append(idem(9, 1, 40)), { ...last, duplicate: true });
    await rejects(log.append(idem(9, 0, 42)), "producer_fenced");
    await rejects(log.append(idem(9, 1, 50)), "out_of_order_sequence");
    const next = await log.append(idem(9, 1, 42));
    // unclean stop: no close(), so no snapshot at the end and no clean-shutdown marker
    log.flush();
    log = Log.open(dir, cfg);
    assert.equal(await log.append(idem(9, 1, 42)), { ...next, duplicate: true });
    await rejects(log.append(idem(9, 1, 50)), "out_of_order_sequence");
    assert.ok(readdirSync(dir).some((f) => f.endsWith(".snapshot")));
    log.close();
  } finally {
    cleanup();
  }
});

test("Log producer state replays only from the newest snapshot after a torn tail cut a batch", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig();
    let log = Log.open(dir, cfg);
    await log.append(idem(3, 0, 0));
    await log.append(idem(3, 0, 2));
    log.flush();
    const segment = join(dir, "00000000000000000000.log");
    truncateSync(segment, statSync(segment).size - 5);
    writeFileSync(join(dir, "junk.tmp"), "x");
    log = Log.open(dir, cfg);
    assert.is(log.logEndOffset, 2);
    // the cut batch is gone, so its retry is new, not a duplicate
    const retry = await log.append(idem(3, 0, 2));
    assert.equal([retry.baseOffset, retry.duplicate], [2, false]);
    assert.not.ok(readdirSync(dir).includes("junk.tmp"));
    log.close();
  } finally {
    cleanup();
  }
});

test("ProducerState: two interleaved transactions bound firstUnstableOffset; markers end them; snapshots keep them", () => {
  const state = new ProducerState();
  const step = state.begin();
  step.record(1, 0, { firstSeq: 0, lastSeq: 1, baseOffset: 10, lastOffset: 11 }, true);
  step.record(2, 0, { firstSeq: 0, lastSeq: 0, baseOffset: 12, lastOffset: 12 }, true);
  step.record(1, 0, { firstSeq: 2, lastSeq: 2, baseOffset: 13, lastOffset: 13 }, true);
  assert.is(state.firstUnstableOffset(), undefined, "nothing applied before commit()");
  step.commit();
  assert.is(state.firstUnstableOffset(), 10);
  assert.equal([...state.ongoingTransactions()], [[1, 10], [2, 12]]);
  const copy = ProducerState.fromSnapshot(state.toSnapshot());
  assert.equal([...copy.ongoingTransactions()], [[1, 10], [2, 12]], "a snapshot keeps them");
  const end = state.begin();
  assert.equal(end.marker(1, 0), { producerId: 1, firstOffset: 10 });
  assert.throws(() => state.begin().check(2, 0, 1, 1, false), (e: unknown) => isRivuletError(e, "invalid_txn_state"));
  end.commit();
  assert.is(state.firstUnstableOffset(), 12);
  assert.throws(() => state.begin().marker(2, -1), (e: unknown) => isRivuletError(e, "invalid_producer_epoch"));
  assert.is(state.replayMarker(2, 0)?.firstOffset, 12);
  assert.is(state.firstUnstableOffset(), undefined);
  assert.is(state.replayMarker(2, 0), undefined, "a second marker ends nothing");
});

test.run();
