import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError } from "../core/errors.ts";
import { Broker } from "../groups/broker.ts";
import { tempDir } from "./support/temp-dir.ts";

// Issue 11: Broker.open on existing partitions starts their workers (real worker threads), which
// recover their logs; it returns without waiting for every worker (issue 13: a server listens
// while they boot), and requests wait for their partition's worker, so the very first produce
// after it — issued in the same tick, to every partition at once — is acknowledged at the offset
// after the old records,
// and a fetch sees it. Start-up time is measured by the benchmark (bench/scenarios/start-up.ts),
// not here.

const PARTITIONS = 8;
const BEFORE = 3;

test("the first produce to every partition, issued right after Broker.open on 8 existing partitions, succeeds", async () => {
  const tmp = tempDir();
  try {
    const first = await Broker.open({ dataDir: tmp.dir });
    await first.createTopic("orders", { partitions: PARTITIONS });
    for (let p = 0; p < PARTITIONS; p++) {
      await first.produce("orders", Array.from({ length: BEFORE }, (_, i) => ({ key: `k${i}`, value: `old-${p}-${i}`, partition: p })));
    }
    await first.close();

    const broker = await Broker.open({ dataDir: tmp.dir });
    try {
      const acks = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => broker.produce("orders", [{ key: "new", value: `new-${p}`, partition: p }])));
      for (let p = 0; p < PARTITIONS; p++) {
        assert.is(acks[p].length, 1);
        assert.is(acks[p][0].partition, p);
        assert.is(acks[p][0].offset, BEFORE, `partition ${p} appended after its recovered records`);
      }
      for (let p = 0; p < PARTITIONS; p++) {
        const fetched = await broker.fetch("orders", p, { offset: 0 });
        assert.equal(fetched.records.map((r) => new TextDecoder().decode(r.value!)), [...Array.from({ length: BEFORE }, (_, i) => `old-${p}-${i}`), `new-${p}`]);
      }
      const health = broker.health();
      assert.is(health.status, "ok", JSON.stringify(health));
    } finally {
      await broker.close();
    }
  } finally {
    tmp.remove();
  }
});

test("a group's offsets committed before a restart are there, and a new commit succeeds, right after Broker.open", async () => {
  const tmp = tempDir();
  try {
    const first = await Broker.open({ dataDir: tmp.dir });
    await first.createTopic("orders", { partitions: 2 });
    await first.groups.commitOffsets("billing", -1, "", [{ topic: "orders", partition: 1, offset: 7 }]);
    await first.close();
    const broker = await Broker.open({ dataDir: tmp.dir });
    try {
      const [committed, ack] = await Promise.all([
        broker.groups.commitOffsets("billing", -1, "", [{ topic: "orders", partition: 0, offset: 1 }]).then(() => broker.groups.fetchOffsets("billing")),
        broker.produce("orders", [{ key: "a", value: "1", partition: 1 }]),
      ]);
      assert.equal(committed.map((c) => [c.partition, c.offset]).sort(), [[0, 1], [1, 7]]);
      assert.is(ack[0].offset, 0);
    } finally {
      await broker.close();
    }
  } finally {
    tmp.remove();
  }
});

test("Broker.open resolves while a partition's worker cannot start; that partition goes offline and the others serve", async () => {
  const tmp = tempDir();
  try {
    const first = await Broker.open({ dataDir: tmp.dir });
    await first.createTopic("orders", { partitions: 2 });
    await first.createTopic("other", { partitions: 1 });
    await first.close();
    // orders-1's log directory becomes a plain file: its worker's recovery fails at every start.
    rmSync(join(tmp.dir, "orders-1"), { recursive: true, force: true });
    writeFileSync(join(tmp.dir, "orders-1"), "not a directory");
    const broker = await Broker.open({ dataDir: tmp.dir, limits: { restartBackoffMinMs: 1, restartBackoffMaxMs: 20 } });
    try {
      const [ok, failed] = await Promise.all([
        broker.produce("other", [{ key: "a", value: "served", partition: 0 }]),
        broker.produce("orders", [{ key: "b", value: "lost", partition: 1 }]).then(() => null, (error: unknown) => error),
      ]);
      assert.is(ok[0].offset, 0, "a healthy partition serves");
      assert.ok(isRivuletError(failed), String(failed));
      assert.ok(["actor_failed", "partition_offline"].includes((failed as { code: string }).code), (failed as Error).message);
      const health = broker.health();
      assert.is(health.status, "degraded");
      assert.equal(health.offlinePartitions, [{ topic: "orders", partition: 1 }]);
      const again = await broker.produce("orders", [{ key: "c", value: "x", partition: 1 }]).then(() => null, (error: unknown) => error);
      assert.is((again as { code?: string })?.code, "partition_offline");
      assert.is((await broker.produce("orders", [{ key: "d", value: "fine", partition: 0 }]))[0].offset, 0);
    } finally {
      await broker.close();
    }
  } finally {
    tmp.remove();
  }
});

test.run();
