/**
 * The golden scenarios of the streams DSL: each runs a topology in the TopologyTestDriver and
 * returns everything observable (output records, stores, late drops) as plain JSON, compared
 * by processors/topology-golden.test.ts with `<name>.json` beside this file on Node, Bun and
 * Deno. Inputs are fixed; the expected files were checked by hand against the semantics of
 * DESIGN §13 (see each case's comment).
 */
import { serde, topology, TopologyTestDriver, windows } from "../streams.ts";

/** What a scenario returns. */
export interface GoldenResult {
  outputs: Record<string, { key: unknown; value: unknown; timestamp: number; partition: number }[]>;
  stores: Record<string, unknown[]>;
  lateDropped: number;
}

function drain(driver: TopologyTestDriver, topics: string[], stores: string[]): GoldenResult {
  const outputs: GoldenResult["outputs"] = {};
  for (const topic of topics) outputs[topic] = driver.output(topic).readRecords().map(({ key, value, timestamp, partition }) => ({ key, value, timestamp, partition }));
  const storeContents: GoldenResult["stores"] = {};
  for (const name of stores) storeContents[name] = driver.store(name).all();
  return { outputs, stores: storeContents, lateDropped: driver.lateDropped };
}

/** Word count over two partitions: words repartitioned by word, counts updated per word. */
function wordCount(): GoldenResult {
  const app = topology("word-count", (t) => {
    t.stream("lines")
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter(Boolean))
      .groupBy((_k, word) => word)
      .count({ store: "counts" })
      .toStream()
      .to("word-counts", { key: serde.string, value: serde.json<number>() });
  });
  const driver = new TopologyTestDriver(app, { partitions: 2 });
  const lines = driver.input("lines");
  lines.pipe("a", "The cat sat", 1_000);
  lines.pipe("b", "the cat, the HAT!", 2_000);
  lines.pipeAll([{ key: null, value: "sat sat", timestamp: 3_000 }, { key: "c", value: "", timestamp: 3_500 }]);
  return drain(driver, ["word-counts"], ["counts"]);
}

/**
 * Per-minute sums with 10 s grace, emit final. Stream time goes 5 s, 50 s, 65 s, 30 s (on time:
 * window [0, 60 s) closes at 70 s), 71 s (closes it: emitted once, with the 30 s record), then
 * 20 s (late: dropped), 131 s (closes [60 s, 120 s) at 130 s), 59 s (late).
 */
function perMinute(): GoldenResult {
  const app = topology("per-minute", (t) => {
    t.stream("payments", { value: serde.json<{ amount: number }>() })
      .groupByKey()
      .windowedBy(windows.tumbling("1m", { grace: "10s" }))
      .aggregate(() => ({ n: 0, sum: 0 }), (_k, p, a) => ({ n: a.n + 1, sum: a.sum + p.amount }), { store: "per-minute" })
      .toStream({ emit: "final" })
      .to("payments-per-minute");
  });
  const driver = new TopologyTestDriver(app);
  const payments = driver.input<string, { amount: number }>("payments");
  payments.pipe("alice", { amount: 10 }, 5_000);
  payments.pipe("bob", { amount: 1 }, 50_000);
  payments.pipe("alice", { amount: 20 }, 65_000);
  payments.pipe("alice", { amount: 5 }, 30_000);
  payments.pipe("bob", { amount: 2 }, 71_000);
  payments.pipe("alice", { amount: 100 }, 20_000);
  payments.pipe("bob", { amount: 3 }, 131_000);
  payments.pipe("alice", { amount: 1_000 }, 59_000);
  return drain(driver, ["payments-per-minute"], ["per-minute"]);
}

/** Hopping windows (size 10 s, advance 5 s) counted, every update emitted. */
function hopping(): GoldenResult {
  const app = topology("hopping", (t) => {
    t.stream("clicks")
      .groupByKey()
      .windowedBy(windows.hopping("10s", "5s", { grace: "2s" }))
      .count({ store: "clicks-10s" })
      .toStream({ emit: "updates" })
      .to("clicks-per-10s");
  });
  const driver = new TopologyTestDriver(app);
  const clicks = driver.input("clicks");
  clicks.pipe("u", "x", 3_000);    // windows [0,10)
  clicks.pipe("u", "x", 7_000);    // [0,10) [5,15)
  clicks.pipe("u", "x", 12_500);   // [5,15) [10,20)
  clicks.pipe("u", "x", 4_000);    // [0,10) closed at 12 s ≤ 12.5 s: late
  clicks.pipe("v", "x", 9_999);    // [0,10) closed: late for it, [5,15) open: counted once as late
  return drain(driver, ["clicks-per-10s"], ["clicks-10s"]);
}

