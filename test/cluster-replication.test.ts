/**
 * Replication across three real brokers in this process (Kafka listeners on 127.0.0.1), driven
 * through their replica managers as the cluster's reconciler would: acks=all through kafkajs,
 * followers byte-identical to the leader, ISR shrink and expand, min.insync.replicas, a leader
 * change healing a diverged log, and an idempotent retry after failover.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import "./support/kafka/kafkajs-timers.ts";
import { Kafka, logLevel } from "kafkajs";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { RivuletError } from "../core/errors.ts";
import { logBytes, ReplicaCluster, type ReplicaNode } from "./support/cluster/replica-cluster.ts";
import { kcatPresent, runKcat } from "./support/kafka/kcat.ts";

const topic = "replicated";

function kafka(node: ReplicaNode, retries = 5): Kafka {
  return new Kafka({ clientId: "repl-test", brokers: [node.address], logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 50 } });
}

function messages(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}-${"x".repeat(50)}` }));
}

/** Starts brokers 1-3 and makes 1 the leader of `topic`/0 at epoch 1 with ISR [1,2,3]. */
async function threeBrokers(cluster: ReplicaCluster, config: Record<string, unknown> = {}): Promise<ReplicaNode[]> {
  cluster.topics.set(topic, { partitions: 1, config });
  const nodes = [await cluster.start(1), await cluster.start(2), await cluster.start(3)];
  cluster.setState(topic, 0, { leaderEpoch: 1, isr: [1, 2, 3] });
  await nodes[0].replicas.becomeLeader(topic, 0, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] });
  await nodes[1].replicas.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2, 3] });
  await nodes[2].replicas.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2, 3] });
  return nodes;
}

async function leo(node: ReplicaNode): Promise<number> {
  return (await node.broker.epochState(topic, 0)).logEndOffset;
}

async function hw(node: ReplicaNode): Promise<number> {
  return (await node.broker.epochState(topic, 0)).highWatermark;
}

/** Waits until every node's log end and high watermark equal the first's, then compares their logs byte for byte. */
async function assertIdentical(cluster: ReplicaCluster, nodes: ReplicaNode[]): Promise<number> {
  let end = -1;
  await cluster.until(async () => {
    const ends = await Promise.all(nodes.map(leo));
    const hws = await Promise.all(nodes.map(hw));
    end = ends[0];
    return ends.every((e) => e === ends[0]) && hws.every((h) => h === ends[0]);
  }, "every replica at the same log end and high watermark");
  const first = logBytes(nodes[0].dir, topic, 0);
  assert.ok(first.length > 0);
  for (const node of nodes.slice(1)) assert.equal(logBytes(node.dir, topic, 0), first, `broker ${node.id}'s log equals broker ${nodes[0].id}'s byte for byte`);
  return end;
}

test("acks=all through kafkajs resolves once every ISR follower holds the batch; followers are byte-identical", async () => {
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster);
    const producer = kafka(nodes[0]).producer();
    await producer.connect();
    for (let round = 0; round < 5; round++) {
      const [meta] = await producer.send({ topic, acks: -1, messages: messages(20, `r${round}`) });
      const last = Number(meta.baseOffset) + 19;
      // acknowledged means replicated: both followers already hold the batch
      for (const follower of nodes.slice(1)) assert.ok((await leo(follower)) > last, `broker ${follower.id} holds offset ${last} when the produce is acknowledged`);
      assert.ok((await hw(nodes[0])) > last, "the leader's high watermark passed the batch");
    }
    await producer.disconnect();
    const end = await assertIdentical(cluster, nodes);
    assert.is(end, 100);
    // a consumer reads everything from the leader (up to its high watermark)
    const read = await nodes[0].broker.fetch(topic, 0, { offset: 0, maxRecords: 1000 });
    assert.is(read.records.length, 100);
  } finally {
    await cluster.close();
  }
});

test("followers refuse produce (NOT_LEADER_OR_FOLLOWER) and consumer reads; stale and future leader epochs are fenced", async () => {
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster);
    const producer = kafka(nodes[1], 0).producer({ retry: { retries: 0 } });
    await producer.connect();
    const error = await producer.send({ topic, acks: -1, messages: messages(1, "x") }).then(() => null, (e: unknown) => e as { type?: string; cause?: { type?: string } });
    assert.ok(error, "produce to a follower fails");
    assert.is(error!.type ?? error!.cause?.type, "NOT_LEADER_FOR_PARTITION");
    await producer.disconnect();
    const read = await nodes[1].broker.fetch(topic, 0, { offset: 0 }).then(() => null, (e: RivuletError) => e.code);
    assert.is(read, "not_leader");
    const stale = await nodes[0].broker.fetchBatches(topic, 0, { offset: 0, currentLeaderEpoch: 0 }).then(() => null, (e: RivuletError) => e.code);
    assert.is(stale, "fenced_leader_epoch");
    const future = await nodes[0].broker.fetchBatches(topic, 0, { offset: 0, currentLeaderEpoch: 2 }).then(() => null, (e: RivuletError) => e.code);
    assert.is(future, "unknown_leader_epoch");
    const stranger = await nodes[0].broker.fetchBatches(topic, 0, { offset: 0, replicaId: 9 }).then(() => null, (e: RivuletError) => e.code);
    assert.is(stranger, "not_leader");
  } finally {
    await cluster.close();
  }
});

