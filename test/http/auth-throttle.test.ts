import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../auth/authenticator.ts";
import { Broker } from "../../groups/broker.ts";
import { createApp } from "../../http/app.ts";
import { serve } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";

// Failed bearer tokens on a real `serve()` of this runtime: counted in /metrics, slowed per
// client address as the runtime's socket reports it (request headers cannot choose the
// address), and no route but /health, /openapi.json and /docs answers without a token.
const data = tempDir("rivulet-auth-throttle-");
const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
const auth = new Authenticator({
  tokens: [{ name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] }],
}, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 16 });
const server = await serve(broker, { port: 0, auth });
test.after(async () => {
  await server.close();
  await broker.close();
  data.remove();
});

const ops = { authorization: "Bearer ops-secret-123" };

test("failures are throttled by the socket's address: spoofed forwarding headers do not spread them", async () => {
  const spoofed: Array<Record<string, string>> = [{ "x-forwarded-for": "10.1.1.1" }, { "x-real-ip": "10.2.2.2" }, { forwarded: "for=10.3.3.3" }];
  for (const headers of spoofed) {
    const res = await fetch(`${server.url}/v1/topics`, { headers: { ...headers, authorization: "Bearer nope-nope-nope" } });
    assert.is(res.status, 401);
    await res.body?.cancel();
  }
  // Three failures from 127.0.0.1 so far: the fourth is delayed 1·2³ ms; other buckets are fresh.
  assert.is(auth.failures.record("http", "127.0.0.1"), 8);
  for (const other of ["", "10.1.1.1", "10.2.2.2", "10.3.3.3"]) assert.is(auth.failures.record("http", other), 1, other);
});

test("rivulet_auth_failures_total counts per door; no secret in /metrics or in a 401", async () => {
  const secret = "Bearer my-guessed-token-77";
  const refused = await fetch(`${server.url}/v1/groups`, { headers: { authorization: secret } });
  const problem = await refused.text();
  assert.is(refused.status, 401);
  const http = auth.failures.counts.get("http")!;
  const metrics = await (await fetch(`${server.url}/metrics`, { headers: ops })).text();
  assert.match(metrics, /^# TYPE rivulet_auth_failures_total counter$/m);
  assert.match(metrics, new RegExp(`^rivulet_auth_failures_total\\{door="http"\\} ${http}$`, "m"));
  assert.match(metrics, /^rivulet_auth_failures_total\{door="kafka"\} \d+$/m);
  assert.match(metrics, /^rivulet_auth_failures_total\{door="durable_streams"\} \d+$/m);
  for (const text of [problem, metrics]) {
    for (const leaked of ["my-guessed-token-77", "ops-secret-123", "nope-nope-nope", "Bearer "]) assert.not.ok(text.includes(leaked), leaked);
  }
});

test("every route the OpenAPI document declares needs a token, except /health, /openapi.json and /docs", async () => {
  const doc = await (await fetch(`${server.url}/openapi.json`)).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  const open: string[] = [];
  let checked = 0;
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const url = server.url + path.replace(/\{topic\}/g, "t1").replace(/\{partition\}/g, "0").replace(/\{group\}/g, "g1").replace(/\{member\}/g, "m1");
      const res = await fetch(url, { method: method.toUpperCase(), headers: { "content-type": "application/json" }, body: method === "post" ? "{}" : undefined });
      await res.body?.cancel();
      if (res.status === 401) checked++;
      else open.push(`${method} ${path} ${res.status}`);
      assert.is(Array.isArray(operation.security) && operation.security.length === 0, res.status !== 401, `${method} ${path} declared as it behaves`);
    }
  }
  assert.equal(open.map((line) => line.split(" ").slice(0, 2).join(" ")).sort(), ["get /docs", "get /health", "get /openapi.json"]);
  assert.ok(checked >= 14, `${checked} guarded routes`);
  const stream = await fetch(`${server.url}/v1/stream/any`, { method: "PUT" });
  assert.is(stream.status, 401, "the Durable Streams mount too");
  await stream.body?.cancel();
});

test("a failed authentication is answered only after the throttle's delay", async () => {
  const slow = new Authenticator({ tokens: [{ name: "ops", token: "ops-secret-123", rights: [] }] }, { authFailureDelayMinMs: 150, authFailureDelayMaxMs: 150 });
  const app = createApp(broker, { auth: slow });
  const started = performance.now();
  const res = await app.request("/v1/topics", { headers: { authorization: "Bearer wrong-token-1" } });
  assert.is(res.status, 401);
  assert.ok(performance.now() - started >= 145, "delayed by at least authFailureDelayMinMs");
  assert.is((await app.request("/v1/topics", { headers: ops })).status, 200, "a valid token is never delayed into a refusal");
});

test.run();
