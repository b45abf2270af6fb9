/**
 * Authorization on the Kafka port end to end: `serve()` with an auth file and a Kafka port,
 * real kafkajs clients authenticating with SASL PLAIN, and kcat. Every refusal is checked with
 * the error the client reports AND through an admin principal (nothing written, committed,
 * created or deleted).
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel, type Admin, type Consumer } from "kafkajs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { serve, type Server } from "../server/serve.ts";
import { tempDir } from "./support/temp-dir.ts";

const secrets = { reader: "reader-secret-1", writer: "writer-secret-1", ops: "ops-secret-123" } as const;
type Name = keyof typeof secrets;

let broker: Broker;
let server: Server;
let removeDir: () => void;
let address: string;
const opened: Array<{ disconnect(): Promise<void> }> = [];

test.before(async () => {
  const tmp = tempDir("rivulet-kafka-authz-");
  removeDir = tmp.remove;
  const authFile = join(tmp.dir, "auth.json");
  writeFileSync(authFile, JSON.stringify({
    tokens: [
      { name: "reader", token: secrets.reader, rights: [{ access: "read", topics: "orders*" }, { access: "read", groups: "readers*" }] },
      { name: "writer", token: secrets.writer, rights: [{ access: "write", topics: "orders" }] },
      { name: "ops", token: secrets.ops, rights: [{ access: "admin", topics: "*" }] },
    ],
  }));
  broker = await Broker.open({ dataDir: join(tmp.dir, "data"), maxWorkers: 2 });
  await broker.createTopic("orders", { partitions: 1 });
  await broker.createTopic("secret", { partitions: 1 });
  server = await serve(broker, { host: "127.0.0.1", port: 0, kafkaPort: 0, authFile });
  address = `127.0.0.1:${server.kafkaPort}`;
});

test.after(async () => {
  for (const client of opened) await client.disconnect().catch(() => undefined);
  await server.close();
  await broker.close();
  removeDir();
});

/**
 * A kafkajs client authenticated as `name` (SASL PLAIN). With `errors`, every error kafkajs
 * logs (at debug level, before it may replace it by one of its own) is pushed there.
 */
function kafka(name: Name, errors?: unknown[]): Kafka {
  return new Kafka({
    clientId: `authz-${name}`,
    brokers: [address],
    sasl: { mechanism: "plain", username: name, password: secrets[name] },
    logLevel: errors ? logLevel.DEBUG : logLevel.NOTHING,
    logCreator: () => ({ log }) => {
      if (errors && log.error) errors.push(log.error);
    },
    retry: { retries: 2, initialRetryTime: 50 },
  });
}

async function admin(name: Name): Promise<Admin> {
  const client = kafka(name).admin();
  await client.connect();
  opened.push(client);
  return client;
}

/** The Kafka error type a kafkajs error carries, however deep kafkajs wrapped it. */
function errorType(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const e = queue.shift() as { type?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] } | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.type === "string" && e.type !== "UNKNOWN") return e.type;
    queue.push(e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  return undefined;
}

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return errorType(error) ?? `untyped: ${String(error)}`;
  }
  return "no error";
}

const endOffset = async (ops: Admin, topic: string) => (await ops.fetchTopicOffsets(topic)).map((p) => p.high);

test("kafkajs: a read-only principal producing gets TOPIC_AUTHORIZATION_FAILED and nothing is written", async () => {
  const ops = await admin("ops");
  const before = await endOffset(ops, "orders");
  const producer = kafka("reader").producer();
  await producer.connect();
  opened.push(producer);
  assert.is(await refusal(producer.send({ topic: "orders", messages: [{ value: "from a reader" }] })), "TOPIC_AUTHORIZATION_FAILED");
  assert.equal(await endOffset(ops, "orders"), before, "end offset unchanged, seen by ops");
  const writer = kafka("writer").producer();
  await writer.connect();
  opened.push(writer);
  assert.is(await refusal(writer.send({ topic: "secret", messages: [{ value: "from a writer" }] })), "TOPIC_AUTHORIZATION_FAILED");
  assert.equal(await endOffset(ops, "secret"), ["0"], "secret untouched");
  await writer.send({ topic: "orders", messages: [{ value: "from the writer" }] });
  assert.equal(await endOffset(ops, "orders"), [String(Number(before[0]) + 1)]);
});

