import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { isRivuletError } from "../core/errors.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("chaos");
const text = (b: Uint8Array | null) => (b === null ? "" : new TextDecoder().decode(b));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("crashing partition workers 50 times under load loses and duplicates nothing", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({
    dataDir: tmp.dir,
    maxWorkers: 4,
    faultInjection: true,
    limits: { restartsInWindowMax: 1000, restartBackoffMinMs: 5, restartBackoffMaxMs: 50 },
  });
  try {
    const partitions = 4;
    await broker.createTopic("chaos", { partitions });
    const producer = broker.producer({ idempotent: true });
    const acked: Array<{ value: string; partition: number; offset: number }> = [];
    const errors: unknown[] = [];
    let running = true;
    let n = 0;
    const produceLoop = async () => {
      while (running) {
        const batch = Array.from({ length: 50 }, () => ({ key: `k${n % 97}`, value: `r${n++}` }));
        const results = await Promise.all(batch.map((r) => producer.send("chaos", r).then((m) => ({ value: r.value, ...m })).catch((e) => errors.push(e))));
        for (const r of results) if (typeof r === "object") acked.push(r);
      }
    };
    const loops = [produceLoop(), produceLoop()];
    for (let i = 0; i < 50; i++) {
      await sleep(10 + Math.random() * 30);
      const partition = Math.floor(Math.random() * partitions);
      // Crash only a serving worker, so that each of the 50 crashes is a real one.
      while ((await broker.describeTopic("chaos")).partitions[partition].status !== "online") await sleep(5);
      await broker.faults.crashPartition("chaos", partition);
    }
    running = false;
    await Promise.all(loops);
    await producer.flush();
    assert.equal(errors.map((e) => String(e)), [], "the producer's retries hide every crash");
    assert.ok(acked.length > 500, `produced under load (${acked.length})`);

    const seen = new Map<string, number>();
    for (let p = 0; p < partitions; p++) {
      let offset = 0;
      for (;;) {
        const { records, nextOffset, highWatermark } = await broker.fetch("chaos", p, { offset, maxRecords: 10_000 });
        for (const r of records) seen.set(text(r.value), (seen.get(text(r.value)) ?? 0) + 1);
        offset = nextOffset;
        if (offset >= highWatermark) break;
      }
    }
    for (const a of acked) assert.is(seen.get(a.value), 1, `${a.value} present exactly once`);
    const restarts = broker.workers().reduce((sum, w) => sum + w.restarts, 0);
    assert.ok(restarts >= 50, `workers restarted (${restarts})`);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("a hung partition worker is detected by heartbeat and replaced", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1, faultInjection: true, limits: { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 3_000 } });
  try {
    await broker.createTopic("hang", { partitions: 1 });
    await broker.produce("hang", [{ value: "before" }]);
    await broker.faults.hangPartition("hang", 0);
    const started = Date.now();
    const [meta] = await broker.produce("hang", [{ value: "after" }]);
    const took = Date.now() - started;
    assert.is(meta.offset, 1);
    assert.ok(took < 20_000, `served again after ${took} ms (a margin over the 3 s heartbeat timeout and a restart)`);
    assert.ok(broker.workers()[0].restarts >= 1);
    const { records } = await broker.fetch("hang", 0, { offset: 0 });
    assert.equal(records.map((r) => text(r.value)), ["before", "after"]);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("a partition that crashes on every start ends offline, visibly", async () => {
  const tmp = tempDir();
  // Each partition on its own worker (the offsets topic takes one too): a worker that keeps
  // failing takes down every partition it hosts.
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 3, faultInjection: true, limits: { restartsInWindowMax: 3, restartBackoffMinMs: 5, restartBackoffMaxMs: 20 } });
  try {
    await broker.createTopic("doomed", { partitions: 2 });
    await broker.faults.breakPartition("doomed", 1);
    const deadline = Date.now() + 10_000;
    while (broker.health().status === "ok" && Date.now() < deadline) await sleep(20);
    const health = broker.health();
    assert.is(health.status, "degraded");
    assert.equal(health.offlinePartitions, [{ topic: "doomed", partition: 1 }]);
    const error = await broker.produce("doomed", [{ value: "x", partition: 1 }]).catch((e) => e);
    assert.ok(isRivuletError(error, "partition_offline"), String(error));
    const described = await broker.describeTopic("doomed");
    assert.is(described.partitions[1].status, "offline");
    assert.is(described.partitions[0].status, "online");
    const [ok] = await broker.produce("doomed", [{ value: "fine", partition: 0 }]);
    assert.is(ok.offset, 0);
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test.run();
