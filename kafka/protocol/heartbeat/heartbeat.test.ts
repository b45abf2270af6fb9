import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

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

test("Heartbeat v4 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("Heartbeat", 4, pltBody("heartbeatV4", "billing", 7, "m-1", "pod-1")), { groupId: "billing", generationId: 7, memberId: "m-1", groupInstanceId: "pod-1" });
  assert.equal(decodeBody("Heartbeat", 4, pltBody("heartbeatV4", "billing", 7, "m-1", null)).groupInstanceId, null);
  const body = encodeBody("Heartbeat", 4, { throttleTimeMs: 3, errorCode: 0 });
  assert.is(hex(body), "00000003" + "0000" + "00");
  assert.equal(pltParse("heartbeatV4", 12, 4, body), { throttleTimeMs: 3, errorCode: 0 });
});

test.run();
