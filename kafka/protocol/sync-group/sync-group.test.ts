import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const assignment = new Uint8Array([0, 1, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

for (const version of versionsOf("SyncGroup").filter((v) => kafkajsHas("syncGroup", v))) {
  test(`SyncGroup v${version} decodeRequest() reads the leader's request from kafkajs`, async () => {
    const body = await kafkajsBody("syncGroup", version, {
      groupId: "billing", generationId: 7, memberId: "m-1", groupInstanceId: "pod-1",
      groupAssignment: [{ memberId: "m-1", memberAssignment: Buffer.from(assignment) }, { memberId: "m-2", memberAssignment: Buffer.alloc(0) }],
    });
    assert.equal(decodeBody("SyncGroup", version, body), {
      groupId: "billing",
      generationId: 7,
      memberId: "m-1",
      groupInstanceId: version >= 3 ? "pod-1" : null,
      assignments: [{ memberId: "m-1", assignment }, { memberId: "m-2", assignment: new Uint8Array(0) }],
    });
  });

  test(`SyncGroup v${version} decodeRequest() reads a follower's empty request`, async () => {
    const body = await kafkajsBody("syncGroup", version, { groupId: "g", generationId: 1, memberId: "m-2", groupAssignment: [] });
    assert.equal(decodeBody("SyncGroup", version, body), { groupId: "g", generationId: 1, memberId: "m-2", groupInstanceId: null, assignments: [] });
  });

  test(`SyncGroup v${version} encodeResponse() is read by kafkajs`, async () => {
    for (const bytes of [assignment, new Uint8Array(0)]) {
      const body = encodeBody("SyncGroup", version, { throttleTimeMs: 3, errorCode: 0, assignment: bytes });
      assert.equal(await kafkajsDecode("syncGroup", version, body), { ...(version >= 1 ? kafkajsThrottle("syncGroup", version, 3) : {}), errorCode: 0, memberAssignment: Buffer.from(bytes) });
      await kafkajsParse("syncGroup", version, body);
    }
  });
}

test("SyncGroup v4 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  const request = decodeBody("SyncGroup", 4, pltBody("syncGroupV4", "g", 3, "m-1", null, "consumer", "roundrobin", [{ memberId: "m-1", assignment: Buffer.from([1, 2]) }, { memberId: "m-2", assignment: Buffer.alloc(0) }]));
  assert.equal(request, { groupId: "g", generationId: 3, memberId: "m-1", groupInstanceId: null, assignments: [{ memberId: "m-1", assignment: new Uint8Array([1, 2]) }, { memberId: "m-2", assignment: new Uint8Array(0) }] });
  const body = encodeBody("SyncGroup", 4, { throttleTimeMs: 0, errorCode: 0, assignment: new Uint8Array([7, 8, 9]) });
  const parsed = pltParse("syncGroupV4", 14, 4, body) as { errorCode: number; assignment: Uint8Array };
  assert.is(parsed.errorCode, 0);
  assert.equal([...parsed.assignment], [7, 8, 9]);
});

test.run();
