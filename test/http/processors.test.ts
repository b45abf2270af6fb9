import { test } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../http/app.ts";
import "../../processors/broker-processors.ts";
import { call, openTestBroker } from "../support/http/fixture.ts";
import { counterModule, produceWords, until } from "../support/processors/app-helpers.ts";

// The processor routes over a real broker running the hand-written counting app: the list,
// interactive queries (404 when absent), metrics per task, and group rights with auth on.
const fixture = await openTestBroker();
const { broker } = fixture;
await broker.createTopic("words", { partitions: 2 });
await broker.createTopic("word-counts", { partitions: 2 });
const oracle = await produceWords(broker, 500, 10);
const processors = await broker.processors.start(counterModule, { workers: 1, commitIntervalMs: 20 });
await until(() => processors.status().tasks.reduce((sum, t) => sum + t.inputs.reduce((s, i) => s + i.position, 0), 0) >= 500, "500 records processed");
test.after(() => fixture.close());

const open = createApp(broker, {});
const secured = createApp(broker, {
  auth: {
    tokens: [
      { name: "counter-reader", token: "reader-secret", rights: [{ access: "read", groups: "word-*" }] },
      { name: "other", token: "other-secret", rights: [{ access: "read", groups: "billing" }, { access: "read", topics: "*" }] },
      { name: "ops", token: "ops-secret-1", rights: [{ access: "admin", topics: "*" }] },
    ],
  },
});
const as = (token: string) => ({ authorization: `Bearer ${token}` });

interface AppsReply {
  apps: Array<{ app_id: string; state: string; tasks: Array<{ task: number; processed: number; inputs: Array<{ lag: number }>; stores: Record<string, { entries: number }> }> }>;
}

test("GET /v1/processors lists the running app with its tasks and store sizes (auth off)", async () => {
  const res = await call<AppsReply>(open, "GET", "/v1/processors");
  assert.is(res.status, 200);
  assert.is(res.body.apps.length, 1);
  const [app] = res.body.apps;
  assert.is(app.app_id, "word-counter");
  assert.is(app.state, "running");
  assert.is(app.tasks.length, 2);
  assert.is(app.tasks.reduce((sum, t) => sum + t.stores.counts.entries, 0), 10);
});

test("GET /v1/processors/{app}/stores/{store}/keys/{key} answers the value, 404 when absent", async () => {
  for (const [word, count] of oracle) {
    const res = await call<{ value: unknown; key: string }>(open, "GET", `/v1/processors/word-counter/stores/counts/keys/${word}`);
    assert.is(res.status, 200, `${word}: ${JSON.stringify(res.body)}`);
    assert.is(res.body.value, count);
    assert.is(res.body.key, word);
  }
  const absent = await call(open, "GET", "/v1/processors/word-counter/stores/counts/keys/nope");
  assert.is(absent.status, 404);
  assert.is(absent.body.code, "not_found");
  assert.is((await call(open, "GET", "/v1/processors/no-such-app/stores/counts/keys/w1")).status, 404);
  assert.is((await call(open, "GET", "/v1/processors/word-counter/stores/no-store/keys/w1")).status, 404);
  const bad = await call(open, "GET", "/v1/processors/word-counter/stores/counts/keys/w1?window_start=soon");
  assert.is(bad.status, 400);
});

test("with auth on, the routes need read on the app's group (or admin)", async () => {
  assert.is((await call(secured, "GET", "/v1/processors")).status, 401);
  const reader = await call<AppsReply>(secured, "GET", "/v1/processors", undefined, as("reader-secret"));
  assert.is(reader.body.apps.length, 1);
  const other = await call<AppsReply>(secured, "GET", "/v1/processors", undefined, as("other-secret"));
  assert.is(other.status, 200);
  assert.is(other.body.apps.length, 0, "an app whose group the principal may not use is not listed");
  const path = "/v1/processors/word-counter/stores/counts/keys/w1";
  assert.is((await call(secured, "GET", path, undefined, as("reader-secret"))).status, 200);
  assert.is((await call(secured, "GET", path, undefined, as("ops-secret-1"))).status, 200);
  const refused = await call(secured, "GET", path, undefined, as("other-secret"));
  assert.is(refused.status, 403);
  assert.is(refused.body.code, "forbidden");
  assert.is((await call(secured, "GET", path)).status, 401);
});

test("/metrics shows per task lag, records/s, restore progress, late drops and store sizes", async () => {
  const res = await call<string>(open, "GET", "/metrics");
  assert.is(res.status, 200);
  const text = res.body;
  assert.match(text, /rivulet_processor_task_lag_records\{app="word-counter",task="0",topic="words",partition="0"\} 0/);
  assert.match(text, /rivulet_processor_task_records_per_second\{app="word-counter",task="1"\}/);
  assert.match(text, /rivulet_processor_task_restore_total_records\{app="word-counter",task="0",store="counts"\}/);
  assert.match(text, /rivulet_processor_task_late_dropped_total\{app="word-counter",task="0"\} 0/);
  const entries = [...text.matchAll(/rivulet_processor_store_entries\{app="word-counter",task="\d",store="counts"\} (\d+)/g)].map((m) => Number(m[1]));
  assert.is(entries.reduce((a, b) => a + b, 0), 10);
});

test.run();
