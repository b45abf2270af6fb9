import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Kafka, logLevel, type EachMessagePayload } from "kafkajs";
import { Broker } from "../groups/broker.ts";
import { serve, type Server } from "../server/serve.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("one broker, many doors");

let broker: Broker;
let server: Server;
let kafka: Kafka;
let remove: () => void;

test.before(async () => {
  const tmp = tempDir();
  remove = tmp.remove;
  broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  server = await serve(broker, { port: 0, kafkaPort: 0 });
  kafka = new Kafka({ clientId: "cross", brokers: [`127.0.0.1:${server.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
});

test.after(async () => {
  await server.close();
  await broker.close();
  remove();
});

const http = (method: string, path: string, body?: unknown) =>
  fetch(server.url + path, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

async function until(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a key written over HTTP and over kafkajs lands on the same partition, and each side reads the other's records", async () => {
  assert.is((await http("POST", "/v1/topics", { name: "doors", partitions: 4 })).status, 201);
  const viaHttp = await (await http("POST", "/v1/topics/doors/records", { records: [{ key: "alice", value: "from http", headers: { via: "http" } }] })).json() as { offsets: Array<{ partition: number; offset: number }> };
  const producer = kafka.producer();
  await producer.connect();
  const [viaKafka] = await producer.send({ topic: "doors", messages: [{ key: "alice", value: "from kafka", headers: { via: "kafka" } }] });
  await producer.disconnect();
  assert.is(viaKafka.partition, viaHttp.offsets[0].partition, "same key, same partition");
  assert.is(Number(viaKafka.baseOffset), viaHttp.offsets[0].offset + 1);

  // HTTP reads what kafkajs wrote
  const p = viaKafka.partition;
  // HTTP stores a JSON value as its JSON text; bytes that are not JSON come back as value_b64.
  const fetched = await (await http("GET", `/v1/topics/doors/partitions/${p}/records?offset=0`)).json() as { records: Array<{ key: string; value?: string; value_b64?: string; headers: Record<string, string> }> };
  const values = fetched.records.map((r) => r.value ?? new TextDecoder().decode(Uint8Array.from(atob(r.value_b64!), (c) => c.charCodeAt(0))));
  assert.equal(fetched.records.map((r, i) => [r.key, values[i], r.headers.via]), [["alice", "from http", "http"], ["alice", "from kafka", "kafka"]]);

  // kafkajs reads what HTTP wrote, in a group whose commits HTTP then shows
  const seen: string[] = [];
  const consumer = kafka.consumer({ groupId: "doors-readers" });
  await consumer.connect();
  await consumer.subscribe({ topics: ["doors"], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }: EachMessagePayload) => void seen.push(String(message.value)) });
  await until("both records", () => seen.length >= 2);
  assert.equal(seen.sort(), ['"from http"', "from kafka"]);
  await consumer.commitOffsets([{ topic: "doors", partition: p, offset: "2" }]);
  await consumer.disconnect();

  const group = await (await http("GET", "/v1/groups/doors-readers")).json() as { offsets?: Array<{ topic: string; partition: number; offset: number }> };
  const committed = (group.offsets ?? []).find((o) => o.topic === "doors" && o.partition === p);
  assert.ok(committed, `the Kafka group's commit is visible over HTTP: ${JSON.stringify(group)}`);
  assert.is(committed!.offset, 2);
});

test("topics created over HTTP are listed by a Kafka admin, and the reverse", async () => {
  assert.is((await http("POST", "/v1/topics", { name: "made-by-http", partitions: 2 })).status, 201);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "made-by-kafka", numPartitions: 3 }] });
  const kafkaList = await admin.listTopics();
  await admin.disconnect();
  assert.ok(kafkaList.includes("made-by-http"));
  const httpList = await (await http("GET", "/v1/topics")).json() as { topics: string[] };
  assert.ok(httpList.topics.includes("made-by-kafka"));
  const described = await (await http("GET", "/v1/topics/made-by-kafka")).json() as { partitions: unknown[] };
  assert.is(described.partitions.length, 3);
});

test("a group's offsets committed over HTTP are what a Kafka consumer of that group resumes from", async () => {
  assert.is((await http("POST", "/v1/topics", { name: "resume", partitions: 1 })).status, 201);
  await http("POST", "/v1/topics/resume/records", { records: Array.from({ length: 5 }, (_, i) => ({ value: `r${i}` })) });
  const joined = await (await http("POST", "/v1/groups/shared/members", { topics: ["resume"] })).json() as { member_id: string };
  const member = encodeURIComponent(joined.member_id);
  assert.is((await http("POST", `/v1/groups/shared/members/${member}/offsets`, { offsets: [{ topic: "resume", partition: 0, offset: 3 }] })).status, 200);
  assert.ok([200, 204].includes((await http("DELETE", `/v1/groups/shared/members/${member}`)).status));
  const seen: string[] = [];
  const consumer = kafka.consumer({ groupId: "shared" });
  await consumer.connect();
  await consumer.subscribe({ topics: ["resume"], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }: EachMessagePayload) => void seen.push(String(message.value)) });
  await until("the records after the HTTP commit", () => seen.length >= 2);
  await consumer.disconnect();
  assert.equal(seen, ['"r3"', '"r4"']); // JSON values are stored as their JSON text
});

test.run();