test("a stopped follower leaves the ISR after replica.lag.time.max.ms; min.insync.replicas refuses acks=all with only the leader; the follower returns and rejoins", async () => {
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster, { "replica.lag.time.max.ms": 1000, "min.insync.replicas": 2 });
    const producer = kafka(nodes[0]).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: messages(10, "before") });

    await nodes[2].close();
    // acknowledged once the ISR has shrunk to [1, 2] (still min ISR 2)
    const [meta] = await producer.send({ topic, acks: -1, messages: messages(10, "one-down") });
    assert.is(Number(meta.baseOffset), 10);
    const shrink = cluster.isrEvents.find((e) => e.isr.length === 2);
    assert.ok(shrink, "the leader asked for an ISR without the stopped follower");
    assert.equal([...shrink!.isr].sort(), [1, 2]);
    assert.ok((await leo(nodes[1])) >= 20, "the remaining follower holds the acknowledged batch");

    await nodes[1].close();
    // appended while the ISR is [1, 2]; the ISR then shrinks to [1] below min ISR 2
    const late = await nodes[0].broker.appendBatch(topic, 0, encodeRecordBatch([{ key: null, value: new Uint8Array([1]), headers: [], timestamp: Date.now() }]), { acks: "all" }).then(() => null, (e: RivuletError) => e.code);
    assert.is(late, "not_enough_replicas_after_append");
    assert.equal(cluster.state(topic, 0)!.isr, [1]);
    const strict = kafka(nodes[0], 0).producer({ retry: { retries: 0 } });
    await strict.connect();
    const refused = await strict.send({ topic, acks: -1, messages: messages(1, "alone") }).then(() => null, (e: { type?: string; cause?: { type?: string } }) => e.type ?? e.cause?.type);
    assert.is(refused, "NOT_ENOUGH_REPLICAS");
    // acks=1 is still taken by the leader alone
    const [one] = await strict.send({ topic, acks: 1, messages: messages(1, "acks1") });
    assert.ok(Number(one.baseOffset) >= 20);
    await strict.disconnect();

    // broker 2 comes back on its data, follows again, catches up and rejoins the ISR
    const back = await cluster.start(2);
    await back.replicas.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2, 3] });
    await cluster.until(() => cluster.state(topic, 0)!.isr.includes(2), "broker 2 back in the ISR");
    const expand = cluster.isrEvents.at(-1)!;
    assert.equal([...expand.isr].sort(), [1, 2]);
    const [after] = await producer.send({ topic, acks: -1, messages: messages(5, "rejoined") });
    assert.ok((await leo(back)) > Number(after.baseOffset) + 4, "acks=all waited for the returned follower");
    await producer.disconnect();
    await assertIdentical(cluster, [nodes[0], back]);
    const metrics = await nodes[0].replicas.metrics();
    assert.ok(metrics.isrShrinks >= 2 && metrics.isrExpands >= 1, JSON.stringify(metrics));
    assert.is(metrics.underReplicatedPartitions, 1, "broker 3 is still out of the ISR");
  } finally {
    await cluster.close();
  }
});

