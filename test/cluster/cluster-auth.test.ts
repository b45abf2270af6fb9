/**
 * A cluster with an auth file, end to end: three `rivulet serve --etcd … --auth-file …
 * --inter-broker-user broker` children and a real etcd. Followers log in to their leaders as
 * the inter-broker principal, so a kafkajs producer with SASL SCRAM-SHA-512 and acks=all on an
 * RF 3 topic is acknowledged, every replica joins the ISR, and after kill -9 of the leader the
 * records are read back from the new leader. HTTP produce on a non-leader is forwarded with the
 * client's token (401 without one); a principal without cluster admin is refused as a replica
 * (Fetch and OffsetForLeaderEpoch with replica_id: CLUSTER_AUTHORIZATION_FAILED, 31) and changes
 * nothing; the forwarded-by header alone opens no internal topic; Durable Streams created,
 * appended to and read on different brokers with tokens; a transaction across partitions led by
 * different brokers commits (its markers sent as the inter-broker user).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { useEtcd, within } from "../support/etcd.ts";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import { kafkaPortOf } from "../support/cluster/elastic-cluster.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";
import { LeaderSocket } from "../../kafka/replica-client/leader-socket.ts";
import { saslLogin } from "../../kafka/replica-client/sasl-client.ts";
import { apiKeys } from "../../kafka/protocol/api-keys.ts";
import { decodeFetchResponse, encodeFetchRequest, fetchClientVersion } from "../../kafka/replica-client/fetch-v11-client.ts";
import { decodeEpochResponse, encodeEpochRequest, offsetsForLeaderEpochClientVersion } from "../../kafka/replica-client/offsets-for-leader-epoch-v3-client.ts";

const CLUSTER_AUTHORIZATION_FAILED = 31;
const brokerToken = "inter-broker-secret-1";
const appToken = "app-secret-token-1";
const opsToken = "ops-secret-token-1";
const tokens = {
  tokens: [
    { name: "broker", token: brokerToken, rights: [{ access: "admin", topics: "*" }] },
    { name: "ops", token: opsToken, rights: [{ access: "admin", topics: "*" }] },
    {
      name: "app",
      token: appToken,
      rights: [{ access: "admin", topics: "orders*" }, { access: "read", streams: "*" }, { access: "write", streams: "*" }],
    },
  ],
};

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every value of a partition, read through `url` with `token`, from offset 0 up to its high watermark. */
async function readAll(url: string, topic: string, partition: number, token: string, isolation = "read_uncommitted"): Promise<string[]> {
  const values: string[] = [];
  let offset = 0;
  for (;;) {
    const response = await fetch(`${url}/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=1000&isolation=${isolation}`, { headers: bearer(token) });
    // Just after a failover the elected broker may not have taken the leader role yet: retriable, as a Kafka client retries.
    if (response.status === 503 && (await response.clone().json()).retriable === true) {
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    assert.is(response.status, 200, await response.clone().text());
    const body = await response.json();
    // Values that are not JSON come as value_b64.
    for (const record of body.records) values.push(record.value_b64 !== undefined ? new TextDecoder().decode(Uint8Array.from(atob(record.value_b64), (c) => c.charCodeAt(0))) : String(record.value));
    if (body.records.length === 0 || body.next_offset >= body.high_watermark) return values;
    offset = body.next_offset;
  }
}

/** Resolves once `cache` shows partition `topic`/0 satisfying `ok`. */
function partitionWhere(cache: MetadataCache, topic: string, ok: (state: { leader: number; isr: number[] }) => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const look = () => {
      const state = cache.partition(topic, 0);
      if (state && ok(state)) {
        off();
        resolve();
      }
    };
    const off = cache.onChange(look);
    look();
  });
}

