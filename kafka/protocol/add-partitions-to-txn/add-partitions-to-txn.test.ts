import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const request = { transactionalId: "tx", producerId: 2 ** 33 + 7, producerEpoch: 2, topics: [{ name: "orders", partitions: [0, 3] }, { name: "refunds", partitions: [1] }] };
const response = { throttleTimeMs: 4, results: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 3, errorCode: 0 }] }] };

assert.equal(versionsOf("AddPartitionsToTxn"), [0, 1, 2, 3, 4]);

for (const version of [0, 1].filter((v) => kafkajsHas("addPartitionsToTxn", v))) {
  test(`AddPartitionsToTxn v${version} reads kafkajs's request; kafkajs reads the answer`, async () => {
    const body = await kafkajsBody("addPartitionsToTxn", version, { transactionalId: "tx", producerId: String(2 ** 33 + 7), producerEpoch: 2, topics: [{ topic: "orders", partitions: [0, 3] }, { topic: "refunds", partitions: [1] }] });
    assert.equal(decodeBody("AddPartitionsToTxn", version, body), request);
    const bytes = encodeBody("AddPartitionsToTxn", version, response);
    assert.equal(await kafkajsDecode("addPartitionsToTxn", version, bytes), {
      ...kafkajsThrottle("addPartitionsToTxn", version, 4), errors: [{ topic: "orders", partitionErrors: [{ partition: 0, errorCode: 0 }, { partition: 3, errorCode: 0 }] }],
    });
    await kafkajsParse("addPartitionsToTxn", version, bytes);
    const failed = encodeBody("AddPartitionsToTxn", version, { throttleTimeMs: 0, results: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 48 }] }] });
    const error = await kafkajsParse("addPartitionsToTxn", version, failed).then(() => null, (e: { type?: string }) => e);
    assert.is(error?.type, "INVALID_TXN_STATE");
  });
}

test("AddPartitionsToTxn v2 has v1's layout", async () => {
  const body = await kafkajsBody("addPartitionsToTxn", 1, { transactionalId: "tx", producerId: String(2 ** 33 + 7), producerEpoch: 2, topics: [{ topic: "orders", partitions: [0, 3] }, { topic: "refunds", partitions: [1] }] });
  assert.equal(decodeBody("AddPartitionsToTxn", 2, body), request);
  assert.equal(encodeBody("AddPartitionsToTxn", 2, response), encodeBody("AddPartitionsToTxn", 1, response));
});

test("AddPartitionsToTxn v3 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  const body = pltBody("addPartitionsToTxnV3", [{ transactionalId: "tx", producerId: BigInt(2 ** 33 + 7), producerEpoch: 2, topics: [{ name: "orders", partitions: [0, 3] }, { name: "refunds", partitions: [1] }] }]);
  assert.equal(decodeBody("AddPartitionsToTxn", 3, body), request);
  const parsed = pltParse("addPartitionsToTxnV3", 24, 3, encodeBody("AddPartitionsToTxn", 3, response)) as { throttleTimeMs: number; resultsByTransaction: Array<{ topicResults: Array<{ name: string; resultsByPartition: unknown[] }> }> };
  assert.is(parsed.throttleTimeMs, 4);
  assert.equal(parsed.resultsByTransaction[0].topicResults, [{ name: "orders", resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 3, partitionErrorCode: 0 }] }]);
});

test("AddPartitionsToTxn v4 reads @platformatic/kafka's batched request (verify_only per transaction) and answers per transaction in its layout", () => {
  const body = pltBody("addPartitionsToTxnV4", [
    { transactionalId: "tx", producerId: BigInt(2 ** 33 + 7), producerEpoch: 2, verifyOnly: false, topics: [{ name: "orders", partitions: [0, 3] }, { name: "refunds", partitions: [1] }] },
    { transactionalId: "ty", producerId: 9n, producerEpoch: 0, verifyOnly: true, topics: [{ name: "orders", partitions: [1] }] },
  ]);
  const decoded = decodeBody("AddPartitionsToTxn", 4, body);
  assert.equal(decoded.transactions, [
    { ...request, verifyOnly: false },
    { transactionalId: "ty", producerId: 9, producerEpoch: 0, verifyOnly: true, topics: [{ name: "orders", partitions: [1] }] },
  ]);
  assert.equal({ ...decoded, transactions: undefined }, { ...request, transactions: undefined }, "the first transaction's fields, as v0-3 carry them");
  const answer = encodeBody("AddPartitionsToTxn", 4, {
    throttleTimeMs: 4, results: [], errorCode: 0,
    resultsByTransaction: [{ transactionalId: "ty", topics: [{ name: "orders", partitions: [{ partitionIndex: 1, errorCode: 48 }] }] }],
  });
  const parsed = (() => {
    try {
      return pltParse("addPartitionsToTxnV4", 24, 4, answer);
    } catch (error) {
      return (error as { response?: unknown }).response;
    }
  })() as { throttleTimeMs: number; resultsByTransaction: Array<{ transactionalId: string; topicResults: Array<{ name: string; resultsByPartition: unknown[] }> }> };
  assert.is(parsed.throttleTimeMs, 4);
  assert.equal(parsed.resultsByTransaction, [{ transactionalId: "ty", topicResults: [{ name: "orders", resultsByPartition: [{ partitionIndex: 1, partitionErrorCode: 48 }] }] }]);
  assert.throws(() => decodeBody("AddPartitionsToTxn", 4, pltBody("addPartitionsToTxnV4", [])), /no transaction/);
});

test.run();
