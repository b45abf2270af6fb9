import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { storedBatches, whenState } from "../test/support/transactions.ts";
import { Broker } from "./broker.ts";
import { TransactionLog, type TransactionStore } from "./transaction-log.ts";
import { TransactionCoordinator } from "./transaction-coordinator.ts";
import { defaultLimits } from "../core/limits.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

const utf8 = new TextEncoder();

async function rejects(promise: Promise<unknown>, code: string): Promise<RivuletError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.instance(error, RivuletError, `expected ${code}`);
  assert.is((error as RivuletError).code, code);
  return error as RivuletError;
}

/** A transactional batch of `values` as a Kafka client sends it. */
function txBatch(producerId: number, producerEpoch: number, baseSequence: number, values: string[]): Uint8Array {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: utf8.encode(v), headers: [], timestamp: Date.now() })), { producerId, producerEpoch, baseSequence, transactional: true });
}

async function withBroker(run: (broker: Broker, dir: string) => Promise<void>, dir = tempDir()): Promise<void> {
  const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2 });
  try {
    await run(broker, dir.dir);
  } finally {
    await broker.close();
    dir.remove();
  }
}

test("a transaction goes Empty → Ongoing → PrepareCommit → CompleteCommit, with a commit marker on every partition", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("t", { partitions: 2 });
    const c = broker.transactions;
    const seen: string[] = [];
    c.onChange((m) => m.transactionalId === "tx-a" && seen.push(m.state));
    const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: "tx-a", transactionTimeoutMs: 60_000 });
    assert.is(producerEpoch, 0);
    const tx = { transactionalId: "tx-a", producerId, producerEpoch };
    await c.addPartitions(tx, [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }, { topic: "t", partition: 0 }]);
    assert.equal(c.describe("tx-a")!.partitions, [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }]);
    c.checkProduce(tx, "t", 0);
    await broker.appendBatch("t", 0, txBatch(producerId, producerEpoch, 0, ["a", "b"]));
    await broker.appendBatch("t", 1, txBatch(producerId, producerEpoch, 0, ["c"]));
    await c.endTxn(tx, true);
    assert.equal(seen, ["Empty", "Ongoing", "PrepareCommit", "CompleteCommit"]);
    const meta = c.describe("tx-a")!;
    assert.equal([meta.state, meta.partitions, meta.startedAt], ["CompleteCommit", [], -1]);
    for (const partition of [0, 1]) {
      const batches = await storedBatches(broker, "t", partition);
      assert.is(batches.length, 2);
      assert.equal([batches[0].transactional, batches[0].marker], [true, null]);
      assert.equal([batches[1].marker, batches[1].producerId, batches[1].producerEpoch, batches[1].coordinatorEpoch], ["commit", producerId, producerEpoch, 0]);
    }
    await c.endTxn(tx, true); // a retried EndTxn after completion succeeds
    await rejects(c.endTxn(tx, false), "invalid_txn_state");
    // A new transaction under the same epoch continues the partition's sequence.
    await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
    await broker.appendBatch("t", 0, txBatch(producerId, producerEpoch, 2, ["d"]));
    await c.endTxn(tx, false);
    const batches = await storedBatches(broker, "t", 0);
    assert.equal(batches.map((b) => b.marker ?? b.values.join()), ["a,b", "commit", "d", "abort"]);
  });
});

