/**
 * kcat (librdkafka) against a real three-broker cluster through a failover: an idempotent
 * acks=all producer writes lines to an RF 3 topic (min.insync.replicas 2), the partition's leader
 * is killed with SIGKILL, kcat produces again with the whole cluster as bootstrap (librdkafka
 * finds the new leader in Metadata), and a kcat consumer on a surviving broker reads every line
 * once, in order; the HTTP API of each survivor agrees.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd } from "../support/etcd.ts";
import { kcatPresent, runKcat } from "../support/kafka/kcat.ts";
import { kafkaPortOf, readAll, startBroker, stopBrokers, until, type ElasticBroker } from "../support/cluster/elastic-cluster.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

/** kcat's producer settings: idempotent (acks=all, retries keep order), patient through a failover. */
const produceArgs = ["-P", "-t", "k", "-p", "0", "-X", "enable.idempotence=true", "-X", "message.timeout.ms=120000"];

if (!skip && !kcatPresent) console.log("skipped: kcat is not installed (apt-get install -y kcat)");

if (!skip && kcatPresent) {
  test("kcat produces through kill -9 of the leader with nothing lost or duplicated, and consumes from a survivor", async () => {
    const brokers: ElasticBroker[] = [];
    const cache = new MetadataCache(client, { cluster: "kcatfail" });
    try {
      for (const id of [1, 2, 3]) brokers.push(await startBroker(id, endpoint, "kcatfail"));
      await cache.start();
      const created = await fetch(`${brokers[0].server.url}/v1/topics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "k", partitions: 1, replication_factor: 3, config: { "min.insync.replicas": 2 } }),
      });
      assert.is(created.status, 201, await created.clone().text());
      const bootstrap = brokers.map((b) => `127.0.0.1:${kafkaPortOf(b.server)}`).join(",");

      const before = Array.from({ length: 50 }, (_, i) => `before-${i}`);
      const first = await runKcat(["-b", bootstrap, ...produceArgs], before.join("\n") + "\n", 180_000);
      assert.is(first.code, 0, first.err);
      await until(cache, () => cache.partition("k", 0)?.isr.length === 3, 30_000, "all three replicas in the ISR");

      const leaderId = cache.partition("k", 0)!.leader;
      const leader = brokers.find((b) => b.id === leaderId)!;
      leader.server.child.kill("SIGKILL");
      await leader.server.exited;

      const after = Array.from({ length: 50 }, (_, i) => `after-${i}`);
      const second = await runKcat(["-b", bootstrap, ...produceArgs], after.join("\n") + "\n", 180_000);
      assert.is(second.code, 0, second.err);
      const state = cache.partition("k", 0)!;
      assert.is.not(state.leader, leaderId, "a new leader was elected");

      const survivors = brokers.filter((b) => b.id !== leaderId);
      const expected = [...before, ...after];
      const consumed = await runKcat(["-b", `127.0.0.1:${kafkaPortOf(survivors[0].server)}`, "-C", "-t", "k", "-p", "0", "-o", "beginning", "-c", String(expected.length), "-e"], "", 120_000);
      assert.is(consumed.code, 0, consumed.err);
      assert.equal(consumed.out.trim().split("\n"), expected, "kcat reads every line once, in order");
      for (const survivor of survivors) assert.equal(await readAll(survivor.server.url, "k", 0), expected, `HTTP on broker ${survivor.id} agrees`);
    } finally {
      await cache.close();
      await stopBrokers(brokers);
    }
  });

  test.run();
}
