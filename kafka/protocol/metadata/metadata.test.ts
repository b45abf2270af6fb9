import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { MetadataResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

const response: MetadataResponse = {
  throttleTimeMs: 4,
  brokers: [{ nodeId: 1, host: "127.0.0.1", port: 19092, rack: null }, { nodeId: 2, host: "b2.example", port: 9093, rack: "r1" }],
  clusterId: "rivulet-cluster",
  controllerId: 1,
  topics: [
    {
      errorCode: 0,
      name: "orders",
      isInternal: false,
      partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
        { errorCode: 0, partitionIndex: 1, leaderId: 1, replicaNodes: [1, 2], isrNodes: [2], offlineReplicas: [2] },
      ],
    },
    { errorCode: 0, name: "__consumer_offsets", isInternal: true, partitions: [] },
  ],
};

/** What kafkajs's decoder gives for `response` at `version`. */
function asKafkajs(version: number, r: MetadataResponse): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (version >= 3) Object.assign(out, kafkajsThrottle("metadata", version, r.throttleTimeMs));
  out.brokers = r.brokers.map((b) => (version >= 1 ? { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack } : { nodeId: b.nodeId, host: b.host, port: b.port }));
  if (version >= 2) out.clusterId = r.clusterId;
  if (version >= 1) out.controllerId = r.controllerId;
  out.topicMetadata = r.topics.map((t) => ({
    topicErrorCode: t.errorCode,
    topic: t.name,
    ...(version >= 1 ? { isInternal: t.isInternal } : {}),
    partitionMetadata: t.partitions.map((p) => ({
      partitionErrorCode: p.errorCode,
      partitionId: p.partitionIndex,
      leader: p.leaderId,
      replicas: p.replicaNodes,
      isr: p.isrNodes,
      ...(version >= 5 ? { offlineReplicas: p.offlineReplicas } : {}),
    })),
  }));
  return out;
}

for (const version of versionsOf("Metadata").filter((v) => kafkajsHas("metadata", v))) {
  test(`Metadata v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("metadata", version, { topics: ["orders", "payments"], allowAutoTopicCreation: false });
    assert.equal(decodeBody("Metadata", version, body), { topics: ["orders", "payments"], allowAutoTopicCreation: version < 4 });
  });

  test(`Metadata v${version} decodeRequest() reads "all topics"`, async () => {
    // v0 says "all" with an empty array, v1+ with a null one (kafkajs writes [] as null there)
    const body = await kafkajsBody("metadata", version, { topics: [], allowAutoTopicCreation: true });
    assert.is(hex(body.subarray(0, 4)), version === 0 ? "00000000" : "ffffffff");
    assert.equal(decodeBody("Metadata", version, body), { topics: null, allowAutoTopicCreation: true });
  });

  test(`Metadata v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("Metadata", version, response);
    assert.equal(await kafkajsDecode("metadata", version, body), asKafkajs(version, response));
    await kafkajsParse("metadata", version, body);
  });
}

test("Metadata v1 decodeRequest() reads an empty array as no topics (hex fixture)", () => {
  assert.equal(decodeBody("Metadata", 1, unhex("00000000")), { topics: [], allowAutoTopicCreation: true });
  assert.equal(decodeBody("Metadata", 4, unhex("00000001 0001 61 01")), { topics: ["a"], allowAutoTopicCreation: true });
});

test("Metadata v6 encodeResponse() carries a topic error kafkajs throws for", async () => {
  const failing: MetadataResponse = { ...response, topics: [{ errorCode: 3, name: "missing", isInternal: false, partitions: [] }] };
  const body = encodeBody("Metadata", 6, failing);
  assert.equal(await kafkajsDecode("metadata", 6, body), asKafkajs(6, failing));
  try {
    await kafkajsParse("metadata", 6, body);
    assert.unreachable("kafkajs should throw UNKNOWN_TOPIC_OR_PARTITION");
  } catch (error) {
    assert.is((error as { type?: string }).type, "UNKNOWN_TOPIC_OR_PARTITION");
  }
});

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

const partitionV7 = { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [], leaderEpoch: 0 };
const responseV7: MetadataResponse = {
  throttleTimeMs: 0,
  brokers: [{ nodeId: 1, host: "h", port: 9092, rack: null }],
  clusterId: "c",
  controllerId: 1,
  topics: [{ errorCode: 0, name: "t", isInternal: false, partitions: [partitionV7], topicAuthorizedOperations: 0b1_1011_1111_1000 }],
};

test("Metadata v7 reads the v4-6 request; partitions carry leader_epoch", () => {
  const body = built((w) => w.nullableArray(["t"], (x, t) => x.string(t)).boolean(false));
  assert.equal(decodeBody("Metadata", 7, body), { topics: ["t"], allowAutoTopicCreation: false });
  const brokers = "00000001" + "00000001" + "0001" + "68" + "00002384" + "ffff";
  const partition = "0000" + "00000000" + "00000001" + "00000000" + "00000001" + "00000001" + "00000001" + "00000001" + "00000000";
  const topics = "00000001" + "0000" + "0001" + "74" + "00" + "00000001" + partition;
  assert.is(hex(encodeBody("Metadata", 7, responseV7)), "00000000" + brokers + "0001" + "63" + "00000001" + topics);
  const unknownEpoch = encodeBody("Metadata", 7, { ...responseV7, topics: [{ ...responseV7.topics[0]!, partitions: [{ ...partitionV7, leaderEpoch: undefined }] }] });
  assert.ok(hex(unknownEpoch).includes("00000001" + "ffffffff" + "00000001"), "no epoch: -1");
});

test("Metadata v8 reads the authorized-operations flags and writes the bit fields", () => {
  const body = built((w) => w.nullableArray(null, () => undefined).boolean(true).boolean(false).boolean(true));
  assert.equal(decodeBody("Metadata", 8, body), { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true });
  const v7 = hex(encodeBody("Metadata", 7, responseV7));
  const v8 = hex(encodeBody("Metadata", 8, responseV7));
  assert.is(v8, v7 + "00001bf8" + "80000000", "topic operations after the partitions, cluster operations (not asked: INT32_MIN) last");
});

test("Metadata v9 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("Metadata", 9, pltBody("metadataV9", ["orders", "payments"], true, true)), {
    topics: ["orders", "payments"], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true,
  });
  assert.equal(decodeBody("Metadata", 9, pltBody("metadataV9", null, false)).topics, null, "null = every topic");
  const parsed = pltParse("metadataV9", 3, 9, encodeBody("Metadata", 9, responseV7)) as {
    brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
    clusterId: string;
    controllerId: number;
    topics: Array<{ name: string; isInternal: boolean; topicAuthorizedOperations: number; partitions: Array<{ partitionIndex: number; leaderId: number; leaderEpoch: number; replicaNodes: number[]; isrNodes: number[] }> }>;
  };
  assert.equal(parsed.brokers, [{ nodeId: 1, host: "h", port: 9092, rack: null }]);
  assert.equal([parsed.clusterId, parsed.controllerId], ["c", 1]);
  const [topic] = parsed.topics;
  assert.equal([topic?.name, topic?.isInternal, topic?.topicAuthorizedOperations], ["t", false, 0b1_1011_1111_1000]);
  assert.equal(topic?.partitions.map((p) => [p.partitionIndex, p.leaderId, p.leaderEpoch, p.replicaNodes, p.isrNodes]), [[0, 1, 0, [1], [1]]]);
});

test.run();
