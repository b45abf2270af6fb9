/**
 * The brokers' transaction requests on a real listener, sent by the real channel
 * (kafka/txn-marker-channel.ts): WriteTxnMarkers (API 27) ending a transaction at the partition,
 * (refusing a deposed coordinator's, by coordinator epoch), and KIP-890's verification (AddPartitionsToTxn v4 `verify_only`) answered by the coordinator;
 * and a client's AddPartitionsToTxn v4 (as @platformatic/kafka sends it once v4 is advertised).
 * The cluster test (test/cluster/txn-cluster.test.ts) runs them between brokers.
 */
import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";
import { pltBody, pltParse } from "../test/support/kafka/protocol/platformatic.ts";
import { storedBatches } from "../test/support/transactions.ts";
import { TxnMarkerChannel } from "./txn-marker-channel.ts";
import { encodeRecordBatch } from "../record/record-batch-encoder.ts";

let h: Harness;
let client: RawClient;
let channel: TxnMarkerChannel;
let correlation = 0;

test.before(async () => {
  h = await startHarness();
  await h.broker.createTopic("inter", { partitions: 3 });
  client = await RawClient.connect(h.listener.port);
  channel = new TxnMarkerChannel({ brokerId: 9, requestTimeoutMs: 10_000 });
});

test.after(async () => {
  channel.close();
  client.close();
  await h.close();
});

async function call(apiKey: number, version: number, body: Uint8Array): Promise<Uint8Array> {
  const id = ++correlation;
  client.send(requestFrame(apiKey, version, id, (w) => w.raw(body)));
  const frame = await client.next(10_000);
  assert.ok(frame, "answered");
  assert.is(correlationOf(frame), id);
  return frame.subarray(5);
}

test("a client's AddPartitionsToTxn v4 adds; a partition leader's verify_only gets 0, INVALID_TXN_STATE or PRODUCER_FENCED; WriteTxnMarkers ends the transaction at the partition", async () => {
  const endpoint = { host: "127.0.0.1", port: h.listener.port };
  const { producerId, producerEpoch } = await h.broker.transactions.initProducerId({ transactionalId: "inter-tx", transactionTimeoutMs: 60_000 });
  const added = pltParse("addPartitionsToTxnV4", 24, 4, await call(24, 4, pltBody("addPartitionsToTxnV4", [
    { transactionalId: "inter-tx", producerId: BigInt(producerId), producerEpoch, verifyOnly: false, topics: [{ name: "inter", partitions: [0] }] },
  ]))) as { resultsByTransaction: Array<{ topicResults: Array<{ resultsByPartition: Array<{ partitionErrorCode: number }> }> }> };
  assert.is(added.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, 0);
  assert.is(h.broker.transactions.describe("inter-tx")!.state, "Ongoing");

  const verification = { transactionalId: "inter-tx", producerId, producerEpoch, topic: "inter" };
  assert.is(await channel.verify(endpoint, { ...verification, partition: 0 }), null, "partition 0 is in the ongoing transaction");
  assert.is(await channel.verify(endpoint, { ...verification, partition: 1 }), "invalid_txn_state", "partition 1 was never added");
  assert.is(await channel.verify(endpoint, { ...verification, producerEpoch: producerEpoch + 1, partition: 0 }), "producer_fenced", "another epoch");
  assert.is(await channel.verify(endpoint, { ...verification, transactionalId: "nobody", partition: 0 }), "invalid_producer_id_mapping");

  const produced = pltParse("produceV9", 0, 9, await call(0, 9, pltBody("produceV9", -1, 5000, [{ topic: "inter", partition: 0, value: Buffer.from("in-txn"), timestamp: BigInt(Date.now()) }], { transactionalId: "inter-tx", producerId: BigInt(producerId), producerEpoch }))) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
  assert.is(produced.responses[0].partitionResponses[0].errorCode, 0);
  assert.is(await h.broker.listOffset("inter", 0, "latest", { isolation: "read_committed" }), 0, "the open transaction holds the last stable offset");

  const marker = { topic: "inter", partition: 0, producerId, producerEpoch, coordinatorEpoch: 3, commit: true };
  assert.equal(await channel.writeTxnMarkers(endpoint, [marker, { ...marker, topic: "missing" }]), [null, "unknown_partition"]);
  assert.equal((await storedBatches(h.broker, "inter", 0)).map((b) => b.marker ?? b.values.join()), ["in-txn", "commit"]);
  assert.is(await h.broker.listOffset("inter", 0, "latest", { isolation: "read_committed" }), 2, "the marker moved the last stable offset past it");
  // a coordinator's abort under a bumped epoch (a fence), then a marker of the old epoch
  assert.equal(await channel.writeTxnMarkers(endpoint, [{ ...marker, producerEpoch: producerEpoch + 1, commit: false }]), [null]);
  assert.equal(await channel.writeTxnMarkers(endpoint, [marker]), ["invalid_producer_epoch"], "a marker older than the producer's epoch");
  // the coordinator epoch: a newer coordinator's marker is taken, a deposed one's refused
  const fenced = { ...marker, producerEpoch: producerEpoch + 1, commit: false };
  assert.equal(await channel.writeTxnMarkers(endpoint, [{ ...fenced, coordinatorEpoch: 7 }]), [null]);
  assert.equal(await channel.writeTxnMarkers(endpoint, [{ ...fenced, coordinatorEpoch: 6 }]), ["transaction_coordinator_fenced"], "a marker of an older coordinator epoch");
  assert.equal(await channel.writeTxnMarkers(endpoint, [{ ...fenced, coordinatorEpoch: 7 }]), [null], "the same coordinator's retry");
});

