import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { createApp } from "../http/app.ts";
import { startKafkaListener, type KafkaListener } from "../kafka/listener.ts";
import { Reader } from "../kafka/protocol/reader.ts";
import { isRivuletError } from "../core/errors.ts";
import { isControlBatch } from "../record/control-batch.ts";
import { encodeRecordBatch, iterateBatches } from "../record/record-batch.ts";
import type { ConsumedRecord, Isolation } from "../broker/types.ts";
import { call, type FetchReply } from "./support/http/fixture.ts";
import { SseReader } from "./support/http/sse-reader.ts";
import { correlationOf, RawClient, requestFrame } from "./support/kafka/raw-client.ts";
import { tempDir } from "./support/temp-dir.ts";
import { kcatPresent, runKcat } from "./support/kafka/kcat.ts";
import { Kafka, logLevel } from "kafkajs";

const enc = new TextEncoder();
const dec = new TextDecoder();
const tmp = tempDir();
const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
const app = createApp(broker, { limits: { fetchWaitMsMax: 5_000 } });
const listener: KafkaListener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
const topic = "payments";
await broker.createTopic(topic, { partitions: 2, config: { flush: "always" } });
const p1 = await broker.allocateProducerId();
const p2 = await broker.allocateProducerId();

const txnBatch = (producerId: number, baseSequence: number, values: string[], epoch = 0) =>
  encodeRecordBatch(values.map((v) => ({ key: null, value: enc.encode(JSON.stringify(v)), headers: [], timestamp: Date.now() })), { producerId, producerEpoch: epoch, baseSequence, transactional: true });
/** Values are stored as JSON strings, so HTTP shows them as JSON. */
const values = (records: ConsumedRecord[]) => records.map((r) => JSON.parse(dec.decode(r.value!)) as string);
const committed = ["a0", "c1", "c2", "c3", "z"];
const everything = ["a0", "c1", "c2", "x1", "c3", "z"];

/** Fetch v4 (or v11) for partition 0 of `topic` from offset 0; returns the partition's answer. */
async function kafkaFetch(client: RawClient, isolation: 0 | 1, version: 4 | 11) {
  const id = Math.floor(Math.random() * 1e9);
  client.send(requestFrame(1, version, id, (w) => {
    w.int32(-1).int32(0).int32(1).int32(1 << 20).int8(isolation);
    if (version >= 7) w.int32(0).int32(-1);
    w.array([topic], (tw, t) => {
      tw.string(t);
      tw.array([0], (pw, p) => {
        pw.int32(p);
        if (version >= 9) pw.int32(-1);
        pw.int64(0);
        if (version >= 5) pw.int64(-1);
        pw.int32(1 << 20);
      });
    });
    if (version >= 7) w.array([], () => {});
    if (version >= 11) w.string("");
  }));
  const frame = await client.next(20_000);
  assert.ok(frame, "a fetch response");
  assert.is(correlationOf(frame!), id);
  const r = new Reader(frame!, 4);
  r.int32(); // throttle
  if (version >= 7) {
    assert.is(r.int16(), 0);
    r.int32();
  }
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => {
      const partition = p.int32();
      const errorCode = p.int16();
      const highWatermark = p.int64();
      const lastStableOffset = p.int64();
      if (version >= 5) p.int64();
      const aborted = p.nullableArray((a) => ({ producerId: a.int64(), firstOffset: a.int64() }), 16);
      if (version >= 11) p.int32();
      const records = p.nullableBytes();
      return { partition, errorCode, highWatermark, lastStableOffset, aborted, records };
    }),
  }));
  return topics[0].partitions[0];
}

/** ListOffsets v2 for `latest` on partition 0 with `isolation`; returns the offset. */
async function kafkaLatest(client: RawClient, isolation: 0 | 1): Promise<number> {
  const id = Math.floor(Math.random() * 1e9);
  client.send(requestFrame(2, 2, id, (w) => {
    w.int32(-1).int8(isolation);
    w.array([topic], (tw, t) => {
      tw.string(t);
      tw.array([0], (pw, p) => pw.int32(p).int64(-1));
    });
  }));
  const frame = await client.next(20_000);
  assert.ok(frame, "a list-offsets response");
  assert.is(correlationOf(frame!), id);
  const r = new Reader(frame!, 4);
  r.int32();
  const topics = r.array((t) => ({ name: t.string(), partitions: t.array((p) => ({ partition: p.int32(), errorCode: p.int16(), timestamp: p.int64(), offset: p.int64() })) }));
  assert.is(topics[0].partitions[0].errorCode, 0);
  return topics[0].partitions[0].offset;
}

