/**
 * Authorization on every Kafka API, at the handler level: real request frames (kafkajs's own
 * encoders) dispatched through `dispatchFrame` with a real Principal, against a real broker;
 * every refusal is checked in the response AND through the broker (nothing written, created,
 * deleted or committed).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/rights.ts";
import { Broker } from "../groups/broker.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { kafkajsDecode, kafkajsFrame } from "../test/support/kafka/protocol/kafkajs.ts";
import { requestFrame } from "../test/support/kafka/raw-client.ts";
import { dispatchFrame, type ConnectionContext } from "./dispatch.ts";
import { apiKeys } from "./protocol/api-keys.ts";
import { decodeResponseHeader } from "./protocol/header.ts";
import { Reader } from "./protocol/reader.ts";

const TOPIC_AUTHORIZATION_FAILED = 29;
const GROUP_AUTHORIZATION_FAILED = 30;
const CLUSTER_AUTHORIZATION_FAILED = 31;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

const auth = new Authenticator({
  tokens: [
    { name: "reader", token: "reader-secret-1", rights: [{ access: "read", topics: "orders*" }, { access: "read", groups: "readers*" }] },
    { name: "writer", token: "writer-secret-1", rights: [{ access: "write", topics: "orders" }] },
    { name: "orders-admin", token: "orders-admin-1", rights: [{ access: "admin", topics: "orders-*" }] },
    { name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] },
  ],
});
const reader = auth.bearer("Bearer reader-secret-1");
const writer = auth.bearer("Bearer writer-secret-1");
const ordersAdmin = auth.bearer("Bearer orders-admin-1");
const ops = auth.bearer("Bearer ops-secret-123");

let broker: Broker;
let removeDir: () => void;
let correlationId = 0;

test.before(async () => {
  const tmp = tempDir("rivulet-authz-");
  removeDir = tmp.remove;
  broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  await broker.createTopic("orders", { partitions: 1 });
  await broker.createTopic("secret", { partitions: 1 });
});

test.after(async () => {
  await broker.close();
  removeDir();
});

function connection(principal: Principal | null, options: Partial<ConnectionContext> = {}): ConnectionContext {
  return { broker, nodeId: 1, host: "127.0.0.1", port: 9092, clientHost: "/127.0.0.1", autoCreateTopics: false, defaultPartitions: 1, principal, auth: null, ...options };
}

/** Dispatches one frame (with its size prefix) and returns the response body, or null when none is sent. */
async function dispatch(frame: Uint8Array, principal: Principal | null, options: Partial<ConnectionContext> = {}): Promise<Uint8Array | null> {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const apiKey = view.getInt16(4);
  const version = view.getInt16(6);
  const outcome = await dispatchFrame(frame.subarray(4), connection(principal, options));
  if (outcome.kind === "none") return null;
  if (outcome.kind === "close") throw new Error(`connection closed: ${outcome.reason}`);
  const bytes = new Uint8Array(outcome.chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of outcome.chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  const reader = new Reader(bytes, 4);
  decodeResponseHeader(reader, apiKey, version);
  return bytes.subarray(reader.offset);
}

/** Sends a kafkajs-encoded request of `api` (kafkajs's folder name) and decodes the response with kafkajs. */
// deno-lint-ignore no-explicit-any
async function call(principal: Principal | null, api: string, version: number, args: object, options: Partial<ConnectionContext> = {}): Promise<any> {
  const body = await dispatch(await kafkajsFrame(api, version, args, ++correlationId, "authz-test"), principal, options);
  return body === null ? null : kafkajsDecode(api, version, body);
}

const produce = (principal: Principal | null, topics: string[], value: string, acks = -1) =>
  call(principal, "produce", 7, { acks, timeout: 1000, topicData: topics.map((topic) => ({ topic, partitions: [{ partition: 0, messages: [{ key: "k", value }] }] })) });

const endOffset = (topic: string) => broker.listOffset(topic, 0, "latest");

/** CreateTopics / DeleteTopics errors by topic (kafkajs sorts them by error). */
const topicCodes = (response: { topicErrors: Array<{ topic: string; errorCode: number }> }) => Object.fromEntries(response.topicErrors.map((t) => [t.topic, t.errorCode]));

// deno-lint-ignore no-explicit-any
const partitionCodes = (topics: any[], name = "topicName") => Object.fromEntries(topics.map((t) => [t[name] ?? t.topic, t.partitions.map((p: { errorCode: number }) => p.errorCode)]));

test("Produce: a read-only principal gets TOPIC_AUTHORIZATION_FAILED and nothing reaches the log", async () => {
  const before = await endOffset("orders");
  const response = await produce(reader, ["orders"], "from a reader");
  assert.equal(partitionCodes(response.topics), { orders: [TOPIC_AUTHORIZATION_FAILED] });
  assert.is(response.topics[0].partitions[0].baseOffset, "-1");
  assert.is(await produce(reader, ["orders"], "acks=0 from a reader", 0), null, "acks=0: no response");
  assert.is(await endOffset("orders"), before, "end offset unchanged");
});

test("Produce: in one request the writable topic is written, the other refused and left untouched", async () => {
  const orders = await endOffset("orders");
  const secret = await endOffset("secret");
  const response = await produce(writer, ["orders", "secret", "no-such-topic"], "mixed");
  assert.equal(partitionCodes(response.topics), { orders: [0], secret: [TOPIC_AUTHORIZATION_FAILED], "no-such-topic": [TOPIC_AUTHORIZATION_FAILED] });
  assert.is(await endOffset("orders"), orders + 1);
  assert.is(await endOffset("secret"), secret, "secret unchanged");
  assert.equal(await broker.listTopics().then((t) => t.includes("no-such-topic")), false);
});

test("Fetch: partitions of unreadable topics get TOPIC_AUTHORIZATION_FAILED and no records; readable ones their records", async () => {
  await produce(ops, ["secret"], "classified");
  const fetch = (principal: Principal) => call(principal, "fetch", 11, {
    replicaId: -1, maxWaitTime: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
    topics: ["orders", "secret"].map((topic) => ({ topic, partitions: [{ partition: 0, fetchOffset: "0", logStartOffset: "0", maxBytes: 1 << 20 }] })),
  });
  const asReader = await fetch(reader);
  assert.equal(partitionCodes(asReader.responses), { orders: [0], secret: [TOPIC_AUTHORIZATION_FAILED] });
  const secretPart = asReader.responses.find((t: { topicName: string }) => t.topicName === "secret").partitions[0];
  assert.equal(secretPart.messages, []);
  assert.is(secretPart.highWatermark, "-1", "not even the end offset leaks");
  assert.ok(asReader.responses.find((t: { topicName: string }) => t.topicName === "orders").partitions[0].messages.length > 0);
  const asWriter = await fetch(writer);
  assert.equal(partitionCodes(asWriter.responses), { orders: [TOPIC_AUTHORIZATION_FAILED], secret: [TOPIC_AUTHORIZATION_FAILED] }, "write does not imply read");
  const asOps = await fetch(ops);
  assert.equal(partitionCodes(asOps.responses), { orders: [0], secret: [0] });
});

test("ListOffsets: needs read or write on the topic (Kafka's DESCRIBE)", async () => {
  const list = (principal: Principal) => call(principal, "listOffsets", 3, {
    replicaId: -1, isolationLevel: 0,
    topics: ["orders", "secret"].map((topic) => ({ topic, partitions: [{ partition: 0, timestamp: "-1" }] })),
  });
  assert.equal(partitionCodes((await list(writer)).responses, "topic"), { orders: [0], secret: [TOPIC_AUTHORIZATION_FAILED] });
  assert.equal(partitionCodes((await list(reader)).responses, "topic"), { orders: [0], secret: [TOPIC_AUTHORIZATION_FAILED] });
  const secret = (await list(reader)).responses.find((t: { topic: string }) => t.topic === "secret").partitions[0];
  assert.is(secret.offset, "-1");
});

test("Metadata: lists only visible topics; a named invisible topic gets TOPIC_AUTHORIZATION_FAILED, existing or not", async () => {
  // deno-lint-ignore no-explicit-any
  const metadata = async (principal: Principal | null, topics: string[] | null): Promise<any> => {
    if (topics) return call(principal, "metadata", 6, { topics, allowAutoTopicCreation: false });
    // Every topic (a null array): kafkajs cannot encode it, so the body is written by hand.
    const body = await dispatch(requestFrame(apiKeys.Metadata, 6, ++correlationId, (w) => w.int32(-1).boolean(false)), principal);
    return kafkajsDecode("metadata", 6, body!);
  };
  const names = (response: { topicMetadata: Array<{ topic: string }> }) => response.topicMetadata.map((t) => t.topic).sort();
  assert.equal(names(await metadata(reader, null)), ["orders"]);
  assert.equal(names(await metadata(writer, null)), ["orders"]);
  assert.equal(names(await metadata(ops, null)), ["orders", "secret"]);
  assert.equal(names(await metadata(null, null)), ["orders", "secret"]);
  const named = await metadata(reader, ["orders", "secret", "hidden-missing", "orders-missing"]);
  const codes = Object.fromEntries(named.topicMetadata.map((t: { topic: string; topicErrorCode: number; partitionMetadata: unknown[] }) => [t.topic, [t.topicErrorCode, t.partitionMetadata.length]]));
  assert.equal(codes, {
    orders: [0, 1],
    secret: [TOPIC_AUTHORIZATION_FAILED, 0],
    "hidden-missing": [TOPIC_AUTHORIZATION_FAILED, 0],
    "orders-missing": [UNKNOWN_TOPIC_OR_PARTITION, 0],
  });
});

test("Metadata: auto-creation needs admin on the topic; without it TOPIC_AUTHORIZATION_FAILED and nothing is created", async () => {
  const autoCreate = (principal: Principal, topic: string) =>
    call(principal, "metadata", 6, { topics: [topic], allowAutoTopicCreation: true }, { autoCreateTopics: true });
  const refused = await autoCreate(reader, "orders-auto");
  assert.is(refused.topicMetadata[0].topicErrorCode, TOPIC_AUTHORIZATION_FAILED);
  assert.not.ok((await broker.listTopics()).includes("orders-auto"), "not created");
  const created = await autoCreate(ordersAdmin, "orders-auto");
  assert.is(created.topicMetadata[0].topicErrorCode, 0);
  assert.ok((await broker.listTopics()).includes("orders-auto"));
  await broker.deleteTopic("orders-auto");
});

test("CreateTopics and DeleteTopics: without admin on the topic TOPIC_AUTHORIZATION_FAILED, topic list unchanged", async () => {
  const before = (await broker.listTopics()).sort();
  const create = (principal: Principal, topics: string[], validateOnly = false) =>
    call(principal, "createTopics", 3, { topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), validateOnly, timeout: 1000 });
  const refused = await create(writer, ["orders", "orders-new"]);
  assert.equal(topicCodes(refused), { orders: TOPIC_AUTHORIZATION_FAILED, "orders-new": TOPIC_AUTHORIZATION_FAILED });
  assert.match(refused.topicErrors[0].errorMessage, /writer/);
  assert.is((await create(writer, ["orders-new"], true)).topicErrors[0].errorCode, TOPIC_AUTHORIZATION_FAILED, "validate_only too");
  const mixed = await create(ordersAdmin, ["orders-new", "elsewhere"]);
  assert.equal(topicCodes(mixed), { "orders-new": 0, elsewhere: TOPIC_AUTHORIZATION_FAILED });
  assert.equal((await broker.listTopics()).sort(), [...before, "orders-new"].sort(), "only the authorized topic was created");

  const del = (principal: Principal, topics: string[]) => call(principal, "deleteTopics", 1, { topics, timeout: 1000 });
  const deleteRefused = await del(writer, ["orders", "orders-new", "no-such-topic"]);
  assert.equal(topicCodes(deleteRefused), { orders: TOPIC_AUTHORIZATION_FAILED, "orders-new": TOPIC_AUTHORIZATION_FAILED, "no-such-topic": TOPIC_AUTHORIZATION_FAILED });
  assert.equal((await del(ordersAdmin, ["secret"])).topicErrors[0].errorCode, TOPIC_AUTHORIZATION_FAILED);
  assert.equal((await broker.listTopics()).sort(), [...before, "orders-new"].sort(), "nothing deleted");
  assert.equal((await del(ordersAdmin, ["orders-new"])).topicErrors[0].errorCode, 0);
  assert.equal((await broker.listTopics()).sort(), before);
});

