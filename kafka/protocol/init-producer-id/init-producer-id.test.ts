import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

for (const version of versionsOf("InitProducerId").filter((v) => kafkajsHas("initProducerId", v))) {
  test(`InitProducerId v${version} decodeRequest() reads kafkajs's request`, async () => {
    const idempotent = await kafkajsBody("initProducerId", version, { transactionalId: null, transactionTimeout: 30000 });
    assert.equal(decodeBody("InitProducerId", version, idempotent), { transactionalId: null, transactionTimeoutMs: 30000 });
    const transactional = await kafkajsBody("initProducerId", version, { transactionalId: "tx-1", transactionTimeout: 60000 });
    assert.equal(decodeBody("InitProducerId", version, transactional), { transactionalId: "tx-1", transactionTimeoutMs: 60000 });
  });

  test(`InitProducerId v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("InitProducerId", version, { throttleTimeMs: 1, errorCode: 0, producerId: 2 ** 33 + 5, producerEpoch: 3 });
    assert.equal(await kafkajsDecode("initProducerId", version, body), { ...kafkajsThrottle("initProducerId", version, 1), errorCode: 0, producerId: String(2 ** 33 + 5), producerEpoch: 3 });
    await kafkajsParse("initProducerId", version, body);
  });
}

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

test("InitProducerId v2 (flexible) reads the compact request", () => {
  const body = built((w) => w.compactNullableString(null).int32(60000).emptyTaggedFields());
  assert.equal(decodeBody("InitProducerId", 2, body), { transactionalId: null, transactionTimeoutMs: 60000 });
  assert.is(hex(encodeBody("InitProducerId", 2, { throttleTimeMs: 0, errorCode: 0, producerId: 5, producerEpoch: 0 })), "00000000" + "0000" + "0000000000000005" + "0000" + "00");
});

for (const version of [3, 4]) {
  test(`InitProducerId v${version} reads @platformatic/kafka's request (producer id and epoch) and answers in its layout`, () => {
    assert.equal(decodeBody("InitProducerId", version, pltBody(`initProducerIdV${version}`, null, 60000, -1n, -1)), { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(decodeBody("InitProducerId", version, pltBody(`initProducerIdV${version}`, "tx", 1000, 7n, 2)), { transactionalId: "tx", transactionTimeoutMs: 1000, producerId: 7, producerEpoch: 2 });
    const parsed = pltParse(`initProducerIdV${version}`, 22, version, encodeBody("InitProducerId", version, { throttleTimeMs: 0, errorCode: 0, producerId: 9, producerEpoch: 1 })) as { producerId: bigint; producerEpoch: number };
    assert.equal([Number(parsed.producerId), parsed.producerEpoch], [9, 1]);
  });
}

test.run();
