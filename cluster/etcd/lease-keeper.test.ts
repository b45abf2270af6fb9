/**
 * LeaseKeeper against a real etcd: a renewal whose answer never comes (its connection stalled,
 * as a lost packet or a busy peer leaves it) must not hold the next renewals back until the
 * lease's deadline — a healthy broker would be fenced for one slow request.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect, createServer, type Socket } from "node:net";
import { type TestEtcd, useEtcd, within } from "../../test/support/etcd.ts";
import { EtcdClient } from "./etcd-client.ts";
import { LeaseKeeper } from "./lease-keeper.ts";

let etcd: TestEtcd;

const skip = useEtcd(test, (started) => {
  etcd = started;
});

/**
 * A TCP proxy to etcd whose `stall()` freezes every connection open now (bytes in either
 * direction are held, the sockets stay open) while new connections are forwarded as usual.
 */
async function stallingProxy(targetPort: number) {
  const open: Array<{ client: Socket; upstream: Socket }> = [];
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const pair = { client, upstream };
    open.push(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    stall() {
      for (const { client, upstream } of open.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close() {
      server.close();
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
    },
  };
}

if (!skip) {
  test("a renewal stuck on a stalled connection does not stop the next ones: the lease outlives its TTL several times", async () => {
    const port = Number(new URL(etcd.endpoint).port);
    const proxy = await stallingProxy(port);
    const client = new EtcdClient({ endpoints: [`http://127.0.0.1:${proxy.port}`] });
    const keeper = await LeaseKeeper.grant(client, { ttlMs: 2_000, keepAliveMs: 400 });
    let lost: string | null = null;
    void keeper.lost.then((loss) => (lost = loss.message));
    try {
      // one renewal through the proxy, then its (reused) connection freezes with the next one on it
      await within(
        (async () => {
          while (keeper.renewals < 1) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        10_000,
        "a first renewal",
      );
      proxy.stall();
      // renewals go on over new connections: as many as fit in the TTL, and more
      const target = keeper.renewals + Math.ceil(2_000 / 400) + 3;
      await within(
        (async () => {
          while (keeper.renewals < target && lost === null) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        30_000,
        `${target} renewals`,
      );
      assert.is(lost, null, "the lease was kept");
      assert.ok(keeper.renewals >= target);
      const ttl = await new EtcdClient({ endpoints: [etcd.endpoint] }).leaseTimeToLive(keeper.id);
      assert.ok(ttl.ttlSeconds > 0, `etcd still holds the lease (TTL ${ttl.ttlSeconds} s)`);
    } finally {
      await keeper.revoke().catch(() => {});
      proxy.close();
    }
  });
}

test.run();