test("requests out of turn are refused with typed errors", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("t");
    const c = broker.transactions;
    await rejects(c.initProducerId({ transactionalId: "tx", transactionTimeoutMs: broker.limits.transactionTimeoutMsMax + 1 }), "invalid_transaction_timeout");
    await rejects(c.initProducerId({ transactionalId: "", transactionTimeoutMs: 1000 }), "invalid_request");
    const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 60_000 });
    const tx = { transactionalId: "tx", producerId, producerEpoch };
    await rejects(c.endTxn(tx, true), "invalid_txn_state"); // nothing open
    await rejects(c.addPartitions({ ...tx, producerId: producerId + 1000 }, [{ topic: "t", partition: 0 }]), "invalid_producer_id_mapping");
    await rejects(c.addPartitions({ ...tx, transactionalId: "other" }, [{ topic: "t", partition: 0 }]), "invalid_producer_id_mapping");
    assert.throws(() => c.checkProduce(tx, "t", 0), (e: RivuletError) => e.code === "invalid_txn_state");
    await c.addOffsets(tx, "g");
    await rejects(c.txnOffsetCommit(tx, "other-group", [{ topic: "t", partition: 0, offset: 1 }]), "invalid_txn_state");
    await rejects(c.txnOffsetCommit(tx, "g", [{ topic: "t", partition: 0, offset: -5 }]), "invalid_offset");
    assert.throws(() => c.checkProduce(tx, "t", 0), (e: RivuletError) => e.code === "invalid_txn_state", "the group's offsets are not a data partition");
    await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
    c.checkProduce(tx, "t", 0);
    await c.endTxn(tx, false);
  });
});

test("InitProducerId fences the previous producer and aborts its open transaction under a bumped epoch", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("t");
    const c = broker.transactions;
    const first = await c.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 60_000 });
    const old = { transactionalId: "tx", ...first };
    await c.addPartitions(old, [{ topic: "t", partition: 0 }]);
    await broker.appendBatch("t", 0, txBatch(first.producerId, first.producerEpoch, 0, ["zombie"]));
    const second = await c.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 60_000 });
    assert.is(second.producerId, first.producerId);
    assert.is(second.producerEpoch, first.producerEpoch + 2, "one bump for the abort, one for the new producer");
    assert.is(c.describe("tx")!.state, "Empty");
    const batches = await storedBatches(broker, "t", 0);
    assert.equal(batches.map((b) => [b.marker ?? b.values.join(), b.producerEpoch]), [["zombie", 0], ["abort", 1]]);
    await rejects(c.addPartitions(old, [{ topic: "t", partition: 0 }]), "producer_fenced");
    await rejects(c.endTxn(old, true), "producer_fenced");
    assert.throws(() => c.checkProduce(old, "t", 0), (e: RivuletError) => e.code === "producer_fenced");
    // A v3+ client naming a stale epoch is fenced too.
    await rejects(c.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 1000, producerId: first.producerId, producerEpoch: first.producerEpoch }), "producer_fenced");
  });
});

test("a principal may not use a transactional id another principal owns", async () => {
  await withBroker(async (broker) => {
    const c = broker.transactions;
    const mine = await c.initProducerId({ transactionalId: "owned", transactionTimeoutMs: 1000, principal: "alice" });
    await rejects(c.initProducerId({ transactionalId: "owned", transactionTimeoutMs: 1000, principal: "mallory" }), "forbidden");
    await rejects(c.addOffsets({ transactionalId: "owned", ...mine, principal: "mallory" }, "g"), "forbidden");
    await c.initProducerId({ transactionalId: "owned", transactionTimeoutMs: 1000, principal: "alice" });
    await c.initProducerId({ transactionalId: "owned", transactionTimeoutMs: 1000 }); // no auth file, or cluster admin
  });
});

test("transaction.timeout.ms aborts a forgotten transaction and fences its producer", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("t");
    const c = broker.transactions;
    const id = await c.initProducerId({ transactionalId: "slow", transactionTimeoutMs: 100 });
    const tx = { transactionalId: "slow", ...id };
    await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
    await broker.appendBatch("t", 0, txBatch(id.producerId, id.producerEpoch, 0, ["late"]));
    const aborted = await whenState(c, "slow", "CompleteAbort");
    assert.is(aborted.producerEpoch, id.producerEpoch + 1);
    await rejects(c.endTxn(tx, true), "producer_fenced");
    await rejects(c.addPartitions(tx, [{ topic: "t", partition: 0 }]), "producer_fenced");
    await c.endTxn(tx, false); // KIP-360: its own abort, already done
    const batches = await storedBatches(broker, "t", 0);
    assert.equal(batches.map((b) => b.marker ?? b.values.join()), ["late", "abort"]);
    // ... and it may re-initialize naming its old epoch (a new producer would be refused that).
    const next = await c.initProducerId({ transactionalId: "slow", transactionTimeoutMs: 60_000, producerId: id.producerId, producerEpoch: id.producerEpoch });
    assert.is(next.producerEpoch, id.producerEpoch + 2);
    await rejects(c.initProducerId({ transactionalId: "slow", transactionTimeoutMs: 60_000, producerId: id.producerId, producerEpoch: id.producerEpoch }), "producer_fenced");
  });
});

