import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

const response = { throttleTimeMs: 3, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] };
const base = { transactionalId: "tx", groupId: "g", producerId: 9, producerEpoch: 1, generationId: -1, memberId: "", groupInstanceId: null };

assert.equal(versionsOf("TxnOffsetCommit"), [0, 1, 2, 3]);

for (const version of [0, 1]) {
  test(`TxnOffsetCommit v${version} reads kafkajs's request; kafkajs reads the answer`, async () => {
    const body = await kafkajsBody("txnOffsetCommit", version, {
      transactionalId: "tx", groupId: "g", producerId: "9", producerEpoch: 1,
      topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "42", metadata: "m" }, { partition: 1, offset: "7", metadata: null }] }],
    });
    assert.equal(decodeBody("TxnOffsetCommit", version, body), {
      ...base,
      topics: [{ name: "orders", partitions: [
        { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: "m" },
        { partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null },
      ] }],
    });
    const bytes = encodeBody("TxnOffsetCommit", version, response);
    assert.equal(await kafkajsDecode("txnOffsetCommit", version, bytes), {
      ...kafkajsThrottle("txnOffsetCommit", version, 3), topics: [{ topic: "orders", partitions: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 0 }] }],
    });
    await kafkajsParse("txnOffsetCommit", version, bytes);
  });
}

test("TxnOffsetCommit v2 reads each partition's leader epoch", () => {
  const w = new Writer();
  w.string("tx").string("g").int64(9).int16(1).array([0], (x) => x.string("orders").array([0], (p) => p.int32(0).int64(42).int32(5).nullableString(null)));
  assert.equal(decodeBody("TxnOffsetCommit", 2, w.toBytes()), { ...base, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 5, committedMetadata: null }] }] });
  assert.equal(encodeBody("TxnOffsetCommit", 2, response), encodeBody("TxnOffsetCommit", 0, response));
});

test("TxnOffsetCommit v3 (flexible) reads @platformatic/kafka's request with the member fields and answers in its layout", () => {
  const body = pltBody("txnOffsetCommitV3", "tx", "g", 9n, 1, 4, "member-1", null, [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 5, committedMetadata: "m" }] }]);
  assert.equal(decodeBody("TxnOffsetCommit", 3, body), {
    ...base, generationId: 4, memberId: "member-1", topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 5, committedMetadata: "m" }] }],
  });
  const parsed = pltParse("txnOffsetCommitV3", 28, 3, encodeBody("TxnOffsetCommit", 3, response)) as { throttleTimeMs: number; topics: unknown };
  assert.equal(parsed, { throttleTimeMs: 3, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] });
});

test.run();
