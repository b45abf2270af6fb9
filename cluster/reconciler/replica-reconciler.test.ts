/**
 * The reconciler and alterIsr against a real etcd: partition states are written straight to
 * etcd here (standing in for the controller), the replica manager is a recording test double
 * of cluster/replication's ReplicaManager whose calls can be held open.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../../test/support/etcd.ts";
import { errorCode } from "../../test/support/error-code.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import { BrokerRegistration } from "../membership/broker-registration.ts";
import { MetadataCache } from "../membership/metadata-cache.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import { alterIsr } from "./alter-isr.ts";
import type { ReplicaManager } from "./replica-manager-api.ts";
import { ReplicaReconciler } from "./replica-reconciler.ts";

let client: EtcdClient;
const skip = useEtcd(test, (_etcd, onIt) => {
  client = onIt;
});
const broker = (id: number) => ({ id, host: "127.0.0.1", port: 8080 + id, kafka_port: 9090 + id });

type Call = { call: string; topic: string; partition: number; epoch?: number; leader?: number; isr?: number[]; deleteData?: boolean };

/** A recording ReplicaManager whose calls can be held until released. */
class Recorder implements ReplicaManager {
  calls: Call[] = [];
  #hold: Promise<void> | null = null;
  #release: (() => void) | null = null;
  #waiters = new Set<() => void>();
  hold(): void {
    this.#hold = new Promise((resolve) => (this.#release = resolve));
  }
  release(): void {
    this.#release?.();
    this.#hold = null;
  }
  async #record(call: Call): Promise<void> {
    this.calls.push(call);
    for (const wake of [...this.#waiters]) wake();
    if (this.#hold) await this.#hold;
  }
  until(match: (calls: Call[]) => boolean, what: string): Promise<void> {
    return within(new Promise((resolve) => {
      const look = () => match(this.calls) && (this.#waiters.delete(look), resolve());
      this.#waiters.add(look);
      look();
    }), 10_000, what);
  }
  becomeLeader(topic: string, partition: number, s: { leaderEpoch: number; replicas: number[]; isr: number[] }) {
    return this.#record({ call: "leader", topic, partition, epoch: s.leaderEpoch, isr: s.isr });
  }
  becomeFollower(topic: string, partition: number, s: { leaderEpoch: number; leader: number; replicas: number[] }) {
    return this.#record({ call: "follower", topic, partition, epoch: s.leaderEpoch, leader: s.leader });
  }
  stopReplica(topic: string, partition: number, o: { deleteData: boolean }) {
    return this.#record({ call: "stop", topic, partition, deleteData: o.deleteData });
  }
  async close() {}
}

async function setup(cluster: string) {
  const registration = await BrokerRegistration.register(client, { cluster, broker: broker(1) });
  const cache = new MetadataCache(client, { cluster });
  await cache.start();
  const replicas = new Recorder();
  const local: string[] = [];
  const reconciler = new ReplicaReconciler(registration, cache, replicas, {
    ensureTopic: async (name) => void local.push(`open ${name}`),
    deleteTopic: async (name) => void local.push(`delete ${name}`),
  });
  reconciler.start();
  const put = (key: string, value: TopicRecord | PartitionState) => client.put({ key: `/${cluster}/${key}`, value: JSON.stringify(value) });
  return { registration, cache, replicas, local, reconciler, put, async close() {
    await reconciler.close();
    await cache.close();
    await registration.close().catch(() => {});
  } };
}

if (!skip) {
  test("states are applied in order, the newest wins while a call runs, never an older one; same role and epoch is not told twice; a new ISR is", async () => {
    const s = await setup("r1");
    try {
      await s.put("topics/t", { name: "t", replicas: [[1, 2, 3]], config: {} });
      s.replicas.hold();
      await s.put("partitions/t/0", { leader: 1, leader_epoch: 1, isr: [1, 2, 3] });
      await s.replicas.until((c) => c.length === 1, "the first call");
      // While epoch 1's call is held, two newer states arrive.
      await s.put("partitions/t/0", { leader: 2, leader_epoch: 2, isr: [2, 3] });
      const last = await s.put("partitions/t/0", { leader: 1, leader_epoch: 3, isr: [1, 2] });
      await s.cache.waitForRevision(last.header.revision);
      s.replicas.release();
      await s.reconciler.settled();
      assert.equal(s.replicas.calls.map((c) => [c.call, c.epoch]), [["leader", 1], ["leader", 3]]);
      assert.equal(s.local, ["open t"]);
      // The same state written again: nothing told.
      await s.cache.waitForRevision((await s.put("partitions/t/0", { leader: 1, leader_epoch: 3, isr: [1, 2] })).header.revision);
      await s.reconciler.settled();
      assert.is(s.replicas.calls.length, 2);
      // A new ISR at the same epoch: the leader is told again.
      await s.put("partitions/t/0", { leader: 1, leader_epoch: 3, isr: [1, 2, 3] });
      await s.replicas.until((c) => c.length === 3, "the new ISR");
      assert.equal(s.replicas.calls[2], { call: "leader", topic: "t", partition: 0, epoch: 3, isr: [1, 2, 3] });
      // Leadership moves: follower of the new leader.
      await s.put("partitions/t/0", { leader: 3, leader_epoch: 4, isr: [3, 2] });
      await s.replicas.until((c) => c.length === 4, "the follower call");
      assert.equal(s.replicas.calls[3], { call: "follower", topic: "t", partition: 0, epoch: 4, leader: 3 });
      // The topic is deleted: the replica stops with its data, then the local topic goes.
      await client.txn({ compare: [], success: [{ deleteRange: { key: "/r1/topics/t" } }, { deleteRange: { key: "/r1/partitions/t/", prefix: true } }] });
      await s.replicas.until((c) => c.some((x) => x.call === "stop"), "the stop");
      await s.reconciler.settled();
      assert.equal(s.replicas.calls[4], { call: "stop", topic: "t", partition: 0, deleteData: true });
      assert.equal(s.local, ["open t", "delete t"]);
    } finally {
      await s.close();
    }
  });

  test("partitions this broker holds no replica of are left alone", async () => {
    const s = await setup("r2");
    try {
      await s.put("topics/other", { name: "other", replicas: [[2, 3]], config: {} });
      await s.cache.waitForRevision((await s.put("partitions/other/0", { leader: 2, leader_epoch: 0, isr: [2, 3] })).header.revision);
      await s.reconciler.settled();
      assert.equal(s.replicas.calls, []);
      assert.equal(s.local, []);
    } finally {
      await s.close();
    }
  });

  test("a partition with no replica here, of a topic opened here, is stopped once with its (empty) data kept, so it cannot serve", async () => {
    const s = await setup("r5");
    try {
      await s.put("topics/mixed", { name: "mixed", replicas: [[1, 2], [2, 3]], config: {} });
      await s.put("partitions/mixed/0", { leader: 1, leader_epoch: 0, isr: [1, 2] });
      await s.put("partitions/mixed/1", { leader: 2, leader_epoch: 0, isr: [2, 3] });
      await s.replicas.until((c) => c.length === 2, "both partitions handled");
      await s.reconciler.settled();
      assert.equal(s.replicas.calls.filter((c) => c.partition === 1), [{ call: "stop", topic: "mixed", partition: 1, deleteData: false }]);
      assert.equal(s.replicas.calls.filter((c) => c.partition === 0), [{ call: "leader", topic: "mixed", partition: 0, epoch: 0, isr: [1, 2] }]);
      // Later changes of that partition are not this broker's business: nothing more is told.
      await s.cache.waitForRevision((await s.put("partitions/mixed/1", { leader: 3, leader_epoch: 1, isr: [3] })).header.revision);
      await s.reconciler.settled();
      assert.is(s.replicas.calls.length, 2);
    } finally {
      await s.close();
    }
  });

  test("a broker whose lease ends stops leading everything at once and applies nothing more", async () => {
    const s = await setup("r3");
    try {
      await s.put("topics/a", { name: "a", replicas: [[1, 2], [2, 1]], config: {} });
      await s.put("partitions/a/0", { leader: 1, leader_epoch: 0, isr: [1, 2] });
      await s.put("partitions/a/1", { leader: 2, leader_epoch: 0, isr: [2, 1] });
      await s.replicas.until((c) => c.length === 2, "both roles");
      await client.leaseRevoke(s.registration.leaseId);
      await within(s.registration.fenced, 10_000, "fenced");
      await s.replicas.until((c) => c.some((x) => x.call === "stop"), "the stop");
      await s.reconciler.settled();
      assert.equal(s.replicas.calls.filter((c) => c.call === "stop"), [{ call: "stop", topic: "a", partition: 0, deleteData: false }]);
      const before = s.replicas.calls.length;
      await s.cache.waitForRevision((await s.put("partitions/a/1", { leader: 1, leader_epoch: 1, isr: [1] })).header.revision);
      await s.reconciler.settled();
      assert.is(s.replicas.calls.length, before, "nothing applied after fencing");
    } finally {
      await s.close();
    }
  });

  test("alterIsr: the leader at its epoch changes the ISR by compare-and-set; dead brokers are not added; stale or future epochs and a fenced broker are refused", async () => {
    const cluster = "r4";
    const me = await BrokerRegistration.register(client, { cluster, broker: broker(1) });
    const two = await BrokerRegistration.register(client, { cluster, broker: broker(2) });
    try {
      await client.put({ key: `/${cluster}/topics/t`, value: JSON.stringify({ name: "t", replicas: [[1, 2, 3]], config: {} }) });
      await client.put({ key: `/${cluster}/partitions/t/0`, value: JSON.stringify({ leader: 1, leader_epoch: 5, isr: [1] }) });
      // 2 is live and added; 3 is not registered, so it is dropped.
      assert.equal((await alterIsr(me, "t", 0, { leaderEpoch: 5, isr: [1, 2, 3] })).isr, [1, 2]);
      const stored = JSON.parse(new TextDecoder().decode((await client.range({ key: `/${cluster}/partitions/t/0` })).kvs[0].value));
      assert.equal(stored, { leader: 1, leader_epoch: 5, isr: [1, 2] });
      assert.equal((await alterIsr(me, "t", 0, { leaderEpoch: 5, isr: [1] })).isr, [1]);
      assert.is(await errorCode(alterIsr(me, "t", 0, { leaderEpoch: 4, isr: [1, 2] })), "fenced_leader_epoch");
      assert.is(await errorCode(alterIsr(me, "t", 0, { leaderEpoch: 6, isr: [1, 2] })), "unknown_leader_epoch");
      assert.is(await errorCode(alterIsr(two, "t", 0, { leaderEpoch: 5, isr: [1, 2] })), "fenced_leader_epoch", "not the leader");
      assert.is(await errorCode(alterIsr(me, "t", 0, { leaderEpoch: 5, isr: [2] })), "invalid_request", "the leader must stay in the ISR");
      assert.is(await errorCode(alterIsr(me, "t", 0, { leaderEpoch: 5, isr: [1, 7] })), "invalid_request", "only replicas");
      await me.close();
      assert.is(await errorCode(alterIsr(me, "t", 0, { leaderEpoch: 5, isr: [1, 2] })), "closed");
    } finally {
      await two.close().catch(() => {});
      await me.close().catch(() => {});
    }
  });

  test.run();
}
