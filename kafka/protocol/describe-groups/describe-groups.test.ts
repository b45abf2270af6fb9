import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { DescribeGroupsResponse } from "./types.ts";

const response: DescribeGroupsResponse = {
  throttleTimeMs: 1,
  groups: [
    {
      errorCode: 0, groupId: "billing", groupState: "Stable", protocolType: "consumer", protocolData: "RoundRobinAssigner",
      members: [{ memberId: "m-1", clientId: "app", clientHost: "/127.0.0.1", memberMetadata: new Uint8Array([1, 2]), memberAssignment: new Uint8Array([3]) }],
    },
    { errorCode: 0, groupId: "nobody", groupState: "Dead", protocolType: "", protocolData: "", members: [] },
  ],
};

for (const version of versionsOf("DescribeGroups").filter((v) => kafkajsHas("describeGroups", v))) {
  test(`DescribeGroups v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("describeGroups", version, { groupIds: ["billing", "nobody"] });
    assert.equal(decodeBody("DescribeGroups", version, body), { groups: ["billing", "nobody"] });
  });

  test(`DescribeGroups v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("DescribeGroups", version, response);
    assert.equal(await kafkajsDecode("describeGroups", version, body), {
      ...(version >= 1 ? kafkajsThrottle("describeGroups", version, 1) : {}),
      groups: response.groups.map((g) => ({
        errorCode: g.errorCode, groupId: g.groupId, state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData,
        members: g.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: Buffer.from(m.memberMetadata), memberAssignment: Buffer.from(m.memberAssignment) })),
      })),
    });
    await kafkajsParse("describeGroups", version, body);
  });
}

test.run();
