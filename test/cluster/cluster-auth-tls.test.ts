/**
 * A cluster whose Kafka listeners speak TLS with an auth file (SASL_SSL): followers connect to
 * their leaders over TLS (trusting the brokers' certificate) and log in as the inter-broker
 * user, so an acks=all produce to an RF 3 topic is acknowledged and every replica joins the ISR.
 * Three in-process `serve()`s with real replication, a real etcd, kafkajs over SASL_SSL.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../../groups/broker.ts";
import { serve, type Server } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { selfSignedCert } from "../support/tls.ts";
import { useEtcd, within } from "../support/etcd.ts";
import type { EtcdClient } from "../../cluster/etcd/etcd-client.ts";
import { MetadataCache } from "../../cluster/membership/metadata-cache.ts";

const appToken = "app-secret-token-1";
const auth = {
  tokens: [
    { name: "broker", token: "inter-broker-secret-1", rights: [{ access: "admin" as const, topics: "*" }] },
    { name: "app", token: appToken, rights: [{ access: "admin" as const, topics: "secure*" }] },
  ],
};

let client: EtcdClient;
let endpoint = "";
const skip = useEtcd(test, (etcd, onIt) => {
  client = onIt;
  endpoint = etcd.endpoint;
});
const tls = selfSignedCert();
if (!tls) console.log("  skipped: openssl is missing (no certificate for the TLS listeners)");

if (!skip && tls) {
  test("over TLS with SASL, followers replicate as the inter-broker user: acks=all on RF 3, full ISR", async () => {
    const members: Array<{ broker: Broker; server: Server; data: { dir: string; remove(): void } }> = [];
    const cache = new MetadataCache(client, { cluster: "cauth-tls" });
    let kafka: Kafka | null = null;
    let producer: ReturnType<Kafka["producer"]> | null = null;
    let admin: ReturnType<Kafka["admin"]> | null = null;
    try {
      for (const id of [1, 2, 3]) {
        const data = tempDir(`rivulet-cauth-tls${id}-`);
        const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
        const server = await serve(broker, { port: 0, kafkaPort: 0, tls, auth, cluster: { etcd: endpoint, brokerId: id, name: "cauth-tls", interBrokerUser: "broker" } });
        members.push({ broker, server, data });
      }
      await cache.start();
      kafka = new Kafka({
        clientId: "cluster-auth-tls",
        brokers: members.map((m) => `127.0.0.1:${m.server.kafkaPort}`),
        logLevel: logLevel.NOTHING,
        ssl: { ca: [tls.cert] },
        sasl: { mechanism: "scram-sha-512", username: "app", password: appToken },
        retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      admin = kafka.admin();
      await admin.connect();
      assert.ok(await admin.createTopics({ topics: [{ topic: "secure", numPartitions: 1, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }] }], waitForLeaders: true }));
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (let i = 0; i < 20; i++) await producer.send({ topic: "secure", acks: -1, messages: [{ value: `tls-${i}` }] });
      await within(new Promise<void>((resolve) => {
        const look = () => cache.partition("secure", 0)?.isr.length === 3 && (off(), resolve());
        const off = cache.onChange(look);
        look();
      }), 30_000, "all three replicas in the ISR");
      const offsets = await admin.fetchTopicOffsets("secure");
      assert.is(offsets[0].high, "20", "every acknowledged record is below the high watermark");
    } finally {
      await producer?.disconnect().catch(() => {});
      await admin?.disconnect().catch(() => {});
      await cache.close();
      for (const m of members.reverse()) {
        await m.server.close();
        await m.broker.close();
        m.data.remove();
      }
    }
  });

  test.run();
}
