/**
 * kafkajs's admin calls that use DescribeConfigs (v2) and CreatePartitions (v1), against a real
 * broker and listener.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";

/** kafkajs's resource types (its CommonJS export is not visible to an ES import). */
const ConfigResourceTypes = { TOPIC: 2, BROKER: 4 } as const;

let h: Harness;

test.before(async () => {
  h = await startHarness();
});

test.after(async () => {
  await h.close();
});

test("kafkajs describeConfigs reads topic configs (set and default) and the broker's", async () => {
  const admin = h.kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: "kj-configs", configEntries: [{ name: "cleanup.policy", value: "compact" }] }] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: "kj-configs", configNames: ["cleanup.policy", "retention.ms"] }, { type: ConfigResourceTypes.BROKER, name: "1" }],
    });
    const [topic, broker] = resources;
    assert.equal(topic?.configEntries.map((c) => [c.configName, c.configValue, c.isDefault, c.readOnly]).sort(), [["cleanup.policy", "compact", false, true], ["retention.ms", String(7 * 24 * 3600 * 1000), true, true]]);
    assert.is(broker?.configEntries.find((c) => c.configName === "broker.id")?.configValue, "1");
    const missing = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: "kj-none" }] }).catch((e: Error) => e);
    assert.instance(missing, Error, "an unknown topic is an error");
  } finally {
    await admin.disconnect();
  }
});

test("kafkajs createPartitions grows a topic, and the producer writes to the new partitions", async () => {
  const kafka = h.kafka();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: "kj-grow", numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: "kj-grow", count: 3 }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: ["kj-grow"] });
    assert.is(topics[0]?.partitions.length, 3);
    const refused = await admin.createPartitions({ topicPartitions: [{ topic: "kj-grow", count: 2 }] }).catch((e: Error & { type?: string }) => e);
    assert.instance(refused, Error);
    assert.is((refused as { type?: string }).type, "INVALID_PARTITIONS");
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: "kj-grow", messages: [{ value: "p2", partition: 2 }] });
    } finally {
      await producer.disconnect();
    }
    assert.is(await h.broker.listOffset("kj-grow", 2, "latest"), 1);
  } finally {
    await admin.disconnect();
  }
});

test.run();
