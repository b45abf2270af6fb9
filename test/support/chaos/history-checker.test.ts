import { suite } from "uvu";
import * as assert from "uvu/assert";
import { anomalyKinds, checkHistory, formatCheck, type AnomalyKind } from "./history-checker.ts";
import type { FinalReadOp, HistoryOp, PollOp, SendOp } from "./history.ts";

const test = suite("history checker");
let clock = 0;
const ok = (producer: string, value: string, partition: number, offset: number): SendOp => ({ type: "send", producer, value, partition, status: "ok", offset, invokedAt: clock++, at: clock++ });
const failed = (producer: string, value: string, partition: number, status: "fail" | "info" = "fail"): SendOp => ({ type: "send", producer, value, partition, status, invokedAt: clock++, at: clock++, error: "refused" });
const poll = (consumer: string, partition: number, offset: number, value: string): PollOp => ({ type: "poll", consumer, partition, offset, value, at: clock++ });
const final = (replica: string, partition: number, values: Array<string | [number, string]>, highWatermark?: number): FinalReadOp => {
  const records = values.map((v, i) => (typeof v === "string" ? { offset: i, value: v } : { offset: v[0], value: v[1] }));
  return { type: "final", replica, partition, highWatermark: highWatermark ?? (records.length === 0 ? 0 : records[records.length - 1].offset + 1), records };
};

/** A clean run: two producers on two partitions, a consumer reading everything, three agreeing replicas. */
function clean(): HistoryOp[] {
  return [
    ok("p1", "a", 0, 0),
    ok("p2", "b", 0, 1),
    ok("p1", "c", 0, 2),
    ok("p2", "x", 1, 0),
    failed("p2", "never", 1, "fail"),
    failed("p1", "maybe", 1, "info"),
    ok("p2", "y", 1, 2),
    poll("c1", 0, 0, "a"),
    poll("c1", 0, 1, "b"),
    poll("c1", 1, 0, "x"),
    { type: "reset", consumer: "c1", reason: "rebalance", at: clock++ },
    poll("c1", 0, 1, "b"),
    poll("c1", 0, 2, "c"),
    poll("c1", 1, 1, "maybe"),
    poll("c1", 1, 2, "y"),
    ...["r1", "r2", "r3"].flatMap((r) => [final(r, 0, ["a", "b", "c"]), final(r, 1, ["x", "maybe", "y"])]),
  ];
}

/** Asserts exactly `kind` is reported (`count` times) and nothing else. */
function only(history: HistoryOp[], kind: AnomalyKind, count = 1): void {
  const result = checkHistory(history);
  for (const k of anomalyKinds) assert.is(result.counts[k], k === kind ? count : 0, `${k} in:\n${formatCheck(result)}`);
  assert.is(result.valid, false);
  assert.ok(result.examples[kind].length > 0, "an example is given");
}

test("a clean history has no anomaly", () => {
  const result = checkHistory(clean());
  assert.equal(result.counts, Object.fromEntries(anomalyKinds.map((k) => [k, 0])));
  assert.ok(result.valid);
  assert.equal(result.stats, { sendsOk: 5, sendsFailed: 1, sendsUnknown: 1, polls: 7, finalRecords: 18, replicas: 3 });
  assert.match(formatCheck(result), /lost\s+0/);
});

test("an acknowledged send missing from every replica is lost", () => {
  const h = clean().map((op) => (op.type === "final" && op.partition === 0 ? { ...op, records: op.records.filter((r) => r.value !== "c"), highWatermark: 2 } : op));
  // the consumer read "c" too: it is reported as polled-but-lost as well
  const result = checkHistory(h);
  assert.is(result.counts.lost, 1);
  assert.is(result.counts.polledButLost, 1);
  assert.match(result.examples.lost[0], /^c acknowledged by p1 at 0\/2/);
  only(h.filter((op) => !(op.type === "poll" && op.value === "c")), "lost");
});

test("an acknowledged send above every replica's high watermark is lost", () => {
  const h = clean().map((op) => (op.type === "final" && op.partition === 0 ? { ...op, highWatermark: 2 } : op)).filter((op) => !(op.type === "poll" && op.value === "c"));
  only(h, "lost");
});

test("a polled value missing from the final reads is reported", () => {
  const h = [...clean()];
  h.splice(h.findIndex((op) => op.type === "final"), 0, poll("c2", 1, 3, "ghost"));
  only(h, "polledButLost");
});

test("one value at two offsets is a duplicate", () => {
  const h = clean().map((op) => (op.type === "final" && op.partition === 0 ? { ...op, records: [...op.records, { offset: 3, value: "a" }], highWatermark: 4 } : op));
  only(h, "duplicates");
});

test("one offset with two values is reported, from acks, polls or replicas", () => {
  // an ack says 0/1 is "b", a consumer read "z" there
  const h = clean().map((op) => (op.type === "poll" && op.value === "b" ? { ...op, value: "z" } : op));
  const result = checkHistory(h);
  assert.is(result.counts.inconsistentOffsets, 1);
  assert.match(result.examples.inconsistentOffsets[0], /0\/1 holds b, z/);
});

test("a producer's offsets going backwards on a partition are non-monotonic", () => {
  const h: HistoryOp[] = [ok("p1", "a", 0, 1), ok("p1", "b", 0, 0), final("r1", 0, ["b", "a"])];
  only(h, "nonMonotonicSend");
  // two producers interleaving is fine
  assert.ok(checkHistory([ok("p1", "a", 0, 1), ok("p2", "b", 0, 0), final("r1", 0, ["b", "a"])]).valid);
});

test("a consumer's offsets going backwards without a reset are non-monotonic", () => {
  const h = clean().filter((op) => op.type !== "reset");
  only(h, "nonMonotonicPoll");
});

test("a consumer jumping over stored offsets skips them", () => {
  const h: HistoryOp[] = [ok("p", "a", 0, 0), ok("p", "b", 0, 1), ok("p", "c", 0, 2), poll("c", 0, 0, "a"), poll("c", 0, 2, "c"), final("r", 0, ["a", "b", "c"])];
  only(h, "skipped");
  // after a reset the consumer may start anywhere
  assert.ok(checkHistory([...h.slice(0, 4), { type: "reset", consumer: "c", reason: "seek", at: clock++ }, ...h.slice(4)]).valid);
  // a gap in the log (no record there) is no skip
  const gap: HistoryOp[] = [ok("p", "a", 0, 0), ok("p", "b", 0, 5), poll("c", 0, 0, "a"), poll("c", 0, 5, "b"), final("r", 0, [[0, "a"], [5, "b"]])];
  assert.ok(checkHistory(gap).valid);
});

test("a definitively failed send that is read was not a failure", () => {
  const h = clean().map((op) => (op.type === "final" && op.partition === 1 ? { ...op, records: [...op.records, { offset: 3, value: "never" }], highWatermark: 4 } : op));
  only(h, "failedButRead");
  // an unknown outcome may land
  assert.ok(checkHistory(clean()).valid);
});

test("replicas that differ below their high watermarks diverge", () => {
  const h = clean().map((op) => (op.type === "final" && op.replica === "r3" && op.partition === 1 ? { ...op, records: op.records.filter((r) => r.value !== "maybe") } : op));
  only(h, "divergence");
  // a follower behind the leader (lower high watermark) is not divergent
  const behind = clean().map((op) => (op.type === "final" && op.replica === "r3" && op.partition === 1 ? { ...op, records: op.records.slice(0, 1), highWatermark: 1 } : op));
  assert.ok(checkHistory(behind).valid);
});

test.run();
