/**
 * ControllerElection against a real etcd: one of two brokers wins; when its lease ends the
 * other takes over with a larger epoch and the old one's guarded writes fail; resignation
 * hands over at once; a controller cut off from etcd deposes itself.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { errorCode } from "../../test/support/error-code.ts";
import { useEtcd, within, type TestEtcd } from "../../test/support/etcd.ts";
import { startTcpProxy } from "../../test/support/tcp-proxy.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import { EtcdClient } from "../etcd/etcd-client.ts";
import { BrokerRegistration } from "./broker-registration.ts";
import { ControllerElection } from "./controller-election.ts";
import { guardedTxn } from "./guarded-txn.ts";

let etcd: TestEtcd;
let client: EtcdClient;
/** The defaults: a 2 s TTL renewed every 500 ms, so a loaded machine does not fence a broker by accident. */
const limits = { brokerLeaseTtlMs: 2_000, brokerLeaseKeepAliveMs: 500 };
const broker = (id: number) => ({ id, host: "127.0.0.1", port: 8080 + id, kafka_port: 9090 + id });

const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

/** Registers brokers `ids` in `cluster` and starts an election for each. */
async function candidates(cluster: string, ids: number[], via = client) {
  const out: { registration: BrokerRegistration; election: ControllerElection }[] = [];
  for (const id of ids) {
    const registration = await BrokerRegistration.register(via, { cluster, broker: broker(id), limits });
    const election = new ControllerElection(registration);
    election.start();
    out.push({ registration, election });
  }
  return out;
}

/** The first of `all` to become controller. */
function firstElected<T extends { election: ControllerElection }>(all: T[]): Promise<T> {
  return Promise.race(all.map((c) => c.election.elected().then(() => c)));
}

if (!skip) {
  test("two brokers campaign: exactly one is controller; the key names it and its epoch is the key's create_revision", async () => {
    const all = await candidates("el1", [1, 2]);
    const winner = await within(firstElected(all), 10_000, "an election");
    const loser = all.find((c) => c !== winner)!;
    const [kv] = (await client.range({ key: "/el1/controller" })).kvs;
    assert.equal(JSON.parse(bytesText(kv.value)), { broker_id: winner.registration.brokerId, broker_epoch: winner.registration.epoch });
    assert.is(winner.election.state.epoch, kv.createRevision);
    assert.is(kv.lease, winner.registration.leaseId);
    assert.is(loser.election.isController, false);
    assert.is(await errorCode(loser.election.controllerTxn({ success: [{ put: { key: "/el1/topics/t", value: "{}" } }] })), "not_controller");
    const written = await winner.election.controllerTxn({ success: [{ put: { key: "/el1/topics/t", value: "{}" } }] });
    assert.is(written.succeeded, true);
    for (const c of all) {
      await c.election.close();
      await c.registration.close();
    }
  });

  test("the winner's lease revoked: the other becomes controller with a larger epoch and the old one's guarded txn fails", async () => {
    const all = await candidates("el2", [1, 2]);
    const old = await within(firstElected(all), 10_000, "an election");
    const next = all.find((c) => c !== old)!;
    const oldEpoch = old.election.state.epoch;
    const handedOver = next.election.elected();
    await client.leaseRevoke(old.registration.leaseId);
    const newEpoch = await within(handedOver, 10_000, "the other broker's election");
    assert.ok(newEpoch > oldEpoch, `${newEpoch} > ${oldEpoch}`);
    await within(old.election.deposed(), 10_000, "the old controller deposed");
    const late = { key: "/el2/topics/late", value: "written by a deposed controller" };
    const error = await guardedTxn(client, { controllerKey: "/el2/controller", epoch: oldEpoch }, { success: [{ put: late }] }).catch((e) => e);
    assert.ok(isRivuletError(error, "not_controller"), String(error));
    assert.is(error.info.current_epoch, newEpoch);
    assert.is(await errorCode(old.election.controllerTxn({ success: [{ put: late }] })), "not_controller");
    assert.equal((await client.range({ key: "/el2/topics/late" })).kvs, [], "nothing was written");
    assert.is((await next.election.controllerTxn({ success: [{ put: { key: "/el2/topics/ok", value: "{}" } }] })).succeeded, true);
    await next.election.close();
    await next.registration.close();
  });

  test("controllerTxn() separates a failed compare of the caller (succeeded false) from a lost guard (not_controller)", async () => {
    const [only] = await candidates("el3", [5]);
    await within(only.election.elected(), 10_000, "an election");
    const put = await client.put({ key: "/el3/partitions/t/0", value: '{"leader":5,"leader_epoch":0,"isr":[5]}' });
    const stale = await only.election.controllerTxn({
      compare: [{ key: "/el3/partitions/t/0", target: "mod_revision", result: "equal", value: put.header.revision - 1 }],
      success: [{ put: { key: "/el3/partitions/t/0", value: '{"leader":-1,"leader_epoch":1,"isr":[]}' } }],
      failure: [{ range: { key: "/el3/partitions/t/0" } }],
    });
    assert.is(stale.succeeded, false);
    assert.is(stale.responses.length, 1);
    const read = stale.responses[0];
    assert.ok("range" in read && read.range.kvs[0].modRevision === put.header.revision);
    assert.is(only.election.isController, true);
    await only.election.close();
    await only.registration.close();
  });

  test("close() of the controller resigns: the other takes over without waiting for a lease to run out", async () => {
    const all = await candidates("el4", [1, 2]);
    const old = await within(firstElected(all), 10_000, "an election");
    const next = all.find((c) => c !== old)!;
    const handedOver = next.election.elected();
    await old.election.close();
    assert.is(old.registration.isFenced, false, "the resigned broker is still registered");
    await within(handedOver, 10_000, "the hand-over");
    await next.election.close();
    for (const c of all) await c.registration.close();
  });

  test("a controller cut off from etcd deposes itself when its lease lapses, and the other is then elected", async () => {
    const proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
    const cutOff = new EtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`], limits: { etcdRequestTimeoutMs: 500 } });
    const [first] = await candidates("el5", [1], cutOff);
    await within(first.election.elected(), 10_000, "the first election");
    const [second] = await candidates("el5", [2]);
    const handedOver = second.election.elected();
    proxy.cut();
    await within(first.election.deposed(), 10_000, "the cut-off controller deposing itself");
    assert.is((await first.registration.fenced).reason, "unreachable");
    assert.is(await errorCode(first.election.controllerTxn({ success: [] })), "not_controller");
    assert.is(await errorCode(first.election.elected()), "closed", "a fenced broker campaigns no more");
    assert.ok((await within(handedOver, 20_000, "the other broker's election")) > first.registration.epoch);
    await second.election.close();
    await second.registration.close();
    await proxy.close();
  });
}

test.run();
