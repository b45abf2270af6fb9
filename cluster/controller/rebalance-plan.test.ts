import { test } from "uvu";
import * as assert from "uvu/assert";
import { planDrain, planRebalance, type PlannedMove } from "./rebalance-plan.ts";
import type { TopicRecord } from "../membership/metadata-records.ts";
import { isRivuletError, type RivuletError } from "../../core/errors.ts";

function apply(topics: TopicRecord[], moves: PlannedMove[]): TopicRecord[] {
  return topics.map((t) => ({ ...t, replicas: t.replicas.map((row, p) => moves.find((m) => m.topic === t.name && m.partition === p)?.replicas ?? row) }));
}

function counts(topics: TopicRecord[], brokers: number[]): { replicas: number[]; leaders: number[] } {
  const rows = topics.flatMap((t) => t.replicas);
  return { replicas: brokers.map((b) => rows.filter((r) => r.includes(b)).length), leaders: brokers.map((b) => rows.filter((r) => r[0] === b).length) };
}

test("rebalance onto a new 4th broker: replicas and preferred leaders end within one of each other; each partition keeps RF distinct brokers", () => {
  const topics: TopicRecord[] = [
    { name: "a", replicas: [[1, 2, 3], [2, 3, 1], [3, 1, 2]], config: {} },
    { name: "b", replicas: [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 3, 2], [2, 1, 3], [3, 2, 1]], config: {} },
  ];
  const moves = planRebalance(topics, [1, 2, 3, 4]);
  assert.ok(moves.length > 0);
  const after = apply(topics, moves);
  for (const row of after.flatMap((t) => t.replicas)) assert.is(new Set(row).size, 3, `distinct ${row}`);
  const { replicas, leaders } = counts(after, [1, 2, 3, 4]);
  assert.ok(Math.max(...replicas) - Math.min(...replicas) <= 1, `replicas ${replicas}`);
  assert.ok(Math.max(...leaders) - Math.min(...leaders) <= 1, `leaders ${leaders}`);
  assert.equal(planRebalance(after, [1, 2, 3, 4]), [], "balanced: nothing more to move");
});

test("rebalance moves replicas off brokers that may hold none; an even cluster plans nothing", () => {
  const topics: TopicRecord[] = [{ name: "a", replicas: [[1, 2], [2, 3], [3, 1]], config: {} }];
  assert.equal(planRebalance(topics, [1, 2, 3]), []);
  const moves = planRebalance(topics, [1, 2, 4]);
  const after = apply(topics, moves);
  assert.not.ok(after[0].replicas.some((row) => row.includes(3)), JSON.stringify(after));
});

test("drain replaces the broker with the least loaded other broker, keeping the position; or refuses with the reason", () => {
  const topics: TopicRecord[] = [{ name: "a", replicas: [[1, 2, 3], [2, 3, 1], [3, 1, 2]], config: {} }];
  const moves = planDrain(topics, 3, [1, 2, 3, 4]);
  assert.equal(moves, [{ topic: "a", partition: 0, replicas: [1, 2, 4] }, { topic: "a", partition: 1, replicas: [2, 4, 1] }, { topic: "a", partition: 2, replicas: [4, 1, 2] }]);
  let refusal: RivuletError | null = null;
  try {
    planDrain(topics, 3, [1, 2, 3]);
  } catch (error) {
    if (isRivuletError(error)) refusal = error;
  }
  assert.is(refusal?.code, "not_enough_brokers");
  assert.match(refusal!.message, /broker 3 cannot be drained: a\/0 has replication factor 3 and only 2 other live brokers \(1, 2\)/);
  assert.equal(planDrain(topics, 9, [1, 2, 3]), [], "a broker with no replica: nothing to move");
});

test.run();