test("TxnOffsetCommit offsets reach the group only when the transaction commits; an abort drops them", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("in", { partitions: 2 });
    await broker.createTopic("out");
    const c = broker.transactions;
    const id = await c.initProducerId({ transactionalId: "ctp", transactionTimeoutMs: 60_000 });
    const tx = { transactionalId: "ctp", ...id };
    const fetched = async () => (await broker.groups.fetchOffsets("g", [{ topic: "in", partition: 0 }, { topic: "in", partition: 1 }])).map((o) => o.offset);
    await c.addOffsets(tx, "g");
    await c.txnOffsetCommit(tx, "g", [{ topic: "in", partition: 0, offset: 5 }, { topic: "in", partition: 1, offset: 7 }]);
    await c.txnOffsetCommit(tx, "g", [{ topic: "in", partition: 0, offset: 6, metadata: "m" }]);
    assert.equal(await fetched(), [-1, -1], "not visible while the transaction is open");
    await c.endTxn(tx, false);
    assert.equal(await fetched(), [-1, -1], "dropped by the abort");
    await c.addOffsets(tx, "g");
    await c.txnOffsetCommit(tx, "g", [{ topic: "in", partition: 0, offset: 6, metadata: "m" }, { topic: "in", partition: 1, offset: 7 }]);
    assert.equal(await fetched(), [-1, -1]);
    await c.endTxn(tx, true);
    assert.equal(await fetched(), [6, 7]);
    assert.is((await broker.groups.fetchOffsets("g", [{ topic: "in", partition: 0 }]))[0].metadata, "m");
  });
});

test("TxnOffsetCommit from a consumer that names its generation is checked against the group (KIP-447)", async () => {
  await withBroker(async (broker) => {
    await broker.createTopic("in");
    const c = broker.transactions;
    const id = await c.initProducerId({ transactionalId: "kip447", transactionTimeoutMs: 60_000 });
    const tx = { transactionalId: "kip447", ...id };
    const member = await broker.groups.joinManaged("members", ["in"]);
    await c.addOffsets(tx, "members");
    const offsets = [{ topic: "in", partition: 0, offset: 4 }];
    await rejects(c.txnOffsetCommit(tx, "members", offsets, { generationId: member.generation + 1, memberId: member.memberId }), "illegal_generation");
    await rejects(c.txnOffsetCommit(tx, "members", offsets, { generationId: member.generation, memberId: "zombie" }), "unknown_member");
    await c.txnOffsetCommit(tx, "members", offsets, { generationId: member.generation, memberId: member.memberId });
    await c.endTxn(tx, true);
    assert.is((await broker.groups.fetchOffsets("members", [{ topic: "in", partition: 0 }]))[0].offset, 4);
  });
});

