import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { keyPartition } from "../broker/partitioner.ts";
import { isRivuletError } from "../core/errors.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("Broker");
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

test("Broker.createTopic() then describeTopic() shows every partition on a worker", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  try {
    const description = await broker.createTopic("orders", { partitions: 3, config: { flush: "os" } });
    assert.is(description.name, "orders");
    assert.is(description.partitions.length, 3);
    for (const p of description.partitions) {
      assert.is(p.startOffset, 0);
      assert.is(p.endOffset, 0);
      assert.ok(p.worker >= 0);
      assert.is(p.status, "online");
    }
    assert.equal(await broker.listTopics(), ["orders"]);
    const again = await broker.createTopic("orders", { partitions: 1 }).catch((e) => e);
    assert.ok(isRivuletError(again, "topic_exists"));
    for (const bad of ["..", "../x", "a".repeat(250), "héllo", "__internal"]) {
      const error = await broker.createTopic(bad).catch((e) => e);
      assert.ok(isRivuletError(error, "invalid_topic_name"), `refuses ${bad}`);
    }
    assert.ok(isRivuletError(await broker.createTopic("x", { config: { "retention.ms": "soon" } }).catch((e) => e), "invalid_config"));
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Producer.send() puts the same key on the same partition as Kafka's partitioner, in order", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 4 });
  try {
    await broker.createTopic("payments", { partitions: 4 });
    const producer = broker.producer({ idempotent: true });
    const sends = [];
    for (let i = 0; i < 200; i++) sends.push(producer.send("payments", { key: `user-${i % 7}`, value: `v${i}`, headers: { n: String(i) } }));
    const results = await Promise.all(sends);
    for (let i = 0; i < 200; i++) assert.is(results[i].partition, keyPartition(utf8(`user-${i % 7}`), 4));
    // per partition, offsets follow send order
    const last = new Map<number, number>();
    for (const r of results) {
      assert.ok((last.get(r.partition) ?? -1) < r.offset);
      last.set(r.partition, r.offset);
    }
    const p = results[5].partition;
    const fetched = await broker.fetch("payments", p, { offset: 0, maxRecords: 1000 });
    const expected = results.map((r, i) => ({ r, i })).filter(({ r }) => r.partition === p);
    assert.is(fetched.records.length, expected.length);
    fetched.records.forEach((record, j) => {
      assert.is(record.offset, j);
      assert.is(text(record.value), `v${expected[j].i}`);
      assert.equal(record.headers.map(([k, v]) => [k, text(v)]), [["n", String(expected[j].i)]]);
    });
    assert.is(fetched.nextOffset, expected.length);
    assert.is(fetched.highWatermark, expected.length);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker records round-trip byte-exact, with null keys and values and binary bytes", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("bin", { partitions: 1 });
    const blob = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
    await broker.produce("bin", [{ key: null, value: blob }, { key: blob.subarray(0, 3), value: null }, { value: new Uint8Array(0) }]);
    const { records } = await broker.fetch("bin", 0, { offset: 0 });
    assert.equal(records[0].key, null);
    assert.equal([...records[0].value!], [...blob]);
    assert.equal([...records[1].key!], [0, 31, 62]);
    assert.is(records[1].value, null);
    assert.is(records[2].value!.byteLength, 0);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker.fetch() waits for new records and never returns unacknowledged ones", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("live", { partitions: 1 });
    const started = Date.now();
    const waiting = broker.fetch("live", 0, { offset: 0, waitMs: 30_000 });
    setTimeout(() => void broker.produce("live", [{ value: "late" }]), 100);
    const result = await waiting;
    assert.is(result.records.length, 1);
    assert.is(text(result.records[0].value), "late");
    // A wait that ran out would have answered empty; the bound is a margin far below the 30 s.
    assert.ok(Date.now() - started < 15_000, "woken by the append, not the timeout");
    const empty = await broker.fetch("live", 0, { offset: 1, waitMs: 50 });
    assert.is(empty.records.length, 0);
    assert.is(empty.nextOffset, 1);
    const out = await broker.fetch("live", 0, { offset: 5 }).catch((e) => e);
    assert.ok(isRivuletError(out, "offset_out_of_range"));
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker data survives close and reopen", async () => {
  const tmp = tempDir();
  let broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  await broker.createTopic("keep", { partitions: 2 });
  await broker.produce("keep", Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
  await broker.close();
  broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  try {
    const d = await broker.describeTopic("keep");
    assert.is(d.partitions[0].endOffset + d.partitions[1].endOffset, 50);
    const more = await broker.produce("keep", [{ key: "k0", value: "again" }]);
    assert.is(more[0].offset, d.partitions[more[0].partition].endOffset);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker.deleteTopic() removes the topic and its data", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("gone", { partitions: 2 });
    await broker.produce("gone", [{ value: "x" }]);
    await broker.deleteTopic("gone");
    assert.equal(await broker.listTopics(), []);
    assert.ok(isRivuletError(await broker.produce("gone", [{ value: "x" }]).catch((e) => e), "unknown_topic"));
    await broker.createTopic("gone", { partitions: 1 });
    assert.is((await broker.describeTopic("gone")).partitions[0].endOffset, 0);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker.fetch() stops waiting when its signal aborts, and close() ends pending waits", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("quiet", { partitions: 1 });
    const abort = new AbortController();
    const started = Date.now();
    const waiting = broker.fetch("quiet", 0, { offset: 0, waitMs: 30_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    const result = await waiting;
    assert.is(result.records.length, 0);
    assert.ok(Date.now() - started < 15_000, `the abort ended the 30 s wait (${Date.now() - started} ms)`);
    const pending = broker.fetch("quiet", 0, { offset: 0, waitMs: 30_000 });
    const closing = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    await broker.close();
    assert.is((await pending).records.length, 0);
    assert.ok(Date.now() - closing < 15_000, `close() did not wait out the 30 s long-poll (${Date.now() - closing} ms)`);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test.run();
