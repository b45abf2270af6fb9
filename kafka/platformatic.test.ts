/**
 * @platformatic/kafka (a client that negotiates flexible protocol versions: ApiVersions v3,
 * request header v2, compact types, tagged fields) against a real broker and listener:
 * producing with and without idempotence, a consumer group consuming and committing, and the
 * admin calls (topics, configs, partitions, groups).
 */
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message } from "@platformatic/kafka";
import { tracingChannel } from "node:diagnostics_channel";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../auth/authenticator.ts";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { saslPrincipals } from "../test/support/kafka/sasl.ts";

/** Every (api key, version) the client sent, from its own diagnostics channel. */
const sent = new Set<string>();
const apiChannel = tracingChannel<object, { apiKey: number; apiVersion: number }>("plt:kafka:connections:api");
const onSend = { start: (context: { apiKey: number; apiVersion: number }) => void sent.add(`${context.apiKey} v${context.apiVersion}`) };
apiChannel.subscribe(onSend as never);

let h: Harness;
const closers: Array<() => Promise<unknown>> = [];

test.before(async () => {
  h = await startHarness();
});

test.after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await h.close();
});

function client<T extends { close(): Promise<void> }>(made: T): T {
  closers.push(async () => {
    await made.close();
  });
  return made;
}

const base = () => ({ clientId: "plt-test", bootstrapBrokers: [h.address], retries: 5, retryDelay: 50 });

const text = (bytes: Uint8Array | null | undefined): string | null => (bytes == null ? null : new TextDecoder().decode(bytes));

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("admin creates, lists, describes and deletes topics", async () => {
  const admin = client(new Admin(base()));
  const created = await admin.createTopics({ topics: ["plt-a", "plt-b"], partitions: 3, replicas: 1 });
  assert.equal(created.map((t) => [t.name, t.partitions]).sort(), [["plt-a", 3], ["plt-b", 3]]);
  const again = await admin.createTopics({ topics: ["plt-a"], partitions: 3, replicas: 1 }).catch((e: Error) => e);
  assert.instance(again, Error, "an existing topic is refused");
  assert.equal((await admin.listTopics()).filter((t) => t.startsWith("plt-")).sort(), ["plt-a", "plt-b"]);
  const metadata = await admin.metadata({ topics: ["plt-a"] });
  assert.is(metadata.topics.get("plt-a")?.partitionsCount, 3);
  await admin.deleteTopics({ topics: ["plt-a", "plt-b"] });
  assert.equal((await admin.listTopics()).filter((t) => t.startsWith("plt-")), []);
  assert.equal((await h.broker.listTopics()).filter((t) => t.startsWith("plt-")), []);
});

test("admin describes topic and broker configs", async () => {
  const admin = client(new Admin(base()));
  await admin.createTopics({ topics: ["plt-configs"], partitions: 1, replicas: 1, configs: [{ name: "retention.ms", value: "60000" }] });
  const [topic] = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: "plt-configs", configurationKeys: ["retention.ms", "cleanup.policy"] }], includeSynonyms: true });
  assert.ok(topic);
  const byName = new Map(topic.configs.map((c) => [c.name, c]));
  assert.is(byName.get("retention.ms")?.value, "60000");
  assert.is(byName.get("retention.ms")?.configSource, 1, "set on the topic");
  assert.is(byName.get("cleanup.policy")?.value, "delete");
  assert.is(byName.get("cleanup.policy")?.configSource, 5, "the default");
  assert.is(topic.configs.length, 2, "only the keys asked for");
  const [broker] = await admin.describeConfigs({ resources: [{ resourceType: 4, resourceName: "1" }] });
  assert.ok(broker);
  assert.is(broker.configs.find((c) => c.name === "broker.id")?.value, "1");
  const missing = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: "plt-no-such-topic" }] }).catch((e: Error) => e);
  assert.instance(missing, Error, "an unknown topic is an error");
});

test("admin creates partitions; the broker serves the new ones", async () => {
  const admin = client(new Admin(base()));
  await admin.createTopics({ topics: ["plt-grow"], partitions: 1, replicas: 1 });
  await admin.createPartitions({ topics: [{ name: "plt-grow", count: 3 }], validateOnly: true });
  assert.is(h.broker.topicConfig("plt-grow").partitions, 1, "validate_only changes nothing");
  await admin.createPartitions({ topics: [{ name: "plt-grow", count: 3 }] });
  assert.is(h.broker.topicConfig("plt-grow").partitions, 3);
  const shrink = await admin.createPartitions({ topics: [{ name: "plt-grow", count: 2 }] }).catch((e: Error) => e);
  assert.instance(shrink, Error, "fewer partitions are refused");
  const [meta] = await h.broker.produce("plt-grow", [{ value: "on the new partition", partition: 2 }]);
  assert.equal([meta?.partition, meta?.offset], [2, 0]);
  const metadata = await admin.metadata({ topics: ["plt-grow"] });
  assert.is(metadata.topics.get("plt-grow")?.partitionsCount, 3);
});