test("recovery after a restart completes a PrepareCommit transaction (markers and offsets) and aborts an Ongoing one", async () => {
  const dir = tempDir();
  let producerIds: number[] = [];
  {
    const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2 });
    await broker.createTopic("t", { partitions: 2 });
    const c = broker.transactions;
    const a = await c.initProducerId({ transactionalId: "prepared", transactionTimeoutMs: 60_000 });
    const b = await c.initProducerId({ transactionalId: "ongoing", transactionTimeoutMs: 200 });
    producerIds = [a.producerId, b.producerId];
    await c.addPartitions({ transactionalId: "ongoing", ...b }, [{ topic: "t", partition: 1 }]);
    await broker.appendBatch("t", 1, txBatch(b.producerId, b.producerEpoch, 0, ["open"]));
    await broker.appendBatch("t", 0, txBatch(a.producerId, a.producerEpoch, 0, ["decided"]));
    // The state a crash right after writing PrepareCommit leaves: the decision stored, no marker, no offsets.
    const now = Date.now();
    const prepared: TransactionMetadata = {
      transactionalId: "prepared", producerId: a.producerId, producerEpoch: a.producerEpoch, timeoutMs: 60_000, state: "PrepareCommit",
      partitions: [{ topic: "t", partition: 0 }], groups: ["g"], offsets: [{ groupId: "g", topic: "t", partition: 1, offset: 3, metadata: null }],
      startedAt: now, updatedAt: now, lastProducerEpoch: -1, owner: null,
    };
    await new TransactionLog(broker, broker.producer()).write([prepared]);
    await broker.close();
  }
  await withBroker(async (broker) => {
    const c = broker.transactions;
    const committed = await whenState(c, "prepared", "CompleteCommit");
    assert.is(committed.producerId, producerIds[0]);
    const aborted = await whenState(c, "ongoing", "CompleteAbort");
    assert.is(aborted.producerEpoch, 1, "the forgotten producer is fenced");
    assert.equal((await storedBatches(broker, "t", 0)).map((b) => b.marker ?? b.values.join()), ["decided", "commit"]);
    assert.equal((await storedBatches(broker, "t", 1)).map((b) => b.marker ?? b.values.join()), ["open", "abort"]);
    assert.is((await broker.groups.fetchOffsets("g", [{ topic: "t", partition: 1 }]))[0].offset, 3);
  }, dir);
});

test("markers that cannot be written are retried: the outcome stands, the id answers concurrent_transactions until they are", async () => {
  const dir = tempDir();
  const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 3, faultInjection: true, limits: { transactionMarkerRetryMs: 20 } });
  try {
    await broker.createTopic("healthy");
    await broker.createTopic("doomed");
    const workerOf = async (topic: string) => (await broker.describeTopic(topic)).partitions[0].worker;
    const doomedWorker = await workerOf("doomed");
    assert.ok(doomedWorker !== await workerOf("healthy") && doomedWorker !== await workerOf("__transaction_state"), "the broken worker hosts neither the healthy topic nor the coordinator's state");
    const c = broker.transactions;
    const id = await c.initProducerId({ transactionalId: "stuck", transactionTimeoutMs: 60_000 });
    const tx = { transactionalId: "stuck", ...id };
    await c.addPartitions(tx, [{ topic: "healthy", partition: 0 }, { topic: "doomed", partition: 0 }]);
    await broker.faults.breakPartition("doomed", 0);
    await c.endTxn(tx, true); // the decision is durable: answered although a marker is missing
    assert.is(c.describe("stuck")!.state, "PrepareCommit");
    await rejects(c.initProducerId({ transactionalId: "stuck", transactionTimeoutMs: 60_000 }), "concurrent_transactions");
    await rejects(c.addPartitions(tx, [{ topic: "healthy", partition: 0 }]), "concurrent_transactions");
    await rejects(c.endTxn(tx, true), "concurrent_transactions");
    // A deleted topic's marker has nowhere to go: the next try completes without it.
    await broker.deleteTopic("doomed");
    await whenState(c, "stuck", "CompleteCommit");
    assert.equal((await storedBatches(broker, "healthy", 0)).map((b) => b.marker), ["commit"], "the healthy partition got its marker once");
  } finally {
    await broker.close();
    dir.remove();
  }
});

