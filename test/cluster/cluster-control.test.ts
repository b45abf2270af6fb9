/**
 * The control plane of a three-broker cluster against a real etcd: brokers are in-process
 * `serve()`s with their own data directories and Kafka listeners; each reaches etcd through its
 * own cuttable TCP proxy, so a broker can be made to lose its lease (a real network fault, not
 * a call) while it keeps running — the in-process stand-in for a crash the others can only see
 * through etcd. Replicas are UnreplicatedReplicas (roles and epochs, no copying: replication
 * is cluster/replication's), whose calls the tests read.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../support/kafka/kafkajs-timers.ts";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../../groups/broker.ts";
import { serve, type Server } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { useEtcd, within, type TestEtcd } from "../support/etcd.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { errorCode } from "../support/error-code.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import type { ControllerEvent } from "../../cluster/controller/controller.ts";
import type { ReconcilerEvent } from "../../cluster/reconciler/replica-reconciler.ts";
import { guardedTxn } from "../../cluster/membership/guarded-txn.ts";
import { alterIsr } from "../../cluster/reconciler/alter-isr.ts";
import { UnreplicatedReplicas } from "../../cluster/reconciler/unreplicated-replicas.ts";
import type { PartitionState } from "../../cluster/membership/metadata-records.ts";
import type { AuthConfig } from "../../auth/auth-config.ts";

let etcd: TestEtcd;
let client: EtcdClient;
const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

interface Member {
  id: number;
  broker: Broker;
  server: Server;
  proxy: TcpProxy;
  replicas: UnreplicatedReplicas;
  data: { dir: string; remove(): void };
}

const events: Array<ControllerEvent & { by: number }> = [];
const eventWaiters = new Set<() => void>();
const reconciled: Array<ReconcilerEvent & { by: number }> = [];

function recordEvent(event: ControllerEvent, by: number): void {
  events.push({ ...event, by });
  for (const wake of [...eventWaiters]) wake();
}

/** Resolves with the first controller event (past or future) matching `test`. */
function eventWhere(match: (e: ControllerEvent & { by: number }) => boolean, what: string, ms = 20_000): Promise<ControllerEvent & { by: number }> {
  return within(new Promise((resolve) => {
    const look = () => {
      const found = events.find(match);
      if (!found) return;
      eventWaiters.delete(look);
      resolve(found);
    };
    eventWaiters.add(look);
    look();
  }), ms, what);
}

async function startMember(id: number, cluster: string, data = tempDir(`rivulet-cc${id}-`), extra: { auth?: AuthConfig } = {}): Promise<Member> {
  const proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  let replicas!: UnreplicatedReplicas;
  const server = await serve(broker, {
    ...extra,
    port: 0,
    kafkaPort: 0,
    cluster: {
      etcd: `http://127.0.0.1:${proxy.port}`,
      brokerId: id,
      name: cluster,
      // With auth on, brokers log in to each other as the auth file's cluster admin.
      ...(extra.auth ? { interBrokerUser: "ops" } : {}),
      replicaManager: () => (replicas = new UnreplicatedReplicas(broker)),
      onControllerEvent: (event) => recordEvent(event, id),
      onReconcilerEvent: (event) => void reconciled.push({ ...event, by: id }),
    },
  });
  return { id, broker, server, proxy, replicas, data };
}

async function stopMember(m: Member, removeData = true): Promise<void> {
  await m.server.close();
  await m.broker.close();
  await m.proxy.close();
  if (removeData) m.data.remove();
}

async function json<T = any>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
}

/** Resolves once `m`'s metadata shows a state of topic/partition that passes `match`. */
function stateWhere(m: Member, topic: string, partition: number, match: (s: PartitionState) => boolean, what: string, ms = 20_000): Promise<PartitionState> {
  const cache = m.server.node!.cache;
  return within(new Promise((resolve) => {
    const look = () => {
      const state = cache.partition(topic, partition);
      if (!state || !match(state)) return;
      off();
      resolve(state);
    };
    const off = cache.onChange(look);
    look();
  }), ms, what);
}

let members: Member[] = [];
const byId = (id: number) => members.find((m) => m.id === id)!;

