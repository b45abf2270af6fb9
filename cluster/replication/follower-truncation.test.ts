import { test } from "uvu";
import * as assert from "uvu/assert";
import { followerEndOffsetFor, latestEpoch, safeBoundary, truncationStep, type FollowerLogView } from "./follower-truncation.ts";

const view = (epochs: [number, number][], logEndOffset: number, highWatermark = 0, logStartOffset = 0): FollowerLogView => ({
  logStartOffset, logEndOffset, highWatermark, epochs: epochs.map(([epoch, startOffset]) => ({ epoch, startOffset })),
});

test("latestEpoch() is the newest epoch entry, -1 without any", () => {
  assert.is(latestEpoch(view([[0, 0], [3, 10]], 20)), 3);
  assert.is(latestEpoch(view([], 0)), -1);
});

test("followerEndOffsetFor() answers as the leader's cache does: the log end for the newest epoch, the next epoch's start for older ones", () => {
  const v = view([[1, 0], [3, 10], [5, 20]], 30);
  assert.equal(followerEndOffsetFor(v, 5), { epoch: 5, endOffset: 30 });
  assert.equal(followerEndOffsetFor(v, 3), { epoch: 3, endOffset: 20 });
  assert.equal(followerEndOffsetFor(v, 4), { epoch: 3, endOffset: 20 });
  assert.equal(followerEndOffsetFor(v, 0), { epoch: 0, endOffset: 0 });
  assert.equal(followerEndOffsetFor(v, 6), { epoch: -1, endOffset: -1 });
});

test("truncationStep() cuts at the smaller end of a shared epoch (KIP-101: the old leader's unreplicated suffix goes)", () => {
  // follower led epoch 1 to offset 13; the new leader's epoch 1 ended at 10
  assert.equal(truncationStep(view([[1, 0]], 13, 10), { leaderEpoch: 1, endOffset: 10 }), { offset: 10, done: true });
  // the follower is behind: nothing to cut
  assert.equal(truncationStep(view([[1, 0]], 8, 5), { leaderEpoch: 1, endOffset: 10 }), { offset: 8, done: true });
});

test("truncationStep() asks again when the leader answers an epoch the follower lacks (KIP-279)", () => {
  // follower has epochs 1 and 3 (3 never committed); the leader knows 1 and 2, and answers (2, 15) for 3
  const step = truncationStep(view([[1, 0], [3, 12]], 20), { leaderEpoch: 2, endOffset: 15 });
  assert.equal(step, { offset: 12, done: false, nextEpoch: 1 });
  // asked about epoch 1, the leader says it ends at 10: the follower cuts there
  assert.equal(truncationStep(view([[1, 0]], 12), { leaderEpoch: 1, endOffset: 10 }), { offset: 10, done: true });
});

test("truncationStep() falls back to the high watermark when the leader knows no such epoch, and to the log start when the follower knows none at or below the leader's", () => {
  assert.equal(truncationStep(view([[4, 0]], 20, 7), { leaderEpoch: -1, endOffset: -1 }), { offset: 7, done: true });
  assert.equal(truncationStep(view([[4, 5]], 20, 7, 5), { leaderEpoch: 2, endOffset: 9 }), { offset: 5, done: true });
});

test("safeBoundary() is the start of the epoch holding the offset, or the log start", () => {
  const v = view([[1, 0], [2, 10], [3, 20]], 30, 0, 0);
  assert.is(safeBoundary(v, 15), 10);
  assert.is(safeBoundary(v, 25), 20);
  assert.is(safeBoundary(view([], 30, 0, 4), 15), 4);
});

test.run();
