/**
 * The group coordinator fails over with `__consumer_offsets` on a real cluster: three
 * `rivulet serve --etcd` children and a real etcd, a topic of three partitions with replication
 * factor 3, kafkajs consumers committing offsets. The coordinator is the leader of
 * `__consumer_offsets` partition 0; when it is killed (kill -9), the broker elected in its place
 * loads the partition's committed offsets on becoming leader, so OffsetFetch answers the last
 * acknowledged commit of every partition and a new consumer of the group resumes there. The
 * killed broker, restarted, leads the partition again (preferred leader) and loads the commits
 * made while it was down, not those it read from its own disk at start. A coordinator paused
 * (SIGSTOP) past its lease is deposed while it sleeps, resigns once resumed, and when it leads
 * again loads afresh rather than serve the offsets it held before.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Kafka, logLevel, type Consumer } from "kafkajs";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import { kafkaPortOf, until } from "../support/cluster/elastic-cluster.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

const topic = "events";
const group = "resumers";
const partitions = [0, 1, 2];

const alive = (b: ServeProcess) => b.child.exitCode === null && b.child.signalCode === null;

/** A kafkajs client on the live brokers (a killed broker's port is not offered). */
function kafkaOn(brokers: ServeProcess[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.filter(alive).map((b) => `127.0.0.1:${kafkaPortOf(b)}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

/**
 * The group's committed offsets of `topic` through the HTTP API of `url` (forwarded to the
 * coordinator). A coordinator still taking over answers 503 (not_coordinator, or no leader
 * yet), which is retried: the call resolves once a coordinator answers.
 */
function httpOffsets(url: string): Promise<number[]> {
  return within(httpOffsetsOnce(url), 30_000, `a group coordinator answering through ${url}`);
}

async function httpOffsetsOnce(url: string): Promise<number[]> {
  for (;;) {
    const response = await fetch(`${url}/v1/groups/${group}`, { headers: { accept: "application/json" } });
    if (response.status === 503) {
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50)); // a pause between retries, not a wait for the outcome
      continue;
    }
    assert.is(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { offsets: Array<{ topic: string; partition: number; offset: number | null }> };
    const mine = body.offsets.filter((o) => o.topic === topic).sort((a, b) => a.partition - b.partition);
    return partitions.map((p) => mine.find((o) => o.partition === p)?.offset ?? -1);
  }
}

/** The group's committed offsets of `topic` through kafkajs' admin (FindCoordinator, then OffsetFetch). */
async function kafkaOffsets(kafka: Kafka): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [answer] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return partitions.map((p) => Number(answer.partitions.find((o) => o.partition === p)?.offset ?? -1));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Runs a consumer of the group until its acknowledged commit of every partition has reached
 * `until`, committing each record's next offset (awaited) as it goes; returns the offsets it
 * read per partition and the last commit acknowledged per partition (`from` for a partition
 * it had nothing to read of).
 */
async function consumeAndCommit(kafka: Kafka, until: number, from = partitions.map(() => -1)): Promise<{ read: number[][]; acknowledged: number[] }> {
  const consumer: Consumer = kafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
  const read: number[][] = partitions.map(() => []);
  const acknowledged = [...from];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await within(new Promise<void>((resolve, reject) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const offset = Number(message.offset);
          read[partition].push(offset);
          await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1) }]);
          acknowledged[partition] = Math.max(acknowledged[partition], offset + 1);
          if (acknowledged.every((o) => o >= until)) resolve();
        },
      }).catch(reject);
      if (acknowledged.every((o) => o >= until)) resolve();
    }), 60_000, `every partition read and committed up to offset ${until}`);
  } finally {
    await consumer.stop().catch(() => {});
    await consumer.disconnect().catch(() => {});
  }
  return { read, acknowledged };
}

/** Produces `count` records to every partition (acks=all, idempotent). */
async function produce(kafka: Kafka, from: number, count: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const partition of partitions) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ value: `p${partition}-${from + i}`, partition })) });
    }
  } finally {
    await producer.disconnect();
  }
}

interface Cluster {
  brokers: ServeProcess[];
  cache: MetadataCache;
  /** Starts broker `id` again on its data directory. */
  restart(id: number): Promise<void>;
  close(): Promise<void>;
}

/** Three brokers on the test's etcd, a metadata cache on it, and the topic (3 partitions, RF 3, min ISR 2). */
async function startCluster(name: string): Promise<Cluster> {
  const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-${name}${id}-`));
  const args = (id: number) => ["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", name, "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir];
  const brokers: ServeProcess[] = [];
  const cache = new MetadataCache(client, { cluster: name });
  const close = async () => {
    await cache.close();
    for (const b of brokers) if (alive(b)) b.child.kill("SIGTERM");
    await Promise.all(brokers.map((b) => b.exited));
    for (const d of dirs) d.remove();
  };
  try {
    for (const id of [1, 2, 3]) brokers.push(await startServe(args(id)));
    await cache.start();
    const created = await fetch(`${brokers[0].url}/v1/topics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: topic, partitions: 3, replication_factor: 3, config: { "min.insync.replicas": 2 } }),
    });
    assert.is(created.status, 201, await created.clone().text());
  } catch (error) {
    await close();
    throw error;
  }
  return {
    brokers,
    cache,
    async restart(id) {
      brokers[id - 1] = await startServe(args(id));
    },
    close,
  };
}

if (!skip) {
  test("kill -9 of the group coordinator: the new one answers the last acknowledged commits, a new consumer resumes there, and commits after the failover are kept through the old leader's return", async () => {
    const cluster = await startCluster("group-kill");
    const { brokers, cache } = cluster;
    try {
      await produce(kafkaOn(brokers, "gf-producer-1"), 0, 20);

      // A group consumes everything there is, committing record by record: 20 commits per partition.
      const first = await consumeAndCommit(kafkaOn(brokers, "gf-consumer-1"), 20);
      assert.equal(first.acknowledged, [20, 20, 20], "every record's commit acknowledged");
      assert.equal(await kafkaOffsets(kafkaOn(brokers, "gf-admin-1")), [20, 20, 20], "OffsetFetch before the failover");
      await produce(kafkaOn(brokers, "gf-producer-2"), 20, 10);

      // kill -9 of the coordinator, once every replica of __consumer_offsets/0 holds the commits
      await until(cache, () => cache.partition(OFFSETS_TOPIC, 0)?.isr.length === 3, 30_000, `every replica of ${OFFSETS_TOPIC}/0 in its ISR`);
      const before = cache.partition(OFFSETS_TOPIC, 0)!;
      const killed = brokers[before.leader - 1];
      killed.child.kill("SIGKILL");
      await killed.exited;
      await until(cache, () => {
        const now = cache.partition(OFFSETS_TOPIC, 0);
        return now !== undefined && now.leader >= 0 && now.leader !== before.leader;
      }, 30_000, `a new leader of ${OFFSETS_TOPIC}/0`);
      const successor = cache.partition(OFFSETS_TOPIC, 0)!;
      assert.ok(successor.leader_epoch > before.leader_epoch, "the new coordinator leads at a newer epoch");

      // The new coordinator answers every acknowledged commit, through HTTP on every live broker and through Kafka.
      for (const broker of brokers.filter(alive)) assert.equal(await httpOffsets(broker.url), [20, 20, 20], `GET /v1/groups/${group} on ${broker.url} after the failover`);
      assert.equal(await kafkaOffsets(kafkaOn(brokers, "gf-admin-2")), [20, 20, 20], "OffsetFetch after the failover: the last acknowledged commits, not older");

      // A new consumer of the group resumes at the committed offsets and commits after the failover.
      const second = await consumeAndCommit(kafkaOn(brokers, "gf-consumer-2"), 30);
      for (const p of partitions) {
        assert.ok(second.read[p].length > 0 && Math.min(...second.read[p]) === 20, `partition ${p} resumed at offset 20, read ${second.read[p].join(",")}`);
      }
      assert.equal(second.acknowledged, [30, 30, 30]);
      for (const broker of brokers.filter(alive)) assert.equal(await httpOffsets(broker.url), [30, 30, 30], `commits after the failover, on ${broker.url}`);

      // The killed broker returns; as the preferred replica it leads __consumer_offsets/0 again,
      // at a newer epoch, and must serve the commits made while it was down, not those on its disk at start.
      await cluster.restart(before.leader);
      await until(cache, () => {
        const now = cache.partition(OFFSETS_TOPIC, 0);
        return now !== undefined && now.leader === before.leader && now.leader_epoch > successor.leader_epoch;
      }, 30_000, `broker ${before.leader} leading ${OFFSETS_TOPIC}/0 again`);
      for (const broker of brokers) assert.equal(await httpOffsets(broker.url), [30, 30, 30], `after broker ${before.leader} leads the group coordinator again, on ${broker.url}`);
      assert.equal(await kafkaOffsets(kafkaOn(brokers, "gf-admin-3")), [30, 30, 30], "OffsetFetch after the old leader's return");
    } finally {
      await cluster.close();
    }
  });

  test("SIGSTOP of the coordinator past its lease: it is deposed while paused, resigns once resumed, and leading again (preferred leader) serves the commits made meanwhile, not those it held", async () => {
    const cluster = await startCluster("group-pause");
    const { brokers, cache } = cluster;
    let paused: ServeProcess | null = null;
    try {
      await produce(kafkaOn(brokers, "gp-producer-1"), 0, 20);
      const first = await consumeAndCommit(kafkaOn(brokers, "gp-consumer-1"), 10);
      const committed = first.acknowledged;
      assert.ok(committed.every((o) => o >= 10 && o <= 20), `commits acknowledged: ${committed}`);
      await produce(kafkaOn(brokers, "gp-producer-2"), 20, 10);
      await until(cache, () => cache.partition(OFFSETS_TOPIC, 0)?.isr.length === 3, 30_000, `every replica of ${OFFSETS_TOPIC}/0 in its ISR`);
      const before = cache.partition(OFFSETS_TOPIC, 0)!;
      paused = brokers[before.leader - 1];
      process.kill(paused.child.pid!, "SIGSTOP");
      await until(cache, () => {
        const now = cache.partition(OFFSETS_TOPIC, 0);
        return now !== undefined && now.leader >= 0 && now.leader !== before.leader;
      }, 30_000, `a new leader of ${OFFSETS_TOPIC}/0 while broker ${before.leader} is paused`);
      const running = brokers.filter((b) => b !== paused);
      for (const broker of running) assert.equal(await httpOffsets(broker.url), committed, `the new coordinator, through ${broker.url}`);
      // the rest, committed at the new coordinator while the old one sleeps holding the earlier offsets
      const second = await consumeAndCommit(kafkaOn(running, "gp-consumer-2"), 30, committed);
      for (const p of partitions) assert.is(Math.min(...second.read[p]), committed[p], `partition ${p} resumed at its committed offset`);
      assert.equal(second.acknowledged, [30, 30, 30]);
      const successor = cache.partition(OFFSETS_TOPIC, 0)!;
      process.kill(paused.child.pid!, "SIGCONT");
      paused = null;
      // back in the ISR, the preferred replica leads again at a newer epoch: it must load, not serve what it held
      await until(cache, () => {
        const now = cache.partition(OFFSETS_TOPIC, 0);
        return now !== undefined && now.leader === before.leader && now.leader_epoch > successor.leader_epoch;
      }, 30_000, `broker ${before.leader} leading ${OFFSETS_TOPIC}/0 again`);
      for (const broker of brokers) assert.equal(await httpOffsets(broker.url), [30, 30, 30], `leading again, through ${broker.url}`);
      assert.equal(await kafkaOffsets(kafkaOn(brokers, "gp-admin")), [30, 30, 30], "OffsetFetch at the resumed broker leading again");
    } finally {
      if (paused) process.kill(paused.child.pid!, "SIGCONT");
      await cluster.close();
    }
  });

  test.run();
}