test("CreatePartitions needs admin on the topic; DescribeConfigs needs sight of the topic, or cluster admin for the broker's", async () => {
  await broker.createTopic("orders-grow", { partitions: 1 });
  const grow = (principal: Principal, topic: string, count: number) =>
    call(principal, "createPartitions", 1, { topicPartitions: [{ topic, count }], validateOnly: false, timeout: 1000 });
  for (const principal of [reader, writer]) {
    const refused = await grow(principal, "orders-grow", 3);
    assert.is(refused.topicErrors[0].errorCode, TOPIC_AUTHORIZATION_FAILED);
  }
  assert.is((await grow(ordersAdmin, "secret", 2)).topicErrors[0].errorCode, TOPIC_AUTHORIZATION_FAILED);
  assert.is(broker.topicConfig("orders-grow").partitions, 1, "nothing grew");
  assert.is(broker.topicConfig("secret").partitions, 1, "nothing grew");
  assert.is((await grow(ordersAdmin, "orders-grow", 3)).topicErrors[0].errorCode, 0);
  assert.is(broker.topicConfig("orders-grow").partitions, 3);

  const TOPIC = 2;
  const BROKER = 4;
  const describe = (principal: Principal, resources: Array<{ type: number; name: string }>) => call(principal, "describeConfigs", 1, { resources, includeSynonyms: false });
  const codes = (response: { resources: Array<{ resourceName: string; errorCode: number }> }) => Object.fromEntries(response.resources.map((r) => [r.resourceName, r.errorCode]));
  assert.equal(codes(await describe(reader, [{ type: TOPIC, name: "orders" }, { type: TOPIC, name: "secret" }, { type: BROKER, name: "1" }])), {
    orders: 0, secret: TOPIC_AUTHORIZATION_FAILED, 1: CLUSTER_AUTHORIZATION_FAILED,
  });
  const refused = (await describe(reader, [{ type: TOPIC, name: "secret" }])).resources[0];
  assert.equal(refused.configEntries, [], "no config of a refused topic is shown");
  assert.equal(codes(await describe(ops, [{ type: TOPIC, name: "secret" }, { type: BROKER, name: "1" }])), { secret: 0, 1: 0 });
});

