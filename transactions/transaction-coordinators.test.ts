import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { storedBatches, whenState } from "../test/support/transactions.ts";
import { Broker } from "./broker.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "./transaction-log.ts";

const utf8 = new TextEncoder();

async function rejects(promise: Promise<unknown>, code: string): Promise<RivuletError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  assert.instance(error, RivuletError, `expected ${code}`);
  assert.is((error as RivuletError).code, code);
  return error as RivuletError;
}

function txBatch(producerId: number, producerEpoch: number, baseSequence: number, values: string[]): Uint8Array {
  return encodeRecordBatch(values.map((v) => ({ key: null, value: utf8.encode(v), headers: [], timestamp: Date.now() })), { producerId, producerEpoch, baseSequence, transactional: true });
}

test("transactionPartitionFor is Kafka's abs(String.hashCode) % partitions", () => {
  assert.is(transactionPartitionFor("", 50), 0);
  assert.is(transactionPartitionFor("a", 50), 97 % 50);
  assert.is(transactionPartitionFor("hello", 50), 99162322 % 50);
  assert.is(transactionPartitionFor("hello world", 7), 1794106052 % 7);
  // String.hashCode values as Java computes them ("zzzzzzzzzz" and "payments-writer" are negative)
  assert.is(transactionPartitionFor("zzzzzzzzzz", 50), 1_580_979_136 % 50, "a negative hash is made positive");
  assert.is(transactionPartitionFor("payments-writer", 50), 1_802_697_965 % 50);
  assert.is(transactionPartitionFor("polygenelubricants", 50), 0, "Integer.MIN_VALUE counts as 0, as Kafka's Utils.abs");
  assert.is(transactionPartitionFor("anything", 1), 0);
});

test("a cluster member coordinates only the partitions it was given, at their epochs: markers carry the epoch, others get not_coordinator, a resigned partition stops and its next leader recovers it", async () => {
  const dir = tempDir();
  const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2, transactionCoordination: "cluster" });
  try {
    await broker.createTopic("t", { partitions: 2 });
    const partitions = broker.topicConfig(TRANSACTION_STATE_TOPIC).partitions;
    assert.is(partitions, broker.limits.transactionStatePartitions, "a cluster member's __transaction_state has transactionStatePartitions partitions");
    const c = broker.transactions;
    const ids = Array.from({ length: 30 }, (_, i) => `tx-${i}`);
    const mine = ids.find((id) => transactionPartitionFor(id, partitions) === 1)!;
    const other = ids.find((id) => transactionPartitionFor(id, partitions) !== 1)!;
    await rejects(c.initProducerId({ transactionalId: mine, transactionTimeoutMs: 60_000 }), "not_coordinator");

    c.becomeLeader(1, 4);
    assert.equal(c.owned(), [{ partition: 1, coordinatorEpoch: 4 }]);
    await rejects(c.initProducerId({ transactionalId: other, transactionTimeoutMs: 60_000 }), "not_coordinator");
    const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: mine, transactionTimeoutMs: 60_000 });
    const tx = { transactionalId: mine, producerId, producerEpoch };
    await c.addPartitions(tx, [{ topic: "t", partition: 0 }]);
    await broker.appendBatch("t", 0, txBatch(producerId, producerEpoch, 0, ["committed"]));
    await c.endTxn(tx, true);
    assert.equal((await storedBatches(broker, "t", 0)).map((b) => [b.marker ?? b.values.join(), b.coordinatorEpoch ?? null]), [["committed", null], ["commit", 4]]);
    assert.equal((await storedBatches(broker, TRANSACTION_STATE_TOPIC, 1)).length > 0, true, "the id's state is in its partition");
    assert.equal(await storedBatches(broker, TRANSACTION_STATE_TOPIC, 0), [], "and not in another");

    // an open transaction, then the partition moves away
    await c.addPartitions(tx, [{ topic: "t", partition: 1 }]);
    await broker.appendBatch("t", 1, txBatch(producerId, producerEpoch, 0, ["open"]));
    await c.resign(1);
    assert.equal(c.owned(), []);
    await rejects(c.endTxn(tx, true), "not_coordinator");
    assert.is(c.describe(mine), undefined, "a resigned coordinator shows nothing");

    // its next leadership (a newer epoch) loads the open transaction; a new producer's InitProducerId aborts it under that epoch
    c.becomeLeader(1, 5);
    await c.load();
    assert.is(c.describe(mine)!.state, "Ongoing");
    const aborted = whenState(c, mine, "CompleteAbort");
    const next = await c.initProducerId({ transactionalId: mine, transactionTimeoutMs: 60_000 });
    assert.is(next.producerEpoch, producerEpoch + 2, "fenced: one bump for the abort, one for the new producer");
    await aborted;
    assert.equal((await storedBatches(broker, "t", 1)).map((b) => [b.marker ?? b.values.join(), b.coordinatorEpoch ?? null]), [["open", null], ["abort", 5]]);
    await rejects(c.endTxn(tx, true), "producer_fenced");
  } finally {
    await broker.close();
    dir.remove();
  }
});

test("a broker alone coordinates every id at epoch 0", async () => {
  const dir = tempDir();
  const broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2 });
  try {
    assert.equal(broker.transactions.owned(), [{ partition: 0, coordinatorEpoch: 0 }]);
    assert.ok(broker.transactions.coordinates("any-id"));
  } finally {
    await broker.close();
    dir.remove();
  }
});

test.run();
