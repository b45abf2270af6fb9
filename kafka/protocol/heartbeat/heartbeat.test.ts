import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";

for (const version of versionsOf("Heartbeat").filter((v) => kafkajsHas("heartbeat", v))) {
  test(`Heartbeat v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("heartbeat", version, { groupId: "billing", groupGenerationId: 7, memberId: "m-1", groupInstanceId: "pod-1" });
    assert.equal(decodeBody("Heartbeat", version, body), { groupId: "billing", generationId: 7, memberId: "m-1", groupInstanceId: version >= 3 ? "pod-1" : null });
  });

  test(`Heartbeat v${version} encodeResponse() is read by kafkajs, REBALANCE_IN_PROGRESS included`, async () => {
    for (const errorCode of [0, 27]) {
      const body = encodeBody("Heartbeat", version, { throttleTimeMs: 4, errorCode });
      assert.equal(await kafkajsDecode("heartbeat", version, body), { ...(version >= 1 ? kafkajsThrottle("heartbeat", version, 4) : {}), errorCode });
    }
  });
}

test.run();
