/**
 * Moves survive the controller, and a drain empties a broker: four `rivulet serve --etcd`
 * children and a real etcd, a topic with 3 partitions and replication factor 3.
 *
 * - A partition is moved onto a broker held stopped (SIGSTOP), so the move cannot complete
 *   yet; the controller is killed with SIGKILL while the move is in etcd; the stopped broker is
 *   continued. The next controller finds the move in the topic record and completes it once the
 *   new replica has caught up.
 * - The killed broker is restarted, then drained through `rivulet cluster drain`: no partition
 *   keeps it as a replica; a rebalance afterwards leaves it out (it stays drained until it
 *   registers anew), though it then holds the fewest replicas (a second topic has replication
 *   factor 1).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd } from "../support/etcd.ts";
import { runCli } from "../support/cli-process.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { call, noMoves, startBroker, stopBrokers, until, type ElasticBroker } from "../support/cluster/elastic-cluster.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

/**
 * Sends a signal by pid: Deno's `ChildProcess.kill` sends only the first signal to a child
 * (a SIGCONT after SIGSTOP returns false and is never sent).
 */
function signal(broker: ElasticBroker, name: "SIGSTOP" | "SIGCONT"): void {
  process.kill(broker.server.child.pid!, name);
}

if (!skip) {
  test("a controller killed mid-move: the next one completes it; a drained broker ends with no replica and a rebalance leaves it out", async () => {
    const brokers: ElasticBroker[] = [];
    const cache = new MetadataCache(client, { cluster: "elastic-failover" });
    let stopped: ElasticBroker | null = null;
    try {
      for (const id of [1, 2, 3, 4]) brokers.push(await startBroker(id, endpoint, "elastic-failover"));
      await cache.start();
      await until(cache, () => cache.brokers().length === 4 && cache.controller() !== null, 30_000, "four brokers and a controller");
      const created = await call(brokers[0].server.url, "POST", "/v1/topics", { name: "d", partitions: 3, replication_factor: 3 });
      assert.is(created.status, 201, JSON.stringify(created.body));
      // Single-copy partitions on every broker: after the drain, a rebalance that did not leave
      // the drained broker out would move some back onto it (it would hold the fewest).
      const single = await call(brokers[0].server.url, "POST", "/v1/topics", { name: "s", partitions: 4, replication_factor: 1 });
      assert.is(single.status, 201, JSON.stringify(single.body));
      await until(cache, () => [0, 1, 2].every((p) => cache.partition("d", p)?.isr.length === 3), 60_000, "every replica of d in the ISR");

      // A move onto a stopped broker, the controller killed meanwhile.
      const controller = cache.controller()!.broker_id;
      const topic = cache.topic("d")!;
      const p = topic.replicas.findIndex((row) => row.includes(controller));
      assert.ok(p >= 0, `the controller ${controller} holds a replica of d`);
      const leader = cache.partition("d", p)!.leader;
      const rest = [1, 2, 3, 4].filter((id) => id !== controller);
      const target = leader !== controller ? [leader, ...rest.filter((id) => id !== leader)] : rest;
      const joining = target.find((id) => !topic.replicas[p].includes(id))!;
      stopped = brokers[joining - 1];
      signal(stopped, "SIGSTOP");
      const moved = await call(brokers[rest.find((id) => id !== joining)! - 1].server.url, "PUT", `/v1/topics/d/partitions/${p}/replicas`, { replicas: target });
      assert.is(moved.status, 202, JSON.stringify(moved.body));
      await until(cache, () => cache.topic("d")?.adding_replicas?.[String(p)] !== undefined, 30_000, "the move in etcd");
      const midMove = cache.topic("d")!;
      assert.equal(midMove.adding_replicas![String(p)], [joining]);
      assert.equal(midMove.removing_replicas![String(p)], [controller]);
      const killedAt = performance.now();
      brokers[controller - 1].server.child.kill("SIGKILL");
      signal(stopped, "SIGCONT");
      stopped = null;
      await until(cache, () => {
        const now = cache.controller();
        return now !== null && now.broker_id !== controller;
      }, 60_000, "a new controller");
      const next = cache.controller()!.broker_id;
      await until(cache, () => {
        const t = cache.topic("d")!;
        const s = cache.partition("d", p)!;
        return !t.adding_replicas?.[String(p)] && t.replicas[p].join() === target.join() && target.every((id) => s.isr.includes(id)) && target.includes(s.leader);
      }, 90_000, `the move of d/${p} completed by the next controller`);
      console.log(`    controller ${controller} killed mid-move of d/${p} (joining ${joining}, held stopped): controller ${next} completed it ${Math.round(performance.now() - killedAt)} ms after the kill`);

      // The killed broker comes back, then is drained.
      brokers[controller - 1] = await startBroker(controller, endpoint, "elastic-failover", brokers[controller - 1].dir);
      await until(cache, () => cache.broker(controller) !== undefined, 30_000, `broker ${controller} registered again`);
      const holds = () => cache.topics().filter((t) => t.replicas.some((row) => row.includes(controller))).map((t) => t.name);
      assert.ok(holds().length > 0, `broker ${controller} holds replicas before the drain`);
      const drained = await runCli(["cluster", "drain", String(controller), "--url", brokers[next - 1].server.url]);
      assert.is(drained.code, 0, drained.stderr + drained.stdout);
      assert.match(drained.stdout, /moves? started/);
      await until(cache, () => noMoves(cache) && holds().length === 0, 90_000, `every replica moved off broker ${controller}`);
      const described = await call(brokers[next - 1].server.url, "GET", "/v1/topics/d");
      for (const part of described.body.partitions) assert.not.ok(part.replicas.includes(controller), `d/${part.partition}: ${part.replicas}`);
      const rebalanced = await call(brokers[next - 1].server.url, "POST", "/v1/cluster/rebalance", {});
      assert.is(rebalanced.status, 202, JSON.stringify(rebalanced.body));
      for (const move of rebalanced.body.moves) assert.not.ok(move.replicas.includes(controller), `rebalance left drained broker ${controller} out: ${JSON.stringify(move)}`);
      await until(cache, () => noMoves(cache), 90_000, "the rebalance completes");
      assert.is(holds().length, 0, `broker ${controller} still holds nothing`);
      console.log(`    broker ${controller} drained: no partition keeps it; a rebalance then started ${rebalanced.body.moves.length} moves, none onto it (it holds the fewest replicas)`);
    } finally {
      if (stopped) signal(stopped, "SIGCONT");
      await cache.close();
      await stopBrokers(brokers);
    }
  });

  test.run();
}
