import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { OffsetFetchResponse } from "./types.ts";

const response: OffsetFetchResponse = {
  throttleTimeMs: 8,
  topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 42, metadata: "m", errorCode: 0 }, { partitionIndex: 1, committedOffset: -1, metadata: null, errorCode: 0 }] }],
  errorCode: 0,
};

for (const version of versionsOf("OffsetFetch").filter((v) => kafkajsHas("offsetFetch", v))) {
  test(`OffsetFetch v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("offsetFetch", version, { groupId: "billing", topics: [{ topic: "orders", partitions: [{ partition: 0 }, { partition: 1 }] }] });
    assert.equal(decodeBody("OffsetFetch", version, body), { groupId: "billing", topics: [{ name: "orders", partitionIndexes: [0, 1] }] });
  });

  test(`OffsetFetch v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("OffsetFetch", version, response);
    assert.equal(await kafkajsDecode("offsetFetch", version, body), {
      ...(version >= 3 ? kafkajsThrottle("offsetFetch", version, 8) : {}),
      responses: response.topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: String(p.committedOffset), metadata: p.metadata, errorCode: p.errorCode })),
      })),
      ...(version >= 2 ? { errorCode: 0 } : {}),
    });
    await kafkajsParse("offsetFetch", version, body);
  });
}

test("OffsetFetch v2+ decodeRequest() reads a null topic array as all partitions (hex fixture)", () => {
  for (const version of [2, 3, 4]) assert.equal(decodeBody("OffsetFetch", version, unhex("0001 67 ffffffff")), { groupId: "g", topics: null });
});

test("OffsetFetch v1 decodeRequest() rejects a null topic array", () => {
  assert.throws(() => decodeBody("OffsetFetch", 1, unhex("0001 67 ffffffff")), /null/);
});

test.run();
