import { test } from "uvu";
import * as assert from "uvu/assert";
import { failoverStats, quantile } from "./failover-stats.ts";
import type { HistoryOp } from "./history.ts";

const ack = (partition: number, at: number, invokedAt = at - 1): HistoryOp => ({ type: "send", producer: "p", value: `${partition}-${at}`, partition, status: "ok", offset: at, invokedAt, at });

test("failoverStats() measures fault → next ack per partition and the long gaps between acks", () => {
  const history: HistoryOp[] = [
    ack(0, 100), ack(1, 100),
    { type: "fault", kind: "kill", target: "broker 1", at: 1_000 },
    ack(0, 1_010, 990), // on the wire before the fault: no sign of recovery
    ack(0, 1_500), ack(1, 3_000),
    { type: "fault", kind: "heal", target: "all", at: 3_100 },
    { type: "fault", kind: "stop", target: "broker 1", at: 4_000 },
    ack(0, 4_200),
  ];
  const stats = failoverStats(history);
  assert.equal(stats.failoverMs, [500, 2_000, 200]);
  assert.is(stats.neverRecovered, 1, "partition 1 had no ack after the second fault");
  assert.is(stats.max, 2_000);
  assert.is(stats.p50, 500);
  // p0: 100 → 1010 (0.9 s, under the gap) and 1500 → 4200 (2.7 s); p1: 100 → 3000 (2.9 s)
  assert.equal([...stats.unavailableS.entries()].sort(), [[0, 2.7], [1, 2.9]]);
});

test("quantile() is nearest-rank", () => {
  assert.is(quantile([], 0.5), 0);
  assert.is(quantile([5, 1, 3], 0.5), 3);
  assert.is(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95), 95);
});

test.run();
