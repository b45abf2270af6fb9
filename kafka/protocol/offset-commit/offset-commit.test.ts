import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { OffsetCommitResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

const response: OffsetCommitResponse = {
  throttleTimeMs: 1,
  topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 4, errorCode: 0 }] }, { name: "b", partitions: [] }],
};

for (const version of versionsOf("OffsetCommit").filter((v) => kafkajsHas("offsetCommit", v))) {
  test(`OffsetCommit v${version} decodeRequest() reads kafkajs's request, -1 and -2 offsets included`, async () => {
    const topics = [{ topic: "orders", partitions: [{ partition: 0, offset: "42", metadata: "m" }, { partition: 4, offset: "-1" }, { partition: 5, offset: "-2" }] }];
    const body = await kafkajsBody("offsetCommit", version, { groupId: "billing", groupGenerationId: 3, memberId: "member-1", retentionTime: 86400000, topics });
    assert.equal(decodeBody("OffsetCommit", version, body), {
      groupId: "billing",
      generationId: 3,
      memberId: "member-1",
      retentionTimeMs: version <= 4 ? 86400000 : -1,
      topics: [{ name: "orders", partitions: [
        { partitionIndex: 0, committedOffset: 42, committedMetadata: "m" },
        { partitionIndex: 4, committedOffset: -1, committedMetadata: null },
        { partitionIndex: 5, committedOffset: -2, committedMetadata: null },
      ] }],
    });
  });

  test(`OffsetCommit v${version} decodeRequest() reads a commit outside any generation`, async () => {
    const body = await kafkajsBody("offsetCommit", version, { groupId: "g", groupGenerationId: -1, memberId: "", retentionTime: -1, topics: [] });
    assert.equal(decodeBody("OffsetCommit", version, body), { groupId: "g", generationId: -1, memberId: "", retentionTimeMs: -1, topics: [] });
  });

  test(`OffsetCommit v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("OffsetCommit", version, response);
    assert.equal(await kafkajsDecode("offsetCommit", version, body), {
      ...(version >= 3 ? kafkajsThrottle("offsetCommit", version, 1) : {}),
      responses: response.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, errorCode: p.errorCode })) })),
    });
    await kafkajsParse("offsetCommit", version, body);
  });
}

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

const commitTopics = (leader: number) => built((x) => x.array([0], (t) => t.string("orders").array([0], (p) => p.int32(0).int64(-1).int32(leader).nullableString(null))));

test("OffsetCommit v6 reads committed_leader_epoch; v6-7 answer in the v3 layout kafkajs reads", async () => {
  const body = built((w) => w.string("g").int32(-1).string("").raw(commitTopics(4)));
  assert.equal(decodeBody("OffsetCommit", 6, body), {
    groupId: "g", generationId: -1, memberId: "", retentionTimeMs: -1,
    topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: 4, committedMetadata: null }] }],
  });
  const response = { throttleTimeMs: 2, topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0 }] }] };
  for (const version of [6, 7]) {
    assert.equal(await kafkajsDecode("offsetCommit", 3, encodeBody("OffsetCommit", version, response)), {
      throttleTime: 2, responses: [{ topic: "orders", partitions: [{ partition: 0, errorCode: 0 }] }],
    });
  }
});

test("OffsetCommit v7 reads group_instance_id", () => {
  const body = built((w) => w.string("g").int32(3).string("m-1").nullableString("pod-1").raw(commitTopics(-1)));
  const request = decodeBody("OffsetCommit", 7, body);
  assert.equal([request.generationId, request.memberId, request.groupInstanceId], [3, "m-1", "pod-1"]);
  assert.is(request.topics[0]?.partitions[0]?.committedLeaderEpoch, -1);
});

test("OffsetCommit v8 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  const body = pltBody("offsetCommitV8", "g", 5, "m-1", null, [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: 0, committedMetadata: null }] }]);
  assert.equal(decodeBody("OffsetCommit", 8, body), {
    groupId: "g", generationId: 5, memberId: "m-1", groupInstanceId: null, retentionTimeMs: -1,
    topics: [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: 0, committedMetadata: null }] }],
  });
  const response = encodeBody("OffsetCommit", 8, { throttleTimeMs: 0, topics: [{ name: "orders", partitions: [{ partitionIndex: 1, errorCode: 0 }] }] });
  assert.equal(pltParse("offsetCommitV8", 8, 8, response), { throttleTimeMs: 0, topics: [{ name: "orders", partitions: [{ partitionIndex: 1, errorCode: 0 }] }] });
});

test.run();
