import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { offsetForLeaderEpochBody } from "../../../test/support/kafka/protocol/samples.ts";
import { Reader } from "../reader.ts";
import type { OffsetForLeaderEpochResponse } from "./types.ts";

const request = {
  replicaId: 2,
  topics: [
    { topic: "orders", partitions: [{ partition: 0, currentLeaderEpoch: 7, leaderEpoch: 6 }, { partition: 3, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
    { topic: "none", partitions: [] },
  ],
};

const response: OffsetForLeaderEpochResponse = {
  throttleTimeMs: 5,
  topics: [{ topic: "orders", partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 6, endOffset: 2 ** 40 }, { errorCode: 74, partition: 3, leaderEpoch: -1, endOffset: -1 }] }],
};

test("OffsetForLeaderEpoch is registered for v0-v3", () => {
  assert.equal(versionsOf("OffsetForLeaderEpoch"), [0, 1, 2, 3]);
});

for (const version of versionsOf("OffsetForLeaderEpoch")) {
  test(`OffsetForLeaderEpoch v${version} decodeRequest() reads every field the version has`, () => {
    const decoded = decodeBody("OffsetForLeaderEpoch", version, offsetForLeaderEpochBody(version, request));
    assert.equal(decoded, {
      replicaId: version >= 3 ? 2 : -2,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ ...p, currentLeaderEpoch: version >= 2 ? p.currentLeaderEpoch : -1 })),
      })),
    });
  });

  test(`OffsetForLeaderEpoch v${version} encodeResponse() writes the version's layout`, () => {
    const r = new Reader(encodeBody("OffsetForLeaderEpoch", version, response));
    if (version >= 2) assert.is(r.int32(), 5);
    const topics = r.array((t) => ({
      topic: t.string(),
      partitions: t.array((p) => {
        const errorCode = p.int16();
        const partition = p.int32();
        const leaderEpoch = version >= 1 ? p.int32() : -1;
        return { errorCode, partition, leaderEpoch, endOffset: p.int64() };
      }),
    }));
    assert.is(r.remaining, 0);
    assert.equal(topics, response.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, leaderEpoch: version >= 1 ? p.leaderEpoch : -1 })) })));
  });
}

test("OffsetForLeaderEpoch v3 golden bytes: request and response", () => {
  const body = unhex("00000001 00000001 0001 74 00000001 00000002 00000005 00000004");
  assert.equal(decodeBody("OffsetForLeaderEpoch", 3, body), { replicaId: 1, topics: [{ topic: "t", partitions: [{ partition: 2, currentLeaderEpoch: 5, leaderEpoch: 4 }] }] });
  const bytes = encodeBody("OffsetForLeaderEpoch", 3, { throttleTimeMs: 0, topics: [{ topic: "t", partitions: [{ errorCode: 0, partition: 2, leaderEpoch: 4, endOffset: 300 }] }] });
  assert.is(hex(bytes), "00000000" + "00000001" + "000174" + "00000001" + "0000" + "00000002" + "00000004" + "000000000000012c");
});

test("OffsetForLeaderEpoch v0 golden bytes: no epoch in the response", () => {
  const bytes = encodeBody("OffsetForLeaderEpoch", 0, { throttleTimeMs: 9, topics: [{ topic: "t", partitions: [{ errorCode: 75, partition: 1, leaderEpoch: 4, endOffset: -1 }] }] });
  assert.is(hex(bytes), "00000001" + "000174" + "00000001" + "004b" + "00000001" + "ffffffffffffffff");
});

test.run();
