import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkTarget, completeMove, moveOf, startMove, targetOf } from "./reassignment.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import { isRivuletError } from "../../core/errors.ts";

function errorCode(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (error) {
    return isRivuletError(error) ? error.code : String(error);
  }
}

const record: TopicRecord = { name: "orders", replicas: [[1, 2, 3], [2, 3, 1]], config: {} };
const live = new Set([1, 2, 3, 4, 5]);

test("checkTarget refuses bad lists with typed errors: not ids, a broker twice, wrong count, unknown broker, unknown partition", () => {
  assert.equal(checkTarget(record, 0, [4, 2, 3], live), [4, 2, 3]);
  assert.is(errorCode(() => checkTarget(record, 0, "1,2,3", live)), "invalid_replica_assignment");
  assert.is(errorCode(() => checkTarget(record, 0, [1, 1.5, 2], live)), "invalid_replica_assignment");
  assert.is(errorCode(() => checkTarget(record, 0, [1, 2, 2], live)), "invalid_replica_assignment");
  assert.is(errorCode(() => checkTarget(record, 0, [1, 2], live)), "invalid_replica_assignment");
  assert.is(errorCode(() => checkTarget(record, 0, [1, 2, 3, 4], live)), "invalid_replica_assignment");
  assert.is(errorCode(() => checkTarget(record, 0, [1, 2, 9], live)), "unknown_broker");
  assert.is(errorCode(() => checkTarget(record, 2, [1, 2, 3], live)), "unknown_partition");
  assert.is(errorCode(() => checkTarget(record, -1, [1, 2, 3], live)), "unknown_partition");
});

test("a move: target first then the leaving brokers; completes only once the whole target is in the ISR; the ISR loses the leaving ones", () => {
  const state: PartitionState = { leader: 2, leader_epoch: 4, isr: [1, 2, 3] };
  const started = startMove(record, 0, [4, 2, 3], state);
  assert.equal(started.record.replicas[0], [4, 2, 3, 1]);
  assert.equal(started.record.replicas[1], [2, 3, 1], "other partitions untouched");
  assert.equal(moveOf(started.record, 0), { target: [4, 2, 3], adding: [4], removing: [1] });
  assert.equal(targetOf(started.record, 0), [4, 2, 3]);
  assert.is(moveOf(started.record, 1), null);
  assert.equal(started.state, state);
  assert.is(completeMove(started.record, 0, state, live), null, "4 is not in the ISR yet");
  const step = completeMove(started.record, 0, { leader: 2, leader_epoch: 4, isr: [1, 2, 3, 4] }, live)!;
  assert.equal(step.record.replicas[0], [4, 2, 3]);
  assert.is(step.record.adding_replicas, undefined);
  assert.is(step.record.removing_replicas, undefined);
  assert.equal(step.state, { leader: 2, leader_epoch: 4, isr: [2, 3, 4] }, "same leader, same epoch");
  assert.is(step.leaderChanged, false);
});

test("when the leader leaves with the move, the first live target broker in the ISR leads at epoch + 1", () => {
  const state: PartitionState = { leader: 1, leader_epoch: 7, isr: [1, 2, 3] };
  const started = startMove(record, 0, [4, 5, 2], state);
  assert.equal(moveOf(started.record, 0), { target: [4, 5, 2], adding: [4, 5], removing: [1, 3] });
  const step = completeMove(started.record, 0, { leader: 1, leader_epoch: 7, isr: [1, 2, 3, 4, 5] }, new Set([1, 2, 3, 5]))!;
  assert.equal(step.state, { leader: 5, leader_epoch: 8, isr: [2, 4, 5] }, "4 is not live: 5 leads");
  assert.is(step.leaderChanged, true);
  assert.is(completeMove(started.record, 0, { leader: -1, leader_epoch: 8, isr: [1, 2, 3, 4, 5] }, live), null, "no leader: wait");
});

test("a new target replaces a move in progress: moving from what the partition held before; the ISR drops brokers no longer wanted", () => {
  const state: PartitionState = { leader: 2, leader_epoch: 1, isr: [1, 2, 3] };
  const first = startMove(record, 0, [4, 2, 3], state);
  const second = startMove(first.record, 0, [5, 2, 3], { ...state, isr: [1, 2, 3, 4] });
  assert.equal(moveOf(second.record, 0), { target: [5, 2, 3], adding: [5], removing: [1] });
  assert.equal(second.record.replicas[0], [5, 2, 3, 1]);
  assert.equal(second.state.isr, [1, 2, 3], "4 left the ISR with the cancelled move");
  const back = startMove(second.record, 0, [1, 2, 3], second.state);
  assert.is(moveOf(back.record, 0), null, "back to where it was: no move");
  assert.equal(back.record.replicas[0], [1, 2, 3]);
  const reordered = startMove(record, 0, [3, 1, 2], state);
  assert.is(moveOf(reordered.record, 0), null, "a new order only");
  assert.equal(reordered.record.replicas[0], [3, 1, 2]);
});

test.run();
