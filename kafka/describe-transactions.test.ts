/**
 * DescribeTransactions (65) and ListTransactions (66) on a real listener, requests encoded and
 * answers parsed by @platformatic/kafka's admin codecs (what `kafka-transactions.sh` sends).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";
import { pltBody, pltParse } from "../test/support/kafka/protocol/platformatic.ts";

let h: Harness;
let client: RawClient;
let correlation = 0;

test.before(async () => {
  h = await startHarness();
  await h.broker.createTopic("described", { partitions: 2 });
  client = await RawClient.connect(h.listener.port);
});

test.after(async () => {
  client.close();
  await h.close();
});

async function call(apiKey: number, version: number, body: Uint8Array): Promise<Uint8Array> {
  const id = ++correlation;
  client.send(requestFrame(apiKey, version, id, (w) => w.raw(body)));
  const frame = await client.next(10_000);
  assert.ok(frame, "answered");
  assert.is(correlationOf(frame), id);
  return frame.subarray(5);
}

/** @platformatic/kafka's parse; a response with error codes comes back as the error's `response`. */
function parsed<T>(name: string, apiKey: number, body: Uint8Array): T {
  try {
    return pltParse(name, apiKey, 0, body) as T;
  } catch (error) {
    const response = (error as { response?: T }).response;
    if (response === undefined) throw error;
    return response;
  }
}

interface Described { transactionStates: Array<{ errorCode: number; transactionalId: string; transactionState: string; transactionTimeoutMs: number; transactionStartTimeMs: bigint; producerId: bigint; producerEpoch: number; topics: Array<{ topic: string; partitions: number[] }> }> }
interface Listed { errorCode: number; unknownStateFilters: string[]; transactionStates: Array<{ transactionalId: string; producerId: bigint; transactionState: string }> }

test("DescribeTransactions shows an open transaction's state, partitions and start; TRANSACTIONAL_ID_NOT_FOUND for an unknown id", async () => {
  const c = h.broker.transactions;
  const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: "d-open", transactionTimeoutMs: 45_000 });
  const before = Date.now();
  await c.addPartitions({ transactionalId: "d-open", producerId, producerEpoch }, [{ topic: "described", partition: 1 }, { topic: "described", partition: 0 }]);
  const answer = parsed<Described>("describeTransactionsV0", 65, await call(65, 0, pltBody("describeTransactionsV0", ["d-open", "d-nobody"])));
  const [open, unknown] = answer.transactionStates;
  assert.equal([open.errorCode, open.transactionalId, open.transactionState, open.transactionTimeoutMs, open.producerId, open.producerEpoch], [0, "d-open", "Ongoing", 45_000, BigInt(producerId), producerEpoch]);
  assert.equal(open.topics, [{ topic: "described", partitions: [1, 0] }]);
  assert.ok(Number(open.transactionStartTimeMs) >= before - 1_000, "the transaction's start");
  assert.equal([unknown.errorCode, unknown.transactionalId], [105, "d-nobody"]);
});

test("ListTransactions lists the coordinated ids, filtered by state and producer id; unknown state filters are named", async () => {
  const c = h.broker.transactions;
  const done = await c.initProducerId({ transactionalId: "l-done", transactionTimeoutMs: 60_000 });
  await c.addPartitions({ transactionalId: "l-done", ...done }, [{ topic: "described", partition: 0 }]);
  await c.endTxn({ transactionalId: "l-done", ...done }, false);
  const all = parsed<Listed>("listTransactionsV0", 66, await call(66, 0, pltBody("listTransactionsV0", [], [])));
  const byId = new Map(all.transactionStates.map((t) => [t.transactionalId, t]));
  assert.is(byId.get("l-done")?.transactionState, "CompleteAbort");
  assert.is(byId.get("l-done")?.producerId, BigInt(done.producerId));
  const aborted = parsed<Listed>("listTransactionsV0", 66, await call(66, 0, pltBody("listTransactionsV0", ["CompleteAbort", "Bogus"], [])));
  assert.equal(aborted.unknownStateFilters, ["Bogus"]);
  assert.ok(aborted.transactionStates.every((t) => t.transactionState === "CompleteAbort") && aborted.transactionStates.some((t) => t.transactionalId === "l-done"));
  const byProducer = parsed<Listed>("listTransactionsV0", 66, await call(66, 0, pltBody("listTransactionsV0", [], [BigInt(done.producerId)])));
  assert.equal(byProducer.transactionStates.map((t) => t.transactionalId), ["l-done"]);
});

test.run();