test("a producer's requests to a coordinator and a leader on another broker: InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, Produce (checked by KIP-890), EndTxn; errors as Rivulet codes", async () => {
  const endpoint = { host: "127.0.0.1", port: h.listener.port };
  const { producerId, producerEpoch } = await channel.initProducerId(endpoint, "client-tx", 60_000);
  assert.equal(h.broker.transactions.describe("client-tx")?.producerId, producerId);
  const request = { transactionalId: "client-tx", producerId, producerEpoch };
  await channel.addPartitions(endpoint, request, [{ topic: "inter", partition: 1 }, { topic: "inter", partition: 2 }]);
  await channel.addOffsets(endpoint, request, "client-group");
  assert.is(await channel.txnOffsetCommit(endpoint, request, "client-group", [{ topic: "inter", partition: 1, offset: 4 }]), null);
  const batch = (value: string) => encodeRecordBatch([{ key: null, value: new TextEncoder().encode(value), headers: [], timestamp: Date.now() }], { producerId, producerEpoch, baseSequence: 0, transactional: true });
  const appended = await channel.produce(endpoint, "client-tx", "inter", 1, batch("via-produce"));
  assert.equal([appended.lastOffset - appended.baseOffset, appended.logAppendTime], [0, -1]);
  const refused = await channel.produce(endpoint, "client-tx", "inter", 0, batch("not-added")).then(() => null, (e: { code?: string }) => e.code);
  assert.is(refused, "invalid_txn_state", "a partition not in the transaction (KIP-890)");
  const open = h.broker.transactions.describe("client-tx")!;
  assert.equal([open.state, open.partitions.map((p) => p.partition).sort(), open.groups, open.offsets.map((o) => o.offset)], ["Ongoing", [1, 2], ["client-group"], [4]]);
  await channel.endTxn(endpoint, request, true);
  assert.is(h.broker.transactions.describe("client-tx")!.state, "CompleteCommit");
  assert.equal((await h.broker.groups.fetchOffsets("client-group")).find((o) => o.partition === 1)?.offset, 4, "the transaction's offsets committed");

  const code = (p: Promise<unknown>) => p.then(() => null, (e: { code?: string; retriable?: boolean }) => [e.code, e.retriable]);
  assert.equal(await code(channel.addPartitions(endpoint, { ...request, producerEpoch: producerEpoch - 1 }, [{ topic: "inter", partition: 0 }])), ["invalid_producer_epoch", false], "an older epoch (INVALID_PRODUCER_EPOCH, as Kafka answers v0)");
  await channel.endTxn(endpoint, request, true); // a retried EndTxn after completion succeeds
  assert.equal(await code(channel.endTxn(endpoint, request, false)), ["invalid_txn_state", false], "no transaction open to abort");
  assert.equal(await code(channel.initProducerId(endpoint, "client-tx", 0)), ["invalid_transaction_timeout", false]);
  const nobody = new TxnMarkerChannel({ brokerId: 9, requestTimeoutMs: 2_000 });
  assert.equal(await code(nobody.endTxn({ host: "127.0.0.1", port: 1 }, request, true)), ["not_coordinator", true], "no broker there: find the coordinator again");
  nobody.close();
});

test("the channel opens a new connection after a lost one", async () => {
  const endpoint = { host: "127.0.0.1", port: h.listener.port };
  const closed = new TxnMarkerChannel({ brokerId: 9, requestTimeoutMs: 2_000 });
  const refused = await closed.writeTxnMarkers({ host: "127.0.0.1", port: 1 }, [{ topic: "inter", partition: 1, producerId: 1, producerEpoch: 0, coordinatorEpoch: 0, commit: false }]).then(() => null, (e: unknown) => e);
  assert.ok(refused, "no broker there: the request fails");
  assert.equal(await closed.writeTxnMarkers(endpoint, [{ topic: "inter", partition: 2, producerId: 77, producerEpoch: 0, coordinatorEpoch: 0, commit: false }]), [null]);
  closed.close();
});

test.run();
