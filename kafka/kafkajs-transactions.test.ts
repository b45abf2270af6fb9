/**
 * kafkajs 2.2.4's transactional producer against the Kafka listener: commits and aborts
 * interleaved, consume-transform-produce with `sendOffsets`, fencing of a zombie by a second
 * producer with the same transactional id, and KIP-890's refusal of a transactional batch for a
 * partition the transaction did not add (raw requests); kafkajs consumers read_committed see
 * exactly the committed records, read_uncommitted every data record, and never a marker.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Producer } from "kafkajs";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { Writer } from "./protocol/writer.ts";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";
import { kafkajsBody, kafkajsDecode } from "../test/support/kafka/protocol/kafkajs.ts";
import { storedBatches, whenState } from "../test/support/transactions.ts";

let h: Harness;

test.before(async () => {
  h = await startHarness();
});

test.after(async () => {
  await h.close();
});

async function transactionalProducer(transactionalId: string): Promise<Producer> {
  const producer = h.kafka(`client-${transactionalId}`).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

const summary = (batches: Awaited<ReturnType<typeof storedBatches>>) => batches.map((b) => b.marker ?? b.values.join(","));

test("kafkajs commits and aborts interleaved transactions: every data batch is transactional and followed by its marker", async () => {
  await h.broker.createTopic("tx-orders", { partitions: 2 });
  const producer = await transactionalProducer("interleaved");
  try {
    for (const [n, commit] of [[1, true], [2, false], [3, true], [4, false]] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic: "tx-orders", messages: [{ value: `t${n}-p0`, partition: 0 }, { value: `t${n}-p1`, partition: 1 }] });
      if (commit) await txn.commit();
      else await txn.abort();
    }
  } finally {
    await producer.disconnect();
  }
  for (const partition of [0, 1]) {
    const batches = await storedBatches(h.broker, "tx-orders", partition);
    assert.equal(summary(batches), [`t1-p${partition}`, "commit", `t2-p${partition}`, "abort", `t3-p${partition}`, "commit", `t4-p${partition}`, "abort"]);
    assert.ok(batches.every((b) => b.transactional), "data and markers carry the transactional bit");
    assert.is(new Set(batches.map((b) => `${b.producerId}/${b.producerEpoch}`)).size, 1, "one producer, one epoch");
  }
  assert.is(h.broker.transactions.describe("interleaved")!.state, "CompleteAbort");
  // Each partition's last record (t4 under read_uncommitted, t3 under read_committed) comes after
  // everything before it, so once both are seen nothing else is on its way.
  const read = async (readUncommitted: boolean): Promise<string[]> => {
    const groupId = `interleaved-${readUncommitted ? "uncommitted" : "committed"}`;
    const consumer = h.kafka(groupId).consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    const last = readUncommitted ? "t4" : "t3";
    await consumer.connect();
    await consumer.subscribe({ topic: "tx-orders", fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.includes(`${last}-p0`) && seen.includes(`${last}-p1`)) resolve();
        },
      });
    });
    await consumer.disconnect();
    return seen.sort();
  };
  assert.equal(await read(false), ["t1-p0", "t1-p1", "t3-p0", "t3-p1"]);
  assert.equal(await read(true), ["t1-p0", "t1-p1", "t2-p0", "t2-p1", "t3-p0", "t3-p1", "t4-p0", "t4-p1"]);
});

test("kafkajs consume-transform-produce: sendOffsets commits the input offsets with the output, visible to OffsetFetch only after commit", async () => {
  await h.broker.createTopic("ctp-in", { partitions: 2 });
  await h.broker.createTopic("ctp-out");
  const input = h.kafka("ctp-feeder").producer();
  await input.connect();
  await input.send({ topic: "ctp-in", messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })) });
  await input.disconnect();

  const producer = await transactionalProducer("ctp");
  const consumer = h.kafka("ctp-consumer").consumer({ groupId: "ctp-group", maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: "ctp-in", fromBeginning: true });
  let processed = 0;
  let committedSeenInside: number[] | null = null;
  const done = new Promise<void>((resolve, reject) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const txn = await producer.transaction();
          await txn.send({ topic: "ctp-out", messages: [{ value: `${String(message.value)}!` }] });
          await txn.sendOffsets({ consumerGroupId: "ctp-group", topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
          if (processed === 0) committedSeenInside = (await h.broker.groups.fetchOffsets("ctp-group", [{ topic, partition }])).map((o) => o.offset);
          await txn.commit();
          if (++processed === 10) resolve();
        } catch (error) {
          reject(error);
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  assert.equal(committedSeenInside, [-1], "the offset is not visible inside the open transaction");
  const offsets = await h.broker.groups.fetchOffsets("ctp-group", [{ topic: "ctp-in", partition: 0 }, { topic: "ctp-in", partition: 1 }]);
  assert.equal(offsets.map((o) => o.offset), [5, 5]);
  const out = await storedBatches(h.broker, "ctp-out", 0);
  assert.equal(out.filter((b) => b.marker === null).flatMap((b) => b.values).sort(), Array.from({ length: 10 }, (_, i) => `m${i}!`).sort());
  assert.equal(out.filter((b) => b.marker !== null).map((b) => b.marker), Array(10).fill("commit"));
});

test("a second producer with the same transactional id fences the first and aborts its open transaction; the zombie is refused", async () => {
  await h.broker.createTopic("tx-zombie");
  const zombie = await transactionalProducer("fenced-id");
  const successor = await transactionalProducer("fenced-id");
  try {
    const open = await zombie.transaction();
    await open.send({ topic: "tx-zombie", messages: [{ value: "from the zombie" }] });
    const before = h.broker.transactions.describe("fenced-id")!;
    assert.is(before.state, "Ongoing");
    const txn = await successor.transaction(); // InitProducerId: fences the zombie, aborts its transaction
    const after = h.broker.transactions.describe("fenced-id")!;
    assert.is(after.producerEpoch, before.producerEpoch + 2);
    const sendError = await open.send({ topic: "tx-zombie", messages: [{ value: "too late" }] }).then(() => null, (e: { type?: string; name?: string }) => e);
    assert.ok(sendError, "the zombie's send is refused");
    const commitError = await open.commit().then(() => null, (e: { type?: string }) => e);
    assert.is(commitError?.type, "INVALID_PRODUCER_EPOCH");
    await txn.send({ topic: "tx-zombie", messages: [{ value: "from the successor" }] });
    await txn.commit();
  } finally {
    await zombie.disconnect();
    await successor.disconnect();
  }
  const batches = await storedBatches(h.broker, "tx-zombie", 0);
  assert.equal(summary(batches), ["from the zombie", "abort", "from the successor", "commit"]);
  assert.ok(batches[1].producerEpoch > batches[0].producerEpoch, "the abort marker carries the bumped epoch");
});

test("a transactional batch for a partition not added to the transaction is refused with INVALID_TXN_STATE (raw requests)", async () => {
  await h.broker.createTopic("tx-raw", { partitions: 2 });
  const client = await RawClient.connect(h.listener.port);
  let correlation = 0;
  const call = async (apiKey: number, version: number, body: Uint8Array): Promise<Uint8Array> => {
    const id = ++correlation;
    client.send(requestFrame(apiKey, version, id, (w) => w.raw(body)));
    const frame = await client.next(10_000);
    assert.ok(frame, "answered");
    assert.is(correlationOf(frame), id);
    return frame.subarray(4);
  };
  const produce = async (partition: number, producerId: number, producerEpoch: number, sequence: number) => {
    const batch = encodeRecordBatch([{ key: null, value: new TextEncoder().encode(`raw-${sequence}`), headers: [], timestamp: Date.now() }], { producerId, producerEpoch, baseSequence: sequence, transactional: true });
    const w = new Writer();
    w.nullableString("raw-tx").int16(-1).int32(5000).array([0], (t) => t.string("tx-raw").array([0], (p) => p.int32(partition).nullableBytes(batch)));
    const decoded = await kafkajsDecode("produce", 7, await call(0, 7, w.toBytes())) as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
    return decoded.topics[0].partitions[0].errorCode;
  };
  try {
    const init = await kafkajsDecode("initProducerId", 1, await call(22, 1, await kafkajsBody("initProducerId", 1, { transactionalId: "raw-tx", transactionTimeout: 30_000 }))) as { errorCode: number; producerId: string; producerEpoch: number };
    assert.is(init.errorCode, 0);
    const producerId = Number(init.producerId);
    const epoch = init.producerEpoch;
    assert.is(await produce(0, producerId, epoch, 0), 48, "no transaction is open");
    const added = await kafkajsDecode("addPartitionsToTxn", 1, await call(24, 1, await kafkajsBody("addPartitionsToTxn", 1, { transactionalId: "raw-tx", producerId: String(producerId), producerEpoch: epoch, topics: [{ topic: "tx-raw", partitions: [0] }] }))) as { errors: Array<{ partitionErrors: Array<{ errorCode: number }> }> };
    assert.is(added.errors[0].partitionErrors[0].errorCode, 0);
    assert.is(await produce(1, producerId, epoch, 0), 48, "partition 1 was not added");
    assert.is(await produce(0, producerId, epoch + 1, 0), 47, "another epoch is refused");
    assert.is(await produce(0, producerId, epoch, 0), 0, "partition 0 was added");
    const unknown = await kafkajsDecode("addPartitionsToTxn", 1, await call(24, 1, await kafkajsBody("addPartitionsToTxn", 1, { transactionalId: "raw-tx", producerId: String(producerId), producerEpoch: epoch, topics: [{ topic: "tx-raw", partitions: [1] }, { topic: "no-such-topic", partitions: [0] }] }))) as { errors: Array<{ topic: string; partitionErrors: Array<{ errorCode: number }> }> };
    assert.equal(unknown.errors.map((e) => [e.topic, e.partitionErrors[0].errorCode]), [["tx-raw", 55], ["no-such-topic", 3]], "all or nothing: OPERATION_NOT_ATTEMPTED beside the unknown topic");
    const ended = await kafkajsDecode("endTxn", 1, await call(26, 1, await kafkajsBody("endTxn", 1, { transactionalId: "raw-tx", producerId: String(producerId), producerEpoch: epoch, transactionResult: true }))) as { errorCode: number };
    assert.is(ended.errorCode, 0);
    assert.equal(summary(await storedBatches(h.broker, "tx-raw", 0)), ["raw-0", "commit"]);
    assert.equal(summary(await storedBatches(h.broker, "tx-raw", 1)), [], "nothing reached the partition that was never added");
  } finally {
    client.close();
  }
});

test("a kafkajs transaction left open past transaction.timeout.ms is aborted by the coordinator", async () => {
  await h.broker.createTopic("tx-timeout");
  const producer = h.kafka("timeout-client").producer({ transactionalId: "forgotten", idempotent: true, maxInFlightRequests: 1, transactionTimeout: 300 });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({ topic: "tx-timeout", messages: [{ value: "never committed" }] });
    await whenState(h.broker.transactions, "forgotten", "CompleteAbort");
    const error = await txn.commit().then(() => null, (e: { type?: string }) => e);
    assert.is(error?.type, "INVALID_PRODUCER_EPOCH", "the forgotten producer is fenced");
  } finally {
    await producer.disconnect();
  }
  assert.equal(summary(await storedBatches(h.broker, "tx-timeout", 0)), ["never committed", "abort"]);
});

test.run();
