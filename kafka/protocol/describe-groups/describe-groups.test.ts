import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { DescribeGroupsResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

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

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

const describedV3: DescribeGroupsResponse = {
  throttleTimeMs: 0,
  groups: [{
    errorCode: 0, groupId: "g", groupState: "Stable", protocolType: "consumer", protocolData: "rr", authorizedOperations: 0b1_0000_1000,
    members: [{ memberId: "m", groupInstanceId: "pod", clientId: "c", clientHost: "/127.0.0.1", memberMetadata: new Uint8Array([1]), memberAssignment: new Uint8Array([2]) }],
  }],
};

test("DescribeGroups v3-4 read include_authorized_operations; v4 members carry group_instance_id", () => {
  const body = built((w) => w.stringArray(["g", "h"]).boolean(true));
  for (const version of [3, 4]) assert.equal(decodeBody("DescribeGroups", version, body), { groups: ["g", "h"], includeAuthorizedOperations: true });
  const member = (instance: string) => "0001" + "6d" + instance + "0001" + "63" + "000a" + hex(new TextEncoder().encode("/127.0.0.1")) + "00000001" + "01" + "00000001" + "02";
  const group = (instance: string) => "00000001" + "0000" + "000167" + "0006" + hex(new TextEncoder().encode("Stable")) + "0008" + hex(new TextEncoder().encode("consumer")) + "00027272" + "00000001" + member(instance) + "00000108";
  assert.is(hex(encodeBody("DescribeGroups", 3, describedV3)), "00000000" + group(""));
  assert.is(hex(encodeBody("DescribeGroups", 4, describedV3)), "00000000" + group("0003" + "706f64"));
  const notAsked = encodeBody("DescribeGroups", 3, { ...describedV3, groups: [{ ...describedV3.groups[0]!, authorizedOperations: undefined }] });
  assert.ok(hex(notAsked).endsWith("80000000"), "not asked: INT32_MIN");
});

test("DescribeGroups v5 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("DescribeGroups", 5, pltBody("describeGroupsV5", ["g", "h"], false)), { groups: ["g", "h"], includeAuthorizedOperations: false });
  const parsed = pltParse("describeGroupsV5", 15, 5, encodeBody("DescribeGroups", 5, describedV3)) as { groups: Array<Record<string, unknown> & { members: Array<Record<string, unknown>> }> };
  const [group] = parsed.groups;
  assert.equal([group?.groupId, group?.groupState, group?.protocolType, group?.protocolData, group?.authorizedOperations], ["g", "Stable", "consumer", "rr", 0b1_0000_1000]);
  const m = group?.members[0];
  assert.equal([m?.memberId, m?.groupInstanceId, m?.clientId, m?.clientHost], ["m", "pod", "c", "/127.0.0.1"]);
  assert.equal([[...(m?.memberMetadata as Uint8Array)], [...(m?.memberAssignment as Uint8Array)]], [[1], [2]]);
});

test.run();
