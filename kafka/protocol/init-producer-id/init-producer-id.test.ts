import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";

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

test.run();