/**
 * Sessions with a 10 s gap and 10 s grace (a session closes once end + 20 s < stream time): a
 * record bridging two open sessions merges them (the merged-away sessions are announced with
 * null values under emit "updates"); final results come once per session after it closes.
 */
function sessions(): GoldenResult {
  const app = topology("sessions", (t) => {
    const counts = t.stream("events")
      .groupByKey()
      .windowedBy(windows.session("10s", { grace: "10s" }))
      .count({ store: "sessions" });
    counts.toStream({ emit: "updates" }).to("session-updates");
    counts.toStream({ emit: "final" }).to("session-final");
  });
  const driver = new TopologyTestDriver(app);
  const events = driver.input("events");
  events.pipe("k", "e", 0);        // session [0,0]
  events.pipe("k", "e", 25_000);   // [25,25]; [0,0] closes (0 + 20 s < 25 s)
  events.pipe("k", "e", 45_000);   // [45,45]
  events.pipe("k", "e", 50_000);   // joins [45,45] → [45,50]; [25,25] closes (45 s < 50 s)
  events.pipe("k", "e", 62_000);   // [62,62]: more than 10 s after 50 s
  events.pipe("k", "e", 70_000);   // [62,70]
  events.pipe("k", "e", 5_000);    // late: its session would close at 25 s
  events.pipe("j", "e", 71_000);   // [45,50] closes (70 s < 71 s); j: [71,71]
  events.pipe("j", "e", 90_000);   // [90,90]; [71,71] still open until 91 s
  events.pipe("j", "e", 80_500);   // bridges [71,71] and [90,90]: merged [71,90], count 3
  events.pipe("j", "e", 150_000);  // closes [62,70] and [71,90]
  return drain(driver, ["session-updates", "session-final"], ["sessions"]);
}

/** Orders enriched with customers: table updates apply to later orders; a tombstone removes the row. */
function enrichment(): GoldenResult {
  const app = topology("enrich", (t) => {
    const orders = t.stream("orders", { value: serde.json<{ item: string }>() });
    const customers = t.table("customers", { value: serde.json<{ country: string }>() });
    orders.join(customers, (o, c) => ({ ...o, country: c.country })).to("orders-enriched");
    orders.leftJoin(customers, (o, c) => ({ ...o, country: c?.country ?? null })).to("orders-left");
  });
  const driver = new TopologyTestDriver(app, { partitions: 2 });
  const customers = driver.input<string, { country: string }>("customers");
  const orders = driver.input<string, { item: string }>("orders");
  orders.pipe("alice", { item: "book" }, 1_000);          // no customer yet
  customers.pipe("alice", { country: "NL" }, 1_500);
  customers.pipe("bob", { country: "FR" }, 1_600);
  orders.pipe("alice", { item: "pen" }, 2_000);
  orders.pipe("bob", { item: "cup" }, 2_100);
  customers.pipe("alice", { country: "BE" }, 3_000);      // update
  orders.pipe("alice", { item: "ink" }, 3_100);
  customers.pipe("bob", null, 4_000);                     // tombstone
  orders.pipe("bob", { item: "mug" }, 4_100);
  orders.pipe(null, { item: "keyless" }, 4_200);
  return drain(driver, ["orders-enriched", "orders-left"], ["customers"]);
}