for (const idempotent of [false, true]) {
  test(`producer sends records (idempotent: ${idempotent}) that the broker stores`, async () => {
    const topic = `plt-produce-${idempotent}`;
    await h.broker.createTopic(topic, { partitions: 2 });
    const producer = client(new Producer({ ...base(), serializers: stringSerializers, idempotent, acks: -1 }));
    const sent = await producer.send({
      messages: [
        { topic, partition: 0, key: "k1", value: "v1", headers: new Map([["h", "1"]]) },
        { topic, partition: 1, key: "k2", value: "v2" },
        { topic, partition: 0, key: "k3", value: "v3" },
      ],
    });
    assert.equal(sent.offsets?.map((o) => [o.partition, Number(o.offset)]).sort(), [[0, 0], [1, 0]]);
    const stored = await h.broker.fetch(topic, 0, { offset: 0, maxRecords: 10 });
    assert.equal(stored.records.map((r) => [r.offset, text(r.key), text(r.value)]), [[0, "k1", "v1"], [1, "k3", "v3"]]);
    assert.equal(stored.records[0]!.headers.map(([name, value]) => [name, text(value)]), [["h", "1"]]);
  });
}

test("a consumer group consumes and commits; the broker holds the committed offset", async () => {
  const topic = "plt-group";
  await h.broker.createTopic(topic, { partitions: 2 });
  await h.broker.produce(topic, Array.from({ length: 6 }, (_, i) => ({ value: `m${i}`, partition: i % 2 })));
  const consumer = client(new Consumer({ ...base(), groupId: "plt-g", deserializers: stringDeserializers, sessionTimeout: 10_000, heartbeatInterval: 500 }));
  const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false, maxWaitTime: 200 });
  closers.push(async () => {
    await stream.close();
  });
  const seen: Array<Message<string, string, string, string>> = [];
  stream.on("data", (m: Message<string, string, string, string>) => seen.push(m));
  await waitFor("6 records", () => seen.length >= 6);
  assert.equal(seen.map((m) => m.value).sort(), ["m0", "m1", "m2", "m3", "m4", "m5"]);
  for (const m of seen) await m.commit();
  const committed = await h.broker.groups.fetchOffsets("plt-g");
  assert.equal(committed.map((c) => [c.topic, c.partition, c.offset]).sort(), [[topic, 0, 3], [topic, 1, 3]]);
  const admin = client(new Admin(base()));
  const groups = await admin.listGroups();
  assert.ok(groups.has("plt-g"), "listGroups shows the group");
  const described = await admin.describeGroups({ groups: ["plt-g"] });
  assert.is(described.get("plt-g")?.state, "STABLE");
  assert.is(described.get("plt-g")?.members.size, 1);
  await waitFor("a heartbeat", () => sent.size === 0 || sent.has("12 v4"));
  await stream.close();
  await consumer.close();

  // a new member of the group resumes from the committed offsets
  await h.broker.produce(topic, [{ value: "m6", partition: 0 }, { value: "m7", partition: 1 }]);
  const next = client(new Consumer({ ...base(), groupId: "plt-g", deserializers: stringDeserializers, sessionTimeout: 10_000, heartbeatInterval: 500 }));
  const resumed = await next.consume({ topics: [topic], mode: "committed", autocommit: false, maxWaitTime: 200 });
  closers.push(async () => {
    await resumed.close();
  });
  const later: string[] = [];
  resumed.on("data", (m: Message<string, string, string, string>) => later.push(m.value));
  await waitFor("the 2 new records", () => later.length >= 2);
  assert.equal(later.sort(), ["m6", "m7"], "nothing before the committed offsets");
  await resumed.close();
  await next.close();
});

for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`SASL ${mechanism} (SaslAuthenticate v2): the right password produces, a wrong one is refused`, async () => {
    const secured = await startHarness({ auth: new Authenticator(saslPrincipals, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 5 }) });
    try {
      const topic = `plt-sasl-${mechanism.toLowerCase()}`;
      await secured.broker.createTopic(topic);
      const options = { clientId: "plt-sasl", bootstrapBrokers: [secured.address], retries: 0, serializers: stringSerializers };
      const producer = new Producer({ ...options, sasl: { mechanism, username: "ops", password: "ops-secret-123" } });
      try {
        await producer.send({ messages: [{ topic, value: "authenticated" }] });
      } finally {
        await producer.close();
      }
      assert.is(await secured.broker.listOffset(topic, 0, "latest"), 1);
      const intruder = new Producer({ ...options, sasl: { mechanism, username: "ops", password: "wrong-password" } });
      try {
        const refused = await intruder.send({ messages: [{ topic, value: "nope" }] }).catch((e: Error) => e);
        assert.instance(refused, Error, "a wrong password is refused");
      } finally {
        await intruder.close();
      }
      assert.is(await secured.broker.listOffset(topic, 0, "latest"), 1, "nothing more was written");
    } finally {
      await secured.close();
    }
  });
}

test("the client used the flexible versions Rivulet advertises", () => {
  if (sent.size === 0) {
    console.log("this runtime does not deliver node:diagnostics_channel tracing events: the negotiated versions are not checked here");
    return;
  }
  apiChannel.unsubscribe(onSend as never);
  const expected = [
    "0 v9", "1 v12", "2 v6", "3 v9", "8 v8", "9 v8", "10 v4", "11 v6", "12 v4", "14 v4", "15 v5", "16 v4",
    "17 v1", "18 v3", "19 v7", "20 v6", "22 v4", "32 v4", "36 v2", "37 v3",
  ];
  const missing = expected.filter((v) => !sent.has(v));
  assert.equal(missing, [], `sent: ${[...sent].sort().join(", ")}`);
  const byKey = new Map<string, string[]>();
  for (const v of sent) byKey.set(v.split(" ")[0]!, [...(byKey.get(v.split(" ")[0]!) ?? []), v]);
  assert.equal([...byKey.values()].filter((versions) => versions.length > 1), [], "one version per API");
});

test.run();
