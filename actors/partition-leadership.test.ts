/**
 * A replicated leader acknowledges an acks=all write only while it still leads: a write taken as
 * leader whose leadership ends before it is durable (the broker fenced after a pause longer
 * than its lease, or told to follow) fails with `not_leader`, never settles as a lone write.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Partition } from "./partition.ts";
import { systemClock } from "../core/clock.ts";
import { defaultLimits } from "../core/limits.ts";
import { RivuletError } from "../core/errors.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";
import { tempDir } from "../test/support/temp-dir.ts";

function open(options: { awaitRole?: boolean } = {}): { partition: Partition; remove(): void } {
  const dir = tempDir("rivulet-leadership-");
  const partition = new Partition("t", 0, dir.dir, parseTopicConfig({ flush: "always", "min.insync.replicas": 2 }), { clock: systemClock, limits: defaultLimits, ...options });
  return { partition, remove: () => (partition.close(), dir.remove()) };
}

function batch(value: number): Uint8Array {
  return encodeRecordBatch([{ key: null, value: new Uint8Array([value]), headers: [], timestamp: Date.now() }]);
}

test("in a cluster, a partition opened with no role yet (a restarted worker) takes no write and serves no consumer until told to lead", async () => {
  const { partition, remove } = open({ awaitRole: true });
  try {
    const refused = (call: () => unknown) => Promise.resolve().then(call).then(() => null, (e: RivuletError) => e.code);
    assert.is(await refused(() => partition.append(batch(1), "all")), "not_leader", "a write");
    assert.is(await refused(() => partition.append(batch(1), "leader")), "not_leader", "an acks=1 write");
    assert.is(await refused(() => partition.fetch(0, 1 << 20, 0)), "not_leader", "a consumer read");
    assert.is(partition.state().logEndOffset, 0, "nothing was written");
    partition.becomeLeader(1, { brokerId: 1, replicas: [1, 2], isr: [1, 2] });
    const acked = partition.append(batch(1), "all");
    await partition.fetch(1, 1 << 20, 0, 0, { replicaId: 2, currentLeaderEpoch: 1 });
    assert.is((await acked).baseOffset, 0, "led: the write is taken and settles through the ISR");
  } finally {
    remove();
  }
});

test("acks=all settles once the ISR follower has fetched past the write", async () => {
  const { partition, remove } = open();
  try {
    partition.becomeLeader(1, { brokerId: 1, replicas: [1, 2], isr: [1, 2] });
    const acked = partition.append(batch(1), "all");
    let settled = false;
    void acked.then(() => (settled = true), () => (settled = true));
    // the follower's fetch at 0 (it holds nothing yet) lets nothing through
    await partition.fetch(0, 1 << 20, 0, 0, { replicaId: 2, currentLeaderEpoch: 1 });
    assert.is(settled, false);
    await partition.fetch(1, 1 << 20, 0, 0, { replicaId: 2, currentLeaderEpoch: 1 });
    assert.is((await acked).baseOffset, 0);
    assert.is(partition.highWatermark, 1);
  } finally {
    remove();
  }
});

test("a leader told to follow while its acks=all write is being made durable fails it with not_leader", async () => {
  const { partition, remove } = open();
  try {
    partition.becomeLeader(1, { brokerId: 1, replicas: [1, 2], isr: [1, 2] });
    const write = partition.append(batch(1), "all");
    // The broker is fenced (its lease ran out during a pause) before the fsync completes.
    partition.becomeFollower(2);
    const outcome = await write.then((r) => r, (e: unknown) => e);
    assert.instance(outcome, RivuletError, `the write was acknowledged: ${JSON.stringify(outcome)}`);
    assert.is((outcome as RivuletError).code, "not_leader");
  } finally {
    remove();
  }
});

test("a leader that went back to a lone partition fails the write it took as leader; alone it acknowledges by the flush policy", async () => {
  const { partition, remove } = open();
  try {
    partition.becomeLeader(1, { brokerId: 1, replicas: [1, 2], isr: [1, 2] });
    const write = partition.append(batch(2), "all");
    partition.stopReplication();
    const outcome = await write.then(() => null, (e: RivuletError) => e.code);
    assert.is(outcome, "not_leader");
    // alone, acks=all means the flush policy: settled once durable
    assert.is((await partition.append(batch(3), "all")).baseOffset, 1);
  } finally {
    remove();
  }
});

test("a replica with no role yet that is told to follow, then elected, does not count its log end as committed", async () => {
  const { partition, remove } = open();
  try {
    // records as found on disk after a restart: alone, the log's end is its high watermark
    await partition.append(batch(1), "all");
    await partition.append(batch(2), "all");
    assert.is(partition.highWatermark, 2);
    partition.becomeFollower(1);
    assert.is(partition.highWatermark, 0, "no leader has said how much of it is committed");
    partition.becomeLeader(2, { brokerId: 1, replicas: [1, 2], isr: [1, 2] });
    assert.is(partition.highWatermark, 0);
    // an ISR follower that holds both records lets them through
    await partition.fetch(2, 1 << 20, 0, 0, { replicaId: 2, currentLeaderEpoch: 2 });
    assert.is(partition.highWatermark, 2);
  } finally {
    remove();
  }
});

test.run();