if (!skip) {
  test("brokers authenticate to each other: replication, forwarding, replica refusals and Durable Streams with an auth file", async () => {
    const dirs = [1, 2, 3].map((id) => tempDir(`rivulet-cauth${id}-`));
    const files = tempDir("rivulet-cauth-file-");
    const authFile = join(files.dir, "tokens.json");
    writeFileSync(authFile, JSON.stringify(tokens));
    const brokers: ServeProcess[] = [];
    const cache = new MetadataCache(client, { cluster: "cauth" });
    let producer: ReturnType<Kafka["producer"]> | null = null;
    try {
      for (const id of [1, 2, 3]) {
        brokers.push(await startServe(["--broker-id", String(id), "--etcd", endpoint, "--cluster-name", "cauth", "--kafka-port", "0", "--max-workers", "1", "--data-dir", dirs[id - 1].dir, "--auth-file", authFile, "--inter-broker-user", "broker"]));
      }
      await cache.start();
      const created = await fetch(`${brokers[0].url}/v1/topics`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(appToken) },
        body: JSON.stringify({ name: "orders", partitions: 1, replication_factor: 3, config: { "min.insync.replicas": 2 } }),
      });
      assert.is(created.status, 201, await created.clone().text());
      const leaderId: number = (await created.json()).partitions[0].leader;
      const leader = brokers[leaderId - 1];
      const survivors = brokers.filter((_, i) => i + 1 !== leaderId);

      // kafkajs with SASL, acks=all: acknowledged only once the followers (logged in as "broker") hold the records.
      const kafka = new Kafka({
        clientId: "cluster-auth",
        brokers: brokers.map((b) => `127.0.0.1:${kafkaPortOf(b)}`),
        logLevel: logLevel.NOTHING,
        sasl: { mechanism: "scram-sha-512", username: "app", password: appToken },
        retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const acked: string[] = [];
      for (let i = 0; i < 50; i++) {
        await producer.send({ topic: "orders", acks: -1, messages: [{ value: `kafka-${i}` }] });
        acked.push(`kafka-${i}`);
      }
      await within(partitionWhere(cache, "orders", (s) => s.isr.length === 3), 30_000, "all three replicas in the ISR");
      const described = await fetch(`${survivors[0].url}/v1/topics/orders`, { headers: bearer(appToken) });
      assert.is(described.status, 200);
      assert.equal([...(await described.json()).partitions[0].isr].sort(), [1, 2, 3], "describe shows the full ISR");

      // HTTP produce on a broker that does not lead the partition: sent to the leader with the client's token.
      const viaFollower = await fetch(`${survivors[0].url}/v1/topics/orders/records`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(appToken) },
        body: JSON.stringify({ records: [{ value: "http-0" }] }),
      });
      assert.is(viaFollower.status, 200, await viaFollower.clone().text());
      await viaFollower.text();
      acked.push("http-0");
      const noToken = await fetch(`${survivors[1].url}/v1/topics/orders/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ value: "nope" }] }) });
      assert.is(noToken.status, 401);
      await noToken.text();

      // A principal without cluster admin asking the leader as a replica is refused, and nothing changes.
      const before = await (await fetch(`${leader.url}/v1/topics/orders/partitions/0/records?offset=0&max_records=1`, { headers: bearer(appToken) })).json();
      const socket = await LeaderSocket.open({ host: "127.0.0.1", port: kafkaPortOf(leader) }, { timeoutMs: 10_000, frameBytesMax: 1 << 24, clientId: "not-a-broker" });
      try {
        await saslLogin(socket, { mechanism: "SCRAM-SHA-512", username: "app", password: appToken }, 10_000);
        const fetched = decodeFetchResponse(await socket.request(apiKeys.Fetch, fetchClientVersion, (w) =>
          encodeFetchRequest(w, { replicaId: 7, maxWaitMs: 0, maxBytes: 1 << 20, partitions: [{ topic: "orders", partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: 0, maxBytes: 1 << 20 }] }), 10_000));
        assert.equal(fetched.partitions.map((p) => [p.topic, p.errorCode, p.records.length]), [["orders", CLUSTER_AUTHORIZATION_FAILED, 0]], "Fetch with replica_id as a principal without cluster admin");
        const epochs = decodeEpochResponse(await socket.request(apiKeys.OffsetForLeaderEpoch, offsetsForLeaderEpochClientVersion, (w) =>
          encodeEpochRequest(w, 7, [{ topic: "orders", partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }]), 10_000));
        assert.equal(epochs.map((a) => a.errorCode), [CLUSTER_AUTHORIZATION_FAILED], "OffsetForLeaderEpoch with replica_id as a principal without cluster admin");
      } finally {
        socket.close();
      }
      const after = await (await fetch(`${leader.url}/v1/topics/orders/partitions/0/records?offset=0&max_records=1`, { headers: bearer(appToken) })).json();
      assert.is(after.high_watermark, before.high_watermark, "the refused replica fetches moved nothing");
      assert.equal([...cache.partition("orders", 0)!.isr].sort(), [1, 2, 3], "nor the ISR");

      // Durable Streams: created on one broker, appended to on another, read on the third, with tokens.
      const [b1, b2, b3] = brokers.map((b) => b.url);
      const stream = await fetch(`${b1}/v1/stream/audit`, { method: "PUT", headers: { "content-type": "text/plain", ...bearer(appToken) } });
      assert.is(stream.status, 201, await stream.clone().text());
      await stream.text();
      const appended = await fetch(`${b2}/v1/stream/audit`, { method: "POST", headers: { "content-type": "text/plain", ...bearer(appToken) }, body: "entry from broker 2" });
      assert.ok(appended.status === 200 || appended.status === 204, `append answered ${appended.status}: ${await appended.clone().text()}`);
      await appended.text();
      const read = await fetch(`${b3}/v1/stream/audit?offset=-1`, { headers: bearer(appToken) });
      assert.is(read.status, 200, await read.clone().text());
      assert.is(await read.text(), "entry from broker 2");
      const unauthenticated = await fetch(`${b3}/v1/stream/audit?offset=-1`);
      assert.is(unauthenticated.status, 401);
      await unauthenticated.text();

      // The forwarded-by header alone opens no internal topic: only the inter-broker principal's token does.
      await within(partitionWhere(cache, "__ds_streams", (st) => st.leader >= 0), 30_000, "the streams coordinator in the metadata");
      const streamsLeader = cache.partition("__ds_streams", 0)!.leader;
      const internal = `${brokers[streamsLeader - 1].url}/v1/topics/__ds_streams/partitions/0/batches?offset=0`;
      const posing = await fetch(internal, { headers: { ...bearer(appToken), "rivulet-forwarded-by": "2" } });
      assert.is(posing.status, 403, "a client posing as a broker, without rights on the topic");
      await posing.text();
      const admin = await fetch(internal, { headers: { ...bearer(opsToken), "rivulet-forwarded-by": "2" } });
      assert.is(admin.status, 400, "a cluster admin that is not the inter-broker principal, posing as a broker");
      assert.is((await admin.json()).code, "invalid_topic_name");
      const asBroker = await fetch(internal, { headers: { ...bearer(brokerToken), "rivulet-forwarded-by": "2" } });
      assert.is(asBroker.status, 200, await asBroker.clone().text());
      await asBroker.arrayBuffer();

      // A transaction across partitions led by different brokers: its markers travel between brokers as the inter-broker user.
      const txTopic = await fetch(`${brokers[0].url}/v1/topics`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer(appToken) },
        body: JSON.stringify({ name: "orders-tx", partitions: 3, replication_factor: 3 }),
      });
      assert.is(txTopic.status, 201, await txTopic.clone().text());
      const txLeaders = new Set((await txTopic.json()).partitions.map((p: { leader: number }) => p.leader));
      assert.ok(txLeaders.size > 1, `the partitions' leaders are several brokers: ${[...txLeaders]}`);
      const transactional = kafka.producer({ transactionalId: "cauth-tx", maxInFlightRequests: 1, idempotent: true });
      await transactional.connect();
      try {
        for (const outcome of ["commit", "abort"] as const) {
          const transaction = await transactional.transaction();
          for (const partition of [0, 1, 2]) await transaction.send({ topic: "orders-tx", messages: [{ value: `${outcome}-p${partition}`, partition }] });
          if (outcome === "commit") await transaction.commit();
          else await transaction.abort();
        }
      } finally {
        await transactional.disconnect();
      }
      const committed: string[] = [];
      for (const partition of [0, 1, 2]) committed.push(...(await readAll(survivors[0].url, "orders-tx", partition, appToken, "read_committed")));
      assert.equal(committed, ["commit-p0", "commit-p1", "commit-p2"], "read_committed sees the committed transaction on every partition, not the aborted one");

      // kill -9 of the leader: a follower that held every record leads, and they are read back from it.
      await producer.disconnect();
      producer = null;
      leader.child.kill("SIGKILL");
      await within(partitionWhere(cache, "orders", (s) => s.leader >= 0 && s.leader !== leaderId), 30_000, "a new leader");
      for (const survivor of survivors) assert.equal(await within(readAll(survivor.url, "orders", 0, appToken), 30_000, "the read after the failover"), acked, `every acknowledged record, read through ${survivor.url}`);
    } finally {
      await producer?.disconnect().catch(() => {});
      await cache.close();
      for (const b of brokers) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGTERM");
      await Promise.all(brokers.map((b) => b.exited));
      for (const d of [...dirs, files]) d.remove();
    }
  });

  test.run();
}
