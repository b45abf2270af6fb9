import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const request = { transactionalId: "tx", producerId: 9, producerEpoch: 1, groupId: "billing" };

assert.equal(versionsOf("AddOffsetsToTxn"), [0, 1, 2, 3]);

for (const version of [0, 1, 2]) {
  test(`AddOffsetsToTxn v${version} reads kafkajs's request; kafkajs reads the answer`, async () => {
    const encoded = Math.min(version, 1);
    const body = await kafkajsBody("addOffsetsToTxn", encoded, { transactionalId: "tx", producerId: "9", producerEpoch: 1, groupId: "billing" });
    assert.equal(decodeBody("AddOffsetsToTxn", version, body), request);
    const bytes = encodeBody("AddOffsetsToTxn", version, { throttleTimeMs: 2, errorCode: 0 });
    assert.equal(await kafkajsDecode("addOffsetsToTxn", encoded, bytes), { ...kafkajsThrottle("addOffsetsToTxn", encoded, 2), errorCode: 0 });
    const error = await kafkajsParse("addOffsetsToTxn", encoded, encodeBody("AddOffsetsToTxn", version, { throttleTimeMs: 0, errorCode: 47 })).then(() => null, (e: { type?: string }) => e);
    assert.is(error?.type, "INVALID_PRODUCER_EPOCH");
  });
}

test("AddOffsetsToTxn v3 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("AddOffsetsToTxn", 3, pltBody("addOffsetsToTxnV3", "tx", 9n, 1, "billing")), request);
  assert.equal(pltParse("addOffsetsToTxnV3", 25, 3, encodeBody("AddOffsetsToTxn", 3, { throttleTimeMs: 2, errorCode: 0 })), { throttleTimeMs: 2, errorCode: 0 });
});

test.run();
