/**
 * EtcdWatch against a real etcd: events in order with the omitted PUT type, deletes, prev_kv,
 * one txn in one batch, resumption after etcd restarts and after idle reopening without a lost
 * or repeated event, and compaction as a typed error.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { useEtcd, within, type TestEtcd } from "../../test/support/etcd.ts";
import { startTcpProxy } from "../../test/support/tcp-proxy.ts";
import { bytesText } from "./etcd-bytes.ts";
import { EtcdClient } from "./etcd-client.ts";
import type { EtcdWatch } from "./etcd-watch.ts";
import type { WatchEvent } from "./etcd-types.ts";

let etcd: TestEtcd;
let client: EtcdClient;

const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

/** Reads batches until `count` events have come, and returns them. */
async function take(watch: EtcdWatch, count: number, what: string): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  while (events.length < count) {
    const next = await within(watch.next(), 20_000, what);
    assert.is(next.done, false, `${what}: the watch ended`);
    if (!next.done) events.push(...next.value.events);
  }
  return events;
}

const describe = (event: WatchEvent) => `${event.type} ${event.kv.key} ${bytesText(event.kv.value)}`;

if (!skip) {
  test("watch() delivers puts and deletes in revision order from startRevision, with prev_kv", async () => {
    const start = (await client.put({ key: "/w1/a", value: "1" })).header.revision;
    await client.put({ key: "/w1/b", value: "2" });
    await client.put({ key: "/w1/a", value: "3" });
    await client.deleteRange({ key: "/w1/b" });
    await client.put({ key: "/w10", value: "outside" });
    const watch = client.watch({ key: "/w1/", prefix: true, startRevision: start, prevKv: true });
    const events = await take(watch, 4, "four events");
    assert.equal(events.map(describe), ["put /w1/a 1", "put /w1/b 2", "put /w1/a 3", "delete /w1/b "]);
    assert.equal(events.map((e) => e.kv.modRevision), [start, start + 1, start + 2, start + 3]);
    assert.is(bytesText(events[2].prevKv!.value), "1");
    assert.is(bytesText(events[3].prevKv!.value), "2");
    assert.is(events[0].prevKv, null);
    assert.is(watch.nextRevision, start + 4);
    watch.close();
    assert.equal(await watch.next(), { done: true, value: undefined });
  });

  test("watch() gives the events of one txn as one batch at one revision", async () => {
    const before = (await client.range({ key: "/w2" })).header.revision;
    const watch = client.watch({ key: "/w2/", prefix: true, startRevision: before + 1 });
    const txn = await client.txn({ compare: [], success: [{ put: { key: "/w2/x", value: "x" } }, { put: { key: "/w2/y", value: "y" } }] });
    const next = await within(watch.next(), 20_000, "the txn's batch");
    assert.ok(!next.done);
    if (!next.done) {
      assert.is(next.value.revision, txn.header.revision);
      assert.equal(next.value.events.map(describe), ["put /w2/x x", "put /w2/y y"]);
    }
    watch.close();
  });

  test("close() ends a pending next() with done", async () => {
    const watch = client.watch({ key: "/w3/", prefix: true });
    const pending = watch.next();
    watch.close();
    assert.equal(await within(pending, 10_000, "next() after close()"), { done: true, value: undefined });
  });

  test("watch() resumes after etcd restarts: nothing lost, nothing repeated", async () => {
    const start = (await client.put({ key: "/w4/k", value: "before" })).header.revision;
    const watch = client.watch({ key: "/w4/", prefix: true, startRevision: start });
    assert.equal((await take(watch, 1, "the first event")).map(describe), ["put /w4/k before"]);
    const pending = watch.next();
    pending.catch(() => {});
    await etcd.restart();
    for (const value of ["after1", "after2", "after3"]) await client.put({ key: "/w4/k", value });
    const first = await within(pending, 30_000, "the first event after the restart");
    const events = first.done ? [] : [...first.value.events];
    if (events.length < 3) events.push(...(await take(watch, 3 - events.length, "the rest after the restart")));
    assert.equal(events.map(describe), ["put /w4/k after1", "put /w4/k after2", "put /w4/k after3"]);
    assert.ok(watch.reconnects >= 1, `reconnects: ${watch.reconnects}`);
    watch.close();
  });

  test("watch() resumes after its connection drops while writes go on: nothing lost, nothing repeated", async () => {
    const proxy = await startTcpProxy(Number(new URL(etcd.endpoint).port));
    const via = new EtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`], limits: { etcdRetryBackoffMaxMs: 200 } });
    const start = (await client.put({ key: "/w8/k", value: "0" })).header.revision;
    let reopened: () => void = () => {};
    const reopen = new Promise<void>((resolve) => (reopened = resolve));
    const watch = via.watch({ key: "/w8/", prefix: true, startRevision: start, onReopen: () => reopened() });
    assert.equal((await take(watch, 1, "the first event")).map(describe), ["put /w8/k 0"]);
    const pending = watch.next();
    pending.catch(() => {});
    proxy.cut();
    for (let i = 1; i <= 5; i++) await client.put({ key: "/w8/k", value: String(i) });
    proxy.heal();
    await within(reopen, 20_000, "the reopen after healing");
    const first = await within(pending, 20_000, "events after the drop");
    const events = first.done ? [] : [...first.value.events];
    if (events.length < 5) events.push(...(await take(watch, 5 - events.length, "the rest after the drop")));
    assert.equal(events.map(describe), ["put /w8/k 1", "put /w8/k 2", "put /w8/k 3", "put /w8/k 4", "put /w8/k 5"]);
    watch.close();
    await proxy.close();
  });

  test("watch() reopens a silent stream after etcdWatchIdleMs and loses or repeats nothing", async () => {
    const idle = new EtcdClient({ endpoints: [etcd.endpoint], limits: { etcdWatchIdleMs: 100 } });
    const start = (await client.range({ key: "/w5" })).header.revision + 1;
    let reopened: () => void = () => {};
    const watch = idle.watch({ key: "/w5/", prefix: true, startRevision: start, onReopen: () => reopened() });
    const seen: string[] = [];
    for (const value of ["a", "b", "c"]) {
      const reopen = new Promise<void>((resolve) => (reopened = resolve));
      const pending = watch.next();
      pending.catch(() => {});
      await within(reopen, 20_000, "a reopen of the silent stream");
      await client.put({ key: "/w5/k", value });
      const next = await within(pending, 20_000, `event ${value}`);
      if (!next.done) seen.push(...next.value.events.map(describe));
    }
    assert.equal(seen, ["put /w5/k a", "put /w5/k b", "put /w5/k c"]);
    assert.ok(watch.reconnects >= 3);
    watch.close();
  });

  test("watch() from a compacted revision ends with revision_compacted and the compaction point", async () => {
    const first = await client.put({ key: "/w6/k", value: "1" });
    const second = await client.put({ key: "/w6/k", value: "2" });
    await client.compact(second.header.revision);
    const watch = client.watch({ key: "/w6/", prefix: true, startRevision: first.header.revision });
    const error = await within(watch.next(), 20_000, "the compaction error").catch((e) => e);
    assert.ok(isRivuletError(error, "revision_compacted"), String(error));
    assert.is(error.info.compact_revision, second.header.revision);
    assert.is(watch.closed, true);
  });

  test("a watch message longer than etcdWatchMessageBytesMax ends the watch with request_too_large", async () => {
    const small = new EtcdClient({ endpoints: [etcd.endpoint], limits: { etcdWatchMessageBytesMax: 4096 } });
    const start = (await client.put({ key: "/w7/k", value: new Uint8Array(8192) })).header.revision;
    const watch = small.watch({ key: "/w7/", prefix: true, startRevision: start });
    const error = await within(watch.next(), 20_000, "the size error").catch((e) => e);
    assert.ok(isRivuletError(error, "request_too_large"), String(error));
    assert.is(watch.closed, true);
  });
}

test.run();