/** Ad impressions joined with clicks at most 10 s apart (grace 5 s). */
function streamJoin(): GoldenResult {
  const app = topology("ad-join", (t) => {
    const impressions = t.stream("impressions");
    const clicks = t.stream("clicks");
    impressions.join(clicks, (imp, click) => `${imp}+${click}`, windows.join("10s", { grace: "5s" }), { name: "imp-click", value: serde.string })
      .to("impression-clicks", { key: serde.string, value: serde.string });
  });
  const driver = new TopologyTestDriver(app);
  const impressions = driver.input("impressions");
  const clicks = driver.input("clicks");
  impressions.pipe("ad1", "i1", 1_000);
  clicks.pipe("ad1", "c1", 8_000);        // 7 s after i1: joins
  clicks.pipe("ad2", "c2", 9_000);        // no impression of ad2
  impressions.pipe("ad2", "i2", 20_000);  // 11 s after c2: no join
  clicks.pipe("ad1", "c3", 11_000);       // 10 s after i1: joins (inclusive)
  impressions.pipe("ad1", "i3", 15_000);  // joins c1 (7 s) and c3 (4 s)
  clicks.pipe("ad1", "c4", 2_000);        // 2 + 10 + 5 < 20 s: late
  impressions.pipe("ad1", "i4", 40_000);
  clicks.pipe("ad1", "c5", 30_000);       // 30 + 15 ≥ 40: on time; joins i4 (10 s)
  // A tick drops buffered records no on-time record can join any more (t + 25 s ≤ 40 s).
  driver.advanceWallClock(1_000);
  return drain(driver, ["impression-clicks"], ["imp-click-left", "imp-click-right"]);
}

/**
 * Impressions left-joined with clicks at most 10 s apart (grace 5 s): an impression without a
 * click goes on with null once no on-time click can match it (t + 25 s < stream time), and
 * one that matched never does.
 */
function streamLeftJoin(): GoldenResult {
  const app = topology("ad-left-join", (t) => {
    const impressions = t.stream("impressions");
    const clicks = t.stream("clicks");
    impressions.leftJoin(clicks, (imp, click) => `${imp}+${click}`, windows.join("10s", { grace: "5s" }), { name: "imp-click" })
      .to("impressions-clicked", { key: serde.string, value: serde.string });
  });
  const driver = new TopologyTestDriver(app);
  const impressions = driver.input("impressions");
  const clicks = driver.input("clicks");
  impressions.pipe("ad1", "i1", 1_000);
  impressions.pipe("ad2", "i2", 2_000);
  clicks.pipe("ad1", "c1", 8_000);        // i1+c1
  impressions.pipe("ad1", "i3", 20_000);  // c1 is 12 s away: no match yet
  clicks.pipe("ad1", "c2", 26_000);       // i3+c2
  impressions.pipe("ad1", "i4", 30_000);  // i4+c2; stream time 30 s: i1 (matched) goes quietly, i2 goes as i2+null
  impressions.pipe("ad3", "i5", 31_000);
  clicks.pipe("ad9", "c3", 60_000);       // i3, i4 matched; i5+null
  return drain(driver, ["impressions-clicked"], ["imp-click-left", "imp-click-right"]);
}

/** selectKey moves records to their new key's partition through the repartition topic, then groupByKey counts. */
function selectKeyCount(): GoldenResult {
  const app = topology("by-user", (t) => {
    t.stream("pageviews", { value: serde.json<{ user: string; page: string }>() })
      .selectKey((_k, v) => v.user, { name: "by-user" })
      .groupByKey()
      .count({ store: "views-per-user" })
      .toStream()
      .to("views-per-user");
  });
  const driver = new TopologyTestDriver(app, { partitions: 3 });
  const views = driver.input<string, { user: string; page: string }>("pageviews");
  const pages = ["/", "/a", "/b", "/c"];
  const users = ["ann", "ben", "cy", "dee", "eve"];
  for (let i = 0; i < 20; i++) views.pipe(`session-${i % 7}`, { user: users[(i * 3) % 5], page: pages[i % 4] }, 1_000 + i);
  return drain(driver, ["views-per-user"], ["views-per-user"]);
}

/** Every golden scenario by name (the name of its JSON file). */
export const goldenCases: Record<string, () => GoldenResult> = {
  "word-count": wordCount,
  "tumbling-per-minute": perMinute,
  "hopping-windows": hopping,
  "session-windows": sessions,
  "stream-table-enrichment": enrichment,
  "stream-stream-join": streamJoin,
  "stream-stream-left-join": streamLeftJoin,
  "select-key-repartition": selectKeyCount,
};
