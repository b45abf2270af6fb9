/**
 * EtcdClient against a real etcd: kv, txn and lease semantics, including every case where the
 * gateway leaves a proto3 default out, and the mapping of failures to typed errors.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Socket } from "node:net";
import { isRivuletError } from "../../core/errors.ts";
import { errorCode } from "../../test/support/error-code.ts";
import { type TestEtcd, useEtcd } from "../../test/support/etcd.ts";
import { bytesText } from "./etcd-bytes.ts";
import { EtcdClient } from "./etcd-client.ts";

const text = (bytes: Uint8Array) => bytesText(bytes);
let etcd: TestEtcd;
let client: EtcdClient;

const skip = useEtcd(test, (started, onIt) => {
  etcd = started;
  client = onIt;
});

if (!skip) {
  test("range() of a missing key has kvs [] and count 0 (fields etcd leaves out)", async () => {
    const answer = await client.range({ key: "/kv/missing" });
    assert.equal(answer.kvs, []);
    assert.is(answer.count, 0);
    assert.is(answer.more, false);
    assert.ok(answer.header.revision >= 1);
  });

  test("put() then range() give the bytes back with create/mod revision and version", async () => {
    const first = await client.put({ key: "/kv/a", value: "one" });
    const second = await client.put({ key: "/kv/a", value: "two", prevKv: true });
    assert.is(second.header.revision, first.header.revision + 1);
    assert.ok(second.prevKv);
    assert.is(text(second.prevKv!.value), "one");
    const [kv] = (await client.range({ key: "/kv/a" })).kvs;
    assert.is(kv.key, "/kv/a");
    assert.is(text(kv.value), "two");
    assert.is(kv.createRevision, first.header.revision);
    assert.is(kv.modRevision, second.header.revision);
    assert.is(kv.version, 2);
    assert.is(kv.lease, "0");
  });

  test("put() keeps binary values and UTF-8 keys exact; an empty value reads back empty", async () => {
    const value = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    await client.put({ key: "/kv/ключ/ü", value });
    await client.put({ key: "/kv/empty", value: "" });
    const [kv] = (await client.range({ key: "/kv/ключ/ü" })).kvs;
    assert.equal([...kv.value], [...value]);
    assert.is((await client.range({ key: "/kv/empty" })).kvs[0].value.length, 0);
  });

  test("range() with prefix, limit and countOnly; deleteRange() of a prefix counts and returns what it removed", async () => {
    for (const name of ["x1", "x2", "x3"]) await client.put({ key: `/pre/${name}`, value: name });
    await client.put({ key: "/pre0", value: "outside the prefix" });
    const all = await client.range({ key: "/pre/", prefix: true });
    assert.equal(all.kvs.map((kv) => kv.key), ["/pre/x1", "/pre/x2", "/pre/x3"]);
    const page = await client.range({ key: "/pre/", prefix: true, limit: 2 });
    assert.is(page.kvs.length, 2);
    assert.is(page.more, true);
    assert.is(page.count, 3);
    const counted = await client.range({ key: "/pre/", prefix: true, countOnly: true });
    assert.is(counted.count, 3);
    assert.equal(counted.kvs, []);
    const deleted = await client.deleteRange({ key: "/pre/", prefix: true, prevKv: true });
    assert.is(deleted.deleted, 3);
    assert.equal(deleted.prevKvs.map((kv) => text(kv.value)), ["x1", "x2", "x3"]);
    assert.is((await client.range({ key: "/pre0" })).count, 1);
    const none = await client.deleteRange({ key: "/pre/", prefix: true });
    assert.is(none.deleted, 0);
    assert.equal(none.prevKvs, []);
  });

  test("txn() on create_revision 0 creates once; the second run fails with succeeded false and runs failure", async () => {
    const create = {
      compare: [{ key: "/txn/once", target: "create_revision" as const, result: "equal" as const, value: 0 }],
      success: [{ put: { key: "/txn/once", value: "first" } }],
      failure: [{ range: { key: "/txn/once" } }],
    };
    const won = await client.txn(create);
    assert.is(won.succeeded, true);
    assert.ok("put" in won.responses[0]);
    const lost = await client.txn({ ...create, success: [{ put: { key: "/txn/once", value: "second" } }] });
    assert.is(lost.succeeded, false);
    const response = lost.responses[0];
    assert.ok("range" in response);
    if ("range" in response) {
      assert.is(text(response.range.kvs[0].value), "first");
      assert.is(response.range.kvs[0].createRevision, won.header.revision);
    }
  });

  test("txn() compares on mod_revision, value and version, and deletes in success", async () => {
    const put = await client.put({ key: "/txn/cas", value: "v1" });
    const rev = put.header.revision;
    const stale = await client.txn({
      compare: [{ key: "/txn/cas", target: "mod_revision", result: "equal", value: rev - 1 }],
      success: [{ put: { key: "/txn/cas", value: "never" } }],
    });
    assert.is(stale.succeeded, false);
    assert.equal(stale.responses, []);
    const swapped = await client.txn({
      compare: [
        { key: "/txn/cas", target: "mod_revision", result: "equal", value: rev },
        { key: "/txn/cas", target: "value", result: "equal", value: "v1" },
        { key: "/txn/cas", target: "version", result: "less", value: 2 },
      ],
      success: [{ put: { key: "/txn/cas", value: "v2" } }, { deleteRange: { key: "/txn/other" } }],
    });
    assert.is(swapped.succeeded, true);
    assert.is(swapped.responses.length, 2);
    const del = swapped.responses[1];
    assert.ok("deleteRange" in del && del.deleteRange.deleted === 0);
    const notEqual = await client.txn({
      compare: [{ key: "/txn/cas", target: "value", result: "not_equal", value: "v2" }],
      success: [{ put: { key: "/txn/cas", value: "never" } }],
    });
    assert.is(notEqual.succeeded, false);
    assert.is(text((await client.range({ key: "/txn/cas" })).kvs[0].value), "v2");
  });

  test("bad requests are typed errors: an empty key is invalid_request, a future revision too", async () => {
    assert.is(await errorCode(client.put({ key: "", value: "x" })), "invalid_request");
    const now = (await client.range({ key: "/kv/a" })).header.revision;
    assert.is(await errorCode(client.range({ key: "/kv/a", revision: now + 1000 })), "invalid_request");
  });

  test("lease: grant, bind, keep-alive, time-to-live, revoke deletes the key, then TTL 0 / -1 and not_found", async () => {
    const lease = await client.leaseGrant(5);
    assert.match(lease.id, /^\d+$/);
    assert.is(lease.ttlSeconds, 5);
    await client.put({ key: "/lease/k", value: "bound", lease: lease.id });
    assert.is((await client.range({ key: "/lease/k" })).kvs[0].lease, lease.id);
    const alive = await client.leaseKeepAlive(lease.id);
    assert.is(alive.id, lease.id);
    assert.is(alive.ttlSeconds, 5);
    const ttl = await client.leaseTimeToLive(lease.id, { keys: true });
    assert.is(ttl.grantedTtlSeconds, 5);
    assert.ok(ttl.ttlSeconds > 0 && ttl.ttlSeconds <= 5);
    assert.equal(ttl.keys, ["/lease/k"]);
    await client.leaseRevoke(lease.id);
    assert.equal((await client.range({ key: "/lease/k" })).kvs, []);
    const gone = await client.leaseKeepAlive(lease.id);
    assert.is(gone.ttlSeconds, 0, "a keep-alive of an ended lease has no TTL");
    assert.is((await client.leaseTimeToLive(lease.id)).ttlSeconds, -1);
    assert.is(await errorCode(client.leaseRevoke(lease.id)), "not_found");
    assert.is(await errorCode(client.put({ key: "/lease/k", value: "x", lease: lease.id })), "not_found");
  });

  test("lease ids above 2^53 survive as strings", async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => client.leaseGrant(5)));
    for (const lease of ids) {
      const ttl = await client.leaseTimeToLive(lease.id);
      assert.is(ttl.id, lease.id);
      await client.leaseRevoke(lease.id);
    }
    assert.ok(ids.some((lease) => BigInt(lease.id) > BigInt(Number.MAX_SAFE_INTEGER)), `ids: ${ids.map((l) => l.id).join(", ")}`);
  });

  test("range() below the compaction point is revision_compacted", async () => {
    const first = await client.put({ key: "/compact/k", value: "1" });
    const second = await client.put({ key: "/compact/k", value: "2" });
    await client.compact(second.header.revision);
    const error = await client.range({ key: "/compact/k", revision: first.header.revision }).catch((e) => e);
    assert.ok(isRivuletError(error, "revision_compacted"), String(error));
    assert.is(error.retriable, false);
  });

  test("an answer larger than etcdResponseBytesMax is request_too_large", async () => {
    await client.put({ key: "/big", value: new Uint8Array(64 * 1024) });
    const small = new EtcdClient({ endpoints: [etcd.endpoint], limits: { etcdResponseBytesMax: 16 * 1024 } });
    assert.is(await errorCode(small.range({ key: "/big" })), "request_too_large");
  });

  test("a refused connection is coordination_unavailable (retriable) and the next call moves to the next endpoint", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const two = new EtcdClient({ endpoints: [`http://127.0.0.1:${closedPort}`, etcd.endpoint] });
    const error = await two.range({ key: "/kv/a" }).catch((e) => e);
    assert.ok(isRivuletError(error, "coordination_unavailable"), String(error));
    assert.is(error.retriable, true);
    assert.is(two.endpoint, etcd.endpoint);
    assert.is((await two.range({ key: "/kv/a" })).count, 1);
  });

  test("an endpoint that never answers is timeout; an aborted signal is closed", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const stuck = new EtcdClient({ endpoints: [`http://127.0.0.1:${port}`], limits: { etcdRequestTimeoutMs: 200 } });
    assert.is(await errorCode(stuck.range({ key: "/kv/a" })), "timeout");
    const controller = new AbortController();
    const pending = stuck.range({ key: "/kv/a" }, { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort();
    assert.is(await errorCode(pending), "closed");
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
}

test.run();
