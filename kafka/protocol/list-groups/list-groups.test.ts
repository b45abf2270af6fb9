import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";

for (const version of versionsOf("ListGroups").filter((v) => kafkajsHas("listGroups", v))) {
  test(`ListGroups v${version} decodeRequest() reads kafkajs's empty request`, async () => {
    const body = await kafkajsBody("listGroups", version, {});
    assert.is(body.length, 0);
    assert.equal(decodeBody("ListGroups", version, body), {});
  });

  test(`ListGroups v${version} encodeResponse() is read by kafkajs`, async () => {
    const groups = [{ groupId: "billing", protocolType: "consumer" }, { groupId: "http-readers", protocolType: "" }];
    const body = encodeBody("ListGroups", version, { throttleTimeMs: 2, errorCode: 0, groups });
    assert.equal(await kafkajsDecode("listGroups", version, body), { ...(version >= 1 ? kafkajsThrottle("listGroups", version, 2) : {}), errorCode: 0, groups });
    await kafkajsParse("listGroups", version, body);
  });
}

test("ListGroups v0 encodeResponse() writes the fixture bytes", () => {
  assert.is(hex(encodeBody("ListGroups", 0, { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: "g", protocolType: "consumer" }] })), "0000" + "00000001" + "000167" + "0008636f6e73756d6572");
});

test.run();
