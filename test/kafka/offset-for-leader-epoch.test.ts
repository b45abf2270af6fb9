import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../../groups/broker.ts";
import { startKafkaListener } from "../../kafka/listener.ts";
import { Reader } from "../../kafka/protocol/reader.ts";
import { correlationOf, RawClient, requestFrame } from "../support/kafka/raw-client.ts";
import { tempDir } from "../support/temp-dir.ts";

interface Answer {
  errorCode: number;
  partition: number;
  leaderEpoch: number;
  endOffset: number;
}

/** Sends OffsetForLeaderEpoch v3 (or v`version`) for `topic` and returns its partitions' answers. */
async function ask(client: RawClient, topic: string, partitions: { partition: number; current: number; epoch: number }[], version = 3): Promise<Answer[]> {
  const id = Math.floor(Math.random() * 1e9);
  client.send(requestFrame(23, version, id, (w) => {
    if (version >= 3) w.int32(1);
    w.array([topic], (tw, t) => {
      tw.string(t);
      tw.array(partitions, (pw, p) => {
        pw.int32(p.partition);
        if (version >= 2) pw.int32(p.current);
        pw.int32(p.epoch);
      });
    });
  }));
  const frame = await client.next(20_000);
  assert.ok(frame, "a response");
  assert.is(correlationOf(frame!), id);
  const r = new Reader(frame!, 4);
  if (version >= 2) assert.is(r.int32(), 0, "throttle");
  const topics = r.array((t) => ({
    topic: t.string(),
    partitions: t.array((p) => {
      const errorCode = p.int16();
      const partition = p.int32();
      const leaderEpoch = version >= 1 ? p.int32() : -1;
      return { errorCode, partition, leaderEpoch, endOffset: p.int64() };
    }),
  }));
  assert.is(topics[0].topic, topic);
  return topics[0].partitions;
}

test("OffsetForLeaderEpoch over the wire: end offsets per epoch, Kafka's fencing rules, and epochs that survive a worker restart", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2, faultInjection: true });
  const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0 });
  const client = await RawClient.connect(listener.port);
  try {
    await broker.createTopic("epochs", { partitions: 2 });
    await broker.produce("epochs", [{ value: "a", partition: 0 }, { value: "b", partition: 0 }]);
    const state = await broker.becomeLeader("epochs", 0, 3);
    assert.is(state.leaderEpoch, 3);
    assert.equal(state.epochs, [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 2 }]);
    await broker.produce("epochs", [{ value: "c", partition: 0 }]);

    const answers = await ask(client, "epochs", [
      { partition: 0, current: -1, epoch: 0 },
      { partition: 0, current: 3, epoch: 2 },
      { partition: 0, current: 3, epoch: 3 },
      { partition: 0, current: -1, epoch: 4 },
      { partition: 0, current: 2, epoch: 0 },
      { partition: 0, current: 4, epoch: 0 },
      { partition: 1, current: 0, epoch: 0 },
      { partition: 7, current: -1, epoch: 0 },
    ]);
    assert.equal(answers, [
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 2 },
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 2 },
      { errorCode: 0, partition: 0, leaderEpoch: 3, endOffset: 3 },
      { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 74, partition: 0, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 75, partition: 0, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 0, partition: 1, leaderEpoch: -1, endOffset: -1 },
      { errorCode: 3, partition: 7, leaderEpoch: -1, endOffset: -1 },
    ]);
    assert.equal(await ask(client, "epochs", [{ partition: 0, current: 9, epoch: 0 }], 0), [{ errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: 2 }], "v0 has no fencing and no epoch");
    assert.equal((await ask(client, "missing", [{ partition: 0, current: -1, epoch: 0 }]))[0].errorCode, 3);

    // the stored batches carry their epochs
    const { batches } = await broker.fetchBatches("epochs", 0, { offset: 0 });
    const view = new DataView(batches.buffer, batches.byteOffset, batches.byteLength);
    const epochs: number[] = [];
    for (let at = 0; at < batches.length; at += 12 + view.getInt32(at + 8)) epochs.push(view.getInt32(at + 12));
    assert.equal(epochs, [0, 3]);

    // a crashed worker recovers the epoch cache and the leader epoch
    await broker.faults.crashPartition("epochs", 0);
    const after = await broker.epochState("epochs", 0);
    assert.equal([after.leaderEpoch, after.logEndOffset, after.epochs], [3, 3, [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 2 }]]);

    // truncation and follower appends through the broker
    const truncated = await broker.truncateTo("epochs", 0, 2);
    assert.equal([truncated.logEndOffset, truncated.epochs], [2, [{ epoch: 0, startOffset: 0 }]]);
    const tail = batches.subarray(12 + view.getInt32(8)); // the epoch-3 batch, as a leader would send it
    const appended = await broker.appendAsFollower("epochs", 0, tail.slice());
    assert.equal([appended.baseOffset, appended.lastOffset], [2, 2]);
    assert.equal((await broker.epochState("epochs", 0)).epochs, [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 2 }]);
    const restarted = await broker.truncateFullyAndStartAt("epochs", 1, 50);
    assert.equal([restarted.logStartOffset, restarted.logEndOffset, restarted.epochs], [50, 50, []]);
    assert.equal((await broker.produce("epochs", [{ value: "d", partition: 1 }]))[0].offset, 50);
  } finally {
    client.close();
    await listener.close();
    await broker.close();
    tmp.remove();
  }
});

test.run();
