/**
 * Replication end to end on a real cluster: three `rivulet serve --etcd` children and a real
 * etcd, a topic with replication factor 3 and min.insync.replicas 2. A kafkajs idempotent
 * producer with acks=all writes numbered records; the partition's leader is killed with
 * SIGKILL; the producer goes on (kafkajs finds the new leader in Metadata); then every record
 * it was acknowledged is read back through a surviving broker's HTTP API, exactly once and in
 * the order produced. Prints the failover time: kill -9 → the next acknowledged produce.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../support/kafka/kafkajs-timers.ts";
import { Kafka, logLevel } from "kafkajs";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import { kafkaPortOf, readAll } from "../support/cluster/elastic-cluster.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

if (!skip) {
  test("kill -9 of a replicated leader loses no acknowledged record (acks=all, RF 3, min ISR 2); the producer goes on with the new leader", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-failover${id}-`));
    const brokers: ServeProcess[] = [];
    const cache = new MetadataCache(client, { cluster: "failover" });
    let producer: ReturnType<Kafka["producer"]> | null = null;
    try {
      for (const id of [1, 2, 3]) {
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "failover", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir]));
      }
      await cache.start();
      const created = await fetch(`${brokers[0].url}/v1/topics`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "f", partitions: 1, replication_factor: 3, config: { "min.insync.replicas": 2 } }),
      });
      assert.is(created.status, 201, await created.clone().text());
      const leaderId: number = (await created.json()).partitions[0].leader;
      const survivors = brokers.filter((_, i) => i + 1 !== leaderId);
      const client = new Kafka({ clientId: "failover", brokers: brokers.map((b) => `127.0.0.1:${kafkaPortOf(b)}`), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 } });
      producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const acked: string[] = [];
      const send = async (value: string) => {
        await producer!.send({ topic: "f", acks: -1, messages: [{ value }] });
        acked.push(value);
      };
      for (let i = 0; i < 100; i++) await send(`before-${i}`);
      // Every replica in the ISR before the kill: the acknowledged records are on all three.
      await within(new Promise<void>((resolve) => {
        const look = () => cache.partition("f", 0)?.isr.length === 3 && (off(), resolve());
        const off = cache.onChange(look);
        look();
      }), 30_000, "all three replicas in the ISR");
      const killedAt = performance.now();
      brokers[leaderId - 1].child.kill("SIGKILL");
      await send("after-0");
      const failoverMs = performance.now() - killedAt;
      for (let i = 1; i < 50; i++) await send(`after-${i}`);
      const state = cache.partition("f", 0)!;
      assert.is.not(state.leader, leaderId, "a new leader");
      console.log(`    failover: ${Math.round(failoverMs)} ms from kill -9 of the leader to the next acknowledged produce (new leader ${state.leader}, epoch ${state.leader_epoch})`);
      for (const survivor of survivors) {
        const values = await readAll(survivor.url, "f", 0);
        assert.equal(values, acked, `every acknowledged record once, in order, read through ${survivor.url}`);
      }
    } finally {
      await producer?.disconnect().catch(() => {});
      await cache.close();
      for (const b of brokers) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    }
  });

  test.run();
}
