import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, unhex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { MetadataResponse } from "./types.ts";

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

test.run();
