import { Buffer } from "node:buffer";
import { CompressionTypes, type Consumer, type EachMessagePayload } from "kafkajs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";

let h: Harness;

test.before(async () => {
  h = await startHarness();
});

test.after(async () => {
  await h.close();
});

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Seen {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function collect(into: Seen[]): (payload: EachMessagePayload) => Promise<void> {
  return async ({ topic, partition, message }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
    into.push({ topic, partition, offset: Number(message.offset), key: message.key === null ? null : String(message.key), value: message.value === null ? null : String(message.value), headers });
  };
}

async function stop(...consumers: Consumer[]): Promise<void> {
  for (const c of consumers) await c.disconnect();
}

test("kafkajs admin creates, lists, describes and deletes topics", async () => {
  const admin = h.kafka().admin();
  await admin.connect();
  try {
    assert.is(await admin.createTopics({ topics: [{ topic: "admin-a", numPartitions: 3 }, { topic: "admin-b" }] }), true);
    assert.is(await admin.createTopics({ topics: [{ topic: "admin-a", numPartitions: 3 }] }), false, "already exists");
    assert.equal((await admin.listTopics()).filter((t) => t.startsWith("admin-")).sort(), ["admin-a", "admin-b"]);
    const { topics } = await admin.fetchTopicMetadata({ topics: ["admin-a", "admin-b"] });
    topics.sort((x, y) => (x.name < y.name ? -1 : 1));
    assert.equal(topics.map((t) => [t.name, t.partitions.length]), [["admin-a", 3], ["admin-b", 1]]);
    for (const p of topics[0]!.partitions) {
      assert.is(p.leader, 1);
      assert.equal(p.replicas, [1]);
    }
    const bad = await admin.createTopics({ topics: [{ topic: "bad/name" }] }).catch((e: Error) => e);
    assert.instance(bad, Error, "an invalid name is refused");
    await admin.deleteTopics({ topics: ["admin-a", "admin-b"] });
    assert.equal((await admin.listTopics()).filter((t) => t.startsWith("admin-")), []);
  } finally {
    await admin.disconnect();
  }
});

test("kafkajs fetchTopicOffsets and fetchTopicOffsetsByTimestamp see produced records", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic: "offsets", numPartitions: 2 }] });
    const t0 = 1_700_000_000_000;
    await producer.send({ topic: "offsets", messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `v${i}`, timestamp: String(t0 + i * 1000) })) });
    const offsets = await admin.fetchTopicOffsets("offsets");
    assert.equal(offsets.sort((a, b) => a.partition - b.partition), [
      { partition: 0, offset: "5", high: "5", low: "0" },
      { partition: 1, offset: "0", high: "0", low: "0" },
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp("offsets", t0 + 2500);
    assert.equal(byTime.find((p) => p.partition === 0), { partition: 0, offset: "3" });
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test("kafkajs producer sends keys and headers (also gzip, idempotent, acks=0) that a consumer reads back", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "records", numPartitions: 3 }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sent: Array<{ key: string; value: string; headers?: Record<string, string> }> = [];
  for (let i = 0; i < 30; i++) sent.push({ key: `user-${i % 7}`, value: `event ${i}`, headers: i % 2 ? { trace: `t${i}`, "content-type": "text/plain" } : undefined });
  const results = await producer.send({ topic: "records", messages: sent.slice(0, 10) });
  assert.ok(results.every((r) => r.errorCode === 0));
  await producer.send({ topic: "records", compression: CompressionTypes.GZIP, messages: sent.slice(10, 20) });
  await producer.disconnect();
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic: "records", acks: 0, messages: sent.slice(20, 30) });
  await plain.send({ topic: "records", messages: [{ key: "last", value: "after acks=0" }] });
  await plain.disconnect();

  const seen: Seen[] = [];
  const consumer = kafka.consumer({ groupId: "records-reader", maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: "records", fromBeginning: true });
  await consumer.run({ eachMessage: collect(seen) });
  try {
    await waitFor("31 records", () => seen.length >= 31);
    const byValue = new Map(seen.map((s) => [s.value, s]));
    for (const m of sent) {
      const got = byValue.get(m.value);
      assert.ok(got, `received ${m.value}`);
      assert.is(got!.key, m.key);
      assert.equal(got!.headers, m.headers ?? {});
    }
    const partitionsByKey = new Map<string, Set<number>>();
    for (const s of seen) partitionsByKey.set(s.key!, (partitionsByKey.get(s.key!) ?? new Set()).add(s.partition));
    for (const [key, partitions] of partitionsByKey) assert.is(partitions.size, 1, `${key} stays on one partition`);
    const perPartition = new Map<number, number[]>();
    for (const s of seen) perPartition.set(s.partition, [...(perPartition.get(s.partition) ?? []), s.offset]);
    for (const offsets of perPartition.values()) assert.equal(offsets, offsets.map((_, i) => i), "dense offsets from 0, in order");
  } finally {
    await stop(consumer);
  }
});

