/**
 * Transactions from any broker of a cluster (real etcd, three in-process `serve()`s with real
 * replication): the programmatic transactional producer of a broker that neither coordinates
 * its transactional id nor leads the partitions it writes reaches the coordinator over the
 * brokers' Kafka connection and writes its batches at their leaders, as a Kafka client would;
 * `tx.sendOffsets` reaches the group's coordinator on another broker; and
 * `POST …/batches` refuses a transactional batch for a partition not in the producer's
 * transaction (KIP-890), asking the coordinator on another broker; with an auth file and TLS the
 * same runs over the inter-broker login; after the coordinator leaves, the producer finds the next
 * one. What read_committed readers see is read through the brokers' HTTP API (forwarded to each
 * partition's leader), or at the leader itself over TLS.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Member, type MemberOptions, startMembers as startClusterMembers, stopMembers } from "../support/cluster/in-process-cluster.ts";
import { createReplicatedTopic, readAll, readPartitions, until } from "../support/cluster/elastic-cluster.ts";
import { useEtcd } from "../support/etcd.ts";
import type { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { TRANSACTION_STATE_TOPIC, transactionPartitionFor } from "../../transactions/transaction-log.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import { encodeRecordBatch } from "../../record/record-batch-encoder.ts";
import { Kafka, logLevel } from "kafkajs";
import type { AuthConfig } from "../../auth/auth-config.ts";
import { selfSignedCert } from "../support/tls.ts";

let endpoint = "";
const skip = useEtcd(test, (started) => {
  endpoint = started.endpoint;
});

/** Three brokers whose transaction coordinators follow the cluster. */
function startMembers(cluster: string, secure?: MemberOptions["secure"]): Promise<Member[]> {
  return startClusterMembers(endpoint, cluster, { secure, broker: { transactionCoordination: "cluster" } });
}

/** The broker leading `transactionalId`'s `__transaction_state` partition. */
function coordinatorOf(cache: MetadataCache, transactionalId: string): number {
  const partitions = cache.topic(TRANSACTION_STATE_TOPIC)!.replicas.length;
  return cache.partition(TRANSACTION_STATE_TOPIC, transactionPartitionFor(transactionalId, partitions))!.leader;
}

/** Every partition of the cluster's internal transaction and offsets topics has a leader, and the coordinators are loaded where they lead. */
async function transactionsReady(members: Member[]): Promise<MetadataCache> {
  const cache = members[0].server.node!.cache;
  await until(cache, () => {
    const partitions = cache.topic(TRANSACTION_STATE_TOPIC)?.replicas.length ?? 0;
    if (partitions === 0 || (cache.partition(OFFSETS_TOPIC, 0)?.leader ?? -1) < 0) return false;
    return Array.from({ length: partitions }, (_, p) => cache.partition(TRANSACTION_STATE_TOPIC, p)?.leader ?? -1).every((l) => l >= 0);
  }, 30_000, `${TRANSACTION_STATE_TOPIC} and ${OFFSETS_TOPIC} led`);
  return cache;
}

