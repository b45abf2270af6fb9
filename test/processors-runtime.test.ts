import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import "../processors/broker-processors.ts";
import { isRivuletError } from "../core/errors.ts";
import { tempDir } from "./support/temp-dir.ts";
import { counterModule, lastValues, produceWords, until } from "./support/processors/app-helpers.ts";
import type { ProcessorAppApi as ProcessorApp } from "../processors/broker-processors.ts";

async function openBroker(dir: string): Promise<Broker> {
  const broker = await Broker.open({ dataDir: dir, maxWorkers: 2 });
  await broker.createTopic("words", { partitions: 2 }).catch(() => {});
  await broker.createTopic("word-counts", { partitions: 2 }).catch(() => {});
  return broker;
}

const processedAll = (app: ProcessorApp, total: number) => () => app.status().tasks.reduce((sum, t) => sum + t.inputs.reduce((s, i) => s + i.position, 0), 0) >= total;

async function assertCounts(app: ProcessorApp, oracle: Map<string, number>, exact: boolean): Promise<void> {
  for (const [word, expected] of oracle) {
    const count = (await app.store("counts").get(word)) as number;
    if (exact) assert.is(count, expected, `count of ${word}`);
    else assert.ok(count >= expected, `count of ${word} is ${count}, below the oracle's ${expected}`);
  }
}

test("an app counts per key into its store and output topic, and answers queries", async () => {
  const { dir, remove } = tempDir();
  const broker = await openBroker(dir);
  try {
    const oracle = await produceWords(broker, 2_000, 25);
    const app = await broker.processors.start(counterModule, { workers: 2, commitIntervalMs: 20 });
    await until(processedAll(app, 2_000), "2,000 records processed");
    await assertCounts(app, oracle, true);
    assert.is(await app.store("counts").get("absent"), undefined);
    const outputs = await lastValues(broker, "word-counts");
    for (const [word, expected] of oracle) assert.is(outputs.get(word), String(expected));
    const status = app.status();
    assert.is(status.appId, "word-counter");
    assert.is(status.tasks.length, 2);
    assert.is(status.workers.length, 2);
    assert.is(status.tasks.reduce((sum, t) => sum + t.stores.counts.entries, 0), 25);
    // The changelog holds every store write, keyed by the store key, on the task's partition.
    const changelog = await lastValues(broker, "word-counter-counts-changelog");
    for (const [word, expected] of oracle) assert.is(changelog.get(word), String(expected));
    assert.equal(broker.topicConfig("word-counter-counts-changelog").config["cleanup.policy"], "compact");
    await app.stop();
    assert.is(app.status().state, "stopped");
    // Input offsets were committed for the group named after the app.
    const committed = await broker.groups.fetchOffsets("word-counter");
    assert.is(committed.reduce((sum, c) => sum + c.offset, 0), 2_000);
  } finally {
    await broker.close();
    remove();
  }
});

test("a killed pool worker's tasks move to another worker and restore (count never below the oracle)", async () => {
  const { dir, remove } = tempDir();
  const broker = await openBroker(dir);
  try {
    const oracle = await produceWords(broker, 3_000, 40);
    const app = await broker.processors.start(counterModule, { workers: 2, commitIntervalMs: 20, snapshotIntervalMs: 1 });
    await until(processedAll(app, 3_000), "the first 3,000 records processed");
    // A snapshot covering part of the changelog: the restore below reads it, then the tail.
    await until(() => app.status().tasks[0].snapshots > 0 && app.status().tasks[0].snapshotOffsets.counts > 0, "a snapshot of task 0");
    const task = app.status().tasks[0];
    const victim = task.worker!;
    assert.ok(await app.terminateWorker(victim), "the worker was live");
    await produceWords(broker, 3_000, 40, oracle);
    await until(processedAll(app, 6_000), "all 6,000 records processed after the kill");
    const moved = app.status().tasks.find((t) => t.partition === task.partition)!;
    assert.ok(moved.restores >= 2, `task ${task.partition} was restored again (restores: ${moved.restores})`);
    assert.is.not(moved.worker, victim);
    assert.ok(!app.status().workers.includes(victim), "the killed thread is gone from the pool");
    assert.ok(moved.restore.counts.snapshotEntries > 0, `the restore started from a snapshot: ${JSON.stringify(moved)}`);
    await assertCounts(app, oracle, false);
    await app.stop();
  } finally {
    await broker.close();
    remove();
  }
});

