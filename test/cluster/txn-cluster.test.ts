/**
 * Transactions on a real cluster: three `rivulet serve --etcd` children and a real etcd, a topic
 * of three partitions with replication factor 3 whose leaders sit on different brokers, and
 * kafkajs transactional producers. The coordinator of a transactional id is the leader of its
 * `__transaction_state` partition; markers for partitions led elsewhere travel as
 * WriteTxnMarkers; each transactional batch on a partition whose id another broker coordinates
 * is verified there (KIP-890). What read_committed readers see is read through the brokers' HTTP
 * API (forwarded to each partition's leader).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import { createReplicatedTopic, kafkaPortOf, readPartitions, until } from "../support/cluster/elastic-cluster.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

interface Cluster {
  brokers: ServeProcess[];
  cache: MetadataCache;
  kafka: Kafka;
  live(): ServeProcess[];
  close(): Promise<void>;
}

/** Three brokers on the test's etcd, a metadata cache on it, and a kafkajs client on all three. */
async function startCluster(name: string): Promise<Cluster> {
  const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-txn-${name}${id}-`));
  const brokers: ServeProcess[] = [];
  const cache = new MetadataCache(client, { cluster: name });
  const alive = (b: ServeProcess) => b.child.exitCode === null && b.child.signalCode === null;
  try {
    for (const id of [1, 2, 3]) {
      brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", name, "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir]));
    }
    await cache.start();
  } catch (error) {
    for (const b of brokers) b.child.kill("SIGKILL");
    for (const d of dirs) d.remove();
    throw error;
  }
  const kafka = new Kafka({
    clientId: `txn-${name}`,
    brokers: brokers.map((b) => `127.0.0.1:${kafkaPortOf(b)}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  return {
    brokers,
    cache,
    kafka,
    live: () => brokers.filter(alive),
    async close() {
      await cache.close();
      for (const b of brokers) if (alive(b)) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    },
  };
}

/** The broker coordinating `transactionalId`: the leader of its `__transaction_state` partition. */
function coordinatorOf(cache: MetadataCache, transactionalId: string): { partition: number; leader: number; epoch: number } | null {
  const partitions = cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length;
  if (!partitions) return null;
  const partition = transactionPartitionFor(transactionalId, partitions);
  const state = cache.partition(TRANSACTION_STATE_TOPIC, partition);
  return state && state.leader >= 0 ? { partition, leader: state.leader, epoch: state.leader_epoch } : null;
}

/** {@link coordinatorOf} once the test's metadata cache (a watch on etcd, maybe behind the brokers) knows it. */
async function coordinatorKnown(cache: MetadataCache, transactionalId: string): Promise<{ partition: number; leader: number; epoch: number }> {
  await until(cache, () => coordinatorOf(cache, transactionalId) !== null, 30_000, `a coordinator for ${transactionalId} in the test's metadata cache`);
  return coordinatorOf(cache, transactionalId)!;
}

async function sendEach(transaction: Awaited<ReturnType<Producer["transaction"]>>, topic: string, prefix: string): Promise<void> {
  for (const partition of [0, 1, 2]) await transaction.send({ topic, acks: -1, messages: [{ value: `${prefix}-p${partition}`, partition }] });
}

