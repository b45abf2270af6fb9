/**
 * A clustered broker serves no record before the cluster has told it its role for the partition.
 *
 * A broker killed with SIGKILL and started again finds its old registration in etcd until that
 * lease runs out; meanwhile its HTTP and Kafka listeners are already up (the registration
 * advertises their ports) and its partitions, opened from disk, have no role yet. Such a
 * partition once took writes alone and acknowledged them at acks=all: the chaos test saw a
 * restarted leader acknowledge records at offsets that the elected leader's log never held,
 * and its truncation by OffsetsForLeaderEpoch then removed them (acknowledged records lost).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../groups/broker.ts";
import { serve, type Server } from "../../server/serve.ts";
import { BrokerRegistration } from "../../cluster/membership/broker-registration.ts";
import { freePort } from "../../runtime/free-port.ts";
import { useEtcd, within } from "../support/etcd.ts";
import { tempDir } from "../support/temp-dir.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

/** The first answer of `url` once its listener is up (a refused connection is tried again). */
async function firstAnswer(url: string, init: RequestInit): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url, init);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

if (!skip) {
  test("a restarted broker waiting for its old lease refuses produce and reads (not_leader) and writes nothing; once joined it serves", async () => {
    const data = tempDir("rivulet-rejoin-");
    const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
    // The partition as the broker finds it on disk after its restart: records from before the crash.
    await broker.createTopic("held", { partitions: 1 });
    await broker.produce("held", [{ value: "before-the-crash", partition: 0 }]);
    const [port, kafkaPort] = [await freePort(), await freePort()];
    // The crashed process's registration, whose lease has not run out yet. Its TTL is long, as
    // the restarted broker's: on a loaded machine this process may miss a few renewals, and the
    // lease must not lapse before the test ends it (the broker would join early).
    const old = await BrokerRegistration.register(client, { cluster: "rejoin", broker: { id: 1, host: "127.0.0.1", port, kafka_port: kafkaPort }, limits: { brokerLeaseTtlMs: 30_000 } });
    let server: Server | null = null;
    const serving = serve(broker, { port, kafkaPort, cluster: { etcd: endpoint, brokerId: 1, name: "rejoin" }, limits: { brokerLeaseTtlMs: 30_000 } }).then((s) => (server = s));
    try {
      const base = `http://127.0.0.1:${port}/v1/topics/held`;
      const produced = await within(firstAnswer(`${base}/records`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"records":[{"value":"while-rejoining","partition":0}]}' }), 30_000, "the HTTP listener answering");
      const body = await produced.text();
      assert.is(produced.status, 503, `produce while joining: ${body}`);
      assert.match(body, /not_leader/);
      const read = await fetch(`${base}/partitions/0/records?offset=0`);
      assert.is(read.status, 503, await read.clone().text());
      assert.is(server, null, "the broker is still waiting for its old registration");
      // Nothing was written by the refused produce.
      assert.is((await broker.describeTopic("held")).partitions[0].endOffset, 1);
      await old.close();
      const joined = await within(serving, 30_000, "the broker joining once the old registration is gone");
      // Joined: the topic is not in the cluster's metadata, so the local broker answers as before.
      const local = await fetch(`${joined.url}/v1/topics/held/partitions/0/records?offset=0`);
      assert.is(local.status, 200, await local.clone().text());
    } finally {
      await old.close().catch(() => {});
      await serving.catch(() => {});
      await (server as Server | null)?.close();
      await broker.close();
      data.remove();
    }
  });
}

test.run();