test("group APIs: a principal without the group right gets GROUP_AUTHORIZATION_FAILED; nothing joined or committed", async () => {
  const group = "billing";
  const found = await call(writer, "findCoordinator", 2, { groupId: group, coordinatorKey: group, coordinatorType: 0 });
  assert.is(found.errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.match(found.errorMessage, /group "billing"/);
  const join = await call(writer, "joinGroup", 5, {
    groupId: group, sessionTimeout: 10_000, rebalanceTimeout: 10_000, memberId: "", protocolType: "consumer",
    groupProtocols: [{ name: "range", metadata: new Uint8Array([0, 1]) }],
  });
  assert.is(join.errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.is(join.memberId, "", "no member id handed out");
  assert.is((await call(writer, "syncGroup", 3, { groupId: group, generationId: 1, memberId: "m", groupAssignment: [] })).errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.is((await call(writer, "heartbeat", 3, { groupId: group, groupGenerationId: 1, memberId: "m" })).errorCode, GROUP_AUTHORIZATION_FAILED);
  const leave = await call(writer, "leaveGroup", 3, { groupId: group, members: [{ memberId: "m" }] });
  assert.is(leave.errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.equal(leave.members.map((m: { errorCode: number }) => m.errorCode), [GROUP_AUTHORIZATION_FAILED]);
  const commit = await call(writer, "offsetCommit", 5, {
    groupId: group, groupGenerationId: -1, memberId: "",
    topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "1" }] }],
  });
  assert.equal(partitionCodes(commit.responses, "topic"), { orders: [GROUP_AUTHORIZATION_FAILED] });
  const fetched = await call(writer, "offsetFetch", 4, { groupId: group, topics: [{ topic: "orders", partitions: [{ partition: 0 }] }] });
  assert.is(fetched.errorCode, GROUP_AUTHORIZATION_FAILED);
  const described = await call(writer, "describeGroups", 2, { groupIds: [group] });
  assert.equal(described.groups.map((g: { errorCode: number }) => g.errorCode), [GROUP_AUTHORIZATION_FAILED]);

  assert.equal(await broker.groups.fetchOffsets(group), [], "nothing committed");
  assert.not.ok((await broker.groups.listGroups()).some((g) => g.groupId === group), "no group created");
});

