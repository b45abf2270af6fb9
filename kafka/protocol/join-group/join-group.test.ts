import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { JoinGroupResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const subscription = new Uint8Array([0, 1, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115, 0, 0, 0, 0]);

const leaderResponse: JoinGroupResponse = {
  throttleTimeMs: 5,
  errorCode: 0,
  generationId: 7,
  protocolName: "RoundRobinAssigner",
  leader: "m-1",
  memberId: "m-1",
  members: [{ memberId: "m-1", groupInstanceId: null, metadata: subscription }, { memberId: "m-2", groupInstanceId: "pod-2", metadata: new Uint8Array(0) }],
};

for (const version of versionsOf("JoinGroup").filter((v) => kafkajsHas("joinGroup", v))) {
  test(`JoinGroup v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("joinGroup", version, {
      groupId: "billing", sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: "", groupInstanceId: "pod-1", protocolType: "consumer",
      groupProtocols: [{ name: "RoundRobinAssigner", metadata: Buffer.from(subscription) }, { name: "other" }],
    });
    const decoded = decodeBody("JoinGroup", version, body);
    assert.equal(decoded, {
      groupId: "billing",
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: version >= 1 ? 60000 : 30000,
      memberId: "",
      groupInstanceId: version >= 5 ? "pod-1" : null,
      protocolType: "consumer",
      protocols: [{ name: "RoundRobinAssigner", metadata: subscription }, { name: "other", metadata: new Uint8Array(0) }],
    });
    assert.is(decoded.protocols[0]!.metadata.constructor, Uint8Array);
    assert.is.not(decoded.protocols[0]!.metadata.buffer, body.buffer, "metadata is copied out of the frame");
  });

  test(`JoinGroup v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("JoinGroup", version, leaderResponse);
    assert.equal(await kafkajsDecode("joinGroup", version, body), {
      ...(version >= 2 ? kafkajsThrottle("joinGroup", version, 5) : {}),
      errorCode: 0,
      generationId: 7,
      groupProtocol: "RoundRobinAssigner",
      leaderId: "m-1",
      memberId: "m-1",
      members: leaderResponse.members.map((m) => ({
        memberId: m.memberId,
        ...(version >= 5 ? { groupInstanceId: m.groupInstanceId } : {}),
        memberMetadata: Buffer.from(m.metadata),
      })),
    });
    await kafkajsParse("joinGroup", version, body);
  });
}

test("JoinGroup v5 encodeResponse() gives MEMBER_ID_REQUIRED with the new member id", async () => {
  const body = encodeBody("JoinGroup", 5, { ...leaderResponse, errorCode: 79, generationId: -1, protocolName: "", leader: "", memberId: "m-9", members: [] });
  assert.equal(await kafkajsDecode("joinGroup", 5, body), {
    throttleTime: 0, clientSideThrottleTime: 5, errorCode: 79, generationId: -1, groupProtocol: "", leaderId: "", memberId: "m-9", members: [],
  });
});

test("JoinGroup v6 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  const request = decodeBody("JoinGroup", 6, pltBody("joinGroupV6", "g", 30000, 60000, "", null, "consumer", [{ name: "roundrobin", metadata: Buffer.from([0, 1, 2]) }]));
  assert.equal(request, { groupId: "g", sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000, memberId: "", groupInstanceId: null, protocolType: "consumer", protocols: [{ name: "roundrobin", metadata: new Uint8Array([0, 1, 2]) }] });
  const body = encodeBody("JoinGroup", 6, {
    throttleTimeMs: 0, errorCode: 0, generationId: 4, protocolName: "roundrobin", leader: "m-1", memberId: "m-1",
    members: [{ memberId: "m-1", groupInstanceId: null, metadata: new Uint8Array([5]) }, { memberId: "m-2", groupInstanceId: "pod-2", metadata: new Uint8Array([6]) }],
  });
  const parsed = pltParse("joinGroupV6", 11, 6, body) as { generationId: number; protocolName: string; leader: string; memberId: string; members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Uint8Array }> };
  assert.equal([parsed.generationId, parsed.protocolName, parsed.leader, parsed.memberId], [4, "roundrobin", "m-1", "m-1"]);
  assert.equal(parsed.members.map((m) => [m.memberId, m.groupInstanceId, [...m.metadata]]), [["m-1", null, [5]], ["m-2", "pod-2", [6]]]);
});

test.run();
