import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

for (const version of versionsOf("LeaveGroup").filter((v) => kafkajsHas("leaveGroup", v))) {
  test(`LeaveGroup v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("leaveGroup", version, { groupId: "billing", memberId: "m-1", members: [{ memberId: "m-1", groupInstanceId: null }, { memberId: "m-2", groupInstanceId: "pod-2" }] });
    const members = version >= 3 ? [{ memberId: "m-1", groupInstanceId: null }, { memberId: "m-2", groupInstanceId: "pod-2" }] : [{ memberId: "m-1", groupInstanceId: null }];
    assert.equal(decodeBody("LeaveGroup", version, body), { groupId: "billing", members });
  });

  test(`LeaveGroup v${version} encodeResponse() is read by kafkajs`, async () => {
    const members = [{ memberId: "m-1", groupInstanceId: null, errorCode: 0 }, { memberId: "m-2", groupInstanceId: "pod-2", errorCode: 25 }];
    const body = encodeBody("LeaveGroup", version, { throttleTimeMs: 2, errorCode: 0, members });
    assert.equal(await kafkajsDecode("leaveGroup", version, body), {
      ...(version >= 1 ? kafkajsThrottle("leaveGroup", version, 2) : {}),
      errorCode: 0,
      ...(version >= 3 ? { members } : {}),
    });
  });
}

test("LeaveGroup v4 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  const request = decodeBody("LeaveGroup", 4, pltBody("leaveGroupV4", "g", [{ memberId: "m-1", groupInstanceId: null }, { memberId: "m-2", groupInstanceId: "pod-2" }]));
  assert.equal(request, { groupId: "g", members: [{ memberId: "m-1", groupInstanceId: null }, { memberId: "m-2", groupInstanceId: "pod-2" }] });
  const body = encodeBody("LeaveGroup", 4, { throttleTimeMs: 1, errorCode: 0, members: [{ memberId: "m-1", groupInstanceId: null, errorCode: 0 }] });
  const parsed = pltParse("leaveGroupV4", 13, 4, body) as { throttleTimeMs: number; members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }> };
  assert.is(parsed.throttleTimeMs, 1);
  assert.equal(parsed.members, [{ memberId: "m-1", groupInstanceId: null, errorCode: 0 }]);
});

test.run();
