import { test } from "uvu";
import * as assert from "uvu/assert";
import { ReplicaSet } from "./replica-set.ts";

const lag = 1000;

test("ReplicaSet.highWatermark() is the minimum log end of the ISR, unknown followers holding it back", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }, 0, 0);
  assert.is(set.highWatermark(10), -1, "no follower has fetched yet");
  set.followerFetched(2, 10, 10, 1);
  assert.is(set.highWatermark(10), -1);
  set.followerFetched(3, 7, 10, 1);
  assert.is(set.highWatermark(10), 7);
  set.followerFetched(3, 10, 10, 2);
  assert.is(set.highWatermark(12), 10);
});

test("ReplicaSet.proposal() drops an ISR follower behind and not caught up for the lag time, keeps one caught up", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }, 0, 0);
  set.followerFetched(2, 10, 10, 100);
  set.followerFetched(3, 5, 10, 100);
  assert.is(set.proposal(10, 5, lag, 900), null, "within the lag time");
  set.followerFetched(2, 10, 10, 1500);
  assert.equal(set.proposal(10, 5, lag, 1500), [1, 2], "3 has not caught up since 0");
  set.propose([1, 2]);
  assert.equal(set.maximalIsr.sort(), [1, 2, 3], "the high watermark still waits for 3 while the change is in flight");
  assert.is(set.proposal(10, 5, lag, 1600), null, "one change at a time");
  set.settle([1, 2]);
  assert.equal([...set.isr], [1, 2]);
  assert.is(set.highWatermark(10), 10);
});

test("ReplicaSet: a follower at the leader's end stays in sync however long it is quiet", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] }, 0, 0);
  set.followerFetched(2, 10, 10, 0);
  assert.is(set.proposal(10, 10, lag, 60_000), null);
});

test("ReplicaSet: a follower always one round trip behind under load counts as caught up (previous fetch's leader end)", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] }, 0, 0);
  let leader = 10;
  for (let t = 0; t <= 5000; t += 100) {
    set.followerFetched(2, leader - 10, leader, t);
    leader += 10;
  }
  assert.is(set.proposal(leader, leader - 20, lag, 5000), null);
});

test("ReplicaSet.proposal() adds a replica caught up to the high watermark and the epoch's start", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 2, replicas: [1, 2, 3], isr: [1, 2] }, 20, 0);
  set.followerFetched(2, 30, 30, 10);
  set.followerFetched(3, 15, 30, 10);
  assert.is(set.proposal(30, 30, lag, 10), null, "3 is behind");
  set.followerFetched(3, 30, 30, 20);
  assert.equal(set.proposal(30, 30, lag, 20), [1, 2, 3]);
});

test("ReplicaSet.update() keeps followers' progress at the same epoch", () => {
  const set = new ReplicaSet(1, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }, 0, 0);
  set.followerFetched(2, 10, 10, 5);
  set.followerFetched(3, 10, 10, 5);
  set.propose([1, 2]);
  set.update({ leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2] }, 6);
  assert.is(set.pendingIsr, null, "the controller's word settles the change asked for");
  assert.is(set.highWatermark(10), 10);
  assert.equal(set.lags(12, 10).map((l) => [l.brokerId, l.inSync, l.lagRecords]), [[2, true, 2], [3, false, 2]]);
});

test.run();
