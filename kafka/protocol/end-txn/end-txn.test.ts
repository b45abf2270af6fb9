import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

assert.equal(versionsOf("EndTxn"), [0, 1, 2, 3]);

for (const version of [0, 1, 2]) {
  test(`EndTxn v${version} reads kafkajs's commit and abort; kafkajs reads the answer`, async () => {
    const encoded = Math.min(version, 1);
    for (const committed of [true, false]) {
      const body = await kafkajsBody("endTxn", encoded, { transactionalId: "tx", producerId: "9", producerEpoch: 1, transactionResult: committed });
      assert.equal(decodeBody("EndTxn", version, body), { transactionalId: "tx", producerId: 9, producerEpoch: 1, committed });
    }
    const bytes = encodeBody("EndTxn", version, { throttleTimeMs: 2, errorCode: 0 });
    assert.equal(await kafkajsDecode("endTxn", encoded, bytes), { ...kafkajsThrottle("endTxn", encoded, 2), errorCode: 0 });
    const error = await kafkajsParse("endTxn", encoded, encodeBody("EndTxn", version, { throttleTimeMs: 0, errorCode: 51 })).then(() => null, (e: { type?: string; retriable?: boolean }) => e);
    assert.equal([error?.type, error?.retriable], ["CONCURRENT_TRANSACTIONS", true]);
  });
}

test("EndTxn v3 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("EndTxn", 3, pltBody("endTxnV3", "tx", 9n, 1, false)), { transactionalId: "tx", producerId: 9, producerEpoch: 1, committed: false });
  assert.equal(pltParse("endTxnV3", 26, 3, encodeBody("EndTxn", 3, { throttleTimeMs: 2, errorCode: 0 })), { throttleTimeMs: 2, errorCode: 0 });
});

test.run();
