import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";

for (const version of versionsOf("DeleteTopics").filter((v) => kafkajsHas("deleteTopics", v))) {
  test(`DeleteTopics v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("deleteTopics", version, { topics: ["orders", "audit"], timeout: 9000 });
    assert.equal(decodeBody("DeleteTopics", version, body), { topicNames: ["orders", "audit"], timeoutMs: 9000 });
  });

  test(`DeleteTopics v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("DeleteTopics", version, { throttleTimeMs: 6, responses: [{ name: "audit", errorCode: 0 }, { name: "orders", errorCode: 0 }] });
    assert.equal(await kafkajsDecode("deleteTopics", version, body), {
      ...(version >= 1 ? kafkajsThrottle("deleteTopics", version, 6) : {}),
      topicErrors: [{ topic: "audit", errorCode: 0 }, { topic: "orders", errorCode: 0 }],
    });
    await kafkajsParse("deleteTopics", version, body);
  });
}

test.run();
