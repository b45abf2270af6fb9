/**
 * Followers log in to an authenticating leader's Kafka listener (SASL PLAIN and SCRAM) with the
 * credentials of a cluster admin, as DESIGN §9 asks; a follower with a wrong password copies
 * nothing, and no log line or error it produces names the password.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { logBytes, ReplicaCluster } from "./support/cluster/replica-cluster.ts";
import { saslPrincipals } from "./support/kafka/sasl.ts";

const topic = "secured";
const batch = () => encodeRecordBatch([{ key: null, value: new Uint8Array([1, 2, 3]), headers: [], timestamp: Date.now() }]);

for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`a follower logs in with SASL ${mechanism} and replicates`, async () => {
    const cluster = new ReplicaCluster({ auth: saslPrincipals, credentials: { mechanism, username: "ops", password: "ops-secret-123" } });
    try {
      cluster.topics.set(topic, { partitions: 1, config: {} });
      const [b1, b2] = [await cluster.start(1), await cluster.start(2)];
      cluster.setState(topic, 0, { leaderEpoch: 1, isr: [1, 2] });
      await b1.replicas.becomeLeader(topic, 0, { leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
      await b2.replicas.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2] });
      const r = await b1.broker.appendBatch(topic, 0, batch(), { acks: "all" });
      assert.ok((await b2.broker.epochState(topic, 0)).logEndOffset > r.lastOffset, "acknowledged once the follower holds it");
      await cluster.until(async () => (await b2.broker.epochState(topic, 0)).highWatermark === 1, "the follower's high watermark");
      assert.equal(logBytes(b2.dir, topic, 0), logBytes(b1.dir, topic, 0));
    } finally {
      await cluster.close();
    }
  });
}

test("a follower with a wrong password copies nothing and counts its failures", async () => {
  const cluster = new ReplicaCluster({ auth: saslPrincipals, credentials: { mechanism: "PLAIN", username: "ops", password: "not-the-password" } });
  try {
    cluster.topics.set(topic, { partitions: 1, config: {} });
    const [b1, b2] = [await cluster.start(1), await cluster.start(2)];
    cluster.setState(topic, 0, { leaderEpoch: 1, isr: [1] });
    await b1.replicas.becomeLeader(topic, 0, { leaderEpoch: 1, replicas: [1, 2], isr: [1] });
    await b1.broker.appendBatch(topic, 0, batch(), { acks: "leader" });
    await b2.replicas.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2] });
    await cluster.until(() => b2.replicas.counters.fetchErrors >= 2, "two failed logins");
    assert.is((await b2.broker.epochState(topic, 0)).logEndOffset, 0);
    const text = await (await fetch(`${b2.server.url}/metrics`, { headers: { authorization: "Bearer ops-secret-123" } })).text();
    assert.ok(text.includes("rivulet_replica_fetch_errors_total"), "replication metrics are exposed");
    assert.not.ok(text.includes("not-the-password"));
  } finally {
    await cluster.close();
  }
});

test.run();
