import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { createApp, type MountEnv } from "../../http/app.ts";
import { call, openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker({ faultInjection: true, limits: { restartBackoffMinMs: 1, restartBackoffMaxMs: 5 } });
const { broker } = fixture;
const app = createApp(broker);
test.after(() => fixture.close());

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
}

test("/health is 200 {status: ok} while every partition serves", async () => {
  const res = await call<{ status: string }>(app, "GET", "/health");
  assert.is(res.status, 200);
  assert.equal(res.body, { status: "ok" });
});

test("/openapi.json is generated from the routes and covers every endpoint of the API", async () => {
  const res = await call<OpenApi>(app, "GET", "/openapi.json");
  assert.is(res.status, 200);
  assert.is(res.body.openapi, "3.1.0");
  const expected: Array<[string, string]> = [
    ["/health", "get"], ["/metrics", "get"], ["/v1/topics", "get"], ["/v1/topics", "post"], ["/v1/topics/{topic}", "get"], ["/v1/topics/{topic}", "delete"],
    ["/v1/topics/{topic}/records", "post"], ["/v1/topics/{topic}/partitions/{p}/records", "get"], ["/v1/topics/{topic}/partitions/{p}/stream", "get"],
    ["/v1/groups/{group}/members", "post"], ["/v1/groups/{group}/members/{member}/records", "get"], ["/v1/groups/{group}/members/{member}/offsets", "post"],
    ["/v1/groups/{group}/members/{member}", "delete"], ["/v1/groups", "get"], ["/v1/groups/{group}", "get"],
  ];
  for (const [path, method] of expected) {
    const operation = res.body.paths[path]?.[method];
    assert.ok(operation, `${method} ${path}`);
    assert.ok(operation.responses["400"], `${method} ${path} documents problems`);
  }
  const ids = Object.values(res.body.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
  assert.is(new Set(ids).size, ids.length, "operation ids are unique");
});

test("/docs is a self-contained page: no external scripts or styles", async () => {
  const res = await app.request("/docs");
  assert.is(res.status, 200);
  assert.ok(res.headers.get("content-type")?.startsWith("text/html"));
  const html = await res.text();
  assert.ok(html.includes("openapi.json"));
  assert.not.ok(/<script[^>]+src=|<link[^>]+href=["']?https?:|@import|https?:\/\/(?!\S*localhost)[a-z]/i.test(html.replace(/rivulet/gi, "")), "no network references");
});

test("/metrics shows produce and fetch counters, log offsets and group lag in records and seconds", async () => {
  const topic = uniqueName("m");
  await broker.createTopic(topic, { partitions: 1 });
  await call(app, "POST", `/v1/topics/${topic}/records`, { records: [{ value: 1 }, { value: 2 }, { value: 3 }] });
  await call(app, "GET", `/v1/topics/${topic}/partitions/0/records?offset=0`);
  const group = uniqueName("mg");
  const joined = await call<{ member_id: string }>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] });
  await call(app, "POST", `/v1/groups/${group}/members/${joined.body.member_id}/offsets`, { offsets: [{ topic, partition: 0, offset: 1 }] });
  await new Promise((r) => setTimeout(r, 20));
  const res = await app.request("/metrics");
  assert.is(res.status, 200);
  assert.ok(res.headers.get("content-type")?.startsWith("text/plain"));
  const text = await res.text();
  const sample = (name: string, labels: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    assert.ok(line, `${name} ${labels}`);
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  };
  assert.is(sample("rivulet_http_produced_records_total", `topic="${topic}"`), 3);
  assert.is(sample("rivulet_http_fetched_records_total", `topic="${topic}"`), 3);
  assert.is(sample("rivulet_partition_log_end_offset", `topic="${topic}",partition="0"`), 3);
  assert.is(sample("rivulet_group_lag_records", `group="${group}",topic="${topic}"`), 2);
  const seconds = sample("rivulet_group_lag_seconds", `group="${group}",topic="${topic}"`);
  assert.ok(seconds >= 0.015 && seconds < 30, `lag ${seconds} s`);
  assert.ok(/^rivulet_offline_partitions 0$/m.test(text));
  assert.ok(/^# TYPE rivulet_http_responses_total counter$/m.test(text));
});

test("createApp() mounts a given sub-app at /v1/stream, behind auth when it is on", async () => {
  const streams = new Hono<MountEnv>();
  streams.get("/:name", (c) => c.json({ stream: c.req.param("name") }));
  const mounted = createApp(broker, { mounts: [{ path: "/v1/stream", app: streams }] });
  const res = await call<{ stream: string }>(mounted, "GET", "/v1/stream/abc");
  assert.is(res.status, 200);
  assert.equal(res.body, { stream: "abc" });
  const guarded = createApp(broker, { mounts: [{ path: "/v1/stream", app: streams }], auth: { tokens: [{ token: "stream-secret", rights: [{ access: "read", topics: "*" }] }] } });
  assert.is((await call(guarded, "GET", "/v1/stream/abc")).status, 401);
  assert.is((await call(guarded, "GET", "/v1/stream/abc", undefined, { authorization: "Bearer stream-secret" })).status, 200);
});

test("/health is 503 while a partition is offline", async () => {
  const topic = uniqueName("broken");
  await broker.createTopic(topic, { partitions: 1 });
  await broker.faults.breakPartition(topic, 0);
  const deadline = Date.now() + 30_000; // a safety bound on the wait for the partition to go offline
  let res = await call<{ status: string; offline_partitions?: Array<{ topic: string }> }>(app, "GET", "/health");
  while (res.status !== 503 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    res = await call(app, "GET", "/health");
  }
  assert.is(res.status, 503);
  assert.is(res.body.status, "degraded");
  assert.ok(res.body.offline_partitions?.some((p) => p.topic === topic));
  const metrics = await (await app.request("/metrics")).text();
  assert.ok(/^rivulet_offline_partitions [1-9]/m.test(metrics));
  assert.ok(/^rivulet_worker_restarts_total\{worker="\d+"\} [1-9]/m.test(metrics), "worker restarts are counted");
  assert.ok(new RegExp(`^rivulet_partition_online\\{topic="${topic}",partition="0"\\} 0$`, "m").test(metrics));
});

test.run();
