import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../mod.ts";
import { tempDir } from "./support/temp-dir.ts";
import { counterModule, produceWords, until } from "./support/processors/app-helpers.ts";
import { checkOracle } from "./support/processors/oracle-check.ts";
import type { ProcessorAppApi as ProcessorApp } from "../processors/broker-processors.ts";

// Issue 18, guarantees: `guarantee: "exactly-once"` writes outputs, changelog records and input
// offsets in one transaction per commit interval; an aborted transaction (here: a pool worker
// killed inside one) rolls every task back to its committed state. The crash oracle
// (processors-crash-oracle.test.ts) adds kill -9 of the broker.

async function openBroker(dir: string): Promise<Broker> {
  const broker = await Broker.open({ dataDir: dir, maxWorkers: 2 });
  await broker.createTopic("words", { partitions: 2 }).catch(() => {});
  await broker.createTopic("word-counts", { partitions: 2 }).catch(() => {});
  return broker;
}

const processedAll = (app: ProcessorApp, total: number) => () => app.status().tasks.reduce((sum, t) => sum + t.inputs.reduce((s, i) => s + i.position, 0), 0) >= total;
/** The app's transactions committed input offsets summing to `total`. */
const committedAll = (broker: Broker, total: number) => async () => (await broker.groups.fetchOffsets("word-counter")).reduce((sum, c) => sum + Math.max(0, c.offset), 0) >= total;

/** Every value per key of a topic, read_committed, in offset order (decimal text → number). */
async function committedCounts(broker: Broker, topic: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const decoder = new TextDecoder();
  for (let p = 0; p < broker.topicConfig(topic).partitions; p++) {
    const end = await broker.listOffset(topic, p, "latest", { isolation: "read_committed" });
    let offset = 0;
    while (offset < end) {
      const fetched = await broker.fetch(topic, p, { offset, maxRecords: 10_000, isolation: "read_committed" });
      for (const r of fetched.records) {
        const key = decoder.decode(r.key!);
        let list = out.get(key);
        if (!list) out.set(key, (list = []));
        list.push(Number(decoder.decode(r.value!)));
      }
      if (fetched.nextOffset <= offset) break;
      offset = fetched.nextOffset;
    }
  }
  return out;
}

async function storeCounts(app: ProcessorApp, keys: Iterable<string>): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (const key of keys) {
    const value = await app.store("counts").get(key);
    out.set(key, value === undefined ? undefined : Number(value));
  }
  return out;
}

test("exactly-once: outputs read_committed and stores equal the fold of the input, through a killed pool worker", async () => {
  const { dir, remove } = tempDir();
  const broker = await openBroker(dir);
  try {
    const oracle = await produceWords(broker, 3_000, 40);
    const app = await broker.processors.start(counterModule, { workers: 2, commitIntervalMs: 20, snapshotIntervalMs: 60_000, guarantee: "exactly-once" });
    assert.is(app.status().guarantee, "exactly-once");
    await until(processedAll(app, 3_000), "the first 3,000 records processed");
    await until(() => app.status().transactions!.committed > 0, "a committed transaction");
    const victim = app.status().tasks[0].worker!;
    const producing = produceWords(broker, 3_000, 40, oracle);
    assert.ok(await app.terminateWorker(victim), "the worker was live");
    await producing;
    await until(committedAll(broker, 6_000), "all 6,000 records committed after the kill");
    assert.ok(app.status().transactions!.aborted >= 1, `the transaction the kill hit was aborted: ${JSON.stringify(app.status().transactions)}`);
    const summary = checkOracle("exactly-once", oracle, await committedCounts(broker, "word-counts"), await storeCounts(app, oracle.keys()));
    assert.ok(summary.ok, JSON.stringify(summary));
    assert.is(summary.outputs, 6_000);
    await app.stop();
    // The input offsets were committed by the transactions.
    const committed = await broker.groups.fetchOffsets("word-counter");
    assert.is(committed.reduce((sum, c) => sum + c.offset, 0), 6_000);
    // The changelog, read_committed, holds the final counts.
    const changelog = await committedCounts(broker, "word-counter-counts-changelog");
    for (const [word, n] of oracle) assert.is(changelog.get(word)!.at(-1), n, `changelog of ${word}`);
  } finally {
    await broker.close();
    remove();
  }
});

test("exactly-once: a restart restores from a snapshot and the committed changelog, and stays exact", async () => {
  const { dir, remove } = tempDir();
  let broker = await openBroker(dir);
  try {
    const oracle = await produceWords(broker, 1_500, 30);
    let app = await broker.processors.start(counterModule, { workers: 1, commitIntervalMs: 20, guarantee: "exactly-once" });
    await until(processedAll(app, 1_500), "1,500 records processed");
    await app.stop();
    await broker.close();
    broker = await openBroker(dir);
    await produceWords(broker, 500, 30, oracle);
    app = await broker.processors.start(counterModule, { workers: 2, commitIntervalMs: 20, guarantee: "exactly-once" });
    await until(committedAll(broker, 2_000), "2,000 records committed after the restart");
    const restored = app.status().tasks.map((t) => t.restore.counts);
    assert.ok(restored.every((r) => r.snapshotEntries > 0 && r.fromOffset > 0), `every task restored from a snapshot: ${JSON.stringify(restored)}`);
    const summary = checkOracle("exactly-once", oracle, await committedCounts(broker, "word-counts"), await storeCounts(app, oracle.keys()));
    assert.ok(summary.ok, JSON.stringify(summary));
    await app.stop();
  } finally {
    await broker.close();
    remove();
  }
});

test.run();
