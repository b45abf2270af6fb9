/**
 * kill -9 of a broker child process in a three-broker cluster (`rivulet serve --etcd` children,
 * a real etcd): its lease runs out, the controller elects a new leader from the ISR with epoch
 * + 1 for every partition it led, and the survivors' GET /v1/cluster drops it. Prints the time
 * from the kill to each new leader in etcd (bounded by the lease TTL, `brokerLeaseTtlMs`, plus etcd's expiry
 * check and one watch round trip).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../support/etcd.ts";
import { defaultLimits } from "../../core/limits.ts";
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
        // One worker thread each, started at open: spawning more when the topic's partitions open
        // blocks Deno's main thread for up to 1.5 s on a loaded machine, long enough to miss
        // lease renewals (2 s TTL) and be fenced.
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "kill", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir]));
      }
      await cache.start();
      const created = await fetch(`${brokers[1].url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "k", partitions: 3, replication_factor: 3 }) });
      assert.is(created.status, 201, await created.clone().text());
      const { partitions } = await created.json();
      const led = partitions.filter((p: { leader: number }) => p.leader === 1);
      assert.ok(led.length >= 1, "broker 1 leads a partition");
      const moved = new Map<number, number>();
      // The state each partition had just before its leader changed (on a loaded machine another
      // broker may drop out of the ISR first, when its own lease renewals come late).
      const before = new Map<number, { isr: number[]; leader_epoch: number }>();
      const allMoved = new Promise<void>((resolve) => {
        const look = () => {
          for (const p of led) {
            const state = cache.partition("k", p.partition);
            if (state && state.leader !== 1 && !moved.has(p.partition)) moved.set(p.partition, performance.now());
            else if (state && !moved.has(p.partition)) before.set(p.partition, state);
          }
          if (moved.size === led.length) (off(), resolve());
        };
        const off = cache.onChange(look);
      });
      // Broker epochs just before the kill: a broker whose epoch changed meanwhile lost its lease
      // for a moment (late renewals on a loaded machine) and may have been skipped while away.
      const epochs = new Map([2, 3].map((id) => [id, cache.broker(id)?.epoch ?? 0]));
      const killedAt = performance.now();
      brokers[0].child.kill("SIGKILL");
      await within(allMoved, 20_000, "new leaders for broker 1's partitions");
      for (const p of led) {
        const state = cache.partition("k", p.partition)!;
        const prior = before.get(p.partition) ?? p;
        assert.is(state.leader_epoch, prior.leader_epoch + 1);
        const first = p.replicas.find((id: number) => id !== 1 && prior.isr.includes(id));
        const steady = cache.broker(first)?.epoch === epochs.get(first);
        if (steady) assert.is(state.leader, first, "the first live ISR member in replica order");
        else console.log(`    broker ${first} lost its lease during the failover (loaded machine): leader ${state.leader} from the ISR instead`);
        assert.ok(prior.isr.includes(state.leader), "the new leader was in the ISR");
        assert.not.ok(state.isr.includes(1));
        console.log(`    failover of k/${p.partition}: ${Math.round(moved.get(p.partition)! - killedAt)} ms from kill -9 to the new leader in etcd (lease TTL ${defaultLimits.brokerLeaseTtlMs} ms)`);
      }
      // The others' partitions keep their leaders; broker 1 leaves their ISR (one txn each).
      for (const p of partitions.filter((q: { leader: number }) => q.leader !== 1)) {
        const state = await within(new Promise<{ leader: number; leader_epoch: number }>((resolve) => {
          const look = () => {
            const now = cache.partition("k", p.partition);
            if (now && !now.isr.includes(1)) (off(), resolve(now));
          };
          const off = cache.onChange(look);
          look();
        }), 20_000, `broker 1 out of the ISR of k/${p.partition}`);
        if (state.leader_epoch === p.leader_epoch) assert.is(state.leader, p.leader);
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
