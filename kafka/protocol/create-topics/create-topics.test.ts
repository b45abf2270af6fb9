import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

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

test("CreateTopics v4 reads kafkajs's v3 request (same layout) and answers as v3", async () => {
  const body = await kafkajsBody("createTopics", 3, { topics: [{ topic: "t", numPartitions: -1, replicationFactor: -1 }], timeout: 100, validateOnly: true });
  assert.equal(decodeBody("CreateTopics", 4, body), { topics: [{ name: "t", numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 100, validateOnly: true });
  const response = { throttleTimeMs: 0, topics: [{ name: "t", errorCode: 36, errorMessage: "exists" }] };
  assert.is(hex(encodeBody("CreateTopics", 4, response)), hex(encodeBody("CreateTopics", 3, response)));
});

const created = { throttleTimeMs: 0, topics: [{ name: "t", errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1, configs: [{ name: "retention.ms", value: "1000", readOnly: true, configSource: 1, isSensitive: false }] }] };

test("CreateTopics v5-6 (flexible) read @platformatic/kafka's request and answer with partitions and configs", () => {
  const body = pltBody("createTopicsV7", [{ name: "t", numPartitions: 3, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: "retention.ms", value: "1000" }, { name: "x", value: null }] }], 500, false);
  const expected = {
    topics: [{ name: "t", numPartitions: 3, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: "retention.ms", value: "1000" }, { name: "x", value: null }] }],
    timeoutMs: 500, validateOnly: false,
  };
  const result = "0274" + "0000" + "00" + "00000003" + "0001" + "02" + "0d" + hex(new TextEncoder().encode("retention.ms")) + "05" + hex(new TextEncoder().encode("1000")) + "01" + "01" + "00" + "00" + "00";
  for (const version of [5, 6]) {
    assert.equal(decodeBody("CreateTopics", version, body), expected);
    assert.is(hex(encodeBody("CreateTopics", version, created)), "00000000" + "02" + result + "00");
  }
  const failed = encodeBody("CreateTopics", 5, { throttleTimeMs: 0, topics: [{ name: "t", errorCode: 36, errorMessage: "exists" }] });
  assert.is(hex(failed), "00000000" + "02" + "0274" + "0024" + "07" + hex(new TextEncoder().encode("exists")) + "ffffffff" + "ffff" + "01" + "00" + "00");
});

test("CreateTopics v7 answers with the (all-zero) topic id @platformatic/kafka reads", () => {
  const parsed = pltParse("createTopicsV7", 19, 7, encodeBody("CreateTopics", 7, created)) as { topics: Array<Record<string, unknown>> };
  const [topic] = parsed.topics;
  assert.equal([topic?.name, topic?.topicId, topic?.errorCode, topic?.numPartitions, topic?.replicationFactor], ["t", "00000000-0000-0000-0000-000000000000", 0, 3, 1]);
  assert.equal(topic?.configs, [{ name: "retention.ms", value: "1000", readOnly: true, configSource: 1, isSensitive: false }]);
});

test.run();