test("leader change: the old leader becomes a follower and truncates its unreplicated suffix, then copies the new leader's log", async () => {
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster);
    const [b1, b2, b3] = nodes;
    const idempotent = { producerId: 7, producerEpoch: 0 };
    const batch = (seq: number, n: number) => encodeRecordBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: new Uint8Array([seq, i]), headers: [], timestamp: Date.now() })), { ...idempotent, baseSequence: seq });
    const first = await b1.broker.appendBatch(topic, 0, batch(0, 5), { acks: "all" });
    assert.is(first.baseOffset, 0);
    const second = await b1.broker.appendBatch(topic, 0, batch(5, 5), { acks: "all" });
    assert.is(second.baseOffset, 5);
    await assertIdentical(cluster, nodes);

    // the followers stop fetching; broker 1 takes writes no one else gets (acks=1)
    await b2.replicas.stopReplica(topic, 0, { deleteData: false });
    await b3.replicas.stopReplica(topic, 0, { deleteData: false });
    const stopped = await b2.broker.appendBatch(topic, 0, encodeRecordBatch([{ key: null, value: new Uint8Array([0]), headers: [], timestamp: Date.now() }])).then(() => null, (e: RivuletError) => e.code);
    assert.is(stopped, "not_leader", "a stopped replica takes no writes of its own");
    for (let i = 0; i < 3; i++) await b1.broker.appendBatch(topic, 0, encodeRecordBatch([{ key: null, value: new Uint8Array([99, i]), headers: [], timestamp: Date.now() }]), { acks: "leader" });
    assert.is(await leo(b1), 13);

    // broker 2 leads at epoch 2 (elected from the ISR); broker 3 follows it
    cluster.setState(topic, 0, { leaderEpoch: 2, isr: [2, 3] });
    await b2.replicas.becomeLeader(topic, 0, { leaderEpoch: 2, replicas: [1, 2, 3], isr: [2, 3] });
    await b3.replicas.becomeFollower(topic, 0, { leaderEpoch: 2, leader: 2, replicas: [1, 2, 3] });
    // the producer retries its second batch after the failover: it gets its original offsets
    const retried = await b2.broker.appendBatch(topic, 0, batch(5, 5), { acks: "all" });
    assert.is(retried.baseOffset, 5, "a retry after failover is a duplicate with its original offsets");
    const third = await b2.broker.appendBatch(topic, 0, batch(10, 4), { acks: "all" });
    assert.is(third.baseOffset, 10);

    // broker 1 follows: its offsets 10-12 (epoch 1, never replicated) go, epoch 2's come
    await b1.replicas.becomeFollower(topic, 0, { leaderEpoch: 2, leader: 2, replicas: [1, 2, 3] });
    const end = await assertIdentical(cluster, [b2, b1, b3]);
    assert.is(end, 14);
    const epochs = (await b1.broker.epochState(topic, 0)).epochs.map((e) => [e.epoch, e.startOffset]);
    assert.equal(epochs.at(-1), [2, 10]);
    await cluster.until(() => cluster.state(topic, 0)!.isr.includes(1), "broker 1 back in the ISR");
    assert.ok(b1.replicas.counters.truncations >= 1);
  } finally {
    await cluster.close();
  }
});

test("a partition worker that crashes and restarts takes its role back: the follower follows again, the leader leads again", async () => {
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster);
    const [b1, b2] = nodes;
    const one = () => encodeRecordBatch([{ key: null, value: new Uint8Array([7]), headers: [], timestamp: Date.now() }]);
    await b1.broker.appendBatch(topic, 0, one(), { acks: "all" });

    await b2.broker.faults.crashPartition(topic, 0);
    const r = await b1.broker.appendBatch(topic, 0, one(), { acks: "all" });
    assert.ok((await leo(b2)) > r.lastOffset, "the restarted follower copied the next batch");
    assert.is((await b2.broker.replicaState(topic, 0)).role, "follower");
    const refused = await b2.broker.appendBatch(topic, 0, one()).then(() => null, (e: RivuletError) => e.code);
    assert.is(refused, "not_leader");

    await b1.broker.faults.crashPartition(topic, 0);
    await cluster.until(async () => (await b1.broker.replicaState(topic, 0).catch(() => null))?.role === "leader", "the leader's partition leading again");
    const after = await b1.broker.appendBatch(topic, 0, one(), { acks: "all" });
    for (const follower of nodes.slice(1)) assert.ok((await leo(follower)) > after.lastOffset, `broker ${follower.id} holds the batch acknowledged after the leader's restart`);
    await assertIdentical(cluster, nodes);
  } finally {
    await cluster.close();
  }
});

test("kcat (librdkafka, acks=all by default) produces to a replicated leader and consumes what its followers hold", async () => {
  if (!kcatPresent) {
    console.log("skipped: kcat is not installed");
    return;
  }
  const cluster = new ReplicaCluster();
  try {
    const nodes = await threeBrokers(cluster);
    const lines = Array.from({ length: 20 }, (_, i) => `line-${i}`);
    const produced = await runKcat(["-b", nodes[0].address, "-P", "-t", topic, "-p", "0", "-X", "request.required.acks=-1"], lines.join("\n") + "\n");
    assert.is(produced.code, 0, produced.err);
    for (const follower of nodes.slice(1)) assert.is(await leo(follower), 20, `broker ${follower.id} holds what kcat was acknowledged`);
    const consumed = await runKcat(["-b", nodes[0].address, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-c", "20", "-e"]);
    assert.is(consumed.code, 0, consumed.err);
    assert.equal(consumed.out.trim().split("\n"), lines);
  } finally {
    await cluster.close();
  }
});

test.run();
