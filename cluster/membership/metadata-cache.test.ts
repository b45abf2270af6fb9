/**
 * MetadataCache against a real etcd: it converges on writes of other clients, loads in pages
 * at one revision, ignores unknown keys, lists invalid values, and reloads after the revision it
 * needs was compacted while it was cut off.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within, type TestEtcd } from "../../test/support/etcd.ts";
import { startTcpProxy } from "../../test/support/tcp-proxy.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { BrokerRegistration } from "./broker-registration.ts";
import { ControllerElection } from "./controller-election.ts";
import { MetadataCache, type MetadataChange } from "./metadata-cache.ts";

let etcd: TestEtcd;
let client: EtcdClient;
/** The defaults: a 2 s TTL renewed every 500 ms, so a loaded machine does not fence a broker by accident. */
const limits = { brokerLeaseTtlMs: 2_000, brokerLeaseKeepAliveMs: 500 };

const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

const topic = (name: string, replicas: number[][]) => JSON.stringify({ name, replicas, config: { "min.insync.replicas": "2" } });
const state = (leader: number, leader_epoch: number, isr: number[]) => JSON.stringify({ leader, leader_epoch, isr });

/** Resolves with the first change for which `test` holds. */
function changeWhere(cache: MetadataCache, test: (change: MetadataChange) => boolean): Promise<MetadataChange> {
  return new Promise((resolve) => {
    const off = cache.onChange((change) => {
      if (!test(change)) return;
      off();
      resolve(change);
    });
  });
}

if (!skip) {
  test("MetadataCache converges on puts and deletes made by another client", async () => {
    const cache = new MetadataCache(client, { cluster: "mc1" });
    await cache.start();
    assert.equal(cache.brokers(), []);
    assert.is(cache.controller(), null);
    const put = await client.txn({
      compare: [],
      success: [
        { put: { key: "/mc1/topics/orders", value: topic("orders", [[1, 2], [2, 1]]) } },
        { put: { key: "/mc1/partitions/orders/0", value: state(1, 3, [1, 2]) } },
        { put: { key: "/mc1/partitions/orders/1", value: state(2, 0, [2]) } },
      ],
    });
    await within(cache.waitForRevision(put.header.revision), 10_000, "the cache reaching the txn");
    assert.equal(cache.topic("orders"), { name: "orders", replicas: [[1, 2], [2, 1]], config: { "min.insync.replicas": "2" }, mod_revision: put.header.revision });
    assert.equal(cache.partition("orders", 0), { leader: 1, leader_epoch: 3, isr: [1, 2], mod_revision: put.header.revision });
    assert.equal([...cache.partitions("orders").keys()], [0, 1]);
    const del = await client.deleteRange({ key: "/mc1/partitions/orders/1" });
    await within(cache.waitForRevision(del.header.revision), 10_000, "the cache reaching the delete");
    assert.is(cache.partition("orders", 1), undefined);
    assert.ok(cache.partition("orders", 0));
    await cache.close();
  });

  test("MetadataCache shows registered brokers with their epochs and the controller with its epoch; both go with the lease", async () => {
    const cache = new MetadataCache(client, { cluster: "mc2" });
    await cache.start();
    const registration = await BrokerRegistration.register(client, { cluster: "mc2", broker: { id: 3, host: "h3", port: 8083, kafka_port: 9093 }, limits });
    const election = new ControllerElection(registration);
    election.start();
    const epoch = await within(election.elected(), 10_000, "an election");
    await within(cache.waitForRevision(epoch), 10_000, "the cache seeing the controller");
    assert.equal(cache.brokers(), [{ id: 3, host: "h3", port: 8083, kafka_port: 9093, epoch: registration.epoch }]);
    assert.equal(cache.controller(), { broker_id: 3, epoch });
    const gone = changeWhere(cache, () => cache.brokers().length === 0 && cache.controller() === null);
    await registration.close();
    await within(gone, 10_000, "the broker and controller leaving the cache");
    await election.close();
    await cache.close();
  });

  test("MetadataCache loads in pages at one revision, ignores unknown keys and lists invalid values", async () => {
    for (let i = 0; i < 7; i++) await client.put({ key: `/mc3/topics/t${i}`, value: topic(`t${i}`, [[1]]) });
    await client.put({ key: "/mc3/topics/bad", value: "not json" });
    await client.put({ key: "/mc3/topics/mismatch", value: topic("other-name", [[1]]) });
    await client.put({ key: "/mc3/partitions/t0/0", value: state(1, 0, [1]) });
    await client.put({ key: "/mc3/producer-ids/block", value: "a later kind of key" });
    const cache = new MetadataCache(client, { cluster: "mc3", limits: { etcdRangePageKeysMax: 2 } });
    await cache.start();
    assert.equal(cache.topics().map((t) => t.name), ["t0", "t1", "t2", "t3", "t4", "t5", "t6"]);
    assert.equal([...cache.invalid().keys()].sort(), ["/mc3/topics/bad", "/mc3/topics/mismatch"]);
    assert.is(cache.partition("t0", 0)?.leader, 1);
    assert.is(cache.loads, 1);
    const fixed = await client.put({ key: "/mc3/topics/bad", value: topic("bad", [[2]]) });
    await within(cache.waitForRevision(fixed.header.revision), 10_000, "the fix");
    assert.equal([...cache.invalid().keys()], ["/mc3/topics/mismatch"]);
    assert.equal(cache.topic("bad")?.replicas, [[2]]);
    await cache.close();
  });

  test("MetadataCache reloads when the revision it must resume from was compacted while it was cut off", async () => {
    const proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
    const cutOff = new EtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`], limits: { etcdRetryBackoffMaxMs: 200 } });
    await client.put({ key: "/mc4/topics/kept", value: topic("kept", [[1]]) });
    await client.put({ key: "/mc4/topics/dropped", value: topic("dropped", [[1]]) });
    const cache = new MetadataCache(cutOff, { cluster: "mc4", limits: { etcdRetryBackoffMaxMs: 200 } });
    await cache.start();
    assert.equal(cache.topics().map((t) => t.name), ["dropped", "kept"]);
    proxy.cut();
    await client.deleteRange({ key: "/mc4/topics/dropped" });
    await client.put({ key: "/mc4/topics/added", value: topic("added", [[2]]) });
    const last = await client.put({ key: "/mc4/partitions/added/0", value: state(2, 1, [2]) });
    await client.compact(last.header.revision);
    const reloaded = changeWhere(cache, (change) => change.reload);
    proxy.heal();
    const change = await within(reloaded, 20_000, "the reload after compaction");
    assert.ok(change.revision >= last.header.revision);
    assert.is(cache.loads, 2);
    assert.equal(cache.topics().map((t) => t.name), ["added", "kept"]);
    assert.is(cache.partition("added", 0)?.leader_epoch, 1);
    const after = await client.put({ key: "/mc4/topics/later", value: topic("later", [[1]]) });
    await within(cache.waitForRevision(after.header.revision), 10_000, "changes after the reload");
    assert.ok(cache.topic("later"));
    await cache.close();
    await proxy.close();
  });

  test("a new MetadataCache (a restarted broker) reads the state as it is", async () => {
    const cache = new MetadataCache(client, { cluster: "mc4" });
    await cache.start();
    assert.equal(cache.topics().map((t) => t.name), ["added", "kept", "later"]);
    await cache.close();
  });
}

test.run();
