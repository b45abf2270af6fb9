import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createApp } from "../../http/app.ts";
import { loadAuthFile } from "../../auth/auth-file.ts";
import { call, openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const file = join(tmpdir(), `${uniqueName("auth")}.json`);
writeFileSync(file, JSON.stringify({
  tokens: [
    { token: "reader-secret", name: "reader", rights: [{ access: "read", topics: "orders*" }, { access: "read", groups: "g-*" }] },
    { token: "writer-secret", name: "writer", rights: [{ access: "write", topics: "orders" }] },
    { token: "admin-secret", name: "admin", rights: [{ access: "admin", topics: "*" }] },
  ],
}));
const app = createApp(broker, { auth: await loadAuthFile(file) });
const as = (token: string) => ({ authorization: `Bearer ${token}` });
await broker.createTopic("orders", { partitions: 1 });
await broker.createTopic("payments", { partitions: 1 });
test.after(() => fixture.close());

test("requests without a token, or with an unknown one, are 401 with WWW-Authenticate", async () => {
  for (const headers of [{}, as("wrong-secret"), { authorization: "Basic cmVhZGVy" }]) {
    const res = await call(app, "GET", "/v1/topics/orders/partitions/0/records", undefined, headers);
    assert.is(res.status, 401);
    assert.is(res.body.code, "unauthorized");
    assert.ok(res.headers.get("www-authenticate")?.startsWith("Bearer"));
  }
  assert.is((await call(app, "POST", "/v1/topics/orders/records", { records: [{ value: 1 }] })).status, 401);
  assert.is((await call(app, "GET", "/metrics")).status, 401);
});

test("a token without the right is 403; with it the request goes through", async () => {
  const write = await call(app, "POST", "/v1/topics/orders/records", { records: [{ value: 1 }] }, as("reader-secret"));
  assert.is(write.status, 403);
  assert.is(write.body.code, "forbidden");
  assert.is((await call(app, "POST", "/v1/topics/orders/records", { records: [{ value: 1 }] }, as("writer-secret"))).status, 200);
  assert.is((await call(app, "GET", "/v1/topics/orders/partitions/0/records", undefined, as("reader-secret"))).status, 200);
  assert.is((await call(app, "GET", "/v1/topics/payments/partitions/0/records", undefined, as("reader-secret"))).status, 403);
  assert.is((await call(app, "GET", "/v1/topics/orders/partitions/0/records", undefined, as("writer-secret"))).status, 403);
  assert.is((await call(app, "GET", "/v1/topics/orders/partitions/0/stream", undefined, as("writer-secret"))).status, 403);
});

test("creating and deleting topics needs admin", async () => {
  const name = uniqueName("orders");
  assert.is((await call(app, "POST", "/v1/topics", { name }, as("reader-secret"))).status, 403);
  assert.is((await call(app, "POST", "/v1/topics", { name }, as("admin-secret"))).status, 201);
  assert.is((await call(app, "DELETE", `/v1/topics/${name}`, undefined, as("writer-secret"))).status, 403);
  assert.is((await call(app, "DELETE", `/v1/topics/${name}`, undefined, as("admin-secret"))).status, 204);
});

test("joining a group needs read on every topic; listing shows only readable topics", async () => {
  const group = uniqueName("g");
  assert.is((await call(app, "POST", `/v1/groups/${group}/members`, { topics: ["orders", "payments"] }, as("reader-secret"))).status, 403);
  assert.is((await call(app, "POST", `/v1/groups/${group}/members`, { topics: ["orders"] }, as("reader-secret"))).status, 200);
  const list = await call<{ topics: string[] }>(app, "GET", "/v1/topics", undefined, as("reader-secret"));
  assert.ok(list.body.topics.includes("orders"));
  assert.not.ok(list.body.topics.includes("payments"));
});

test("/health, /openapi.json and /docs stay public", async () => {
  assert.is((await call(app, "GET", "/health")).status, 200);
  const doc = await call<{ security: unknown[] }>(app, "GET", "/openapi.json");
  assert.is(doc.status, 200);
  assert.ok(Array.isArray(doc.body.security), "the document declares bearer security");
  assert.is((await app.request("/docs")).status, 200);
});

test.run();
