/**
 * `POST /v1/topics/{t}/partitions/{p}/batches` on a broker alone checks transactional batches
 * with its coordinator (KIP-890), as the Kafka door's Produce does: a batch needs its producer's
 * `transactional_id`, the partition in the producer's ongoing transaction, and the producer's
 * current epoch; plain batches are not checked.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../transactions/broker.ts";
import { createApp } from "./app.ts";
import { encodeRecordBatch } from "../record/record-batch-encoder.ts";
import { tempDir } from "../test/support/temp-dir.ts";

const tmp = tempDir();
const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
const app = createApp(broker, {});
await broker.createTopic("ledger", { partitions: 2 });

test.after(async () => {
  await broker.close();
  tmp.remove();
});

const batch = (value: string, options: { producerId?: number; producerEpoch?: number; baseSequence?: number; transactional?: boolean }) =>
  encodeRecordBatch([{ key: null, value: new TextEncoder().encode(value), headers: [], timestamp: Date.now() }], options);

async function post(partition: number, body: Uint8Array, transactionalId?: string): Promise<{ status: number; code?: string }> {
  const query = transactionalId === undefined ? "" : `?transactional_id=${encodeURIComponent(transactionalId)}`;
  const response = await app.request(`/v1/topics/ledger/partitions/${partition}/batches${query}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: body as unknown as BodyInit });
  const answer = await response.json() as { code?: string };
  return { status: response.status, code: answer.code };
}

test("a transactional batch is appended only for a partition of its producer's ongoing transaction, at its epoch, with its transactional id", async () => {
  const c = broker.transactions;
  const { producerId, producerEpoch } = await c.initProducerId({ transactionalId: "ledger-tx", transactionTimeoutMs: 60_000 });
  await c.addPartitions({ transactionalId: "ledger-tx", producerId, producerEpoch }, [{ topic: "ledger", partition: 0 }]);
  const txn = (value: string, partition: number, epoch = producerEpoch) => batch(value, { producerId, producerEpoch: epoch, baseSequence: 0, transactional: true });

  assert.equal(await post(1, txn("not-added", 1), "ledger-tx"), { status: 409, code: "invalid_txn_state" });
  assert.equal(await post(0, txn("no-id", 0)), { status: 409, code: "invalid_txn_state" });
  assert.equal(await post(0, txn("other-id", 0), "someone-else"), { status: 400, code: "invalid_producer_id_mapping" });
  assert.equal(await post(0, txn("long-id", 0), "x".repeat(broker.limits.transactionalIdLengthMax + 1)), { status: 400, code: "invalid_request" });
  assert.equal((await post(0, txn("in-transaction", 0), "ledger-tx")).status, 200);
  assert.equal((await post(1, batch("plain", {}))).status, 200, "a plain batch is not checked");

  await c.endTxn({ transactionalId: "ledger-tx", producerId, producerEpoch }, true);
  assert.equal(await post(0, txn("after-commit", 0), "ledger-tx"), { status: 409, code: "invalid_txn_state" }, "no transaction open");
  await c.initProducerId({ transactionalId: "ledger-tx", transactionTimeoutMs: 60_000 });
  assert.equal(await post(0, txn("zombie", 0), "ledger-tx"), { status: 409, code: "producer_fenced" }, "an older epoch");

  const read = async (partition: number) => (await broker.fetch("ledger", partition, { offset: 0, isolation: "read_committed" })).records.map((r) => new TextDecoder().decode(r.value!));
  assert.equal(await read(0), ["in-transaction"]);
  assert.equal(await read(1), ["plain"]);
});

test.run();
