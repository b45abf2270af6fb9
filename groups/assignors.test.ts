import { test } from "uvu";
import * as assert from "uvu/assert";
import { assignPartitions, rangeAssign, roundRobinAssign } from "./assignors.ts";
import type { TopicPartition } from "../broker/group-api.ts";

const short = (tps: TopicPartition[] | undefined) => (tps ?? []).map((tp) => `${tp.topic}${tp.partition}`);
const counts: Record<string, number> = { t0: 3, t1: 3, t2: 1, big: 7 };
const partitionsOf = (topic: string) => counts[topic];

test("rangeAssign() matches Kafka's RangeAssignor example (2 consumers, 2 topics of 3)", () => {
  // Kafka's RangeAssignor javadoc: C0: [t0p0, t0p1, t1p0, t1p1], C1: [t0p2, t1p2]
  const result = rangeAssign([{ memberId: "C1", topics: ["t0", "t1"] }, { memberId: "C0", topics: ["t0", "t1"] }], partitionsOf);
  assert.equal(short(result.get("C0")), ["t00", "t01", "t10", "t11"]);
  assert.equal(short(result.get("C1")), ["t02", "t12"]);
});

test("rangeAssign() gives the extra partitions to the first members by id, per topic", () => {
  // 7 partitions over 3: 3, 2, 2
  const result = rangeAssign([{ memberId: "c", topics: ["big"] }, { memberId: "a", topics: ["big"] }, { memberId: "b", topics: ["big"] }], partitionsOf);
  assert.equal(short(result.get("a")), ["big0", "big1", "big2"]);
  assert.equal(short(result.get("b")), ["big3", "big4"]);
  assert.equal(short(result.get("c")), ["big5", "big6"]);
});

test("rangeAssign() splits each topic only among its subscribers and skips unknown topics", () => {
  const result = rangeAssign([{ memberId: "a", topics: ["t0", "nope"] }, { memberId: "b", topics: ["t0", "t2"] }], partitionsOf);
  assert.equal(short(result.get("a")), ["t00", "t01"]);
  assert.equal(short(result.get("b")), ["t02", "t20"]);
});

test("roundRobinAssign() matches Kafka's RoundRobinAssignor example (2 consumers, 2 topics of 3)", () => {
  // Kafka's RoundRobinAssignor javadoc: C0: [t0p0, t0p2, t1p1], C1: [t0p1, t1p0, t1p2]
  const result = roundRobinAssign([{ memberId: "C0", topics: ["t0", "t1"] }, { memberId: "C1", topics: ["t0", "t1"] }], partitionsOf);
  assert.equal(short(result.get("C0")), ["t00", "t02", "t11"]);
  assert.equal(short(result.get("C1")), ["t01", "t10", "t12"]);
});

test("roundRobinAssign() matches Kafka's example with differing subscriptions", () => {
  // Kafka's javadoc: t0 1 partition, t1 2, t2 3; C0 [t0], C1 [t0, t1], C2 [t0, t1, t2]
  // → C0: [t0p0], C1: [t1p0], C2: [t1p1, t2p0, t2p1, t2p2]
  const sizes: Record<string, number> = { t0: 1, t1: 2, t2: 3 };
  const result = roundRobinAssign([
    { memberId: "C2", topics: ["t0", "t1", "t2"] },
    { memberId: "C0", topics: ["t0"] },
    { memberId: "C1", topics: ["t0", "t1"] },
  ], (t) => sizes[t]);
  assert.equal(short(result.get("C0")), ["t00"]);
  assert.equal(short(result.get("C1")), ["t10"]);
  assert.equal(short(result.get("C2")), ["t11", "t20", "t21", "t22"]);
});

test("assignPartitions() gives members without partitions an empty list", () => {
  for (const name of ["range", "roundrobin"] as const) {
    const result = assignPartitions(name, [{ memberId: "a", topics: ["t2"] }, { memberId: "b", topics: ["t2"] }], partitionsOf);
    assert.equal(short(result.get("a")), ["t20"], name);
    assert.equal(result.get("b"), [], name);
  }
});

test.run();