test("kafkajs: consuming in a group without the group right gets GROUP_AUTHORIZATION_FAILED and commits nothing", async () => {
  const logged: unknown[] = [];
  const consumer: Consumer = kafka("reader", logged).consumer({ groupId: "billing", retry: { retries: 0 } });
  opened.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: ["orders"], fromBeginning: true });
  // Ends with the consumer's crash, or (the failure this test exists to catch) with its joining.
  const crashed = new Promise<unknown>((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error));
    consumer.on(consumer.events.GROUP_JOIN, () => resolve(new Error("joined group billing without the right")));
  });
  let received = 0;
  const started = consumer.run({ eachMessage: async () => void received++ }).then(() => crashed, (error: unknown) => error);
  // kafkajs answers a FindCoordinator error it cannot retry with its own
  // KafkaJSGroupCoordinatorNotFound; the broker's answer is the error it logged first.
  const error = (await started) as Error;
  assert.is(errorType(error) ?? error.name, "KafkaJSGroupCoordinatorNotFound");
  assert.ok(logged.some((e) => errorType(e) === "GROUP_AUTHORIZATION_FAILED"), "FindCoordinator answered GROUP_AUTHORIZATION_FAILED");
  await consumer.disconnect();
  assert.is(received, 0);
  const ops = await admin("ops");
  const offsets = await ops.fetchOffsets({ groupId: "billing", topics: ["orders"] });
  assert.equal(offsets[0]!.partitions.map((p) => p.offset), ["-1"], "nothing committed");
  assert.not.ok((await ops.listGroups()).groups.some((g) => g.groupId === "billing"), "no such group");
});

test("kafkajs: a principal with the rights consumes in its group and commits", async () => {
  const writer = kafka("writer").producer();
  await writer.connect();
  opened.push(writer);
  await writer.send({ topic: "orders", messages: [{ value: "for the readers" }] });
  const consumer = kafka("reader").consumer({ groupId: "readers-e2e" });
  opened.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: ["orders"], fromBeginning: true });
  const ops = await admin("ops");
  const [high] = await endOffset(ops, "orders");
  const values: string[] = [];
  // Done once kafkajs has committed the end offset (its own commit event), or failed on a crash.
  const done = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => {
      if (event.payload.topics.some((t) => t.partitions.some((p) => p.offset === high))) resolve();
    });
    void consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
  });
  await done;
  await consumer.disconnect();
  assert.ok(values.includes("for the readers"));
  const offsets = await ops.fetchOffsets({ groupId: "readers-e2e", topics: ["orders"] });
  assert.equal(offsets[0]!.partitions.map((p) => p.offset), [high]);
  const visible = (await (await admin("reader")).listGroups()).groups.map((g) => g.groupId);
  assert.ok(visible.includes("readers-e2e"));
});

test("kafkajs: creating or deleting topics without admin gets TOPIC_AUTHORIZATION_FAILED and changes nothing", async () => {
  const ops = await admin("ops");
  const before = (await ops.listTopics()).sort();
  const reader = await admin("reader");
  assert.is(await refusal(reader.createTopics({ topics: [{ topic: "orders-new" }] })), "TOPIC_AUTHORIZATION_FAILED");
  assert.is(await refusal(reader.deleteTopics({ topics: ["orders"] })), "TOPIC_AUTHORIZATION_FAILED");
  assert.equal((await ops.listTopics()).sort(), before, "topic list unchanged, seen by ops");
  assert.is(await ops.createTopics({ topics: [{ topic: "ops-made" }] }), true);
  await ops.deleteTopics({ topics: ["ops-made"] });
  assert.equal((await ops.listTopics()).sort(), before);
});

test("kafkajs: Metadata lists only visible topics; a named invisible topic is TOPIC_AUTHORIZATION_FAILED", async () => {
  const reader = await admin("reader");
  assert.equal((await reader.listTopics()).sort(), ["orders"]);
  assert.equal((await (await admin("ops")).listTopics()).sort(), ["orders", "secret"]);
  assert.is(await refusal(reader.fetchTopicMetadata({ topics: ["secret"] })), "TOPIC_AUTHORIZATION_FAILED");
});

const kcatPresent = !spawnSync("kcat", ["-V"], { stdio: "ignore" }).error;
if (!kcatPresent) console.log("kcat is not installed (apt-get install -y kcat): skipping the kcat test");

(kcatPresent ? test : test.skip)("kcat -L with SASL PLAIN lists only the topics the principal may see", async () => {
  const list = (name: Name) => new Promise<string>((resolve, reject) => {
    const child = spawn("kcat", [
      "-b", address, "-L", "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN",
      "-X", `sasl.username=${name}`, "-X", `sasl.password=${secrets[name]}`,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    child.stderr.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat -L exited with ${code}: ${err.slice(-2000)}`));
    });
  });
  const topics = (out: string) => [...out.matchAll(/topic "([^"]+)"/g)].map((m) => m[1]).sort();
  assert.equal(topics(await list("reader")), ["orders"]);
  assert.equal(topics(await list("writer")), ["orders"]);
  assert.equal(topics(await list("ops")), ["orders", "secret"]);
});

test.run();
