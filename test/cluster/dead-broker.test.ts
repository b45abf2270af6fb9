/**
 * Dead-broker detection (cluster/controller/dead-broker-detector.ts) with `rivulet serve --etcd`
 * children and a real etcd: a broker killed with kill -9 has its lease revoked by a survivor
 * (its registration goes, and a survivor says it revoked it, rather than the TTL running out);
 * a broker paused with SIGSTOP is not revoked — its registration lapses with its lease, and no
 * survivor claims to have revoked it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

const revokedLine = (id: number) => new RegExp(`broker ${id} refuses connections .* revoked its lease`);

/** Resolves once `cache` no longer lists broker `id`. */
function gone(cache: MetadataCache, id: number): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (!cache.broker(id)) (off(), resolve());
    };
    const off = cache.onChange(look);
    look();
  });
}

/** Resolves once every broker in `ids` is registered in `cache`. */
function registered(cache: MetadataCache, ids: number[]): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (ids.every((id) => cache.broker(id))) (off(), resolve());
    };
    const off = cache.onChange(look);
    look();
  });
}

/** Resolves once some broker's output matches `pattern`. */
async function printed(brokers: ServeProcess[], pattern: RegExp): Promise<void> {
  await new Promise<void>((resolve) => {
    const look = () => {
      if (brokers.some((b) => pattern.test(b.output()))) {
        for (const b of brokers) (b.child.stderr!.off("data", look), b.child.stdout!.off("data", look));
        resolve();
      }
    };
    for (const b of brokers) (b.child.stderr!.on("data", look), b.child.stdout!.on("data", look));
    look();
  });
}

if (!skip) {
  test("kill -9: a survivor revokes the dead broker's lease; SIGSTOP: the paused broker is left to its TTL", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-dead${id}-`));
    const brokers: ServeProcess[] = [];
    const cache = new MetadataCache(client, { cluster: "dead" });
    try {
      for (const id of [1, 2, 3]) {
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "dead", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir]));
      }
      await cache.start();
      await within(registered(cache, [1, 2, 3]), 20_000, "three brokers registered");

      // kill -9 of broker 1: a survivor finds its address refusing and revokes its lease.
      const down = gone(cache, 1);
      brokers[0].child.kill("SIGKILL");
      await within(down, 20_000, "broker 1's registration gone");
      await within(printed(brokers.slice(1), revokedLine(1)), 10_000, "a survivor revoked broker 1's lease");

      // SIGSTOP of broker 3: it still accepts connections, so it is left to its lease's TTL.
      const paused = gone(cache, 3);
      process.kill(brokers[2].child.pid!, "SIGSTOP");
      try {
        await within(paused, 30_000, "the paused broker's lease lapsed");
      } finally {
        process.kill(brokers[2].child.pid!, "SIGCONT");
      }
      assert.not.ok(revokedLine(3).test(brokers[1].output()), `broker 2 did not revoke the paused broker's lease:\n${brokers[1].output()}`);
      // Back from the pause it is fenced and registers again, as after any lapsed lease.
      await within(registered(cache, [2, 3]), 30_000, "broker 3 registered again");
    } finally {
      await cache.close();
      for (const b of brokers) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of dirs) d.remove();
    }
  });

  test.run();
}
