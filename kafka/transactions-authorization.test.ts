/**
 * Authorization of the transaction APIs at the handler level (real frames through
 * `dispatchFrame`, real principals, a real broker): using transactional ids needs `write` on
 * some topic, an id belongs to the principal that first initializes it (cluster admin excepted),
 * the transaction's topics need `write`, its groups the group right and its offsets' topics `read`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../auth/authenticator.ts";
import type { Principal } from "../auth/rights.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { Broker } from "../transactions/broker.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { kafkajsDecode, kafkajsFrame } from "../test/support/kafka/protocol/kafkajs.ts";
import { requestFrame } from "../test/support/kafka/raw-client.ts";
import { dispatchFrame, type ConnectionContext } from "./dispatch.ts";
import { decodeResponseHeader } from "./protocol/header.ts";
import { Reader } from "./protocol/reader.ts";

const TOPIC_AUTHORIZATION_FAILED = 29;
const GROUP_AUTHORIZATION_FAILED = 30;
const TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53;
const OPERATION_NOT_ATTEMPTED = 55;

const auth = new Authenticator({
  tokens: [
    { name: "reader", token: "reader-secret-1", rights: [{ access: "read", topics: "orders" }, { access: "read", groups: "readers" }] },
    { name: "writer", token: "writer-secret-1", rights: [{ access: "write", topics: "orders" }, { access: "read", topics: "orders" }, { access: "read", groups: "writers" }] },
    { name: "other", token: "other-secret-1", rights: [{ access: "write", topics: "orders" }] },
    { name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] },
  ],
});
const reader = auth.bearer("Bearer reader-secret-1");
const writer = auth.bearer("Bearer writer-secret-1");
const other = auth.bearer("Bearer other-secret-1");
const ops = auth.bearer("Bearer ops-secret-123");

let broker: Broker;
let removeDir: () => void;
let correlationId = 0;

test.before(async () => {
  const tmp = tempDir("rivulet-txn-authz-");
  removeDir = tmp.remove;
  broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  await broker.createTopic("orders");
  await broker.createTopic("secret");
});

test.after(async () => {
  await broker.close();
  removeDir();
});

async function dispatch(frame: Uint8Array, principal: Principal | null): Promise<Uint8Array> {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const context: ConnectionContext = { broker, nodeId: 1, host: "127.0.0.1", port: 9092, clientHost: "/127.0.0.1", autoCreateTopics: false, defaultPartitions: 1, principal, auth: null };
  const outcome = await dispatchFrame(frame.subarray(4), context);
  if (outcome.kind !== "reply") throw new Error(`no response: ${outcome.kind}`);
  const bytes = new Uint8Array(outcome.chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of outcome.chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  const r = new Reader(bytes, 4);
  decodeResponseHeader(r, view.getInt16(4), view.getInt16(6));
  return bytes.subarray(r.offset);
}

// deno-lint-ignore no-explicit-any
async function call(principal: Principal | null, api: string, version: number, args: object): Promise<any> {
  return kafkajsDecode(api, version, await dispatch(await kafkajsFrame(api, version, args, ++correlationId, "txn-authz"), principal));
}

const init = (principal: Principal | null, transactionalId: string) => call(principal, "initProducerId", 1, { transactionalId, transactionTimeout: 60_000 });
const ids = (response: { producerId: string; producerEpoch: number }) => ({ producerId: response.producerId, producerEpoch: response.producerEpoch });

test("FindCoordinator for a transactional id and InitProducerId need write on some topic, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED", async () => {
  const find = (principal: Principal) => call(principal, "findCoordinator", 2, { coordinatorKey: "w-tx", coordinatorType: 1 });
  assert.is((await find(reader)).errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.is((await find(writer)).errorCode, 0);
  assert.is((await init(reader, "r-tx")).errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.is(broker.transactions.describe("r-tx"), undefined, "nothing registered");
});

test("a transactional id belongs to the principal that first initialized it; cluster admin may take it over", async () => {
  const mine = await init(writer, "w-owned");
  assert.is(mine.errorCode, 0);
  assert.is((await init(other, "w-owned")).errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const args = { transactionalId: "w-owned", ...ids(mine) };
  assert.is((await call(other, "endTxn", 1, { ...args, transactionResult: false })).errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const added = await call(other, "addPartitionsToTxn", 1, { ...args, topics: [{ topic: "orders", partitions: [0] }] });
  assert.is(added.errors[0].partitionErrors[0].errorCode, TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.is(broker.transactions.describe("w-owned")!.producerEpoch, 0, "not fenced by the other principal");
  const taken = await init(ops, "w-owned");
  assert.is(taken.errorCode, 0);
  assert.is(taken.producerEpoch, 1);
});

test("AddPartitionsToTxn needs write on each topic: refused topics get TOPIC_AUTHORIZATION_FAILED, the rest OPERATION_NOT_ATTEMPTED", async () => {
  const mine = await init(writer, "w-partitions");
  const added = await call(writer, "addPartitionsToTxn", 1, { transactionalId: "w-partitions", ...ids(mine), topics: [{ topic: "orders", partitions: [0] }, { topic: "secret", partitions: [0] }] });
  const codes = Object.fromEntries(added.errors.map((e: { topic: string; partitionErrors: Array<{ errorCode: number }> }) => [e.topic, e.partitionErrors[0].errorCode]));
  assert.equal(codes, { orders: OPERATION_NOT_ATTEMPTED, secret: TOPIC_AUTHORIZATION_FAILED });
  assert.is(broker.transactions.describe("w-partitions")!.state, "Empty", "nothing was added");
});

test("AddOffsetsToTxn needs the group right; TxnOffsetCommit also read on the topics", async () => {
  const mine = await init(writer, "w-offsets");
  const args = { transactionalId: "w-offsets", ...ids(mine) };
  assert.is((await call(writer, "addOffsetsToTxn", 1, { ...args, groupId: "readers" })).errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.is((await call(writer, "addOffsetsToTxn", 1, { ...args, groupId: "writers" })).errorCode, 0);
  const committed = await call(writer, "txnOffsetCommit", 1, { ...args, groupId: "writers", topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "4" }] }, { topic: "secret", partitions: [{ partition: 0, offset: "4" }] }] });
  const codes = Object.fromEntries(committed.topics.map((t: { topic: string; partitions: Array<{ errorCode: number }> }) => [t.topic, t.partitions[0].errorCode]));
  assert.equal(codes, { orders: 0, secret: TOPIC_AUTHORIZATION_FAILED });
  const refusedGroup = await call(writer, "txnOffsetCommit", 1, { ...args, groupId: "readers", topics: [{ topic: "orders", partitions: [{ partition: 0, offset: "4" }] }] });
  assert.is(refusedGroup.topics[0].partitions[0].errorCode, GROUP_AUTHORIZATION_FAILED);
  assert.is((await call(writer, "endTxn", 1, { ...args, transactionResult: true })).errorCode, 0);
  assert.equal((await broker.groups.fetchOffsets("writers", [{ topic: "orders", partition: 0 }, { topic: "secret", partition: 0 }])).map((o) => o.offset), [4, -1]);
});

test("a transactional Produce under another principal's transactional id is refused and writes nothing", async () => {
  const mine = await init(writer, "w-produce");
  const producerId = Number(mine.producerId);
  assert.is((await call(writer, "addPartitionsToTxn", 1, { transactionalId: "w-produce", ...ids(mine), topics: [{ topic: "orders", partitions: [0] }] })).errorCode ?? 0, 0);
  const before = await broker.listOffset("orders", 0, "latest");
  const produce = async (principal: Principal) => {
    const batch = encodeRecordBatch([{ key: null, value: new TextEncoder().encode("tx"), headers: [], timestamp: Date.now() }], { producerId, producerEpoch: mine.producerEpoch, baseSequence: 0, transactional: true });
    const frame = requestFrame(0, 7, ++correlationId, (w) => w.nullableString("w-produce").int16(-1).int32(1000).array([0], (t) => t.string("orders").array([0], (p) => p.int32(0).nullableBytes(batch))));
    const decoded = await kafkajsDecode("produce", 7, await dispatch(frame, principal)) as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
    return decoded.topics[0].partitions[0].errorCode;
  };
  assert.is(await produce(other), TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.is(await broker.listOffset("orders", 0, "latest"), before);
  assert.is(await produce(writer), 0);
});

test.run();
