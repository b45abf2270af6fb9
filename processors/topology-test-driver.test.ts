import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { serde, topology, TopologyTestDriver, windows } from "./streams.ts";

// DESIGN §13's example topology, as users write it.
const payments = topology("payments-app", (t) => {
  const payments = t.stream("payments", { key: serde.string, value: serde.json<{ amount: number }>() });
  const customers = t.table("customers", { value: serde.json<{ country: string }>() });
  payments.filter((_k, p) => p.amount > 0)
    .join(customers, (p, c) => ({ ...p, country: c.country }))
    .to("payments-enriched");
  payments.groupByKey()
    .windowedBy(windows.tumbling("1m", { grace: "10s" }))
    .aggregate(() => ({ n: 0, sum: 0 }), (_k, p, a) => ({ n: a.n + 1, sum: a.sum + p.amount }), { store: "per-minute" })
    .toStream({ emit: "final" }).to("payments-per-minute");
});

test("TopologyTestDriver runs DESIGN §13's example: enrichment, per-minute aggregate, store queries", () => {
  const driver = new TopologyTestDriver(payments, { partitions: 2 });
  driver.input<string, { country: string }>("customers").pipe("alice", { country: "NL" }, 0);
  const input = driver.input<string, { amount: number }>("payments");
  input.pipe("alice", { amount: 200 }, 1_000);
  input.pipe("alice", { amount: -5 }, 2_000);
  input.pipe("alice", { amount: 50 }, 61_000);
  const enriched = driver.output<string, { amount: number; country: string }>("payments-enriched");
  assert.equal(enriched.readValues(), [{ amount: 200, country: "NL" }, { amount: 50, country: "NL" }]);
  assert.ok(enriched.isEmpty);
  const perMinute = driver.output("payments-per-minute");
  assert.ok(perMinute.isEmpty, "window [0, 60 s) is open until 70 s");
  const store = driver.store<string, { n: number; sum: number }>("per-minute");
  assert.equal(store.get("alice", { windowStart: 0 }), { n: 2, sum: 195 });
  assert.is(store.get("alice", { windowStart: 120_000 }), undefined);
  assert.throws(() => store.get("alice"), (e: unknown) => isRivuletError(e, "invalid_request"));
  // Stream time is per task: bob's partition's clock does not close alice's windows.
  input.pipe("bob", { amount: 1 }, 90_000);
  assert.ok(perMinute.isEmpty);
  input.pipe("alice", { amount: 1 }, 70_000);
  assert.equal(perMinute.readKeyValues(), [{ key: "alice", value: { key: "alice", window_start: 0, window_end: 60_000, value: { n: 2, sum: 195 } } }]);
  assert.equal(store.windows("alice").map((w) => w.window_start), [0, 60_000]);
  assert.equal(driver.store("customers").get("alice"), { country: "NL" });
  assert.ok(driver.changelog.some((w) => w.store === "customers"));
});

test("TopologyTestDriver input and output serdes: declared by default, overridable", () => {
  const app = topology("serdes", (t) => {
    t.stream("in", { value: serde.cbor }).mapValues((v: { n: number }) => v.n * 2).to("out");
  });
  const driver = new TopologyTestDriver(app);
  driver.input<string, { n: number }>("in").pipe("k", { n: 21 });
  const raw = driver.output("out", { value: serde.bytes }).readValues();
  assert.equal(raw.map((b) => new TextDecoder().decode(b!)), ["42"]);
  driver.input<string, { n: number }>("in").pipe("k", { n: 1 }, 5);
  assert.equal(driver.output<string, number>("out").readRecords(), [{ key: "k", value: 2, timestamp: 5, partition: 0, offset: 1 }]);
});

test("TopologyTestDriver refuses a topic the topology does not read and a store it lacks", () => {
  const driver = new TopologyTestDriver(payments);
  assert.throws(() => driver.input("nope"), (e: unknown) => isRivuletError(e, "unknown_topic"));
  assert.throws(() => driver.store("nope"), (e: unknown) => isRivuletError(e, "not_found"));
  assert.throws(() => new TopologyTestDriver(payments, { partitions: 0 }), (e: unknown) => isRivuletError(e, "invalid_config"));
});

test("TopologyTestDriver: branch, merge, map and groupByKey repartitioning after a key change", () => {
  const app = topology("routes", (t) => {
    const [small, large] = t.stream("n", { value: serde.json<number>() }).branch((_k, v) => v < 10, (_k, v) => v >= 10);
    small.mapValues((v) => v * 100).merge(large).to("merged", { value: serde.json() });
    large.map((k, v) => ({ key: `${k}-big`, value: v })).groupByKey().reduce((a, b) => a + b, { store: "big" });
  });
  assert.equal(app.repartitionTopics, ["routes-big-repartition"]);
  const driver = new TopologyTestDriver(app, { partitions: 4 });
  const n = driver.input<string, number>("n");
  for (const [k, v] of [["a", 1], ["a", 20], ["b", 30], ["a", 5], ["a", 40]] as const) n.pipe(k, v, 1);
  assert.equal(driver.output<string, number>("merged").readValues(), [100, 20, 30, 500, 40]);
  assert.equal(driver.store<string, number>("big").get("a-big"), 60);
  assert.equal(driver.store<string, number>("big").get("b-big"), 30);
});

test.run();