async function consumeAll(isolation: Isolation, count: number): Promise<string[]> {
  const consumer = broker.consumer({ isolation, fromBeginning: true });
  try {
    await consumer.assign([{ topic, partition: 0 }]);
    const seen: ConsumedRecord[] = [];
    while (seen.length < count) seen.push(...(await consumer.poll({ waitMs: 2_000 })));
    return values(seen);
  } finally {
    await consumer.close();
  }
}

test("an open transaction holds the last stable offset: read_committed readers stop before it on every door", async () => {
  await broker.produce(topic, [{ value: JSON.stringify("a0"), partition: 0 }]); // 0
  await broker.appendBatch(topic, 0, txnBatch(p1, 0, ["c1", "c2"])); // 1-2
  await broker.appendBatch(topic, 0, txnBatch(p2, 0, ["x1"])); // 3
  await broker.appendBatch(topic, 0, txnBatch(p1, 2, ["c3"])); // 4
  await broker.appendBatch(topic, 1, txnBatch(p1, 0, ["other"])); // partition 1: 0

  const committedView = await broker.fetch(topic, 0, { offset: 0, isolation: "read_committed" });
  assert.equal(values(committedView.records), ["a0"]);
  assert.is(committedView.lastStableOffset, 1);
  assert.is(committedView.highWatermark, 5);
  assert.is(committedView.nextOffset, 1);
  assert.equal(values((await broker.fetch(topic, 0, { offset: 0 })).records), ["a0", "c1", "c2", "x1", "c3"]);
  assert.is(await broker.listOffset(topic, 0, "latest", { isolation: "read_committed" }), 1);
  assert.is(await broker.listOffset(topic, 0, "latest"), 5);

  const http = await call<FetchReply>(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0&isolation=read_committed`);
  assert.is(http.status, 200);
  assert.equal(http.body.records.map((r) => r.value), ["a0"]);
  assert.is(http.body.next_offset, 1);
  assert.is((http.body as FetchReply & { last_stable_offset: number }).last_stable_offset, 1);
  assert.is(http.body.high_watermark, 5);

  const client = await RawClient.connect(listener.port);
  try {
    const answer = await kafkaFetch(client, 1, 4);
    assert.is(answer.errorCode, 0);
    assert.is(answer.highWatermark, 5);
    assert.is(answer.lastStableOffset, 1);
    assert.equal(answer.aborted, []);
    assert.equal([...iterateBatches(answer.records!)].map(({ header }) => header.baseOffset), [0]);
    assert.is(await kafkaLatest(client, 1), 1, "ListOffsets latest under read_committed is the LSO");
    assert.is(await kafkaLatest(client, 0), 5);
  } finally {
    client.close();
  }

  // a read_committed long-poll at the LSO waits for the transaction to be decided, not for the high watermark
  const waiting = broker.fetch(topic, 0, { offset: 1, isolation: "read_committed", waitMs: 5_000 });
  let settled = false;
  void waiting.then(() => (settled = true));
  await broker.fetch(topic, 0, { offset: 4, waitMs: 0 }); // a round trip to the same partition actor
  assert.not.ok(settled, "still waiting while the transaction is open");
  await broker.writeTxnMarkers([
    { topic, partition: 0, producerId: p2, producerEpoch: 0, coordinatorEpoch: 3, commit: false }, // 5
    { topic, partition: 0, producerId: p1, producerEpoch: 0, coordinatorEpoch: 3, commit: true }, // 6
    { topic, partition: 1, producerId: p1, producerEpoch: 0, coordinatorEpoch: 3, commit: true },
  ]);
  const woken = await waiting;
  assert.equal(values(woken.records), ["c1", "c2", "c3"], "woken by the markers, aborted records left out");
  await broker.produce(topic, [{ value: JSON.stringify("z"), partition: 0 }]); // 7
});

test("after a commit and an abort, BrokerCore.fetch and fetchBatches give committed records (read_committed) or all data (read_uncommitted), never a marker", async () => {
  const rc = await broker.fetch(topic, 0, { offset: 0, isolation: "read_committed" });
  assert.equal(values(rc.records), committed);
  assert.is(rc.lastStableOffset, 8);
  assert.is(rc.nextOffset, 8);
  const ru = await broker.fetch(topic, 0, { offset: 0 });
  assert.equal(values(ru.records), everything);
  assert.equal(values((await broker.fetch(topic, 0, { offset: 5, isolation: "read_committed" })).records), ["z"], "from a marker on");
  const raw = await broker.fetchBatches(topic, 0, { offset: 0, isolation: "read_committed" });
  assert.equal(raw.abortedTransactions, [{ producerId: p2, firstOffset: 3 }]);
  assert.equal([...iterateBatches(raw.batches)].filter(({ header }) => isControlBatch(header)).map(({ header }) => header.baseOffset), [5, 6], "raw batches keep the markers for Kafka clients");
  assert.equal((await broker.fetchBatches(topic, 0, { offset: 0 })).abortedTransactions, []);
  assert.equal(values((await broker.fetch(topic, 1, { offset: 0, isolation: "read_committed" })).records), ["other"]);
  try {
    await broker.fetch(topic, 0, { offset: 0, isolation: "serializable" as Isolation });
    assert.unreachable("a bad isolation");
  } catch (error) {
    assert.ok(isRivuletError(error, "invalid_request"), String(error));
  }
});

test("writeTxnMarkers refuses an epoch below the producer's with invalid_producer_epoch, and a marker without an open transaction is written but changes nothing", async () => {
  await broker.appendBatch(topic, 1, txnBatch(p2, 0, ["y"], 2)); // partition 1, p2 at epoch 2
  try {
    await broker.writeTxnMarkers([{ topic, partition: 1, producerId: p2, producerEpoch: 1, coordinatorEpoch: 3, commit: true }]);
    assert.unreachable("a stale epoch");
  } catch (error) {
    assert.ok(isRivuletError(error, "invalid_producer_epoch"), String(error));
  }
  await broker.writeTxnMarkers([{ topic, partition: 1, producerId: p2, producerEpoch: 2, coordinatorEpoch: 3, commit: false }]);
  const before = await broker.listOffset(topic, 1, "latest");
  await broker.writeTxnMarkers([{ topic, partition: 1, producerId: p2, producerEpoch: 2, coordinatorEpoch: 3, commit: false }]);
  assert.is(await broker.listOffset(topic, 1, "latest"), before + 1, "the marker is written");
  assert.is(await broker.listOffset(topic, 1, "latest", { isolation: "read_committed" }), before + 1, "no transaction is open");
  assert.equal(values((await broker.fetch(topic, 1, { offset: 0, isolation: "read_committed" })).records), ["other"]);
  assert.equal(values((await broker.fetch(topic, 1, { offset: 0 })).records), ["other", "y"]);
});

test("the programmatic consumer takes isolation", async () => {
  assert.equal(await consumeAll("read_committed", committed.length), committed);
  assert.equal(await consumeAll("read_uncommitted", everything.length), everything);
  assert.throws(() => broker.consumer({ isolation: "dirty" as Isolation }), (e: unknown) => isRivuletError(e, "invalid_request"));
});

test("HTTP fetch and group polls take ?isolation=; a bad value is a 400 invalid_request", async () => {
  const rc = await call<FetchReply>(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0&isolation=read_committed`);
  assert.equal(rc.body.records.map((r) => r.value), committed);
  const ru = await call<FetchReply>(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0&isolation=read_uncommitted`);
  assert.equal(ru.body.records.map((r) => r.value), everything);
  const plain = await call<FetchReply>(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0`);
  assert.equal(plain.body.records.map((r) => r.value), everything, "read_uncommitted is the default");
  const bad = await call(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0&isolation=nope`);
  assert.is(bad.status, 400);
  assert.is(bad.body.code, "invalid_request");

  const group = "txn-readers";
  const joined = await call<{ member_id: string }>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic], auto_offset_reset: "earliest" });
  assert.is(joined.status, 200);
  const seen: Array<{ partition?: number; value?: unknown }> = [];
  for (let i = 0; i < 10 && seen.length < committed.length + 1; i++) {
    const polled = await call<FetchReply>(app, "GET", `/v1/groups/${group}/members/${joined.body.member_id}/records?isolation=read_committed&wait_ms=200`);
    assert.is(polled.status, 200);
    seen.push(...polled.body.records);
  }
  assert.equal(seen.filter((r) => r.partition === 0).map((r) => r.value), committed);
  assert.equal(seen.filter((r) => r.partition === 1).map((r) => r.value), ["other"]);
  const badPoll = await call(app, "GET", `/v1/groups/${group}/members/${joined.body.member_id}/records?isolation=x`);
  assert.is(badPoll.status, 400);
});

test("SSE with isolation=read_committed streams committed records only, steps over markers, and goes on with new records", async () => {
  const bad = await call(app, "GET", `/v1/topics/${topic}/partitions/0/stream?offset=0&isolation=nope`);
  assert.is(bad.status, 400);
  const abort = new AbortController();
  const res = await app.request(`/v1/topics/${topic}/partitions/0/stream?offset=0&isolation=read_committed`, { signal: abort.signal });
  assert.is(res.status, 200);
  const reader = new SseReader(res.body!);
  try {
    const events: string[] = [];
    while (events.length < committed.length) {
      const event = await reader.next();
      assert.ok(event, "the stream goes on");
      if (event!.id !== undefined) events.push(`${event!.id}:${JSON.parse(event!.data).value}`);
    }
    assert.equal(events, ["0:a0", "1:c1", "2:c2", "4:c3", "7:z"]);
    // a new transaction: nothing streams until it commits, then its record does
    const p3 = await broker.allocateProducerId();
    await broker.appendBatch(topic, 0, txnBatch(p3, 0, ["late"]));
    await broker.writeTxnMarkers([{ topic, partition: 0, producerId: p3, producerEpoch: 0, coordinatorEpoch: 3, commit: true }]);
    let next = await reader.next();
    while (next && next.id === undefined) next = await reader.next();
    assert.is(JSON.parse(next!.data).value, "late");
  } finally {
    await reader.cancel();
    abort.abort();
  }
  // read_uncommitted sees every data record and no marker
  const all = await app.request(`/v1/topics/${topic}/partitions/0/stream?offset=0`);
  const allReader = new SseReader(all.body!);
  try {
    const ids: string[] = [];
    while (ids.length < everything.length + 1) {
      const event = await allReader.next();
      if (event?.id !== undefined) ids.push(event.id);
    }
    assert.equal(ids, ["0", "1", "2", "3", "4", "7", "8"]);
  } finally {
    await allReader.cancel();
  }
});

test("Kafka Fetch v4 and v11 with isolation_level 1 return the last stable offset and the aborted transactions; level 0 a null list", async () => {
  const client = await RawClient.connect(listener.port);
  try {
    for (const version of [4, 11] as const) {
      const rc = await kafkaFetch(client, 1, version);
      assert.is(rc.errorCode, 0);
      assert.is(rc.lastStableOffset, rc.highWatermark);
      assert.equal(rc.aborted, [{ producerId: p2, firstOffset: 3 }], `v${version}`);
      assert.ok(rc.records && rc.records.length > 0);
      const ru = await kafkaFetch(client, 0, version);
      assert.is(ru.aborted, null, `v${version}: read_uncommitted gets a null list`);
      assert.is(ru.lastStableOffset, rc.lastStableOffset);
    }
  } finally {
    client.close();
  }
});

test("kafkajs consumers (read_committed by default, and readUncommitted) and kcat with isolation.level agree", async () => {
  const kafka = new Kafka({ clientId: "txn-test", brokers: [`127.0.0.1:${listener.port}`], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
  const expected = { committed: [...committed, "late"], uncommitted: [...everything, "late"] };
  for (const [readUncommitted, want] of [[false, expected.committed], [true, expected.uncommitted]] as const) {
    const consumer = kafka.consumer({ groupId: `kafkajs-${readUncommitted}`, readUncommitted, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachMessage: async ({ partition, message }) => {
            if (partition !== 0) return;
            seen.push(JSON.parse(String(message.value)) as string);
            if (seen.length >= want.length) resolve();
          },
        }).catch(reject);
      });
      assert.equal(seen, want, `kafkajs readUncommitted=${readUncommitted}`);
    } finally {
      await consumer.disconnect();
    }
  }
  if (!kcatPresent) {
    console.log("kcat is not installed: the kcat part is skipped");
    return;
  }
  for (const [level, want] of [["read_committed", expected.committed], ["read_uncommitted", expected.uncommitted]] as const) {
    const run = await runKcat(["-b", `127.0.0.1:${listener.port}`, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-X", `isolation.level=${level}`, "-f", "%s\\n"]);
    assert.is(run.code, 0, run.err);
    assert.equal(run.out.trim().split("\n").map((line) => JSON.parse(line) as string), want, `kcat ${level}`);
  }
});

test.after(async () => {
  await listener.close();
  await broker.close();
  tmp.remove();
});

test.run();