test("OffsetCommit: topics without read get TOPIC_AUTHORIZATION_FAILED and only the readable ones are committed", async () => {
  const group = "readers-commit";
  const commit = await call(reader, "offsetCommit", 5, {
    groupId: group, groupGenerationId: -1, memberId: "",
    topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "1" }] }, { topic: "secret", partitions: [{ partition: 0, offset: "1" }] }],
  });
  assert.equal(partitionCodes(commit.responses, "topic"), { orders: [0], secret: [TOPIC_AUTHORIZATION_FAILED] });
  assert.equal((await broker.groups.fetchOffsets(group)).map((c) => [c.topic, c.partition, c.offset]), [["orders", 0, 1]]);

  const onlySecret = await call(reader, "offsetCommit", 5, {
    groupId: group, groupGenerationId: -1, memberId: "",
    topics: [{ topic: "secret", partitions: [{ partition: 0, offset: "7" }] }],
  });
  assert.equal(partitionCodes(onlySecret.responses, "topic"), { secret: [TOPIC_AUTHORIZATION_FAILED] });
  assert.equal((await broker.groups.fetchOffsets(group)).map((c) => c.topic), ["orders"], "nothing more committed");
});

test("OffsetFetch: a named invisible topic gets TOPIC_AUTHORIZATION_FAILED; every-topic fetch leaves it out", async () => {
  const group = "readers-fetch";
  await broker.groups.commitOffsets(group, -1, "", [
    { topic: "orders", partition: 0, offset: 3, metadata: null },
    { topic: "secret", partition: 0, offset: 4, metadata: null },
  ]);
  const named = await call(reader, "offsetFetch", 4, { groupId: group, topics: ["orders", "secret"].map((topic) => ({ topic, partitions: [{ partition: 0 }] })) });
  assert.is(named.errorCode, 0);
  const byTopic = Object.fromEntries(named.responses.map((t: { topic: string; partitions: Array<{ offset: string; errorCode: number }> }) => [t.topic, [t.partitions[0]!.offset, t.partitions[0]!.errorCode]]));
  assert.equal(byTopic, { orders: ["3", 0], secret: ["-1", TOPIC_AUTHORIZATION_FAILED] });

  // Every topic (null array): kafkajs cannot encode it, so the body is written by hand.
  const allFrame = (principal: Principal) =>
    dispatch(requestFrame(apiKeys.OffsetFetch, 4, ++correlationId, (w) => {
      w.string(group);
      w.int32(-1);
    }), principal).then((body) => kafkajsDecode("offsetFetch", 4, body!) as Promise<{ errorCode: number; responses: Array<{ topic: string }> }>);
  const all = await allFrame(reader);
  assert.is(all.errorCode, 0);
  assert.equal(all.responses.map((t) => t.topic), ["orders"]);
  assert.equal((await allFrame(ops)).responses.map((t) => t.topic).sort(), ["orders", "secret"]);
});