test("kafkajs consumer group commits, and a restarted member resumes after its commits", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic: "commits", numPartitions: 2 }] });
  await producer.send({ topic: "commits", messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `first ${i}` })) });

  const first: Seen[] = [];
  const a = kafka.consumer({ groupId: "committers", maxWaitTimeInMs: 500 });
  await a.connect();
  await a.subscribe({ topic: "commits", fromBeginning: true });
  await a.run({ eachMessage: collect(first) });
  await waitFor("10 records", () => first.length >= 10);
  await stop(a);
  const committed = await admin.fetchOffsets({ groupId: "committers", topics: ["commits"] });
  const total = committed[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  assert.is(total, 10, "commits cover every record read");

  await producer.send({ topic: "commits", messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `second ${i}` })) });
  const second: Seen[] = [];
  const b = kafka.consumer({ groupId: "committers", maxWaitTimeInMs: 500 });
  await b.connect();
  await b.subscribe({ topic: "commits", fromBeginning: true });
  await b.run({ eachMessage: collect(second) });
  try {
    await waitFor("5 new records", () => second.length >= 5);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(second.map((s) => s.value).sort(), Array.from({ length: 5 }, (_, i) => `second ${i}`).sort(), "nothing re-read");
    const groups = await admin.describeGroups(["committers"]);
    assert.is(groups.groups[0]!.state, "Stable");
    assert.is(groups.groups[0]!.members.length, 1);
    assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === "committers"));
  } finally {
    await stop(b);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test("a second kafkajs consumer joining rebalances the partitions without duplicates", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic: "rebalance", numPartitions: 4 }] });
  const seenA: Seen[] = [];
  const seenB: Seen[] = [];
  const a = kafka.consumer({ groupId: "sharers", heartbeatInterval: 200, maxWaitTimeInMs: 500 });
  const b = kafka.consumer({ groupId: "sharers", heartbeatInterval: 200, maxWaitTimeInMs: 500 });
  try {
    await a.connect();
    await a.subscribe({ topic: "rebalance", fromBeginning: true });
    await a.run({ eachMessage: collect(seenA) });
    const batch = (from: number) => Array.from({ length: 40 }, (_, i) => ({ key: `key-${from + i}`, value: `m${from + i}` }));
    await producer.send({ topic: "rebalance", messages: batch(0) });
    await waitFor("A reads the first 40", () => seenA.length >= 40);

    await b.connect();
    await b.subscribe({ topic: "rebalance", fromBeginning: true });
    await b.run({ eachMessage: collect(seenB) });
    let sent = 40;
    const deadline = Date.now() + 25_000;
    while (seenB.length === 0 && Date.now() < deadline) {
      await producer.send({ topic: "rebalance", messages: batch(sent) });
      sent += 40;
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(`all ${sent} records`, () => seenA.length + seenB.length >= sent);
    await new Promise((r) => setTimeout(r, 500));
    const all = [...seenA, ...seenB];
    const ids = all.map((s) => `${s.partition}:${s.offset}`);
    assert.is(new Set(ids).size, ids.length, "no record delivered twice");
    assert.is(all.length, sent);
    assert.ok(seenB.length > 0, "the second member got partitions");
    for (const p of new Set(seenB.map((s) => s.partition))) {
      const lastA = Math.max(-1, ...seenA.filter((s) => s.partition === p).map((s) => s.offset));
      const firstB = Math.min(...seenB.filter((s) => s.partition === p).map((s) => s.offset));
      assert.ok(firstB > lastA, `partition ${p} moved from A (up to ${lastA}) to B (from ${firstB}) without overlap`);
    }
  } finally {
    await stop(a, b);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test("kafkajs consumer seek re-reads from the offset sought", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic: "seek", numPartitions: 1 }] });
  await producer.send({ topic: "seek", messages: Array.from({ length: 6 }, (_, i) => ({ value: `s${i}` })) });
  const seen: Seen[] = [];
  const consumer = kafka.consumer({ groupId: "seekers", maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: "seek", fromBeginning: true });
  let sought = false;
  await consumer.run({
    eachMessage: async (payload) => {
      await collect(seen)(payload);
      if (!sought && payload.message.offset === "4") {
        sought = true;
        consumer.seek({ topic: "seek", partition: 0, offset: "2" });
      }
    },
  });
  try {
    await waitFor("re-read after seek", () => seen.length >= 9);
    const offsets = seen.map((s) => s.offset);
    const at = offsets.indexOf(4);
    assert.equal(offsets.slice(0, at + 1), [0, 1, 2, 3, 4]);
    assert.equal(offsets.slice(at + 1, at + 5), [2, 3, 4, 5], "reading restarts at offset 2");
    assert.equal(seen.slice(at + 1, at + 5).map((s) => s.value), ["s2", "s3", "s4", "s5"]);
  } finally {
    await stop(consumer);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test("kafkajs consumer reads a record set larger than the writer's copy threshold intact", async () => {
  const kafka = h.kafka();
  const producer = kafka.producer();
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "big", numPartitions: 1 }] });
  const value = Buffer.alloc(200_000, "z");
  await producer.send({ topic: "big", messages: [{ value }, { value: "small" }] });
  const seen: Seen[] = [];
  const consumer = kafka.consumer({ groupId: "big-readers", maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: "big", fromBeginning: true });
  await consumer.run({ eachMessage: collect(seen) });
  try {
    await waitFor("2 records", () => seen.length >= 2);
    assert.is(seen[0]!.value, value.toString());
    assert.is(seen[1]!.value, "small");
  } finally {
    await stop(consumer);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

test.run();
