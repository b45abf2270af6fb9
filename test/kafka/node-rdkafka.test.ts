import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../mod.ts";
import { serve, type Server } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { call, loadNodeRdkafka, type NodeRdkafka, type RdkafkaConsumer, type RdkafkaMessage } from "../support/kafka/node-rdkafka.ts";

// node-rdkafka 3.x — librdkafka 2.x built from source, the client many Node services run today —
// against serve() with the Kafka listener on 127.0.0.1: an idempotent producer, a consumer group
// with commits, and a transaction (commit and abort) read by a read_committed consumer.

const loaded = loadNodeRdkafka();
if ("skip" in loaded) console.log(loaded.skip);
const rdkTest = "skip" in loaded ? test.skip : test;
const Kafka = "module" in loaded ? loaded.module : (null as unknown as NodeRdkafka);

let tmp: ReturnType<typeof tempDir>;
let broker: Broker;
let server: Server;
let address: string;

test.before(async () => {
  if ("skip" in loaded) return;
  tmp = tempDir("rivulet-rdkafka-");
  broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  server = await serve(broker, { port: 0, kafkaPort: 0 });
  address = `127.0.0.1:${server.kafkaPort}`;
  console.log(`  librdkafka ${Kafka.librdkafkaVersion}`);
});

test.after(async () => {
  if ("skip" in loaded) return;
  await server.close();
  await broker.close();
  tmp.remove();
});

const text = (b: Uint8Array | string | null | undefined) => (b === null || b === undefined ? null : typeof b === "string" ? b : new TextDecoder().decode(b));

/**
 * Consumes with `consumer` until `until(messages)` resolves true; then disconnects. (Only
 * asynchronous calls here: a synchronous one such as `commitMessageSync` would block the thread
 * the in-process broker answers on.)
 */
function consumeUntil(consumer: RdkafkaConsumer, topics: string[], until: (messages: RdkafkaMessage[]) => boolean | Promise<boolean>): Promise<RdkafkaMessage[]> {
  return new Promise((resolve, reject) => {
    const messages: RdkafkaMessage[] = [];
    consumer.on("event.error", reject);
    consumer.on("ready", () => {
      consumer.subscribe(topics);
      consumer.consume();
    });
    consumer.on("data", async (m) => {
      messages.push(m);
      if (await until(messages)) consumer.disconnect(() => resolve(messages));
    });
    consumer.connect({}, (error) => error && reject(error));
  });
}

rdkTest("node-rdkafka's idempotent producer writes keyed records the broker stores", async () => {
  await broker.createTopic("rdk-in", { partitions: 2 });
  const producer = new Kafka.Producer({ "metadata.broker.list": address, "enable.idempotence": true, dr_cb: true });
  const reports: RdkafkaMessage[] = [];
  const errors: string[] = [];
  producer.on("delivery-report", (error, report) => (error ? errors.push(String(error)) : reports.push(report)));
  await call((cb) => producer.connect({}, cb));
  producer.setPollInterval(20);
  for (let i = 0; i < 6; i++) producer.produce("rdk-in", i % 2, new TextEncoder().encode(`paid ${i}`), `k${i}`);
  await call((cb) => producer.flush(10_000, cb));
  await call((cb) => producer.disconnect(cb));
  assert.equal(errors, []);
  assert.is(reports.length, 6);
  for (const partition of [0, 1]) {
    const { records } = await broker.fetch("rdk-in", partition, { offset: 0 });
    assert.equal(records.map((r) => [r.offset, text(r.key), text(r.value)]), [0, 1, 2].map((n) => [n, `k${2 * n + partition}`, `paid ${2 * n + partition}`]));
  }
});

rdkTest("node-rdkafka consumes in a group and its commits are stored", async () => {
  await broker.createTopic("rdk-group", { partitions: 2 });
  await broker.produce("rdk-group", Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })));
  const consumer = new Kafka.KafkaConsumer({ "metadata.broker.list": address, "group.id": "rdk-readers", "enable.auto.commit": false, offset_commit_cb: true }, { "auto.offset.reset": "earliest" });
  // Each commit's acknowledgement arrives as an `offset.commit` event; the last two cover the ends.
  const acked = new Map<number, number>();
  let allAcked!: () => void;
  const committedEnds = new Promise<void>((resolve) => (allAcked = resolve));
  consumer.on("offset.commit", (error, partitions) => {
    if (error) return;
    for (const p of partitions) acked.set(p.partition, Math.max(acked.get(p.partition) ?? 0, p.offset));
    if (acked.get(0) === 3 && acked.get(1) === 3) allAcked();
  });
  const messages = await consumeUntil(consumer, ["rdk-group"], async (ms) => {
    consumer.commitMessage(ms[ms.length - 1]);
    if (ms.length < 6) return false;
    await committedEnds;
    return true;
  });
  assert.equal(messages.map((m) => `${m.partition} ${m.offset} ${text(m.value)}`).sort(), ["0 0 v0", "0 1 v2", "0 2 v4", "1 0 v1", "1 1 v3", "1 2 v5"]);
  const committed = await broker.groups.fetchOffsets("rdk-readers", [{ topic: "rdk-group", partition: 0 }, { topic: "rdk-group", partition: 1 }]);
  assert.equal(committed.map((c) => [c.partition, c.offset]), [[0, 3], [1, 3]]);
});

rdkTest("a node-rdkafka transaction commits and another aborts; a read_committed consumer sees only the committed records", async () => {
  await broker.createTopic("rdk-txn", { partitions: 1 });
  const producer = new Kafka.Producer({ "metadata.broker.list": address, "transactional.id": "rdk-tx", dr_cb: true });
  await call((cb) => producer.connect({}, cb));
  producer.setPollInterval(20);
  try {
    await call((cb) => producer.initTransactions(10_000, cb));
    await call((cb) => producer.beginTransaction(cb));
    for (const v of ["c1", "c2"]) producer.produce("rdk-txn", 0, new TextEncoder().encode(v), null);
    await call((cb) => producer.commitTransaction(10_000, cb));
    await call((cb) => producer.beginTransaction(cb));
    for (const v of ["a1", "a2"]) producer.produce("rdk-txn", 0, new TextEncoder().encode(v), null);
    await call((cb) => producer.flush(10_000, cb));
    await call((cb) => producer.abortTransaction(10_000, cb));
    await call((cb) => producer.beginTransaction(cb));
    producer.produce("rdk-txn", 0, new TextEncoder().encode("c3"), null);
    await call((cb) => producer.commitTransaction(10_000, cb));
  } finally {
    await call((cb) => producer.disconnect(cb));
  }
  // A plain record after the transactions: once a reader sees it, it has seen everything before it.
  await broker.produce("rdk-txn", [{ value: "end", partition: 0 }]);
  const read = async (isolation: string, group: string) => {
    const consumer = new Kafka.KafkaConsumer({ "metadata.broker.list": address, "group.id": group, "isolation.level": isolation }, { "auto.offset.reset": "earliest" });
    const messages = await consumeUntil(consumer, ["rdk-txn"], (ms) => text(ms[ms.length - 1].value) === "end");
    return messages.map((m) => text(m.value));
  };
  assert.equal(await read("read_committed", "rdk-committed"), ["c1", "c2", "c3", "end"]);
  assert.equal(await read("read_uncommitted", "rdk-uncommitted"), ["c1", "c2", "a1", "a2", "c3", "end"]);
});

test.run();
