import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

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

test("ListGroups v3 (flexible) has an empty request and answers in the compact layout", () => {
  assert.equal(decodeBody("ListGroups", 3, unhex("00")), {});
  const body = encodeBody("ListGroups", 3, { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: "g", protocolType: "consumer", groupState: "Stable" }] });
  assert.is(hex(body), "00000000" + "0000" + "02" + "0267" + "09" + hex(new TextEncoder().encode("consumer")) + "00" + "00");
});

test("ListGroups v4 reads @platformatic/kafka's state filter and answers with group states", () => {
  assert.equal(decodeBody("ListGroups", 4, pltBody("listGroupsV4", ["Stable", "Empty"])), { statesFilter: ["Stable", "Empty"] });
  assert.equal(decodeBody("ListGroups", 4, pltBody("listGroupsV4", [])), { statesFilter: [] });
  const body = encodeBody("ListGroups", 4, { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: "g", protocolType: "consumer", groupState: "Stable" }, { groupId: "h", protocolType: "" }] });
  assert.equal(pltParse("listGroupsV4", 16, 4, body), {
    throttleTimeMs: 0, errorCode: 0,
    groups: [{ groupId: "g", protocolType: "consumer", groupState: "Stable" }, { groupId: "h", protocolType: "", groupState: "Empty" }],
  });
});

test.run();
