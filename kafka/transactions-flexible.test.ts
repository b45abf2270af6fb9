/**
 * The transaction APIs' flexible versions on a real listener, as @platformatic/kafka and
 * librdkafka 2.x speak them: FindCoordinator v4 for a transactional id, InitProducerId v4,
 * AddPartitionsToTxn v3, Produce v9 with a transactional batch, AddOffsetsToTxn v3,
 * TxnOffsetCommit v3 and EndTxn v3 (bodies from @platformatic/kafka's encoders, answers read
 * with its parsers), and PRODUCER_FENCED for the versions that know it.
 */
import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";
import { kafkajsBody } from "../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../test/support/kafka/protocol/platformatic.ts";
import { storedBatches } from "../test/support/transactions.ts";

let h: Harness;
let client: RawClient;
let correlation = 0;

test.before(async () => {
  h = await startHarness();
  await h.broker.createTopic("flex-tx", { partitions: 2 });
  client = await RawClient.connect(h.listener.port);
});

test.after(async () => {
  client.close();
  await h.close();
});

/** One request; the response body after its header (v1 for flexible versions, v0 else). */
async function call(apiKey: number, version: number, body: Uint8Array, flexible = true): Promise<Uint8Array> {
  const id = ++correlation;
  client.send(requestFrame(apiKey, version, id, (w) => w.raw(body)));
  const frame = await client.next(10_000);
  assert.ok(frame, "answered");
  assert.is(correlationOf(frame), id);
  if (!flexible) return frame.subarray(4);
  assert.is(frame[4], 0, "response header v1: an empty tagged-field section");
  return frame.subarray(5);
}

/** The error code of a `throttle_time_ms error_code` response. */
const errorCodeOf = (body: Uint8Array): number => new DataView(body.buffer, body.byteOffset).getInt16(4);

test("a whole transaction in flexible versions: FindCoordinator v4, InitProducerId v4, AddPartitionsToTxn v3, Produce v9, AddOffsetsToTxn v3, TxnOffsetCommit v3, EndTxn v3", async () => {
  const found = pltParse("findCoordinatorV4", 10, 4, await call(10, 4, pltBody("findCoordinatorV4", 1, ["flex-id"]))) as { coordinators: Array<{ key: string; nodeId: number; port: number; errorCode: number }> };
  assert.equal(found.coordinators.map((c) => [c.key, c.nodeId, c.port, c.errorCode]), [["flex-id", 1, h.listener.port, 0]]);

  const init = pltParse("initProducerIdV4", 22, 4, await call(22, 4, pltBody("initProducerIdV4", "flex-id", 60_000, -1n, -1))) as { producerId: bigint; producerEpoch: number };
  const producerId = init.producerId;
  const epoch = init.producerEpoch;
  assert.is(epoch, 0);

  pltParse("addPartitionsToTxnV3", 24, 3, await call(24, 3, pltBody("addPartitionsToTxnV3", [{ transactionalId: "flex-id", producerId, producerEpoch: epoch, topics: [{ name: "flex-tx", partitions: [1] }] }])));
  const produced = pltParse("produceV9", 0, 9, await call(0, 9, pltBody("produceV9", -1, 5000, [{ topic: "flex-tx", partition: 1, value: Buffer.from("flexible"), timestamp: BigInt(Date.now()) }], { transactionalId: "flex-id", producerId, producerEpoch: epoch }))) as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };
  assert.is(produced.responses[0].partitionResponses[0].errorCode, 0);
  pltParse("addOffsetsToTxnV3", 25, 3, await call(25, 3, pltBody("addOffsetsToTxnV3", "flex-id", producerId, epoch, "flex-group")));
  pltParse("txnOffsetCommitV3", 28, 3, await call(28, 3, pltBody("txnOffsetCommitV3", "flex-id", "flex-group", producerId, epoch, -1, "", null, [{ name: "flex-tx", partitions: [{ partitionIndex: 0, committedOffset: 12n, committedLeaderEpoch: -1, committedMetadata: null }] }])));
  assert.is((await h.broker.groups.fetchOffsets("flex-group", [{ topic: "flex-tx", partition: 0 }]))[0].offset, -1);
  pltParse("endTxnV3", 26, 3, await call(26, 3, pltBody("endTxnV3", "flex-id", producerId, epoch, true)));

  assert.is((await h.broker.groups.fetchOffsets("flex-group", [{ topic: "flex-tx", partition: 0 }]))[0].offset, 12);
  assert.equal((await storedBatches(h.broker, "flex-tx", 1)).map((b) => b.marker ?? b.values.join()), ["flexible", "commit"]);

  // InitProducerId v4 naming the current producer bumps its epoch; the old epoch is then fenced.
  const bumped = pltParse("initProducerIdV4", 22, 4, await call(22, 4, pltBody("initProducerIdV4", "flex-id", 60_000, producerId, epoch))) as { producerId: bigint; producerEpoch: number };
  assert.equal([bumped.producerId, bumped.producerEpoch], [producerId, epoch + 1]);
  assert.is(errorCodeOf(await call(22, 4, pltBody("initProducerIdV4", "flex-id", 60_000, producerId, epoch))), 90, "InitProducerId v4: PRODUCER_FENCED");
  assert.is(errorCodeOf(await call(26, 3, pltBody("endTxnV3", "flex-id", producerId, epoch, false))), 90, "EndTxn v3: PRODUCER_FENCED");
  assert.is(errorCodeOf(await call(25, 3, pltBody("addOffsetsToTxnV3", "flex-id", producerId, epoch, "flex-group"))), 90, "AddOffsetsToTxn v3: PRODUCER_FENCED");
  const old = await call(26, 1, await kafkajsBody("endTxn", 1, { transactionalId: "flex-id", producerId: String(producerId), producerEpoch: epoch, transactionResult: false }), false);
  assert.is(errorCodeOf(old), 47, "EndTxn v1: INVALID_PRODUCER_EPOCH, which older clients know");
});

test("InitProducerId v2-v4 refuse a transaction timeout above transactionTimeoutMsMax with INVALID_TRANSACTION_TIMEOUT", async () => {
  const tooLong = h.broker.limits.transactionTimeoutMsMax + 1;
  assert.is(errorCodeOf(await call(22, 4, pltBody("initProducerIdV4", "flex-long", tooLong, -1n, -1))), 50);
  assert.is(errorCodeOf(await call(22, 1, await kafkajsBody("initProducerId", 1, { transactionalId: "flex-long", transactionTimeout: tooLong }), false)), 50);
});

test.run();
