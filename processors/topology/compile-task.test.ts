import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { keyPartition } from "../../broker/partitioner.ts";
import { isRivuletError } from "../../core/errors.ts";
import type { InputRecord, TaskResult } from "../task-contract.ts";
import { compileTask } from "./compile-task.ts";
import { DriverStore } from "./driver-store.ts";
import { serde } from "./serde.ts";
import { topology, type Topology } from "./topology.ts";
import { windows } from "./windows.ts";

const text = new TextEncoder();
const bytes = (s: string) => text.encode(s);

function open(stores = new Map<string, DriverStore>()) {
  return {
    stores,
    openStore: (name: string) => {
      let store = stores.get(name);
      if (store === undefined) stores.set(name, (store = new DriverStore(name)));
      return store;
    },
  };
}

function records(topic: string, items: readonly { key: string; ts: number; value?: string }[]): InputRecord[] {
  return items.map((r, offset) => ({ topic, partition: 0, offset, timestamp: r.ts, key: bytes(r.key), value: bytes(r.value ?? "x") }));
}

function windowedCount(sizeMs: number, advanceMs: number, graceMs: number): Topology {
  return topology("prop", (t) => {
    const counts = t.stream("in").groupByKey().windowedBy(windows.hopping(sizeMs, advanceMs, { grace: graceMs })).count({ store: "counts" });
    counts.toStream({ emit: "final" }).to("final", { value: serde.json() });
    counts.toStream({ emit: "updates" }).to("updates", { value: serde.json() });
  });
}

