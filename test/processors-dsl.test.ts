import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import "../processors/broker-processors.ts";
import { createApp } from "../http/app.ts";
import { tempDir } from "./support/temp-dir.ts";
import { until } from "./support/processors/app-helpers.ts";

// The runtime running a DSL topology (compileTask): a repartition topic, a plain and a windowed
// store, queried through the app and through the HTTP route (`?window_start=`).
test("a DSL word count runs on the pool through its repartition topic; plain and windowed stores answer queries", async () => {
  const { dir, remove } = tempDir();
  const broker = await Broker.open({ dataDir: dir, maxWorkers: 2 });
  try {
    await broker.createTopic("lines", { partitions: 2 });
    await broker.createTopic("dsl-word-counts", { partitions: 2 });
    const lines = ["the cat sat", "the dog sat", "a cat ran", "the end"];
    await broker.produce("lines", lines.map((value, i) => ({ key: i % 2 === 0 ? "alice" : "bob", value, timestamp: 60_000 + i * 1_000 })));
    const app = await broker.processors.start(new URL("./support/processors/dsl-word-count.ts", import.meta.url), { workers: 2, commitIntervalMs: 20 });
    assert.ok(broker.topicConfig("dsl-words-counts-repartition").partitions === 2, "the repartition topic was created with one partition per task");
    const oracle = new Map<string, number>();
    for (const line of lines) for (const word of line.split(" ")) oracle.set(word, (oracle.get(word) ?? 0) + 1);
    await until(async () => (await app.store("counts").get("the")) === 3 && (await app.store("counts").get("end")) === 1, "the word counts");
    for (const [word, count] of oracle) assert.is(await app.store("counts").get(word), count, word);
    assert.is(await app.store("counts").get("zebra"), undefined);
    assert.is(await app.store("lines-per-minute").get("alice", { windowStart: 60_000 }), 2);
    assert.is(await app.store("lines-per-minute").get("bob", { windowStart: 60_000 }), 2);
    assert.is(await app.store("lines-per-minute").get("bob", { windowStart: 120_000 }), undefined);
    const http = createApp(broker, {});
    const windowed = await http.request("/v1/processors/dsl-words/stores/lines-per-minute/keys/alice?window_start=60000");
    assert.is(windowed.status, 200);
    assert.equal(await windowed.json(), { app_id: "dsl-words", store: "lines-per-minute", key: "alice", window_start: 60_000, value: 2 });
    const plain = await http.request("/v1/processors/dsl-words/stores/counts/keys/cat");
    assert.is(((await plain.json()) as { value: number }).value, 2);
    const missingWindow = await http.request("/v1/processors/dsl-words/stores/lines-per-minute/keys/alice");
    assert.is(missingWindow.status, 400);
    await app.stop();
  } finally {
    await broker.close();
    remove();
  }
});

test.run();
