/**
 * BrokerRegistration against a real etcd: the key and its epoch, refusal of a duplicate id,
 * waiting for an old lease, and fencing when the lease ends in etcd or cannot be renewed.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { useEtcd, within, type TestEtcd } from "../../test/support/etcd.ts";
import { startTcpProxy } from "../../test/support/tcp-proxy.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { BrokerRegistration } from "./broker-registration.ts";

let etcd: TestEtcd;
let client: EtcdClient;
/** The defaults: a 2 s TTL renewed every 500 ms, so a loaded machine does not fence a broker by accident. */
const limits = { brokerLeaseTtlMs: 2_000, brokerLeaseKeepAliveMs: 500 };
const broker = (id: number, port = 8080 + id) => ({ id, host: "127.0.0.1", port, kafka_port: 9090 + id });

const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

if (!skip) {
  test("register() creates /<c>/brokers/<id> under its lease; epoch is the key's create_revision; close() removes it", async () => {
    const me = await BrokerRegistration.register(client, { cluster: "reg1", broker: broker(1), limits });
    const [kv] = (await client.range({ key: "/reg1/brokers/1" })).kvs;
    assert.equal(JSON.parse(bytesText(kv.value)), broker(1));
    assert.is(me.epoch, kv.createRevision);
    assert.is(kv.lease, me.leaseId);
    assert.is(me.isFenced, false);
    await me.close();
    assert.equal((await client.range({ key: "/reg1/brokers/1" })).kvs, []);
    assert.is((await me.fenced).reason, "closed");
  });

  test("register() of an id held by a live broker is refused with conflict, naming the holder", async () => {
    const first = await BrokerRegistration.register(client, { cluster: "reg2", broker: broker(7), limits });
    const error = await BrokerRegistration.register(client, { cluster: "reg2", broker: broker(7, 9999), limits }).catch((e) => e);
    assert.ok(isRivuletError(error, "conflict"), String(error));
    assert.match(error.message, /broker id 7 is already registered in cluster "reg2"/);
    assert.match(error.message, /127\.0\.0\.1:8087/);
    assert.is(error.info.holder_epoch, first.epoch);
    const [kv] = (await client.range({ key: "/reg2/brokers/7" })).kvs;
    assert.is(kv.lease, first.leaseId, "the holder's key is untouched");
    await first.close();
  });

  test("register({waitForIdMs}) gets the id once the old holder's key goes, with a larger epoch", async () => {
    const old = await BrokerRegistration.register(client, { cluster: "reg3", broker: broker(2), limits });
    let waiting: (epoch: number) => void = () => {};
    const waitingFor = new Promise<number>((resolve) => (waiting = resolve));
    const next = BrokerRegistration.register(client, { cluster: "reg3", broker: broker(2), limits, waitForIdMs: 30_000, onWaitForId: waiting });
    assert.is(await within(waitingFor, 10_000, "the wait for the held id"), old.epoch);
    await old.close();
    const fresh = await within(next, 30_000, "registration after the old lease went");
    assert.ok(fresh.epoch > old.epoch);
    await fresh.close();
  });

  test("a lease revoked in etcd fences the broker at its next renewal (reason expired)", async () => {
    const me = await BrokerRegistration.register(client, { cluster: "reg4", broker: broker(3), limits });
    let heard = "";
    me.onFenced((why) => (heard = why.reason));
    await client.leaseRevoke(me.leaseId);
    const why = await within(me.fenced, 10_000, "the fenced event");
    assert.is(why.reason, "expired");
    assert.is(heard, "expired");
    assert.is(me.isFenced, true);
    let late = "";
    me.onFenced((w) => (late = w.reason));
    assert.is(late, "expired", "a listener added after the fact runs at once");
  });

  test("renewals that cannot reach etcd fence the broker by its TTL (reason unreachable), and etcd then drops its key", async () => {
    const proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
    const cutOff = new EtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`], limits: { etcdRequestTimeoutMs: 500 } });
    const me = await BrokerRegistration.register(cutOff, { cluster: "reg5", broker: broker(4), limits });
    const from = (await client.range({ key: "/reg5/brokers/4" })).header.revision + 1;
    const deleted = client.watch({ key: "/reg5/brokers/4", startRevision: from });
    proxy.cut();
    const why = await within(me.fenced, 10_000, "the fenced event");
    assert.is(why.reason, "unreachable");
    const gone = await within(deleted.next(), 20_000, "etcd deleting the key of the lapsed lease");
    assert.ok(!gone.done && gone.value.events[0].type === "delete");
    deleted.close();
    await proxy.close();
  });

  test("register() checks its input", async () => {
    const bad = await BrokerRegistration.register(client, { broker: { ...broker(1), port: 0 } }).catch((e) => e);
    assert.ok(bad instanceof TypeError);
    const badName = await BrokerRegistration.register(client, { cluster: "a/b", broker: broker(1) }).catch((e) => e);
    assert.ok(isRivuletError(badName, "invalid_request"));
    const badId = await BrokerRegistration.register(client, { broker: broker(-1) }).catch((e) => e);
    assert.ok(isRivuletError(badId, "invalid_request"));
  });
}

test.run();
