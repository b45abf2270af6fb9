import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { OffsetFetchResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

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

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

const fetchedTopics = [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 9, metadata: "", errorCode: 0 }, { partitionIndex: 1, committedOffset: -1, metadata: null, errorCode: 0, committedLeaderEpoch: 2 }] }];

test("OffsetFetch v5 reads the v2-4 request and answers with committed_leader_epoch", async () => {
  const body = await kafkajsBody("offsetFetch", 4, { groupId: "g", topics: [{ topic: "orders", partitions: [{ partition: 0 }] }] });
  assert.equal(decodeBody("OffsetFetch", 5, body), { groupId: "g", topics: [{ name: "orders", partitionIndexes: [0] }] });
  const expected = "00000000" + "00000001" + "00066f7264657273" + "00000002" +
    "00000000" + "0000000000000009" + "ffffffff" + "0000" + "0000" +
    "00000001" + "ffffffffffffffff" + "00000002" + "ffff" + "0000" + "0000";
  assert.is(hex(encodeBody("OffsetFetch", 5, { throttleTimeMs: 0, topics: fetchedTopics, errorCode: 0 })), expected);
});

test("OffsetFetch v6-7 (flexible) read one group and answer in the compact layout", () => {
  const v6 = built((w) => w.compactString("g").compactArray(["orders"], (x, t) => x.compactString(t).compactInt32Array([0, 1]).emptyTaggedFields()).emptyTaggedFields());
  assert.equal(decodeBody("OffsetFetch", 6, v6), { groupId: "g", topics: [{ name: "orders", partitionIndexes: [0, 1] }] });
  const v7 = built((w) => w.compactString("g").compactNullableArray(null, () => undefined).boolean(true).emptyTaggedFields());
  assert.equal(decodeBody("OffsetFetch", 7, v7), { groupId: "g", topics: null, requireStable: true });
  const expected = "00000000" + "02" + "076f7264657273" + "03" +
    "00000000" + "0000000000000009" + "ffffffff" + "01" + "0000" + "00" +
    "00000001" + "ffffffffffffffff" + "00000002" + "00" + "0000" + "00" + "00" + "001b" + "00";
  for (const version of [6, 7]) assert.is(hex(encodeBody("OffsetFetch", version, { throttleTimeMs: 0, topics: fetchedTopics, errorCode: 27 })), expected);
});

test("OffsetFetch v8 reads @platformatic/kafka's groups and answers each group", () => {
  const body = pltBody("offsetFetchV8", [{ groupId: "g", topics: [{ name: "orders", partitionIndexes: [0, 1] }] }, { groupId: "h", topics: null }], false);
  assert.equal(decodeBody("OffsetFetch", 8, body), {
    groupId: "g", topics: [{ name: "orders", partitionIndexes: [0, 1] }], requireStable: false,
    groups: [{ groupId: "g", topics: [{ name: "orders", partitionIndexes: [0, 1] }] }, { groupId: "h", topics: null }],
  });
  const response = encodeBody("OffsetFetch", 8, { throttleTimeMs: 0, topics: [], errorCode: 0, groups: [{ groupId: "g", topics: fetchedTopics, errorCode: 0 }, { groupId: "h", topics: [], errorCode: 0 }] });
  const parsed = pltParse("offsetFetchV8", 9, 8, response) as { groups: Array<{ groupId: string; topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null }> }> }> };
  assert.equal(parsed.groups.map((g) => g.groupId), ["g", "h"]);
  assert.equal(parsed.groups[0]?.topics[0]?.partitions.map((p) => [p.partitionIndex, Number(p.committedOffset), p.committedLeaderEpoch, p.metadata]), [[0, 9, -1, ""], [1, -1, 2, null]]);
  assert.throws(() => encodeBody("OffsetFetch", 8, { throttleTimeMs: 0, topics: [], errorCode: 0 }), RangeError, "v8 needs groups");
});

test.run();