/** Creates a 3-partition topic with RF 3 and min ISR 2 through `url`; returns each partition's leader. */
if (!skip) {
  test("a programmatic transactional producer on a broker that neither coordinates its id nor leads its partitions commits and aborts; read_committed sees exactly the committed records", async () => {
    const members = await startMembers("txa-produce");
    try {
      const cache = await transactionsReady(members);
      const leaders = await createReplicatedTopic(members[0].server.url, "pay");
      // the producer's broker: one leading at most one partition of the topic; the others' partitions are written
      const producing = members.find((m) => leaders.filter((l) => l === m.id).length <= 1)!;
      const written = [0, 1, 2].filter((p) => leaders[p] !== producing.id);
      assert.ok(written.length >= 2, `partitions led elsewhere than broker ${producing.id}: ${written} (leaders ${leaders})`);
      const transactionalId = Array.from({ length: 100 }, (_, i) => `pay-tx-${i}`).find((id) => coordinatorOf(cache, id) !== producing.id)!;
      assert.ok(transactionalId, `an id coordinated elsewhere than broker ${producing.id}`);
      assert.not.ok(producing.broker.transactions.coordinates(transactionalId), `broker ${producing.id} does not coordinate ${transactionalId}`);
      const producer = producing.broker.producer({ transactionalId });
      const outcomes = ["commit", "abort", "commit", "abort", "commit"];
      for (const [i, outcome] of outcomes.entries()) {
        const run = producer.transaction(async (tx) => {
          const sent = await Promise.all(written.map((partition) => tx.send("pay", { partition, value: `${outcome}${i}-p${partition}` })));
          assert.equal(sent.map((m) => m.partition), written);
          if (outcome === "abort") throw new Error(`abort ${i}`);
          return sent.length;
        });
        if (outcome === "commit") assert.is(await run, written.length);
        else assert.is(await run.then(() => "committed", (e: Error) => e.message), `abort ${i}`);
      }
      const expect = (kinds: string[]) => kinds.flatMap((k) => written.map((p) => `${k}-p${p}`)).sort();
      const committed = expect(["commit0", "commit2", "commit4"]);
      const everything = expect(outcomes.map((o, i) => `${o}${i}`));
      for (const m of members) {
        assert.equal(await readPartitions(m.server.url, "pay", written, "read_committed"), committed, `read_committed through broker ${m.id}`);
        assert.equal(await readPartitions(m.server.url, "pay", written, "read_uncommitted"), everything, `read_uncommitted through broker ${m.id}: every data record, no marker`);
      }
      // the coordinator holds the id, its last transaction complete
      const state = members[coordinatorOf(cache, transactionalId) - 1].broker.transactions.describe(transactionalId);
      assert.is(state?.state, "CompleteCommit");
      await producer.close();
    } finally {
      await stopMembers(members);
    }
  });

  test("tx.sendOffsets from a broker that coordinates neither the group nor the id: the offsets commit with the transaction, an aborted transaction's are dropped", async () => {
    const members = await startMembers("txa-offsets");
    try {
      const cache = await transactionsReady(members);
      await createReplicatedTopic(members[0].server.url, "in");
      const leaders = await createReplicatedTopic(members[0].server.url, "out");
      const groupCoordinator = cache.partition(OFFSETS_TOPIC, 0)!.leader;
      const producing = members.find((m) => m.id !== groupCoordinator)!;
      // an id coordinated by a third broker when there is one, else by any broker but the producing one
      const ids = Array.from({ length: 100 }, (_, i) => `ctp-tx-${i}`);
      const transactionalId = ids.find((id) => ![producing.id, groupCoordinator].includes(coordinatorOf(cache, id))) ?? ids.find((id) => coordinatorOf(cache, id) !== producing.id)!;
      console.log(`    producer on broker ${producing.id}, group coordinator ${groupCoordinator}, id coordinator ${coordinatorOf(cache, transactionalId)}, out leaders ${leaders}`);
      const producer = producing.broker.producer({ transactionalId });
      const offsetsOf = async () => (await members[groupCoordinator - 1].broker.groups.fetchOffsets("ctp"))
        .filter((o) => o.offset >= 0).map((o) => [o.partition, o.offset]).sort((a, b) => a[0] - b[0]);

      await producer.transaction(async (tx) => {
        await tx.send("out", { partition: 0, value: "first" });
        await tx.sendOffsets("ctp", [{ topic: "in", partition: 0, offset: 5 }, { topic: "in", partition: 1, offset: 7 }]);
      });
      assert.equal(await offsetsOf(), [[0, 5], [1, 7]], "the offsets committed with the transaction");

      const aborted = await producer.transaction(async (tx) => {
        await tx.send("out", { partition: 1, value: "aborted" });
        await tx.sendOffsets("ctp", [{ topic: "in", partition: 0, offset: 999 }]);
        throw new Error("give up");
      }).then(() => null, (e: Error) => e.message);
      assert.is(aborted, "give up");
      assert.equal(await offsetsOf(), [[0, 5], [1, 7]], "the aborted transaction's offsets are not committed");

      await producer.transaction(async (tx) => {
        await tx.send("out", { partition: 2, value: "next" });
        await tx.sendOffsets("ctp", [{ topic: "in", partition: 1, offset: 8 }]);
      });
      assert.equal(await offsetsOf(), [[0, 5], [1, 8]], "the next transaction commits only its own offsets");
      assert.equal(await readPartitions(members[0].server.url, "out", [0, 1, 2], "read_committed"), ["first", "next"]);
      assert.equal(await readPartitions(members[0].server.url, "out", [0, 1, 2], "read_uncommitted"), ["aborted", "first", "next"]);
    } finally {
      await stopMembers(members);
    }
  });

  test("POST …/batches refuses a transactional batch for a partition not added to the transaction, checked with the coordinator on another broker", async () => {
    const members = await startMembers("txa-http");
    try {
      const cache = await transactionsReady(members);
      const leaders = await createReplicatedTopic(members[0].server.url, "h");
      const transactionalId = "http-tx";
      const coordinator = coordinatorOf(cache, transactionalId);
      // two partitions led by brokers other than the coordinator (three partitions on three brokers)
      const elsewhere = [0, 1, 2].filter((p) => leaders[p] !== coordinator);
      assert.ok(elsewhere.length >= 2, `partitions led elsewhere than the coordinator ${coordinator}: ${elsewhere} (leaders ${leaders})`);
      const [added, notAdded] = elsewhere;
      const coordinators = members[coordinator - 1].broker.transactions;
      const { producerId, producerEpoch } = await coordinators.initProducerId({ transactionalId, transactionTimeoutMs: 60_000 });
      await coordinators.addPartitions({ transactionalId, producerId, producerEpoch }, [{ topic: "h", partition: added }]);
      const batch = (value: string, epoch: number, baseSequence: number) => encodeRecordBatch(
        [{ key: null, value: new TextEncoder().encode(value), headers: [], timestamp: Date.now() }],
        { producerId, producerEpoch: epoch, baseSequence, transactional: true },
      );
      const post = async (partition: number, body: Uint8Array, id: string | null) => {
        const url = `${members[leaders[partition] - 1].server.url}/v1/topics/h/partitions/${partition}/batches${id === null ? "" : `?transactional_id=${id}`}`;
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: body as unknown as BodyInit });
        return { status: response.status, body: await response.json() as { code?: string; base_offset?: number } };
      };

      const refused = await post(notAdded, batch("not-added", producerEpoch, 0), transactionalId);
      assert.is(refused.status, 409, JSON.stringify(refused.body));
      assert.is(refused.body.code, "invalid_txn_state");
      const withoutId = await post(added, batch("no-id", producerEpoch, 0), null);
      assert.is(withoutId.status, 409, JSON.stringify(withoutId.body));
      assert.is(withoutId.body.code, "invalid_txn_state");
      const accepted = await post(added, batch("in-transaction", producerEpoch, 0), transactionalId);
      assert.is(accepted.status, 200, JSON.stringify(accepted.body));

      await coordinators.endTxn({ transactionalId, producerId, producerEpoch }, true);
      // a new InitProducerId fences the epoch: its batches are refused even for a partition of the old transaction
      await coordinators.initProducerId({ transactionalId, transactionTimeoutMs: 60_000 });
      const fenced = await post(added, batch("zombie", producerEpoch, 1), transactionalId);
      assert.is(fenced.status, 409, JSON.stringify(fenced.body));
      assert.is(fenced.body.code, "producer_fenced");

      for (const m of members) {
        assert.equal(await readAll(m.server.url, "h", added, "read_committed"), ["in-transaction"], `read_committed of h/${added} through broker ${m.id}`);
        assert.equal(await readAll(m.server.url, "h", notAdded, "read_uncommitted"), [], `nothing refused was written to h/${notAdded}`);
      }
    } finally {
      await stopMembers(members);
    }
  });

  test("the coordinator leaves between transactions: the producer's next transaction finds the new coordinator (retrying not_coordinator while leadership moves) and commits", async () => {
    const members = await startMembers("txa-failover");
    const left = new Set<Member>();
    try {
      const cache = await transactionsReady(members);
      await createReplicatedTopic(members[0].server.url, "fo");
      const transactionalId = "fo-tx";
      const coordinator = coordinatorOf(cache, transactionalId);
      const producing = members.find((m) => m.id !== coordinator)!;
      const producer = producing.broker.producer({ transactionalId });
      await producer.transaction(async (tx) => {
        for (const partition of [0, 1, 2]) await tx.send("fo", { partition, value: `before-p${partition}` });
      });
      const statePartition = transactionPartitionFor(transactionalId, cache.topic(TRANSACTION_STATE_TOPIC)!.replicas.length);
      await until(cache, () => cache.partition(TRANSACTION_STATE_TOPIC, statePartition)?.isr.length === 3, 30_000, "every replica of the id's __transaction_state partition in its ISR");
      await until(cache, () => [0, 1, 2].every((p) => cache.partition("fo", p)?.isr.length === 3), 30_000, "every replica of fo in its ISR");
      const leaving = members[coordinator - 1];
      await leaving.server.close();
      await leaving.broker.close();
      left.add(leaving);
      const producingCache = producing.server.node!.cache;
      await producer.transaction(async (tx) => {
        for (const partition of [0, 1, 2]) await tx.send("fo", { partition, value: `after-p${partition}` });
      });
      assert.not.equal(coordinatorOf(producingCache, transactionalId), coordinator, "another broker coordinates the id");
      const expected = ["after", "before"].flatMap((k) => [0, 1, 2].map((p) => `${k}-p${p}`)).sort();
      assert.equal(await readPartitions(producing.server.url, "fo", [0, 1, 2], "read_committed"), expected);
    } finally {
      await stopMembers(members.filter((m) => !left.has(m)));
      for (const m of left) m.data.remove();
    }
  });

  const tls = selfSignedCert();
  if (!tls) console.log("  skipped the TLS case: openssl is missing (no certificate for the TLS listeners)");
  if (tls) {
    test("with an auth file and TLS listeners, the producer's broker reaches the coordinator and the leaders as the inter-broker user over TLS", async () => {
      const auth: AuthConfig = { tokens: [{ name: "broker", token: "inter-broker-secret-7", rights: [{ access: "admin", topics: "*" }] }] };
      const members = await startMembers("txa-secure", { tls, auth, interBrokerUser: "broker" });
      try {
        const cache = await transactionsReady(members);
        // the topic through kafkajs over SASL_SSL (this test's fetch would not trust the self-signed certificate)
        const admin = new Kafka({
          clientId: "txa-secure",
          brokers: members.map((m) => `127.0.0.1:${m.server.kafkaPort}`),
          logLevel: logLevel.NOTHING,
          ssl: { ca: [tls.cert] },
          sasl: { mechanism: "scram-sha-512", username: "broker", password: "inter-broker-secret-7" },
          retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
        }).admin();
        await admin.connect();
        try {
          await admin.createTopics({ topics: [{ topic: "sec", numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
        } finally {
          await admin.disconnect();
        }
        await until(cache, () => [0, 1, 2].every((p) => (cache.partition("sec", p)?.leader ?? -1) >= 0), 30_000, "sec led");
        const leaders = [0, 1, 2].map((p) => cache.partition("sec", p)!.leader);
        const producing = members.find((m) => leaders.filter((l) => l === m.id).length <= 1)!;
        const written = [0, 1, 2].filter((p) => leaders[p] !== producing.id);
        const transactionalId = Array.from({ length: 100 }, (_, i) => `sec-tx-${i}`).find((id) => coordinatorOf(cache, id) !== producing.id)!;
        const producer = producing.broker.producer({ transactionalId });
        await producer.transaction(async (tx) => {
          for (const partition of written) await tx.send("sec", { partition, value: `kept-p${partition}` });
        });
        const dropped = await producer.transaction(async (tx) => {
          for (const partition of written) await tx.send("sec", { partition, value: `dropped-p${partition}` });
          throw new Error("abort");
        }).then(() => null, (e: Error) => e.message);
        assert.is(dropped, "abort");
        for (const partition of written) {
          const leader = members[leaders[partition] - 1].broker;
          const read = async (isolation: "read_committed" | "read_uncommitted") => (await leader.fetch("sec", partition, { offset: 0, isolation })).records.map((r) => new TextDecoder().decode(r.value!));
          assert.equal(await read("read_committed"), [`kept-p${partition}`], `read_committed of sec/${partition} at its leader`);
          assert.equal(await read("read_uncommitted"), [`kept-p${partition}`, `dropped-p${partition}`], `read_uncommitted of sec/${partition}`);
        }
      } finally {
        await stopMembers(members);
      }
    });
  }

  test.run();
}