if (!skip) {
  test("commits and aborts across partitions led by three brokers: read_committed sees exactly the committed records", async () => {
    const cluster = await startCluster("txn-spread");
    const producers: Producer[] = [];
    try {
      const leaders = await createReplicatedTopic(cluster.brokers[0].url, "spread");
      assert.is(new Set(leaders).size, 3, `the partitions' leaders are three brokers: ${leaders}`);
      const producer = cluster.kafka.producer({ transactionalId: "spread-tx", maxInFlightRequests: 1, idempotent: true });
      producers.push(producer);
      await producer.connect();
      const coordinator = await coordinatorKnown(cluster.cache, "spread-tx");
      assert.ok(coordinator.leader >= 1, "the transactional id has a coordinator: the leader of its __transaction_state partition");
      for (const [i, outcome] of ["commit", "abort", "commit", "abort", "commit"].entries()) {
        const transaction = await producer.transaction();
        await sendEach(transaction, "spread", `${outcome}${i}`);
        if (outcome === "commit") await transaction.commit();
        else await transaction.abort();
      }
      const committed = ["commit0", "commit2", "commit4"].flatMap((v) => [0, 1, 2].map((p) => `${v}-p${p}`)).sort();
      const everything = ["commit0", "abort1", "commit2", "abort3", "commit4"].flatMap((v) => [0, 1, 2].map((p) => `${v}-p${p}`)).sort();
      for (const broker of cluster.brokers) {
        assert.equal(await readPartitions(broker.url, "spread", [0, 1, 2], "read_committed"), committed, `read_committed through ${broker.url}`);
        assert.equal(await readPartitions(broker.url, "spread", [0, 1, 2], "read_uncommitted"), everything, `read_uncommitted through ${broker.url}: every data record, no marker`);
      }
    } finally {
      for (const p of producers) await p.disconnect().catch(() => {});
      await cluster.close();
    }
  });

  test("kill -9 of the coordinator mid-transaction: the new coordinator aborts it, a new producer of the id is fenced in and works, the zombie is refused", async () => {
    const cluster = await startCluster("txn-kill");
    const producers: Producer[] = [];
    try {
      await createReplicatedTopic(cluster.brokers[0].url, "orders");
      const committer = cluster.kafka.producer({ transactionalId: "kill-tx", maxInFlightRequests: 1, idempotent: true });
      producers.push(committer);
      await committer.connect();
      const before = await committer.transaction();
      await sendEach(before, "orders", "before");
      await before.commit();
      // the transaction the kill interrupts: records on all three partitions, not ended
      const open = await committer.transaction();
      await sendEach(open, "orders", "open");
      const coordinator = await coordinatorKnown(cluster.cache, "kill-tx");
      await until(cluster.cache, () => cluster.cache.partition(TRANSACTION_STATE_TOPIC, coordinator.partition)?.isr.length === 3, 30_000, "every replica of the coordinator's partition in its ISR");
      cluster.brokers[coordinator.leader - 1].child.kill("SIGKILL");
      await cluster.brokers[coordinator.leader - 1].exited;
      await until(cluster.cache, () => {
        const now = coordinatorOf(cluster.cache, "kill-tx");
        return now !== null && now.leader !== coordinator.leader;
      }, 30_000, "a new coordinator (leader of the __transaction_state partition)");
      const successor = coordinatorOf(cluster.cache, "kill-tx")!;
      assert.ok(successor.epoch > coordinator.epoch, "the new coordinator's epoch is the partition's new leader epoch");
      const survivorUrl = cluster.live()[0].url;
      // A new producer of the id: InitProducerId at the new coordinator aborts the open transaction and fences the old epoch.
      const successorProducer = new Kafka({
        clientId: "txn-kill-successor",
        brokers: cluster.live().map((b) => `127.0.0.1:${kafkaPortOf(b)}`),
        logLevel: logLevel.NOTHING,
        retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
      }).producer({ transactionalId: "kill-tx", maxInFlightRequests: 1, idempotent: true });
      producers.push(successorProducer);
      await successorProducer.connect();
      const after = await successorProducer.transaction();
      await sendEach(after, "orders", "after");
      await after.commit();
      const committed = ["before", "after"].flatMap((v) => [0, 1, 2].map((p) => `${v}-p${p}`)).sort();
      assert.equal(await readPartitions(survivorUrl, "orders", [0, 1, 2], "read_committed"), committed, "read_committed: the committed transactions, not the interrupted one");
      const uncommitted = await readPartitions(survivorUrl, "orders", [0, 1, 2], "read_uncommitted");
      assert.equal(uncommitted.filter((v) => v.startsWith("open")), ["open-p0", "open-p1", "open-p2"], "the interrupted transaction's records are in the logs, aborted");
      // The zombie: its open transaction was aborted under a newer epoch; its writes and its commit are refused.
      const zombieSend = await open.send({ topic: "orders", acks: -1, messages: [{ value: "zombie", partition: 0 }] }).then(() => null, (e: Error) => e);
      assert.ok(zombieSend, "the zombie's produce is refused");
      const zombieCommit = await open.commit().then(() => null, (e: Error) => e);
      assert.ok(zombieCommit, "the zombie's commit is refused");
      assert.equal(await readPartitions(survivorUrl, "orders", [0, 1, 2], "read_committed"), committed, "nothing of the zombie is visible");
      assert.not.ok((await readPartitions(survivorUrl, "orders", [0, 1, 2], "read_uncommitted")).includes("zombie"), "the zombie's record was never written");
    } finally {
      for (const p of producers) await p.disconnect().catch(() => {});
      await cluster.close();
    }
  });

  test("consume-transform-produce with sendOffsets: outputs and input offsets commit together; an aborted transaction's offsets are dropped", async () => {
    const cluster = await startCluster("txn-ctp");
    const clients: Array<{ disconnect(): Promise<void> }> = [];
    try {
      await createReplicatedTopic(cluster.brokers[0].url, "in");
      await createReplicatedTopic(cluster.brokers[0].url, "out");
      const plain = cluster.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      clients.push(plain);
      await plain.connect();
      for (const partition of [0, 1, 2]) {
        await plain.send({ topic: "in", acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `in-${partition}-${i}`, partition })) });
      }
      // a transactional id coordinated by another broker than the group's coordinator: TxnOffsetCommit
      // reaches the group coordinator, which forwards the offsets and commits them at the marker
      await until(cluster.cache, () => (cluster.cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0) > 1 && (cluster.cache.partition("__consumer_offsets", 0)?.leader ?? -1) >= 0, 30_000, "__transaction_state and __consumer_offsets in the cluster");
      const groupCoordinator = cluster.cache.partition("__consumer_offsets", 0)!.leader;
      const transactionalId = Array.from({ length: 50 }, (_, i) => `ctp-tx-${i}`).find((id) => {
        const c = coordinatorOf(cluster.cache, id);
        return c !== null && c.leader !== groupCoordinator;
      });
      assert.ok(transactionalId, `an id whose __transaction_state partition another broker than ${groupCoordinator} leads`);
      const producer = cluster.kafka.producer({ transactionalId, maxInFlightRequests: 1, idempotent: true });
      clients.push(producer);
      await producer.connect();
      const consumer = cluster.kafka.consumer({ groupId: "ctp", readUncommitted: false, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
      clients.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: "in", fromBeginning: true });
      let processed = 0;
      const done = new Promise<void>((resolve, reject) => {
        void consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            if (batch.messages.length === 0) return;
            const transaction = await producer.transaction();
            try {
              for (const m of batch.messages) await transaction.send({ topic: "out", acks: -1, messages: [{ value: `out-${m.value!.toString()}`, partition: batch.partition }] });
              await transaction.sendOffsets({ consumerGroupId: "ctp", topics: [{ topic: "in", partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }] });
              await transaction.commit();
            } catch (error) {
              await transaction.abort().catch(() => {});
              reject(error);
              throw error;
            }
            for (const m of batch.messages) resolveOffset(m.offset);
            processed += batch.messages.length;
            if (processed >= 30) resolve();
          },
        }).catch(reject);
      });
      await within(done, 60_000, "30 input records processed in transactions");
      await consumer.stop();
      const expected = [0, 1, 2].flatMap((p) => Array.from({ length: 10 }, (_, i) => `out-in-${p}-${i}`)).sort();
      assert.equal(await readPartitions(cluster.brokers[0].url, "out", [0, 1, 2], "read_committed"), expected, "every input transformed once, committed");
      const admin = cluster.kafka.admin();
      clients.push(admin);
      await admin.connect();
      const committedOffsets = async () => (await admin.fetchOffsets({ groupId: "ctp", topics: ["in"] }))[0].partitions.map((p) => [p.partition, Number(p.offset)]).sort((a, b) => a[0] - b[0]);
      assert.equal(await committedOffsets(), [[0, 10], [1, 10], [2, 10]], "the input offsets committed with the outputs");
      // an aborted transaction's offsets are dropped; the next committed transaction commits only its own
      const aborted = await producer.transaction();
      await aborted.send({ topic: "out", acks: -1, messages: [{ value: "aborted", partition: 0 }] });
      await aborted.sendOffsets({ consumerGroupId: "ctp", topics: [{ topic: "in", partitions: [{ partition: 0, offset: "999" }] }] });
      await aborted.abort();
      const next = await producer.transaction();
      await next.send({ topic: "out", acks: -1, messages: [{ value: "next", partition: 1 }] });
      await next.sendOffsets({ consumerGroupId: "ctp", topics: [{ topic: "in", partitions: [{ partition: 1, offset: "11" }] }] });
      await next.commit();
      assert.equal(await committedOffsets(), [[0, 10], [1, 11], [2, 10]], "the aborted offset is not committed, the next transaction's is");
      assert.equal(await readPartitions(cluster.brokers[0].url, "out", [0, 1, 2], "read_committed"), [...expected, "next"].sort());
    } finally {
      for (const c of clients.reverse()) await c.disconnect().catch(() => {});
      await cluster.close();
    }
  });

  test.run();
}
