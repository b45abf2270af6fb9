import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";

for (const version of versionsOf("CreateTopics").filter((v) => kafkajsHas("createTopics", v))) {
  test(`CreateTopics v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("createTopics", version, {
      topics: [
        { topic: "orders", numPartitions: 4, replicationFactor: 3, configEntries: [{ name: "retention.ms", value: "604800000" }, { name: "cleanup.policy", value: null }] },
        { topic: "defaults" },
        { topic: "placed", replicaAssignment: [{ partition: 0, replicas: [1] }, { partition: 1, replicas: [1, 2] }] },
      ],
      timeout: 7000,
      validateOnly: true,
    });
    assert.equal(decodeBody("CreateTopics", version, body), {
      topics: [
        { name: "orders", numPartitions: 4, replicationFactor: 3, assignments: [], configs: [{ name: "retention.ms", value: "604800000" }, { name: "cleanup.policy", value: null }] },
        { name: "defaults", numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
        { name: "placed", numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 1, brokerIds: [1, 2] }], configs: [] },
      ],
      timeoutMs: 7000,
      validateOnly: version >= 1,
    });
  });

  test(`CreateTopics v${version} encodeResponse() is read by kafkajs`, async () => {
    const topics = [{ name: "a", errorCode: 0, errorMessage: null }, { name: "b", errorCode: 0, errorMessage: null }];
    const body = encodeBody("CreateTopics", version, { throttleTimeMs: 5, topics });
    assert.equal(await kafkajsDecode("createTopics", version, body), {
      ...(version >= 2 ? kafkajsThrottle("createTopics", version, 5) : {}),
      topicErrors: topics.map((t) => ({ topic: t.name, errorCode: 0, ...(version >= 1 ? { errorMessage: null } : {}) })),
    });
    await kafkajsParse("createTopics", version, body);
  });
}

test("CreateTopics v3 encodeResponse() carries TOPIC_ALREADY_EXISTS with a message", async () => {
  const body = encodeBody("CreateTopics", 3, { throttleTimeMs: 0, topics: [{ name: "a", errorCode: 36, errorMessage: "topic \"a\" exists" }] });
  assert.equal(await kafkajsDecode("createTopics", 3, body), { throttleTime: 0, clientSideThrottleTime: 0, topicErrors: [{ topic: "a", errorCode: 36, errorMessage: "topic \"a\" exists" }] });
});

test.run();
