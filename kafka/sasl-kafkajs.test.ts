import { type Consumer, type Kafka } from "kafkajs";
import { connect } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../auth/authenticator.ts";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { kafkajsMechanisms, kafkajsSasl, saslKafka, saslPrincipals, selfSignedCert } from "../test/support/kafka/sasl.ts";

const ops = { username: "ops", password: "ops-secret-123" };
const tls = selfSignedCert();
if (!tls) console.log("openssl is not installed: the Kafka-over-TLS tests are skipped");

// Failures are slowed per address (all clients here are 127.0.0.1): keep the delays short.
const authenticator = new Authenticator(saslPrincipals, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 20 });
let h: Harness;
let secure: Harness | null = null;

test.before(async () => {
  h = await startHarness({ auth: authenticator });
  if (tls) secure = await startHarness({ auth: authenticator, tls });
});

test.after(async () => {
  await h.close();
  await secure?.close();
});

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function endOffset(harness: Harness, topic: string): Promise<number> {
  return await harness.broker.listOffset(topic, 0, "latest");
}

/** Produces three records, consumes them in a group, and checks the commit through the broker. */
async function roundTrip(kafka: Kafka, harness: Harness, topic: string, group: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.is(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: "a", value: "one" }, { key: "b", value: "two" }, { key: "c", value: "three" }] });
  } finally {
    await producer.disconnect();
  }
  assert.is(await endOffset(harness, topic), 3);
  const consumer: Consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor("three records", () => seen.length >= 3);
    await consumer.commitOffsets([{ topic, partition: 0, offset: "3" }]);
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen, ["one", "two", "three"]);
  const committed = await harness.broker.groups.fetchOffsets(group, [{ topic, partition: 0 }]);
  assert.is(committed[0]?.offset, 3);
}

for (const mechanism of kafkajsMechanisms) {
  test(`kafkajs with SASL ${mechanism} produces, consumes in a group and commits`, async () => {
    await roundTrip(saslKafka(h.address, kafkajsSasl(mechanism, ops.username, ops.password)), h, `sasl-${mechanism}`, `g-${mechanism}`);
  });

  test(`kafkajs with SASL ${mechanism} and a wrong password gets SASL_AUTHENTICATION_FAILED and writes nothing`, async () => {
    const topic = `guarded-${mechanism}`;
    await h.broker.createTopic(topic, { partitions: 1 });
    await h.broker.produce(topic, [{ value: "seed", partition: 0 }]);
    const failuresBefore = authenticator.failures.counts.get("kafka") ?? 0;
    const producer = saslKafka(h.address, kafkajsSasl(mechanism, "ops", "ops-secret-124"), { retries: 0 }).producer();
    const error = await producer.connect().then(() => producer.send({ topic, messages: [{ value: "intruder" }] })).then(() => null, (e: Error) => e);
    await producer.disconnect().catch(() => undefined);
    assert.instance(error, Error, "the client fails");
    assert.match(error!.message, /authentication failed/i);
    assert.not.match(error!.message, /ops-secret/, "no secret in the message");
    assert.ok((authenticator.failures.counts.get("kafka") ?? 0) > failuresBefore, "the failure is counted");
    assert.is(await endOffset(h, topic), 1, "nothing was written");
  });
}

test("kafkajs with an unknown user fails as a wrong password does", async () => {
  for (const mechanism of kafkajsMechanisms) {
    const admin = saslKafka(h.address, kafkajsSasl(mechanism, "nobody", "whatever-123"), { retries: 0 }).admin();
    const error = await admin.connect().then(() => null, (e: Error) => e);
    await admin.disconnect().catch(() => undefined);
    assert.instance(error, Error, mechanism);
    assert.match(error!.message, /authentication failed/i, mechanism);
  }
});

test("kafkajs without credentials cannot list, create or write: the connection closes after ApiVersions", async () => {
  await h.broker.createTopic("no-creds", { partitions: 1 });
  const kafka = saslKafka(h.address, undefined, { retries: 1 });
  const producer = kafka.producer();
  const sent = await producer.connect().then(() => producer.send({ topic: "no-creds", messages: [{ value: "x" }] })).then(() => null, (e: Error) => e);
  await producer.disconnect().catch(() => undefined);
  assert.instance(sent, Error, "produce fails");
  const admin = kafka.admin();
  const created = await admin.connect().then(() => admin.createTopics({ topics: [{ topic: "sneaky" }] })).then(() => null, (e: Error) => e);
  await admin.disconnect().catch(() => undefined);
  assert.instance(created, Error, "create fails");
  assert.is(await endOffset(h, "no-creds"), 0, "nothing was written");
  assert.not.ok((await h.broker.listTopics()).includes("sneaky"), "no topic was created");
});

(tls ? test : test.skip)("kafkajs with ssl { ca } and SCRAM-SHA-512 works against the TLS listener", async () => {
  await roundTrip(saslKafka(secure!.address, { mechanism: "scram-sha-512", ...ops }, { ca: tls!.cert }), secure!, "tls-scram", "g-tls");
});

(tls ? test : test.skip)("a plain client on the TLS port is refused cleanly and the listener keeps serving", async () => {
  const port = secure!.listener.port;
  const apiVersions = new Uint8Array([0, 0, 0, 14, 0, 18, 0, 2, 0, 0, 0, 1, 0, 4, 0x72, 0x61, 0x77, 0x31]);
  const received = await new Promise<number>((resolve, reject) => {
    let bytes = 0;
    const socket = connect(port, "127.0.0.1", () => socket.write(apiVersions));
    socket.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(bytes));
    socket.setTimeout(10_000, () => reject(new Error("the TLS port kept a plain connection open")));
  });
  assert.ok(received < 8, `no Kafka response came back (at most a TLS alert: ${received} bytes)`);
  const admin = saslKafka(secure!.address, { mechanism: "plain", ...ops }, { ca: tls!.cert }).admin();
  await admin.connect();
  try {
    assert.ok(Array.isArray(await admin.listTopics()), "a TLS client is served after the refusal");
  } finally {
    await admin.disconnect();
  }
});

test.run();