test("past transactionalIdsMax the least recently used finished ids are forgotten", async () => {
  const dir = tempDir();
  const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 1, limits: { transactionalIdsMax: 2 } });
  try {
    const c = broker.transactions;
    await c.initProducerId({ transactionalId: "a", transactionTimeoutMs: 1000 });
    await c.initProducerId({ transactionalId: "b", transactionTimeoutMs: 1000 });
    await c.initProducerId({ transactionalId: "c", transactionTimeoutMs: 1000 });
    assert.equal(c.list().map((m) => m.transactionalId).sort(), ["b", "c"]);
  } finally {
    await broker.close();
    dir.remove();
  }
});

/** A store in memory that notes every record written and tells who waits for a state. */
function memoryStore() {
  const written: string[] = [];
  const latest = new Map<string, TransactionMetadata>();
  const waiting: Array<{ state: string; resolve(): void }> = [];
  const store: TransactionStore = {
    load: async () => [...latest.values()],
    write: async (changes) => {
      for (const change of changes) {
        if (typeof change === "string") {
          latest.delete(change);
          written.push(`${change}:tombstone`);
          continue;
        }
        latest.set(change.transactionalId, structuredClone(change));
        written.push(`${change.transactionalId}:${change.state}`);
        for (const w of waiting.splice(0).filter((x) => (x.state === change.state ? (x.resolve(), false) : true))) waiting.push(w);
      }
    },
  };
  const whenWritten = (state: string) => new Promise<void>((resolve) => waiting.push({ state, resolve }));
  return { store, written, whenWritten };
}

function memoryCoordinator(store: TransactionStore, limits: Partial<typeof defaultLimits>): TransactionCoordinator {
  let ids = 0;
  return new TransactionCoordinator({
    store,
    limits: { ...defaultLimits, ...limits },
    host: {
      coordinatorEpoch: 0,
      writeTxnMarkers: async () => {},
      allocateProducerId: async () => ++ids,
      commitTransactionOffsets: async () => {},
      checkGroupMember: async () => {},
      partitionsOf: () => 1,
    },
  });
}

test("Complete* is written transactionCompleteWriteDelayMs after the markers, unless the id's next change supersedes it; one still waiting at close is completed again by the next load", async () => {
  const { store, written, whenWritten } = memoryStore();
  const c = memoryCoordinator(store, { transactionCompleteWriteDelayMs: 50 });
  const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: "late", transactionTimeoutMs: 60_000 });
  const tx = { transactionalId: "late", producerId, producerEpoch };
  await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
  await c.endTxn(tx, true);
  assert.is(c.describe("late")!.state, "CompleteCommit", "visible at once");
  // the next transaction starts before the delay: its Ongoing record takes CompleteCommit's place
  await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
  const aborted = whenWritten("CompleteAbort");
  await c.endTxn(tx, false);
  await aborted;
  assert.equal(written, ["late:Empty", "late:Ongoing", "late:PrepareCommit", "late:Ongoing", "late:PrepareAbort", "late:CompleteAbort"]);
  await c.close();
  const reloaded = memoryCoordinator(store, {});
  await reloaded.load();
  assert.is(reloaded.describe("late")!.state, "CompleteAbort");
  await reloaded.close();

  const held = memoryStore();
  const closing = memoryCoordinator(held.store, { transactionCompleteWriteDelayMs: 3_600_000 });
  const second = await closing.initProducerId({ transactionalId: "held", transactionTimeoutMs: 60_000 });
  const heldTx = { transactionalId: "held", ...second };
  await closing.addPartitions(heldTx, [{ topic: "t", partition: 0 }]);
  await closing.endTxn(heldTx, true);
  await closing.close();
  assert.equal(held.written, ["held:Empty", "held:Ongoing", "held:PrepareCommit"], "close does not write the waiting Complete* record");
  const next = memoryCoordinator(held.store, { transactionCompleteWriteDelayMs: 1 });
  const completed = held.whenWritten("CompleteCommit");
  await next.load();
  await completed;
  assert.is(next.describe("held")!.state, "CompleteCommit", "the next load completes the transaction again");
  await next.close();
});

test.run();
