import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { OffsetCommitResponse } from "./types.ts";

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

test.run();
