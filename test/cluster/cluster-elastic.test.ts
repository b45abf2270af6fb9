/**
 * An elastic cluster on real brokers and a real etcd: three `rivulet serve --etcd` children, a
 * topic with 3 partitions, replication factor 3 and min.insync.replicas 2.
 *
 * - Bad moves are refused with typed errors (unknown topic, partition or broker, a broker
 *   twice, a count other than the replication factor), and draining a broker of three is
 *   refused with the reason (the other two cannot hold replication factor 3).
 * - A 4th broker joins; `rivulet cluster rebalance` moves replicas onto it until no broker
 *   holds two more than another.
 * - `PUT …/partitions/0/replicas` moves partition 0 off its leader while a kafkajs idempotent
 *   acks=all producer keeps producing to it: describe shows the move in progress, the move
 *   completes, every acknowledged record is read back once and in order, and the longest
 *   pause between two acknowledgements is printed.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Kafka, logLevel } from "kafkajs";
import { useEtcd, within } from "../support/etcd.ts";
import { runCli } from "../support/cli-process.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { call, kafkaPortOf, noMoves, readAll, replicaCounts, startBroker, stopBrokers, until, type ElasticBroker } from "../support/cluster/elastic-cluster.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

if (!skip) {
  test("bad moves refused with typed errors; drain refused with its reason; a 4th broker gets replicas by rebalance; PUT moves a partition under an acks=all producer with nothing acknowledged lost", async () => {
    const brokers: ElasticBroker[] = [];
    const cache = new MetadataCache(client, { cluster: "elastic" });
    let producer: ReturnType<Kafka["producer"]> | null = null;
    try {
      for (const id of [1, 2, 3]) brokers.push(await startBroker(id, endpoint, "elastic"));
      await cache.start();
      const url = brokers[1].server.url;
      const created = await call(url, "POST", "/v1/topics", { name: "e", partitions: 3, replication_factor: 3, config: { "min.insync.replicas": 2 } });
      assert.is(created.status, 201, JSON.stringify(created.body));

      // Typed refusals.
      const bad = async (path: string, body: unknown, status: number, code: string) => {
        const answer = await call(url, "PUT", path, body);
        assert.is(answer.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
        assert.is(answer.body.code, code, JSON.stringify(answer.body));
      };
      await bad("/v1/topics/e/partitions/0/replicas", { replicas: [1, 1, 2] }, 400, "invalid_replica_assignment");
      await bad("/v1/topics/e/partitions/0/replicas", { replicas: [1, 2] }, 400, "invalid_replica_assignment");
      await bad("/v1/topics/e/partitions/0/replicas", { replicas: [1, 2, 9] }, 404, "unknown_broker");
      await bad("/v1/topics/e/partitions/0/replicas", { replicas: "1,2,3" }, 400, "invalid_request");
      await bad("/v1/topics/e/partitions/7/replicas", { replicas: [1, 2, 3] }, 404, "unknown_partition");
      await bad("/v1/topics/nope/partitions/0/replicas", { replicas: [1, 2, 3] }, 404, "unknown_topic");
      const refused = await call(brokers[0].server.url, "DELETE", "/v1/cluster/brokers/3");
      assert.is(refused.status, 409, JSON.stringify(refused.body));
      assert.is(refused.body.code, "not_enough_brokers");
      assert.match(refused.body.detail ?? refused.body.title, /broker 3 cannot be drained: .* has replication factor 3 and only 2 other live brokers \(1, 2\)/);
      const unknown = await call(url, "DELETE", "/v1/cluster/brokers/42");
      assert.is(unknown.body.code, "unknown_broker", JSON.stringify(unknown.body));

      // A 4th broker, then rebalance (through the CLI).
      brokers.push(await startBroker(4, endpoint, "elastic"));
      await until(cache, () => cache.brokers().length === 4, 30_000, "broker 4 registered");
      const rebalanced = await runCli(["cluster", "rebalance", "--url", brokers[2].server.url]);
      assert.is(rebalanced.code, 0, rebalanced.stderr + rebalanced.stdout);
      assert.match(rebalanced.stdout, /moves? started/);
      await until(cache, () => noMoves(cache) && (replicaCounts(cache, [4]).get(4) ?? 0) > 0, 90_000, "rebalance moves complete");
      const counts = [...replicaCounts(cache, [1, 2, 3, 4]).values()];
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `replicas per broker 1..4: ${counts}`);
      console.log(`    after rebalance, replicas per broker 1..4: ${counts.join(", ")}`);
      for (const t of cache.topics()) {
        t.replicas.forEach((row, p) => {
          const state = cache.partition(t.name, p)!;
          assert.ok(row.includes(state.leader), `${t.name}/${p} led by a replica`);
        });
      }

      // Move partition 0 off its leader while a kafkajs idempotent producer writes to it.
      const before = cache.partition("e", 0)!;
      const others = [1, 2, 3, 4].filter((id) => id !== before.leader);
      const target = others;
      const kafka = new Kafka({ clientId: "elastic", brokers: brokers.map((b) => `127.0.0.1:${kafkaPortOf(b.server)}`), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 } });
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const acked: string[] = [];
      let longestPauseMs = 0;
      let lastAck = performance.now();
      let stop = false;
      let sent = 0;
      const waiters: Array<{ count: number; resolve: () => void }> = [];
      /** Resolves once `count` records are acknowledged (woken by the acknowledgements). */
      const ackedAtLeast = (count: number, what: string) => within(new Promise<void>((resolve) => {
        if (acked.length >= count) resolve();
        else waiters.push({ count, resolve });
      }), 60_000, what);
      const producing = (async () => {
        while (!stop) {
          const value = `v-${sent++}`;
          await producer!.send({ topic: "e", acks: -1, messages: [{ value, partition: 0 }] });
          acked.push(value);
          const now = performance.now();
          longestPauseMs = Math.max(longestPauseMs, now - lastAck);
          lastAck = now;
          for (const w of waiters.filter((w) => acked.length >= w.count)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
        }
      })();
      producing.catch(() => {}); // awaited below; a failure shows there
      await ackedAtLeast(50, "50 records acknowledged before the move");
      let sawMoving = false;
      const offSeen = cache.onChange(() => {
        if (cache.topic("e")?.adding_replicas?.["0"]) sawMoving = true;
      });
      longestPauseMs = 0;
      const moved = await call(brokers[0].server.url, "PUT", "/v1/topics/e/partitions/0/replicas", { replicas: target });
      assert.is(moved.status, 202, JSON.stringify(moved.body));
      const described = await call(brokers[0].server.url, "GET", "/v1/topics/e");
      const p0 = described.body.partitions[0];
      if (p0.adding_replicas) {
        assert.equal(p0.removing_replicas, [before.leader], "the leader is leaving");
        assert.equal(p0.replicas.slice(0, 3), target, "replicas: the target first, then the leaving broker");
      }
      await until(cache, () => {
        const t = cache.topic("e")!;
        const s = cache.partition("e", 0)!;
        return !t.adding_replicas?.["0"] && t.replicas[0].join() === target.join() && target.every((id) => s.isr.includes(id));
      }, 90_000, "the move of e/0 completes");
      offSeen();
      const atEnd = acked.length;
      await ackedAtLeast(atEnd + 50, "50 more records after the move");
      stop = true;
      await producing;
      const after = cache.partition("e", 0)!;
      assert.ok(sawMoving || p0.adding_replicas !== undefined, "the move was visible in progress");
      assert.ok(target.includes(after.leader), "a target broker leads");
      assert.ok(after.leader_epoch > before.leader_epoch, "leadership moved with a new epoch");
      const values = await readAll(brokers[3].server.url, "e", 0);
      assert.equal(values.filter((v) => v.startsWith("v-")), acked, "every acknowledged record once, in order");
      const final = await call(brokers[2].server.url, "GET", "/v1/topics/e");
      assert.equal(final.body.partitions[0].replicas, target);
      assert.is(final.body.partitions[0].adding_replicas, undefined);
      console.log(`    PUT moved e/0 from leader ${before.leader} to ${target.join(",")} (leader ${after.leader}, epoch ${before.leader_epoch} -> ${after.leader_epoch}) under an acks=all producer: ${acked.length} records acknowledged, none lost; longest produce pause ${Math.round(longestPauseMs)} ms`);
    } finally {
      await producer?.disconnect().catch(() => {});
      await cache.close();
      await stopBrokers(brokers);
    }
  });

  test.run();
}
