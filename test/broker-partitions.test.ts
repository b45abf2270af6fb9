import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { isRivuletError } from "../core/errors.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("Broker.createPartitions");
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

test("Broker.createPartitions() grows a topic: old data stays, new partitions serve, the count survives a restart", async () => {
  const tmp = tempDir();
  let broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  try {
    await broker.createTopic("orders", { partitions: 1, config: { flush: "os" } });
    await broker.produce("orders", [{ value: "first", partition: 0 }]);
    const grown = await broker.createPartitions("orders", 3);
    assert.equal(grown.partitions.map((p) => [p.partition, p.status, p.endOffset]), [[0, "online", 1], [1, "online", 0], [2, "online", 0]]);
    assert.is(broker.topicConfig("orders").partitions, 3);
    const [meta] = await broker.produce("orders", [{ value: "on p2", partition: 2 }]);
    assert.equal([meta?.partition, meta?.offset], [2, 0]);
    await broker.close();
    broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
    assert.is(broker.topicConfig("orders").partitions, 3, "the new count is stored");
    assert.equal((await broker.fetch("orders", 0, { offset: 0 })).records.map((r) => text(r.value)), ["first"]);
    assert.equal((await broker.fetch("orders", 2, { offset: 0 })).records.map((r) => text(r.value)), ["on p2"]);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Broker.createPartitions() refuses shrinking, staying the same, too many, internal and unknown topics", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1, limits: { topicPartitionsMax: 4 } });
  try {
    await broker.createTopic("orders", { partitions: 2 });
    for (const count of [1, 2, 5, 2.5]) {
      const error = await broker.createPartitions("orders", count).catch((e) => e);
      assert.ok(isRivuletError(error, "invalid_request"), `count ${count}`);
    }
    assert.is(broker.topicConfig("orders").partitions, 2, "unchanged after refusals");
    assert.ok(isRivuletError(await broker.createPartitions("__consumer_offsets", 5).catch((e) => e), "invalid_request"), "internal topics keep their partitions");
    assert.ok(isRivuletError(await broker.createPartitions("nope", 3).catch((e) => e), "unknown_topic"));
    await broker.createPartitions("orders", 4);
    assert.is(broker.topicConfig("orders").partitions, 4, "up to the limit");
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test.run();
