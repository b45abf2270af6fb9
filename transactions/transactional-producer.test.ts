import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { storedBatches } from "../test/support/transactions.ts";
import { Broker } from "./broker.ts";

let broker: Broker;
let dir: ReturnType<typeof tempDir>;

test.before(async () => {
  dir = tempDir();
  broker = await Broker.open({ dataDir: dir.dir, maxWorkers: 2 });
  await broker.createTopic("payments", { partitions: 3 });
  await broker.createTopic("ledger");
});

test.after(async () => {
  await broker.close();
  dir.remove();
});

const markersAndValues = async (topic: string, partition: number) => (await storedBatches(broker, topic, partition)).map((b) => b.marker ?? b.values.join(","));

test("transaction() commits when the callback returns: records and a commit marker on every partition it wrote", async () => {
  const producer = broker.producer({ transactionalId: "programmatic-commit" });
  const result = await producer.transaction(async (tx) => {
    const [a, b] = await tx.sendBatch("payments", [{ key: "alice", value: "paid 200", partition: 0 }, { key: "bob", value: "paid 50", partition: 1 }]);
    const c = await tx.send("payments", { value: "fee 1", partition: 0 });
    assert.equal([a.partition, b.partition, c.partition, c.offset], [0, 1, 0, a.offset + 1]);
    return "done";
  });
  assert.is(result, "done");
  assert.equal(await markersAndValues("payments", 0), ["paid 200", "fee 1", "commit"]);
  assert.equal(await markersAndValues("payments", 1), ["paid 50", "commit"]);
  assert.equal(await markersAndValues("payments", 2), []);
  assert.is(broker.transactions.describe("programmatic-commit")!.state, "CompleteCommit");
  // The next transaction continues under the same epoch.
  await producer.transaction(async (tx) => void (await tx.send("payments", { value: "again", partition: 0 })));
  const batches = await storedBatches(broker, "payments", 0);
  assert.equal(batches.map((b) => b.marker ?? b.values.join(",")), ["paid 200", "fee 1", "commit", "again", "commit"]);
  assert.is(new Set(batches.map((b) => b.producerEpoch)).size, 1);
});

test("transaction() aborts when the callback throws and rethrows its error; the next transaction runs under a new epoch", async () => {
  const producer = broker.producer({ transactionalId: "programmatic-abort" });
  const boom = new Error("the payment was declined");
  const thrown = await producer.transaction(async (tx) => {
    await tx.send("ledger", { value: "half written" });
    throw boom;
  }).then(() => null, (e: unknown) => e);
  assert.is(thrown, boom);
  assert.is(broker.transactions.describe("programmatic-abort")!.state, "CompleteAbort");
  await producer.transaction(async (tx) => void (await tx.send("ledger", { value: "written" })));
  const batches = await storedBatches(broker, "ledger", 0);
  assert.equal(batches.map((b) => b.marker ?? b.values.join(",")), ["half written", "abort", "written", "commit"]);
  assert.ok(batches[2].producerEpoch > batches[0].producerEpoch);
  const values = async (isolation: "read_committed" | "read_uncommitted") =>
    (await broker.fetch("ledger", 0, { offset: 0, isolation })).records.map((r) => new TextDecoder().decode(r.value!));
  assert.equal(await values("read_committed"), ["written"]);
  assert.equal(await values("read_uncommitted"), ["half written", "written"]);
});

test("sendOffsets' offsets are visible to OffsetFetch only once the transaction commits", async () => {
  const producer = broker.producer({ transactionalId: "programmatic-offsets" });
  const fetched = async () => (await broker.groups.fetchOffsets("enricher", [{ topic: "payments", partition: 0 }, { topic: "payments", partition: 2 }])).map((o) => o.offset);
  let inside: number[] = [];
  await producer.transaction(async (tx) => {
    await tx.send("ledger", { value: "enriched" });
    await tx.sendOffsets("enricher", [{ topic: "payments", partition: 0, offset: 3 }, { topic: "payments", partition: 2, offset: 9, metadata: "m" }]);
    inside = await fetched();
  });
  assert.equal(inside, [-1, -1]);
  assert.equal(await fetched(), [3, 9]);
  await producer.transaction(async (tx) => {
    await tx.sendOffsets("enricher", [{ topic: "payments", partition: 0, offset: 100 }]);
    throw new Error("rolled back");
  }).catch(() => {});
  assert.equal(await fetched(), [3, 9], "an aborted transaction's offsets are dropped");
});

test("a second producer with the same transactional id fences the first", async () => {
  const first = broker.producer({ transactionalId: "programmatic-fenced" });
  await first.transaction(async (tx) => void (await tx.send("ledger", { value: "first" })));
  const second = broker.producer({ transactionalId: "programmatic-fenced" });
  await second.transaction(async (tx) => void (await tx.send("ledger", { value: "second" })));
  const error = await first.transaction(async (tx) => void (await tx.send("ledger", { value: "zombie" }))).then(() => null, (e: unknown) => e);
  assert.instance(error, RivuletError);
  assert.is((error as RivuletError).code, "producer_fenced");
  assert.not.ok((await markersAndValues("ledger", 0)).includes("zombie"), "nothing of the zombie was written");
});

test("one transaction at a time; bad records are refused before anything is sent", async () => {
  const producer = broker.producer({ transactionalId: "programmatic-one-at-a-time" });
  let release!: () => void;
  let running!: Promise<void>;
  await new Promise<void>((started) => {
    running = producer.transaction(() => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
  });
  const second = await producer.transaction(async () => {}).then(() => null, (e: RivuletError) => e.code);
  assert.is(second, "invalid_request");
  release();
  await running;
  const bad = await producer.transaction(async (tx) => void (await tx.send("ledger", { value: 42 as unknown as string }))).then(() => null, (e: RivuletError) => e.code);
  assert.is(bad, "invalid_record");
  const unknown = await producer.transaction(async (tx) => void (await tx.send("no-such-topic", { value: "x" }))).then(() => null, (e: RivuletError) => e.code);
  assert.is(unknown, "unknown_topic");
});

test.run();
