import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { parseDuration } from "./duration.ts";
import { serde, type Serde } from "./serde.ts";
import { topology } from "./topology.ts";
import { windows } from "./windows.ts";

function refused(build: () => unknown, reason: string): void {
  try {
    build();
  } catch (error) {
    assert.ok(isRivuletError(error, "invalid_config"), `expected invalid_config, got ${error}`);
    assert.is((error as unknown as { info: { reason: string } }).info.reason, reason);
    return;
  }
  assert.unreachable(`expected a refusal (${reason})`);
}

test("topology() describes topics, stores, repartition topics and co-partitioning", () => {
  const app = topology("shop", (t) => {
    const orders = t.stream("orders", { value: serde.json() });
    const customers = t.table("customers", { value: serde.json() });
    orders.join(customers, (o, c) => ({ o, c })).to("enriched");
    orders.groupBy((_k, v: any) => v.sku).count({ store: "per-sku" }).toStream().to("sku-counts");
    orders.groupByKey().windowedBy(windows.tumbling("1m", { grace: "10s" })).count({ store: "per-minute", retention: "2h" });
  });
  assert.is(app.appId, "shop");
  assert.equal(app.sources, ["orders", "customers", "shop-per-sku-repartition"]);
  assert.equal(app.sinks, ["enriched", "sku-counts"]);
  assert.equal(app.repartitionTopics, ["shop-per-sku-repartition"]);
  assert.equal(app.stores, [
    { name: "customers", options: {} },
    { name: "per-sku", options: {} },
    { name: "per-minute", options: { windowed: true, retentionMs: 7_200_000 } },
    // Windowed state keeps the task's stream time, so a restore resumes it.
    { name: "__stream-time", options: {} },
  ]);
  assert.equal(app.copartitionGroups, [["orders", "customers"]]);
});

test("topology() generates the same names on every build", () => {
  const build = () => topology("gen", (t) => {
    const s = t.stream("in");
    s.selectKey((_k, v) => v).groupByKey().count().toStream().to("out");
    s.groupByKey().windowedBy(windows.session("5s")).count();
  });
  const a = build();
  const b = build();
  assert.equal(a.stores, b.stores);
  assert.equal(a.repartitionTopics, ["gen-selectkey-0001-repartition"]);
  assert.equal(a.stores.map((s) => s.name), ["count-store-0002", "windowed-count-store-0003", "__stream-time"]);
});

test("topology() refuses an unknown serde", () => {
  refused(() => topology("a", (t) => { t.stream("in", { value: "avro" as unknown as Serde<string> }); }), "unknown_serde");
  refused(() => topology("a", (t) => { t.stream("in", { value: serde.json as unknown as Serde<unknown> }); }), "unknown_serde");
  refused(() => topology("a", (t) => { t.stream("in").to("out", { key: {} as Serde<string> }); }), "unknown_serde");
});

test("topology() refuses duplicate store names and topics read twice", () => {
  refused(() => topology("a", (t) => {
    const s = t.stream("in");
    s.groupByKey().count({ store: "x" });
    s.groupByKey().count({ store: "x" });
  }), "duplicate_store");
  refused(() => topology("a", (t) => { t.table("in"); t.stream("dim").groupByKey().count({ store: "in" }); }), "duplicate_store");
  refused(() => topology("a", (t) => { t.stream("in"); t.stream("in"); }), "duplicate_source");
});

test("topology() refuses a join whose input's key was changed without repartitioning", () => {
  refused(() => topology("a", (t) => {
    t.stream("in").map((k, v) => ({ key: v, value: k })).join(t.table("dim"), (a, b) => [a, b]);
  }), "not_copartitioned");
  refused(() => topology("a", (t) => {
    const other = t.stream("other");
    t.stream("in").flatMap((k, v) => [{ key: v, value: k }]).join(other, (a, b) => [a, b], windows.join("1s"));
  }), "not_copartitioned");
  // selectKey repartitions, so the same join is fine after it.
  const ok = topology("a", (t) => {
    t.stream("in").selectKey((_k, v) => v).join(t.table("dim"), (a, b) => [a, b]).to("out");
  });
  assert.equal(ok.copartitionGroups, [["a-selectkey-0001-repartition", "dim"]]);
});

test("topology() refuses bad windows and options", () => {
  refused(() => windows.tumbling("0s"), "invalid_window");
  refused(() => windows.hopping("1m", "2m"), "invalid_window");
  refused(() => windows.tumbling("1 fortnight"), "invalid_duration");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().windowedBy(windows.tumbling("1h")).count({ retention: "10m" }); }), "invalid_window");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().windowedBy(windows.session("1m")).aggregate(() => 0, (_k, _v, a) => a); }), "invalid_option");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().windowedBy({ kind: "time" } as never); }), "invalid_window");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().windowedBy(windows.tumbling(5)).count().toStream({ emit: "sometimes" as never }); }), "invalid_option");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().count({ store: "no/slash" }); }), "invalid_option");
  refused(() => topology("a", (t) => { t.stream("in").groupByKey().count({ store: "__stream-time" }); }), "invalid_option");
  assert.throws(() => topology("bad app!", () => {}), (e: unknown) => isRivuletError(e, "invalid_config"));
  assert.throws(() => topology("a", (t) => { t.stream("bad topic"); }), (e: unknown) => isRivuletError(e, "invalid_topic_name"));
});

test("parseDuration() reads ms numbers and unit strings", () => {
  assert.equal(["1m", "10s", "500ms", "2h", "1d", 250, "1.5s"].map((d) => parseDuration(d, "d")), [60_000, 10_000, 500, 7_200_000, 86_400_000, 250, 1_500]);
});

test("serde round-trips string, json, bytes and cbor, and refuses values that do not fit", () => {
  const value = { a: [1, 2, { b: "ü" }], n: null };
  assert.equal(serde.json().deserialize(serde.json().serialize(value)), value);
  assert.equal(serde.cbor.deserialize(serde.cbor.serialize(value)), value);
  assert.is(serde.string.deserialize(serde.string.serialize("héllo")), "héllo");
  assert.equal([...serde.bytes.deserialize(serde.bytes.serialize(new Uint8Array([1, 2])))], [1, 2]);
  assert.throws(() => serde.string.serialize(42 as unknown as string), (e: unknown) => isRivuletError(e, "invalid_record"));
  assert.throws(() => serde.bytes.serialize("x" as unknown as Uint8Array), (e: unknown) => isRivuletError(e, "invalid_record"));
  assert.throws(() => serde.json().serialize(undefined), (e: unknown) => isRivuletError(e, "invalid_record"));
});

test.run();