test("ListGroups: only the groups the principal has a right on; cluster admin and no auth see all", async () => {
  await broker.groups.commitOffsets("readers-listed", -1, "", [{ topic: "orders", partition: 0, offset: 1, metadata: null }]);
  await broker.groups.commitOffsets("others-listed", -1, "", [{ topic: "orders", partition: 0, offset: 1, metadata: null }]);
  const listed = async (principal: Principal | null) =>
    ((await call(principal, "listGroups", 2, {})).groups as Array<{ groupId: string }>).map((g) => g.groupId).filter((g) => g.endsWith("-listed")).sort();
  assert.equal(await listed(reader), ["readers-listed"]);
  assert.equal(await listed(writer), []);
  assert.equal(await listed(ops), ["others-listed", "readers-listed"]);
  assert.equal(await listed(null), ["others-listed", "readers-listed"]);
});

test("InitProducerId: idempotent producing needs write on some topic, else CLUSTER_AUTHORIZATION_FAILED", async () => {
  const init = (principal: Principal | null) => call(principal, "initProducerId", 1, { transactionalId: null, transactionTimeout: 1000 });
  const refused = await init(reader);
  assert.is(refused.errorCode, CLUSTER_AUTHORIZATION_FAILED);
  assert.is(refused.producerId, "-1");
  const allowed = await init(writer);
  assert.is(allowed.errorCode, 0);
  assert.ok(Number(allowed.producerId) >= 0);
  assert.is((await init(ops)).errorCode, 0);
  assert.is((await init(null)).errorCode, 0);
});