/** The naive fold: per record, each window containing it counts it unless closed by then. */
function naive(items: readonly { key: string; ts: number }[], sizeMs: number, advanceMs: number, graceMs: number) {
  const counts = new Map<string, number>();
  let streamTime = -Infinity;
  let late = 0;
  for (const { key, ts } of items) {
    streamTime = Math.max(streamTime, ts);
    let dropped = false;
    for (let start = 0; start <= ts; start += advanceMs) {
      if (ts >= start + sizeMs) continue;
      if (start + sizeMs + graceMs <= streamTime) { dropped = true; continue; }
      const id = `${key}@${start}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (dropped) late++;
  }
  const closed = [...counts].filter(([id]) => Number(id.split("@")[1]) + sizeMs + graceMs <= streamTime);
  return { counts, late, closed: new Map(closed) };
}

const decoder = new TextDecoder();
const arbitraryRun = fc.record({
  sizeMs: fc.integer({ min: 1, max: 50 }),
  advanceDivisor: fc.integer({ min: 1, max: 4 }),
  graceMs: fc.integer({ min: 0, max: 30 }),
  items: fc.array(fc.record({ key: fc.constantFrom("a", "b", "c"), ts: fc.integer({ min: 0, max: 300 }) }), { maxLength: 80 }),
});

test("compileTask() windowed count equals a naive fold over random timestamps", () => {
  fc.assert(fc.property(arbitraryRun, ({ sizeMs, advanceDivisor, graceMs, items }) => {
    const advanceMs = Math.max(1, Math.floor(sizeMs / advanceDivisor));
    const app = windowedCount(sizeMs, advanceMs, graceMs);
    const { openStore } = open();
    const task = compileTask(app, 0, openStore);
    const result = task.process(records("in", items));
    const model = naive(items, sizeMs, advanceMs, graceMs);
    assert.is(result.lateDropped, model.late);
    const finals = new Map<string, number>();
    for (const r of result.outputs.filter((o) => o.topic === "final")) {
      const w = JSON.parse(decoder.decode(r.value!)) as { key: string; window_start: number; value: number };
      const id = `${w.key}@${w.window_start}`;
      assert.not.ok(finals.has(id), `window ${id} emitted twice`);
      finals.set(id, w.value);
    }
    assert.equal(finals, model.closed);
    const updates = new Map<string, number>();
    for (const r of result.outputs.filter((o) => o.topic === "updates")) {
      const w = JSON.parse(decoder.decode(r.value!)) as { key: string; window_start: number; value: number };
      updates.set(`${w.key}@${w.window_start}`, w.value);
    }
    assert.equal(updates, model.counts);
  }), { numRuns: 150 });
});

/** A topology with every kind of state: windowed counts (final and updates), sessions, stream–stream joins (inner, left), a table. */
const mixed = topology("mixed", (t) => {
  const events = t.stream("in");
  const grouped = events.groupByKey();
  grouped.windowedBy(windows.tumbling(20, { grace: 5 })).count({ store: "tumbling" }).toStream().to("tumbling");
  grouped.windowedBy(windows.session(15, { grace: 5 })).count({ store: "sessions", retention: 1_000 }).toStream({ emit: "updates" }).to("sessions");
  grouped.count({ store: "totals" }).toStream().to("totals");
  const other = t.stream("other");
  events.join(other, (a, b) => `${a}|${b}`, windows.join(10, { grace: 3 }), { name: "j" }).to("joined", { value: serde.json() });
  events.leftJoin(other, (a, b) => `${a}|${b}`, windows.join(8, { grace: 2 }), { name: "lj" }).to("left-joined", { value: serde.json() });
  events.leftJoin(t.table("dim"), (a, d) => `${a}/${d}`).to("enriched", { value: serde.json() });
});

const arbitraryInputs = fc.array(
  fc.record({ topic: fc.constantFrom("in", "in", "other", "dim"), key: fc.constantFrom("a", "b"), ts: fc.integer({ min: 0, max: 400 }), value: fc.constantFrom("p", "q") }),
  { maxLength: 60 },
);

function asInput(items: readonly { topic: string; key: string; ts: number; value: string }[]): InputRecord[] {
  return items.map((r, offset) => ({ topic: r.topic, partition: 0, offset, timestamp: r.ts, key: bytes(r.key), value: bytes(r.value) }));
}

function flatten(results: TaskResult[]) {
  return {
    outputs: results.flatMap((r) => r.outputs).map((o) => [o.topic, decoder.decode(o.key!), o.value === null ? null : decoder.decode(o.value), o.timestamp]),
    late: results.reduce((n, r) => n + r.lateDropped, 0),
  };
}

test("compileTask() gives the same outputs however the input is split into batches (ticks between)", () => {
  fc.assert(fc.property(arbitraryInputs, fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }), (items, cuts) => {
    const input = asInput(items);
    const whole = compileTask(mixed, 0, open().openStore);
    const expected = flatten([whole.process(input)]);
    const split = compileTask(mixed, 0, open().openStore);
    const results: TaskResult[] = [];
    let at = 0;
    for (let i = 0; at < input.length; i++) {
      const n = cuts[i % cuts.length];
      results.push(split.process(input.slice(at, at + n)));
      results.push(split.tick(1_000_000 + i));
      at += n;
    }
    assert.equal(flatten(results), expected);
  }), { numRuns: 120 });
});

test("compileTask() restored from its changelog at any batch boundary continues exactly as if uninterrupted", () => {
  fc.assert(fc.property(arbitraryInputs, fc.nat(), (items, cutAt) => {
    const input = asInput(items);
    const cut = input.length === 0 ? 0 : cutAt % (input.length + 1);
    const expected = flatten([compileTask(mixed, 0, open().openStore).process(input)]);
    const first = compileTask(mixed, 0, open().openStore);
    const head = first.process(input.slice(0, cut));
    const ticked = first.tick(0);
    const restored = open();
    for (const write of [...head.changelog, ...ticked.changelog]) restored.openStore(write.store).put(write.key, write.value);
    const second = compileTask(mixed, 0, restored.openStore);
    assert.equal(flatten([head, ticked, second.process(input.slice(cut))]), expected);
  }), { numRuns: 120 });
});

test("compileTask() logs every store write: replaying the changelog rebuilds the stores", () => {
  fc.assert(fc.property(arbitraryInputs, (items) => {
    const { stores, openStore } = open();
    const task = compileTask(mixed, 0, openStore);
    const changelog = [task.process(asInput(items)), task.tick(0)].flatMap((r) => r.changelog);
    const replayed = open();
    for (const write of changelog) replayed.openStore(write.store).put(write.key, write.value);
    for (const [name, store] of stores) {
      assert.equal([...store.range()], [...(replayed.stores.get(name)?.range() ?? [])], `store ${name}`);
    }
  }), { numRuns: 80 });
});

test("compileTask() after a restore emits pending windows once and never re-emits emitted ones", () => {
  const app = windowedCount(10, 10, 0);
  const first = open();
  const before = compileTask(app, 0, first.openStore);
  const out1 = before.process(records("in", [{ key: "a", ts: 1 }, { key: "a", ts: 12 }, { key: "b", ts: 15 }]));
  const finals1 = out1.outputs.filter((o) => o.topic === "final").map((o) => decoder.decode(o.value!));
  assert.equal(finals1, [JSON.stringify({ key: "a", window_start: 0, window_end: 10, value: 1 })]);
  // Restore: fresh stores from the changelog, a new task (stream time unknown until a record).
  const restored = open();
  for (const write of out1.changelog) restored.openStore(write.store).put(write.key, write.value);
  const after = compileTask(app, 0, restored.openStore);
  const out2 = after.process(records("in", [{ key: "c", ts: 25 }]));
  const finals2 = out2.outputs.filter((o) => o.topic === "final").map((o) => JSON.parse(decoder.decode(o.value!)));
  // Windows closing at one stream time come out in store key order: "a" before "b".
  assert.equal(finals2, [{ key: "a", window_start: 10, window_end: 20, value: 1 }, { key: "b", window_start: 10, window_end: 20, value: 1 }]);
  // A record for the window emitted before the crash is late, not a second result.
  const out3 = after.process(records("in", [{ key: "a", ts: 5 }]));
  assert.is(out3.lateDropped, 1);
  assert.is(out3.outputs.filter((o) => o.topic === "final").length, 0);
});

test("compileTask() resumes stream time after a restore: what was late stays late", () => {
  const app = windowedCount(10, 10, 0);
  const first = open();
  const before = compileTask(app, 0, first.openStore);
  const out1 = before.process(records("in", [{ key: "a", ts: 1 }, { key: "a", ts: 15 }]));
  assert.ok(out1.changelog.some((w) => w.store === "__stream-time"));
  const restored = open();
  for (const write of out1.changelog) restored.openStore(write.store).put(write.key, write.value);
  const after = compileTask(app, 0, restored.openStore);
  // A new key in window [0, 10), closed at stream time 15 before the crash: late, not a new window.
  const out2 = after.process(records("in", [{ key: "z", ts: 3 }]));
  assert.is(out2.lateDropped, 1);
  assert.is(out2.changelog.length, 0, "no window written, stream time unchanged");
  // Without windows there is no stream time to keep.
  assert.not.ok(topology("plain", (t) => { t.stream("in").groupByKey().count(); }).stores.some((s) => s.name === "__stream-time"));
});

test("compileTask() picks repartition partitions by murmur2 of the key when told the count", () => {
  const app = topology("rekey", (t) => {
    t.stream("in").selectKey((_k, v) => v, { name: "by-value" }).to("out");
  });
  assert.equal(app.sources, ["in", "rekey-by-value-repartition"]);
  const told = compileTask(app, 1, open().openStore, { partitionsOf: (topic) => (topic === "rekey-by-value-repartition" ? 5 : undefined) });
  const result = told.process(records("in", [{ key: "k", ts: 1, value: "alice" }, { key: "k", ts: 2, value: "bob" }]));
  assert.equal(result.outputs.map((o) => [o.topic, decoder.decode(o.key!), o.partition]), [
    ["rekey-by-value-repartition", "alice", keyPartition(bytes("alice"), 5)],
    ["rekey-by-value-repartition", "bob", keyPartition(bytes("bob"), 5)],
  ]);
  const untold = compileTask(app, 1, open().openStore);
  assert.is(untold.process(records("in", [{ key: "k", ts: 1, value: "alice" }])).outputs[0].partition, undefined);
  // Read back from the repartition topic, the record goes on to `to` with its new key.
  const back = told.process([{ topic: "rekey-by-value-repartition", partition: 1, offset: 0, timestamp: 1, key: bytes("alice"), value: bytes("alice") }]);
  assert.equal(back.outputs.map((o) => [o.topic, decoder.decode(o.key!), o.partition]), [["out", "alice", undefined]]);
});

test("Task.tick() deletes windows past retention, with changelog tombstones", () => {
  const app = topology("retain", (t) => {
    t.stream("in").groupByKey().windowedBy(windows.tumbling(10)).count({ store: "w", retention: 30 });
  });
  const { stores, openStore } = open();
  const task = compileTask(app, 0, openStore);
  task.process(records("in", [{ key: "a", ts: 1 }, { key: "a", ts: 15 }, { key: "a", ts: 39 }]));
  assert.is(stores.get("w")!.size, 3);
  const tick = task.tick(0);
  // [0,10) ends at 10: 10 + 30 ≤ 39? no. Nothing expires yet.
  assert.is(tick.changelog.length, 0);
  task.process(records("in", [{ key: "a", ts: 45 }]));
  const expired = task.tick(0);
  assert.equal(expired.changelog.map((w) => w.value), [null]);
  assert.is(stores.get("w")!.size, 3);
});

test("compileTask() rejects a record of a topic the task does not read", () => {
  const task = compileTask(windowedCount(10, 10, 0), 0, open().openStore);
  assert.throws(() => task.process(records("elsewhere", [{ key: "a", ts: 1 }])), /not one of its inputs/);
});

test("compileTask() refuses an input it cannot decode with a typed error naming the record", () => {
  const app = topology("bad-input", (t) => {
    t.stream("in", { value: serde.json() }).to("out");
    t.table("dim", { value: serde.json() });
  });
  const { stores, openStore } = open();
  const task = compileTask(app, 3, openStore);
  for (const topic of ["in", "dim"]) {
    try {
      task.process([{ topic, partition: 3, offset: 17, timestamp: 1, key: bytes("k"), value: bytes("{not json") }]);
      assert.unreachable("decoded bad JSON");
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_record"));
      assert.equal((error as unknown as { info: unknown }).info, { topic, partition: 3, offset: 17, part: "value", serde: "json" });
    }
  }
  assert.is(stores.get("dim")!.size, 0, "the table stored nothing it cannot read");
});

test.run();
