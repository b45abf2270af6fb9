/**
 * `/health` and `/metrics` of a three-broker cluster (`rivulet serve --etcd` children, real
 * etcd, RF 3): healthy at first, with no lag on the followers of a partition written with
 * acks=all; kill -9 of a broker → the survivors report its partitions under-replicated (200,
 * `degraded`) and the controller counts its leader elections; restarted → it catches up, the
 * leaders count ISR expansions, and `/health` is `ok` again everywhere.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";

let endpoint = "";
const skip = useEtcd(test, (etcd) => {
  endpoint = etcd.endpoint;
});

interface Health {
  status: string;
  cluster?: { broker_id: number; joined: boolean; under_replicated_count: number; leaderless_count: number; under_replicated_partitions: Array<{ topic: string; partition: number; isr: number[] }>; leaderless_partitions: unknown[] };
}

async function health(url: string): Promise<{ status: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: (await response.json()) as Health };
}

/** The value of one sample in Prometheus text (a name with its labels, as printed), or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function metrics(url: string): Promise<string> {
  return await (await fetch(`${url}/metrics`)).text();
}

/** Asks `url` until `accept` takes its answer (the cluster's state arrives through etcd's watch). */
async function until<T>(ask: () => Promise<T>, accept: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  let late = false;
  try {
    return await within((async () => {
      for (;;) {
        const value = await ask().catch(() => undefined);
        if (value !== undefined && accept(value)) return value;
        if (late) throw new Error(what);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })(), ms, what);
  } finally {
    late = true;
  }
}

const start = (id: number, dir: string) =>
  startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "health", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dir]);

if (!skip) {
  test("health and metrics: healthy, kill -9 → under-replicated and elections counted, restart → ISR expanded and healthy again", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-health${id}-`));
    const brokers: ServeProcess[] = [];
    try {
      for (const id of [1, 2, 3]) brokers.push(await start(id, dirs[id - 1].dir));
      const created = await fetch(`${brokers[1].url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "h", partitions: 3, replication_factor: 3 }) });
      assert.is(created.status, 201, await created.clone().text());
      const { partitions } = (await created.json()) as { partitions: Array<{ partition: number; leader: number; replicas: number[] }> };

      // Healthy: every broker says ok, no partition listed.
      for (const b of brokers) {
        const h = await until(() => health(b.url), (h) => h.status === 200 && h.body.status === "ok", "a healthy cluster");
        assert.is(h.body.cluster!.joined, true);
        assert.is(h.body.cluster!.under_replicated_count, 0);
        assert.is(h.body.cluster!.leaderless_count, 0);
      }

      // acks=all produce to h/0 (through any broker): its followers end with no lag, its leader shows each follower's lag.
      const p0 = partitions.find((p) => p.partition === 0)!;
      const produced = await fetch(`${brokers[2].url}/v1/topics/h/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: Array.from({ length: 20 }, (_, i) => ({ value: i, partition: 0 })) }) });
      assert.is(produced.status, 200, await produced.clone().text());
      const leaderOf0 = brokers[p0.leader - 1];
      const led = await metrics(leaderOf0.url);
      for (const follower of p0.replicas.filter((id) => id !== p0.leader)) {
        assert.is(sample(led, `rivulet_replica_lag_records{topic="h",partition="0",replica="${follower}"}`), 0, `follower ${follower} of h/0 has no lag:\n${led}`);
        assert.ok((sample(led, `rivulet_replica_lag_ms{topic="h",partition="0",replica="${follower}"}`) ?? -2) >= 0, "caught up at some time");
      }
      assert.is(sample(led, "rivulet_under_replicated_partitions"), 0);
      assert.ok((sample(led, "rivulet_leader_partitions") ?? 0) >= 1);

      // kill -9 of broker 1: the survivors report its partitions under-replicated (and none leaderless once re-elected).
      const elections = async () => (await Promise.all([brokers[1], brokers[2]].map(async (b) => sample(await metrics(b.url), "rivulet_leader_elections_total") ?? 0))).reduce((a, b) => a + b, 0);
      const electionsBefore = await elections();
      brokers[0].child.kill("SIGKILL");
      await brokers[0].exited;
      // (The cluster's internal topics, RF 3 too, are under-replicated alongside h.)
      const ofH = (h: Health) => h.cluster!.under_replicated_partitions.filter((p) => p.topic === "h");
      const degraded = await until(() => health(brokers[1].url), (h) => ofH(h.body).length === 3 && h.body.cluster!.leaderless_count === 0, "broker 1's partitions under-replicated");
      assert.is(degraded.status, 200, "under-replicated partitions are still served");
      assert.is(degraded.body.status, "degraded");
      assert.equal(ofH(degraded.body).map((p) => p.partition), [0, 1, 2]);
      for (const p of degraded.body.cluster!.under_replicated_partitions) assert.not.ok(p.isr.includes(1));
      const under = sample(await metrics(brokers[1].url), "rivulet_cluster_under_replicated_partitions") ?? 0;
      assert.ok(under >= 3 && under === degraded.body.cluster!.under_replicated_count, `the metric counts them as /health does (${under})`);
      const ledBy1 = partitions.filter((p) => p.leader === 1).length;
      assert.ok((await elections()) - electionsBefore >= ledBy1, `the controller counted ${ledBy1} election(s) for broker 1's partitions`);

      // Restarted: broker 1 catches up and the leaders put it back in the ISR; healthy again on every broker.
      const expands = async () => (await Promise.all(brokers.slice(1).map(async (b) => sample(await metrics(b.url), "rivulet_isr_expands_total") ?? 0))).reduce((a, b) => a + b, 0);
      const expandsBefore = await expands();
      brokers[0] = await start(1, dirs[0].dir);
      for (const b of brokers) await until(() => health(b.url), (h) => h.status === 200 && h.body.status === "ok", `broker ${brokers.indexOf(b) + 1} healthy again`);
      assert.ok((await expands()) > expandsBefore, "ISR expansions counted by the leaders");
      assert.is(sample(await metrics(brokers[1].url), "rivulet_cluster_under_replicated_partitions"), 0);
    } finally {
      for (const b of brokers) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    }
  });

  test.run();
}