test("a principal with the group right joins, syncs, heartbeats, commits and leaves", async () => {
  const group = "readers-live";
  assert.is((await call(reader, "findCoordinator", 2, { groupId: group, coordinatorKey: group, coordinatorType: 0 })).errorCode, 0);
  const joinArgs = { groupId: group, sessionTimeout: 10_000, rebalanceTimeout: 10_000, protocolType: "consumer", groupProtocols: [{ name: "range", metadata: new Uint8Array([0, 1]) }] };
  const first = await call(reader, "joinGroup", 5, { ...joinArgs, memberId: "" });
  assert.is(first.errorCode, 79, "MEMBER_ID_REQUIRED");
  const joined = await call(reader, "joinGroup", 5, { ...joinArgs, memberId: first.memberId });
  assert.is(joined.errorCode, 0);
  const { generationId, memberId } = joined;
  assert.is((await call(reader, "syncGroup", 3, { groupId: group, generationId, memberId, groupAssignment: [{ memberId, memberAssignment: new Uint8Array([1]) }] })).errorCode, 0);
  assert.is((await call(reader, "heartbeat", 3, { groupId: group, groupGenerationId: generationId, memberId })).errorCode, 0);
  const commit = await call(reader, "offsetCommit", 5, { groupId: group, groupGenerationId: generationId, memberId, topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "2" }] }] });
  assert.equal(partitionCodes(commit.responses, "topic"), { orders: [0] });
  assert.equal((await broker.groups.fetchOffsets(group)).map((c) => c.offset), [2]);
  const described = await call(reader, "describeGroups", 2, { groupIds: [group] });
  assert.is(described.groups[0].errorCode, 0);
  assert.is(described.groups[0].members.length, 1);
  assert.is((await call(reader, "leaveGroup", 3, { groupId: group, members: [{ memberId }] })).errorCode, 0);
});

test("cluster admin may do everything: produce and fetch any topic, create and delete, any group", async () => {
  const secret = await endOffset("secret");
  assert.equal(partitionCodes((await produce(ops, ["secret", "orders"], "admin")).topics), { secret: [0], orders: [0] });
  assert.is(await endOffset("secret"), secret + 1);
  const created = await call(ops, "createTopics", 3, { topics: [{ topic: "ops-made", numPartitions: 2, replicationFactor: 1 }], validateOnly: false, timeout: 1000 });
  assert.is(created.topicErrors[0].errorCode, 0);
  assert.is((await broker.describeTopic("ops-made")).partitions.length, 2);
  assert.is((await call(ops, "findCoordinator", 2, { groupId: "any-group", coordinatorKey: "any-group", coordinatorType: 0 })).errorCode, 0);
  const commit = await call(ops, "offsetCommit", 5, { groupId: "any-group", groupGenerationId: -1, memberId: "", topics: [{ topic: "ops-made", partitions: [{ partition: 1, offset: "5" }] }] });
  assert.equal(partitionCodes(commit.responses, "topic"), { "ops-made": [0] });
  assert.equal((await broker.groups.fetchOffsets("any-group")).map((c) => [c.topic, c.partition, c.offset]), [["ops-made", 1, 5]]);
  assert.is((await call(ops, "deleteTopics", 1, { topics: ["ops-made"], timeout: 1000 })).topicErrors[0].errorCode, 0);
  assert.not.ok((await broker.listTopics()).includes("ops-made"));
});

test("no auth file (principal null): every API behaves as before", async () => {
  const orders = await endOffset("orders");
  const secret = await endOffset("secret");
  assert.equal(partitionCodes((await produce(null, ["orders", "secret"], "open")).topics), { orders: [0], secret: [0] });
  assert.equal([await endOffset("orders"), await endOffset("secret")], [orders + 1, secret + 1]);
  const created = await call(null, "createTopics", 3, { topics: [{ topic: "open-made", numPartitions: 1, replicationFactor: 1 }], validateOnly: false, timeout: 1000 });
  assert.is(created.topicErrors[0].errorCode, 0);
  const auto = await call(null, "metadata", 6, { topics: ["open-auto"], allowAutoTopicCreation: true }, { autoCreateTopics: true });
  assert.is(auto.topicMetadata[0].topicErrorCode, 0);
  const missing = await call(null, "metadata", 6, { topics: ["open-missing"], allowAutoTopicCreation: false });
  assert.is(missing.topicMetadata[0].topicErrorCode, UNKNOWN_TOPIC_OR_PARTITION);
  const deleted = await call(null, "deleteTopics", 1, { topics: ["open-made", "open-auto"], timeout: 1000 });
  assert.equal(topicCodes(deleted), { "open-made": 0, "open-auto": 0 });
  assert.is((await call(null, "findCoordinator", 2, { groupId: "g", coordinatorKey: "g", coordinatorType: 0 })).errorCode, 0);
  const commit = await call(null, "offsetCommit", 5, { groupId: "open-group", groupGenerationId: -1, memberId: "", topics: [{ topic: "secret", partitions: [{ partition: 0, offset: "1" }] }] });
  assert.equal(partitionCodes(commit.responses, "topic"), { secret: [0] });
  assert.equal((await broker.groups.fetchOffsets("open-group")).map((c) => c.offset), [1]);
});

test.run();
