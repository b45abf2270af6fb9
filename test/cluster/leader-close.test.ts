/**
 * A leader's graceful close in a cluster: the broker leaves, so acks=all writes its followers
 * had not replicated yet fail at once (`not_leader`, retriable: the client's retry goes to the
 * next leader) instead of waiting for their timeout — which held `rivulet serve`'s SIGTERM for
 * the whole ack timeout, past the 30 s after which a supervisor kills it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeRecordBatch } from "../../record/record-batch.ts";
import { isRivuletError } from "../../core/errors.ts";
import { ReplicaCluster } from "../support/cluster/replica-cluster.ts";

const topic = "leaving";

test("closing a leader's replication fails its waiting acks=all writes with not_leader, and the broker then closes", async () => {
  // an ack timeout far beyond the test runner's bound on a file: only the close can end the wait
  const cluster = new ReplicaCluster({ limits: { askTimeoutMs: 600_000 } });
  try {
    cluster.topics.set(topic, { partitions: 1, config: { "replica.lag.time.max.ms": 3_600_000 } });
    // followers 2 and 3 never start: nothing the leader appends reaches the high watermark
    const leader = await cluster.start(1);
    cluster.setState(topic, 0, { leaderEpoch: 1, isr: [1, 2, 3] });
    await leader.replicas.becomeLeader(topic, 0, { leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] });
    const batch = encodeRecordBatch([{ key: null, value: new Uint8Array([1]), headers: [], timestamp: Date.now() }]);
    const waiting = leader.broker.appendBatch(topic, 0, batch, { acks: "all" }).then(() => null, (error: unknown) => error);
    await cluster.until(async () => (await leader.broker.epochState(topic, 0)).logEndOffset === 1, "the batch in the leader's log");
    await leader.replicas.close();
    const error = await waiting;
    assert.ok(isRivuletError(error, "not_leader"), `got ${String(error)}`);
    assert.ok(error.retriable);
    await leader.close();
  } finally {
    await cluster.close();
  }
});

test.run();