test("stop then start restores the store from its snapshot and the changelog tail", async () => {
  const { dir, remove } = tempDir();
  let broker = await openBroker(dir);
  try {
    const oracle = await produceWords(broker, 1_500, 30);
    let app = await broker.processors.start(counterModule, { workers: 1, commitIntervalMs: 20 });
    await until(processedAll(app, 1_500), "1,500 records processed");
    await app.stop();
    await broker.close();
    broker = await openBroker(dir);
    await produceWords(broker, 500, 30, oracle);
    app = await broker.processors.start(counterModule, { workers: 2, commitIntervalMs: 20 });
    await until(processedAll(app, 2_000), "2,000 records processed after the restart");
    const restored = app.status().tasks.map((t) => t.restore.counts);
    assert.ok(restored.every((r) => r.snapshotEntries > 0 && r.fromOffset > 0), `every task restored from a snapshot: ${JSON.stringify(restored)}`);
    await assertCounts(app, oracle, true);
    await app.stop();
  } finally {
    await broker.close();
    remove();
  }
});

test("start refuses co-partitioned inputs with different partition counts, and exactly-once on a broker without transactions", async () => {
  const { dir, remove } = tempDir();
  const broker = await openBroker(dir);
  try {
    await broker.createTopic("clicks", { partitions: 3 });
    const joined = new URL("./support/processors/join-topology.ts", import.meta.url);
    try {
      await broker.processors.start(joined);
      assert.unreachable("started");
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_topology"), String(error));
      assert.match((error as Error).message, /"words" has 2, "clicks" has 3/);
    }
    try {
      await broker.processors.start(counterModule, { guarantee: "exactly-once" });
      assert.unreachable("started");
    } catch (error) {
      assert.ok(isRivuletError(error, "not_supported"), String(error));
      assert.match((error as Error).message, /needs a broker with transactions/);
    }
    assert.is(broker.processors.list().length, 0);
  } finally {
    await broker.close();
    remove();
  }
});

test("a task that throws (here store_full past its memory limit) stops the app with the error in status()", async () => {
  const { dir, remove } = tempDir();
  const broker = await openBroker(dir);
  try {
    await produceWords(broker, 50, 10);
    const app = await broker.processors.start(new URL("./support/processors/failing-topology.ts", import.meta.url), { workers: 1 });
    const status = await app.whenStopped();
    assert.is(status.state, "failed");
    assert.is(status.error?.code, "store_full");
    assert.match(status.error!.message, /store "tiny" would hold \d+ bytes, past its limit of 8 bytes/);
    assert.is(broker.processors.list().length, 0, "a failed app leaves the registry");
    await app.stop();
  } finally {
    await broker.close();
    remove();
  }
});

test("start refuses a missing input topic, and an internal topic with too few partitions", async () => {
  const { dir, remove } = tempDir();
  const broker = await Broker.open({ dataDir: dir, maxWorkers: 1 });
  try {
    await broker.createTopic("word-counts", { partitions: 2 });
    try {
      await broker.processors.start(counterModule);
      assert.unreachable("started");
    } catch (error) {
      assert.ok(isRivuletError(error, "unknown_topic"), String(error));
      assert.match((error as Error).message, /input topic "words" does not exist/);
    }
    await broker.createTopic("words", { partitions: 4 });
    await broker.createTopic("word-counter-counts-changelog", { partitions: 2, config: { "cleanup.policy": "compact" } });
    try {
      await broker.processors.start(counterModule);
      assert.unreachable("started");
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_topology"), String(error));
      assert.match((error as Error).message, /"word-counter-counts-changelog" has 2 partitions but the app has 4 tasks/);
    }
  } finally {
    await broker.close();
    remove();
  }
});

test.run();
