/**
 * The elastic routes (`PUT …/replicas`, `DELETE /v1/cluster/brokers/{id}`, `POST
 * /v1/cluster/rebalance`) with auth on: no token 401; a token without `admin` on topics "*" (even
 * one with admin on some topics) 403; a cluster admin passes the check and, on a broker running
 * alone, gets a typed 400 saying a cluster is needed. (The moves themselves run on real clusters
 * in test/cluster/cluster-elastic*.test.ts.)
 */
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
const file = join(tmpdir(), `${uniqueName("cluster-admin-auth")}.json`);
writeFileSync(file, JSON.stringify({
  tokens: [
    { token: "orders-admin-secret", name: "orders-admin", rights: [{ access: "admin", topics: "orders*" }] },
    { token: "cluster-admin-secret", name: "root", rights: [{ access: "admin", topics: "*" }] },
  ],
}));
const app = createApp(broker, { auth: await loadAuthFile(file) });
const as = (token: string) => ({ authorization: `Bearer ${token}` });
await broker.createTopic("orders", { partitions: 1 });
test.after(() => fixture.close());

const routes: Array<[string, string, unknown]> = [
  ["PUT", "/v1/topics/orders/partitions/0/replicas", { replicas: [1] }],
  ["DELETE", "/v1/cluster/brokers/2", undefined],
  ["POST", "/v1/cluster/rebalance", undefined],
];

test("no token: 401; admin on some topics only: 403 forbidden; a cluster admin on a lone broker: 400 saying a cluster is needed", async () => {
  for (const [method, path, body] of routes) {
    assert.is((await call(app, method, path, body)).status, 401, `${method} ${path} without a token`);
    const forbidden = await call(app, method, path, body, as("orders-admin-secret"));
    assert.is(forbidden.status, 403, `${method} ${path}: ${JSON.stringify(forbidden.body)}`);
    assert.is(forbidden.body.code, "forbidden");
    assert.not.ok(JSON.stringify(forbidden.body).includes("secret"), "no token in the answer");
    const alone = await call(app, method, path, body, as("cluster-admin-secret"));
    assert.is(alone.status, 400, `${method} ${path}: ${JSON.stringify(alone.body)}`);
    assert.is(alone.body.code, "invalid_request");
    assert.match(alone.body.detail ?? alone.body.title, /needs a cluster/);
  }
});

test("a bad broker id in DELETE /v1/cluster/brokers/{id} is a typed 400", async () => {
  const bad = await call(app, "DELETE", "/v1/cluster/brokers/abc", undefined, as("cluster-admin-secret"));
  assert.is(bad.status, 400);
  assert.is(bad.body.code, "invalid_request");
});

test.run();
