import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { ListOffsetsResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const response: ListOffsetsResponse = {
  throttleTimeMs: 2,
  topics: [
    { name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 120 }, { partitionIndex: 1, errorCode: 0, timestamp: 1_700_000_000_000, offset: 2 ** 45 }] },
    { name: "empty", partitions: [] },
  ],
};

for (const version of versionsOf("ListOffsets").filter((v) => kafkajsHas("listOffsets", v))) {
  test(`ListOffsets v${version} decodeRequest() reads kafkajs's request`, async () => {
    const topics = [{ topic: "orders", partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: -2 }, { partition: 2, timestamp: 1_700_000_000_000 }] }];
    const body = await kafkajsBody("listOffsets", version, { replicaId: -1, isolationLevel: 1, topics });
    assert.equal(decodeBody("ListOffsets", version, body), {
      replicaId: -1,
      isolationLevel: version >= 2 ? 1 : 0,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, timestamp: -1 }, { partitionIndex: 1, timestamp: -2 }, { partitionIndex: 2, timestamp: 1_700_000_000_000 }] }],
    });
  });

  test(`ListOffsets v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("ListOffsets", version, response);
    assert.equal(await kafkajsDecode("listOffsets", version, body), {
      ...(version >= 2 ? kafkajsThrottle("listOffsets", version, 2) : {}),
      responses: response.topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, errorCode: p.errorCode, timestamp: String(p.timestamp), offset: String(p.offset) })),
      })),
    });
    await kafkajsParse("listOffsets", version, body);
  });
}

for (const version of [4, 5, 6]) {
  test(`ListOffsets v${version} reads @platformatic/kafka's request and answers with leader epochs`, () => {
    const layout = version === 6 ? 6 : 5; // v4 and v5 share a layout
    const body = pltBody(`listOffsetsV${layout}`, -1, 1, [{ name: "orders", partitions: [{ partitionIndex: 0, currentLeaderEpoch: 3, timestamp: -2n }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: 1_700_000_000_000n }] }]);
    assert.equal(decodeBody("ListOffsets", version, body), {
      replicaId: -1, isolationLevel: 1,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, currentLeaderEpoch: 3, timestamp: -2 }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: 1_700_000_000_000 }] }],
    });
    const response = encodeBody("ListOffsets", version, {
      throttleTimeMs: 0,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 0, leaderEpoch: 0 }, { partitionIndex: 1, errorCode: 0, timestamp: 1_700_000_000_001, offset: 7 }] }],
    });
    const parsed = pltParse(`listOffsetsV${layout}`, 2, layout, response) as { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; timestamp: bigint; offset: bigint; leaderEpoch: number }> }> };
    assert.equal(parsed.topics[0]?.partitions.map((p) => [p.partitionIndex, Number(p.timestamp), Number(p.offset), p.leaderEpoch]), [[0, -1, 0, 0], [1, 1_700_000_000_001, 7, -1]]);
  });
}

test.run();
