/**
 * kill -9 of a broker child process in a three-broker cluster (`rivulet serve --etcd` children,
 * a real etcd): its lease runs out, the controller elects a new leader from the ISR with epoch
 * + 1 for every partition it led, and the survivors' GET /v1/cluster drops it. Prints the time
 * from the kill to each new leader in etcd (bounded by the 2 s lease TTL plus etcd's expiry
 * check and one watch round trip).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

if (!skip) {
  test("kill -9 of the broker leading partitions: new leaders from the ISR with epoch + 1 within the lease TTL; the cluster drops it", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-kill${id}-`));
    const brokers: ServeProcess[] = [];
    const cache = new MetadataCache(client, { cluster: "kill" });
    try {
      for (const id of [1, 2, 3]) {
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "kill", "--kafka-port", "0", "--data-dir", dirs[id - 1].dir]));
      }
      await cache.start();
      const created = await fetch(`${brokers[1].url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "k", partitions: 3, replication_factor: 3 }) });
      assert.is(created.status, 201, await created.clone().text());
      const { partitions } = await created.json();
      const led = partitions.filter((p: { leader: number }) => p.leader === 1);
      assert.ok(led.length >= 1, "broker 1 leads a partition");
      const moved = new Map<number, number>();
      const allMoved = new Promise<void>((resolve) => {
        const look = () => {
          for (const p of led) {
            const state = cache.partition("k", p.partition);
            if (state && state.leader !== 1 && !moved.has(p.partition)) moved.set(p.partition, performance.now());
          }
          if (moved.size === led.length) (off(), resolve());
        };
        const off = cache.onChange(look);
      });
      const killedAt = performance.now();
      brokers[0].child.kill("SIGKILL");
      await within(allMoved, 20_000, "new leaders for broker 1's partitions");
      for (const p of led) {
        const state = cache.partition("k", p.partition)!;
        assert.is(state.leader_epoch, p.leader_epoch + 1);
        assert.is(state.leader, p.replicas.find((id: number) => id !== 1), "the first live ISR member in replica order");
        assert.not.ok(state.isr.includes(1));
        console.log(`    failover of k/${p.partition}: ${Math.round(moved.get(p.partition)! - killedAt)} ms from kill -9 to the new leader in etcd (lease TTL 2000 ms)`);
      }
      // The others' partitions keep their leaders and epochs (broker 1 only leaves their ISR).
      for (const p of partitions.filter((q: { leader: number }) => q.leader !== 1)) {
        const state = cache.partition("k", p.partition)!;
        assert.is(state.leader, p.leader);
        assert.is(state.leader_epoch, p.leader_epoch);
      }
      // Broker 3's own metadata follows etcd's watch: ask until it shows the deletion.
      const view = await within((async () => {
        for (;;) {
          const answer = await (await fetch(`${brokers[2].url}/v1/cluster`)).json();
          if (answer.brokers.length === 2) return answer;
          await new Promise((r) => setTimeout(r, 20));
        }
      })(), 10_000, "broker 3 sees broker 1 gone");
      assert.equal(view.brokers.map((b: { id: number }) => b.id), [2, 3]);
    } finally {
      await cache.close();
      for (const b of brokers) if (b.child.exitCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    }
  });

  test.run();
}