if (!skip) {
  test.after.each(async () => {
    await Promise.all(members.map((m) => stopMember(m).catch(() => {})));
    members = [];
  });

  test("three brokers register and elect one controller; GET /v1/cluster shows the same on each; describe and Metadata show real leaders", async () => {
    members = [await startMember(1, "c1"), await startMember(2, "c1"), await startMember(3, "c1")];
    const controller = (await eventWhere((e) => e.type === "elected", "a controller elected")).by;
    // Every broker's metadata shows the three brokers and the controller.
    for (const m of members) {
      await within(new Promise<void>((resolve) => {
        const look = () => m.server.node!.cache.brokers().length === 3 && m.server.node!.cache.controller() && (off(), resolve());
        const off = m.server.node!.cache.onChange(look);
        look();
      }), 10_000, `broker ${m.id} sees 3 brokers`);
      const body = await json(await fetch(`${m.server.url}/v1/cluster`));
      assert.equal(Object.keys(body).sort(), ["brokers", "cluster_id", "controller"]);
      assert.is(body.cluster_id, "c1");
      assert.is(body.controller, controller);
      assert.equal(body.brokers.map((b: { id: number }) => b.id), [1, 2, 3]);
      for (const b of body.brokers) {
        assert.equal(Object.keys(b).sort(), ["host", "id", "kafka_port", "port", "status"]);
        assert.is(b.port, byId(b.id).server.port);
        assert.is(b.kafka_port, byId(b.id).server.kafkaPort);
        assert.is(b.status, "online");
      }
    }
    assert.is(members.filter((m) => m.server.node!.election.isController).length, 1);

    // A topic with RF 3 created on a broker that is not the controller.
    const other = members.find((m) => m.id !== controller)!;
    const created = await fetch(`${other.server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "orders", partitions: 3, replication_factor: 3 }) });
    assert.is(created.status, 201, await created.clone().text());
    const body = await json(created);
    assert.is(body.partitions.length, 3);
    const leaders = new Set<number>();
    for (const p of body.partitions) {
      assert.is(p.replicas.length, 3);
      assert.equal([...p.replicas].sort(), [1, 2, 3]);
      assert.is(p.leader, p.replicas[0]);
      assert.equal(p.isr, p.replicas);
      assert.is(p.leader_epoch, 0);
      leaders.add(p.leader);
    }
    assert.is(leaders.size, 3, "the three partitions' preferred leaders are spread over the three brokers");
    // It appears on all three, with the same assignment, and each broker was told its role.
    for (const m of members) {
      await m.server.node!.caughtUp(m.server.node!.cache.revision);
      const described = await json(await fetch(`${m.server.url}/v1/topics/orders`));
      assert.equal(described.partitions.map((p: any) => [p.leader, p.replicas, p.isr, p.leader_epoch]), body.partitions.map((p: any) => [p.leader, p.replicas, p.isr, p.leader_epoch]));
      for (const p of body.partitions) {
        await within(new Promise<void>((resolve) => {
          const seen = () => m.replicas.calls.some((c) => c.topic === "orders" && c.partition === p.partition && c.call === (p.leader === m.id ? "becomeLeader" : "becomeFollower"));
          if (seen()) return resolve();
          const off = m.replicas.onCall(() => seen() && (off(), resolve()));
        }), 10_000, `broker ${m.id} told its role for orders/${p.partition}`);
      }
    }
    // The leader's local log carries epoch 0 as leader epoch.
    const lead0 = byId(body.partitions[0].leader);
    assert.is((await lead0.broker.epochState("orders", 0)).leaderEpoch, 0);

    // More replicas than live brokers: a typed 400 on HTTP, INVALID_REPLICATION_FACTOR on Kafka.
    const refused = await fetch(`${other.server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "big", replication_factor: 4 }) });
    assert.is(refused.status, 400);
    assert.is((await json(refused)).code, "invalid_replication_factor");

    // kafkajs: Metadata lists the three brokers and the right leaders.
    const kafka = new Kafka({ clientId: "cc", brokers: [`127.0.0.1:${other.server.kafkaPort}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.equal(cluster.brokers.map((b) => [b.nodeId, b.port]).sort((a, b) => a[0] - b[0]), members.map((m) => [m.id, m.server.kafkaPort]));
      assert.is(cluster.controller, controller);
      const meta = await admin.fetchTopicMetadata({ topics: ["orders"] });
      const partitions = meta.topics[0].partitions.sort((a, b) => a.partitionId - b.partitionId);
      assert.equal(partitions.map((p) => [p.leader, p.replicas, p.isr]), body.partitions.map((p: any) => [p.leader, p.replicas, p.isr]));
      const invalid = await admin.createTopics({ topics: [{ topic: "big2", replicationFactor: 4 }] }).then(() => null, (error) => error);
      assert.ok(invalid, "an RF above the live brokers is refused");
      assert.match(JSON.stringify(invalid.errors ?? invalid.message), /replication/i);
      await admin.createTopics({ topics: [{ topic: "k-made", numPartitions: 2, replicationFactor: 2 }] });
      const made = await json(await fetch(`${members[0].server.url}/v1/topics/k-made`));
      assert.equal(made.partitions.map((p: any) => p.replicas.length), [2, 2]);
    } finally {
      await admin.disconnect();
    }

    // Deleted through a non-controller: gone from every broker's metadata and local topics.
    const deleted = await fetch(`${other.server.url}/v1/topics/k-made`, { method: "DELETE" });
    assert.is(deleted.status, 204);
    for (const m of members) {
      await m.server.node!.caughtUp(m.server.node!.cache.revision);
      assert.is((await fetch(`${m.server.url}/v1/topics/k-made`)).status, 404);
      assert.not.ok((await m.broker.listTopics()).includes("k-made"));
    }
  });

  test("HTTP produce and fetch on a broker that does not lead the partition are forwarded to the leader", async () => {
    members = [await startMember(1, "c2"), await startMember(2, "c2"), await startMember(3, "c2")];
    await eventWhere((e) => e.type === "elected" && members.some((m) => m.id === e.by && m.server.node!.cache.keys.cluster === "c2"), "a controller");
    const created = await json(await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "fw", partitions: 1, replication_factor: 3 }) }));
    const leader = byId(created.partitions[0].leader);
    const follower = members.find((m) => m !== leader)!;
    // No wait for the follower's metadata: a topic created through one broker is usable at once
    // through another (it reads through to etcd when its copy does not show the topic yet).
    const produced = await fetch(`${follower.server.url}/v1/topics/fw/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: "a" }, { value: "b" }] }) });
    assert.is(produced.status, 200, await produced.clone().text());
    // The records are in the leader's log only (no replication here): the request went there.
    assert.is((await leader.broker.fetch("fw", 0, { offset: 0 })).records.length, 2);
    assert.is((await follower.broker.fetch("fw", 0, { offset: 0 })).records.length, 0);
    const fetched = await json(await fetch(`${follower.server.url}/v1/topics/fw/partitions/0/records?offset=0`));
    assert.equal(fetched.records.map((r: any) => r.value), ["a", "b"]);
    // A forwarded request is never forwarded again (served where it lands).
    const marked = await fetch(`${follower.server.url}/v1/topics/fw/partitions/0/records?offset=0`, { headers: { "rivulet-forwarded-by": String(leader.id) } });
    assert.equal((await json(marked)).records, [], "the follower's own (empty) replica answered");

    // Partitions led by three brokers: unkeyed records sent to any broker go to a partition it leads.
    const spread = await json(await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "spread", partitions: 3, replication_factor: 3 }) }));
    for (const m of members) {
      const mine = spread.partitions.find((p: any) => p.leader === m.id).partition;
      const answer = await fetch(`${m.server.url}/v1/topics/spread/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: `to-${m.id}` }, { value: `to-${m.id}` }] }) });
      assert.is(answer.status, 200, await answer.clone().text());
      assert.equal((await json(answer)).offsets.map((o: any) => o.partition), [mine, mine]);
      assert.equal((await m.broker.fetch("spread", mine, { offset: 0 })).records.map((r) => JSON.parse(new TextDecoder().decode(r.value!))), [`to-${m.id}`, `to-${m.id}`]);
    }
    // Records that all name a partition another broker leads are forwarded to that leader.
    const other = spread.partitions.find((p: any) => p.leader !== members[0].id);
    const named = JSON.stringify({ records: [{ value: "named", partition: other.partition }] });
    const forwarded = await fetch(`${members[0].server.url}/v1/topics/spread/records`, { method: "POST", headers: { "content-type": "application/json" }, body: named });
    assert.is(forwarded.status, 200, await forwarded.clone().text());
    assert.equal((await json(forwarded)).offsets.map((o: any) => [o.partition, o.offset]), [[other.partition, 2]]);
    const leaderOfOther = byId(other.leader);
    assert.equal((await leaderOfOther.broker.fetch("spread", other.partition, { offset: 2 })).records.map((r) => JSON.parse(new TextDecoder().decode(r.value!))), ["named"]);
    // Served where it lands (a forwarded request is not forwarded again): refused at once with
    // not_leader, not retried locally until the delivery timeout and never written later.
    const refused = await fetch(`${members[0].server.url}/v1/topics/spread/records`, { method: "POST", headers: { "content-type": "application/json", "rivulet-forwarded-by": String(other.leader) }, body: named, signal: AbortSignal.timeout(10_000) });
    assert.is(refused.status, 503, await refused.clone().text());
    assert.match(await refused.text(), /not_leader/);
  });

  test("a leader that loses etcd: a new leader from the ISR with epoch + 1; the old controller, deposed, cannot write; the preferred leader returns once back in the ISR", async () => {
    members = [await startMember(1, "c3"), await startMember(2, "c3"), await startMember(3, "c3")];
    const firstController = (await eventWhere((e) => e.type === "elected" && e.by >= 1 && members.some((m) => m.id === e.by && m.server.node!.election.isController), "a controller")).by;
    const old = byId(firstController);
    const oldEpoch = old.server.node!.election.state.epoch;
    // One partition whose preferred leader is the controller.
    const created = await json(await fetch(`${old.server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "fo", partitions: 3, replication_factor: 3 }) }));
    const partition = created.partitions.find((p: any) => p.leader === old.id).partition;
    const before = created.partitions[partition];
    const survivor = members.find((m) => m !== old)!;

    // Cut the controller-leader from etcd: its lease lapses, it fences itself, the others elect.
    old.proxy.cut();
    const moved = await stateWhere(survivor, "fo", partition, (s) => s.leader !== old.id, "a new leader for the partition");
    assert.is(moved.leader_epoch, before.leader_epoch + 1);
    assert.ok(before.isr.includes(moved.leader), "the new leader was in the ISR");
    assert.is(moved.leader, before.replicas.find((id: number) => id !== old.id), "the first live ISR member in replica order");
    assert.not.ok(moved.isr.includes(old.id), "the dead leader left the ISR");
    assert.ok(old.server.node!.registration.isFenced);
    // The fenced broker stopped leading at once.
    assert.ok(old.replicas.calls.some((c) => c.call === "stopReplica" && c.topic === "fo" && c.partition === partition && !c.deleteData));
    // A new controller with a larger epoch; the old one's writes fail, however they arrive.
    const newController = await eventWhere((e) => e.type === "elected" && e.by !== old.id && members.some((m) => m.id === e.by), "a new controller");
    assert.ok((newController as { epoch: number }).epoch > oldEpoch);
    assert.is(await errorCode(old.server.node!.controller.createTopic({ op: "create", name: "zombie", partitions: 1, config: {}, replication_factor: 1, internal: false })), "not_controller");
    assert.is(await errorCode(guardedTxn(client, { controllerKey: "/c3/controller", epoch: oldEpoch }, { success: [{ put: { key: "/c3/topics/zombie", value: "{}" } }] })), "not_controller");
    assert.is((await client.range({ key: "/c3/topics/zombie" })).count, 0);

    // The network heals: the fenced broker registers anew, with a new broker epoch ...
    const fencedEpoch = old.server.node!.registration.epoch;
    old.proxy.heal();
    const newLeader = byId(moved.leader);
    await within(new Promise<void>((resolve) => {
      const cache = newLeader.server.node!.cache;
      const look = () => (cache.broker(old.id)?.epoch ?? 0) > fencedEpoch && (off(), resolve());
      const off = cache.onChange(look);
      look();
    }), 20_000, "the fenced broker registered again");
    await within(old.server.node!.rejoined(), 20_000, "rejoined");
    assert.ok(old.server.node!.registration.epoch > fencedEpoch);
    assert.not.ok(old.server.node!.registration.isFenced);
    const back = old;
    await within(new Promise<void>((resolve) => {
      const seen = () => back.replicas.calls.some((c) => c.call === "becomeFollower" && c.topic === "fo" && c.partition === partition && c.leader === moved.leader);
      if (seen()) return resolve();
      const off = back.replicas.onCall(() => seen() && (off(), resolve()));
    }), 10_000, "the returned broker follows the new leader");
    // ... follows, and is not leader while out of the ISR.
    const state = newLeader.server.node!.cache.partition("fo", partition)!;
    assert.is(state.leader, moved.leader);
    // Once the leader puts it back into the ISR (caught up), the controller makes it leader again.
    const { isr } = await alterIsr(newLeader.server.node!.registration, "fo", partition, { leaderEpoch: state.leader_epoch, isr: [...state.isr, old.id] });
    assert.ok(isr.includes(old.id));
    const restored = await stateWhere(newLeader, "fo", partition, (s) => s.leader === old.id, "the preferred leader restored");
    assert.is(restored.leader_epoch, state.leader_epoch + 1);
    await within(new Promise<void>((resolve) => {
      const seen = () => back.replicas.calls.some((c) => c.call === "becomeLeader" && c.topic === "fo" && c.partition === partition && c.leaderEpoch === restored.leader_epoch);
      if (seen()) return resolve();
      const off = back.replicas.onCall(() => seen() && (off(), resolve()));
    }), 10_000, "the returned broker told to lead");
    // A stale epoch cannot change the ISR.
    assert.is(await errorCode(alterIsr(newLeader.server.node!.registration, "fo", partition, { leaderEpoch: state.leader_epoch, isr: [moved.leader] })), "fenced_leader_epoch");
  });

  test("with auth on, a forwarded request carries the client's own token: the leader serves it, and refuses one without it", async () => {
    const auth: AuthConfig = {
      tokens: [
        { name: "ops", token: "ops-secret", rights: [{ access: "admin", topics: "*" }] },
        { name: "reader", token: "reader-secret", rights: [{ access: "read", topics: "sec" }] },
      ],
    };
    members = [await startMember(1, "c5", undefined, { auth }), await startMember(2, "c5", undefined, { auth }), await startMember(3, "c5", undefined, { auth })];
    const ops = { authorization: "Bearer ops-secret", "content-type": "application/json" };
    const created = await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: ops, body: JSON.stringify({ name: "sec", partitions: 1 }) });
    assert.is(created.status, 201, await created.clone().text());
    const leader = byId((await json(created)).partitions[0].leader);
    const other = members.find((m) => m !== leader)!;
    await other.server.node!.caughtUp(other.server.node!.cache.revision);
    const produced = await fetch(`${other.server.url}/v1/topics/sec/records`, { method: "POST", headers: ops, body: JSON.stringify({ records: [{ value: 1 }] }) });
    assert.is(produced.status, 200, await produced.clone().text());
    assert.is((await leader.broker.fetch("sec", 0, { offset: 0 })).records.length, 1);
    const read = await fetch(`${other.server.url}/v1/topics/sec/partitions/0/records?offset=0`, { headers: { authorization: "Bearer reader-secret" } });
    assert.is(read.status, 200);
    assert.is((await json(read)).records.length, 1);
    const anonymous = await fetch(`${other.server.url}/v1/topics/sec/partitions/0/records?offset=0`);
    assert.is(anonymous.status, 401);
    // Refused where it arrived (counted against the client there), not by the leader.
    const failures = async (m: Member) => {
      const text = await (await fetch(`${m.server.url}/metrics`, { headers: { authorization: "Bearer ops-secret" } })).text();
      return Number(/rivulet_auth_failures_total\{door="http"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    assert.is(await failures(other), 1);
    assert.is(await failures(leader), 0);
    const readerWrites = await fetch(`${other.server.url}/v1/topics/sec/records`, { method: "POST", headers: { authorization: "Bearer reader-secret", "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: 2 }] }) });
    assert.is(readerWrites.status, 403);
    assert.is((await leader.broker.fetch("sec", 0, { offset: 0 })).records.length, 1, "nothing written by the refused request");
  });

  test("a topic create whose answer is lost to the asking broker's lease ending is settled after it registers again: created once, 201", async () => {
    members = [await startMember(1, "c6"), await startMember(2, "c6"), await startMember(3, "c6")];
    const controller = byId((await eventWhere((e) => e.type === "elected" && members.some((m) => m.id === e.by && m.server.node!.election.isController), "a controller")).by);
    const asker = members.find((m) => m !== controller)!;
    // The controller cannot answer (cut from etcd) while the request waits.
    controller.proxy.cut();
    const requestSeen = within(new Promise<void>((resolve) => {
      const watch = client.watch({ key: "/c6/requests/", prefix: true, startRevision: 0 });
      void (async () => {
        for await (const batch of watch) {
          if (batch.events.some((e) => e.type === "put" && e.kv.key.includes(`/requests/${asker.id}-`))) {
            watch.close();
            return resolve();
          }
        }
      })().catch(() => {});
    }), 20_000, "the request key written");
    const firstRegistration = asker.server.node!.registration;
    const answer = fetch(`${asker.server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "lost", partitions: 2 }) });
    await requestSeen;
    // Now the asker loses its lease too, while waiting; it comes back once the network heals.
    asker.proxy.cut();
    await within(firstRegistration.fenced, 20_000, "the asker fenced");
    asker.proxy.heal();
    const response = await within(answer, 60_000, "the create answered");
    assert.is(response.status, 201, await response.clone().text());
    assert.ok(asker.server.node!.registration.epoch > firstRegistration.epoch, "answered after registering again");
    const third = members.find((m) => m !== controller && m !== asker)!;
    await third.server.node!.barrier();
    assert.equal(third.server.node!.cache.topic("lost")?.replicas.length, 2);
    controller.proxy.heal();
  });

  test("kafkajs produces to each partition's leader and consumes in a group whose coordinator is the leader of __consumer_offsets (RF 3, created by the controller)", async () => {
    members = [await startMember(1, "c4"), await startMember(2, "c4"), await startMember(3, "c4")];
    await eventWhere((e) => e.type === "elected" && members.some((m) => m.id === e.by && m.server.node!.election.isController), "a controller");
    const created = await json(await fetch(`${members[0].server.url}/v1/topics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "kj", partitions: 3 }) }));
    assert.equal(created.partitions.map((p: any) => p.replicas.length), [3, 3, 3], "default RF min(3, live brokers)");
    for (const m of members) await m.server.node!.caughtUp(m.server.node!.cache.revision);
    const kafka = new Kafka({ clientId: "cc4", brokers: [`127.0.0.1:${members[2].server.kafkaPort}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
    try {
      await producer.send({ topic: "kj", messages: values.map((value, i) => ({ partition: i % 3, value })) });
    } finally {
      await producer.disconnect();
    }
    // Each partition's records went to its leader, as Metadata said.
    for (const p of created.partitions) {
      const leader = byId(p.leader);
      assert.is((await leader.broker.fetch("kj", p.partition, { offset: 0 })).records.length, 10, `partition ${p.partition} on its leader ${p.leader}`);
    }
    const consumer = kafka.consumer({ groupId: "g-cc4" });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await within(new Promise<void>((resolve, reject) => {
        consumer.subscribe({ topics: ["kj"], fromBeginning: true })
          .then(() => consumer.run({ eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (seen.length === values.length) resolve();
          } }))
          .catch(reject);
      }), 60_000, "the group consumes every record");
    } finally {
      await consumer.disconnect();
    }
    assert.equal([...seen].sort(), [...values].sort());
    const offsets = members[0].server.node!.cache.topic("__consumer_offsets");
    assert.ok(offsets, "__consumer_offsets is a cluster topic");
    assert.is(offsets!.replicas[0].length, 3);
  });

  test.run();
}
