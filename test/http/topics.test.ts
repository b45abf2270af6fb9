import { test } from "uvu";
import * as assert from "uvu/assert";
import { encode } from "cbor-x";
import { createApp } from "../../http/app.ts";
import { call, openTestBroker, type TopicReply, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const app = createApp(fixture.broker);
test.after(() => fixture.close());

test("POST /v1/topics creates a topic (201) and describes it; a second create is 409", async () => {
  const name = uniqueName("create");
  const created = await call<TopicReply>(app, "POST", "/v1/topics", { name, partitions: 3, config: { "retention.ms": 60000 } });
  assert.is(created.status, 201);
  assert.is(created.body.name, name);
  assert.is(created.body.partitions.length, 3);
  for (const [i, p] of created.body.partitions.entries()) {
    assert.equal([p.partition, p.start_offset, p.end_offset], [i, 0, 0]);
    assert.type(p.worker, "number");
  }
  assert.is(created.body.config["retention.ms"], 60000);
  assert.is(created.headers.get("location"), `/v1/topics/${name}`);
  const again = await call(app, "POST", "/v1/topics", { name, partitions: 1 });
  assert.is(again.status, 409);
  assert.is(again.body.code, "topic_exists");
  assert.is(again.type, "application/problem+json");
});

test("GET /v1/topics lists topics and GET /v1/topics/{topic} describes one", async () => {
  const name = uniqueName("list");
  await call(app, "POST", "/v1/topics", { name });
  const list = await call<{ topics: string[] }>(app, "GET", "/v1/topics");
  assert.is(list.status, 200);
  assert.ok(list.body.topics.includes(name));
  assert.not.ok(list.body.topics.some((t) => t.startsWith("__")), "internal topics stay hidden");
  const described = await call<TopicReply>(app, "GET", `/v1/topics/${name}`);
  assert.is(described.status, 200);
  assert.is(described.body.partitions.length, 1);
  assert.is(described.body.config.flush, "always");
});

test("DELETE /v1/topics/{topic} deletes (204); afterwards the topic is 404", async () => {
  const name = uniqueName("delete");
  await call(app, "POST", "/v1/topics", { name });
  assert.is((await call(app, "DELETE", `/v1/topics/${name}`)).status, 204);
  const gone = await call(app, "GET", `/v1/topics/${name}`);
  assert.is(gone.status, 404);
  assert.is(gone.body.code, "unknown_topic");
  assert.is((await call(app, "DELETE", `/v1/topics/${name}`)).status, 404);
});

test("POST /v1/topics refuses invalid names, partitions and configs with 400", async () => {
  const cases: Array<[unknown, string]> = [
    [{ name: ".." }, "invalid_topic_name"],
    [{ name: "." }, "invalid_topic_name"],
    [{ name: "../x" }, "invalid_topic_name"],
    [{ name: "a".repeat(250) }, "invalid_topic_name"],
    [{ name: "naïve" }, "invalid_topic_name"],
    [{ name: "" }, "invalid_topic_name"],
    [{ name: 5 }, "invalid_topic_name"],
    [{ name: "__internal" }, "invalid_topic_name"],
    [{ name: "ok", partitions: 0 }, "invalid_request"],
    [{ name: "ok", partitions: -1 }, "invalid_request"],
    [{ name: "ok", partitions: 1.5 }, "invalid_request"],
    [{ name: "ok", partitions: "2" }, "invalid_request"],
    [{ name: "ok", partitions: 100000 }, "invalid_request"],
    [{ name: "ok", config: { "retention.ms": "soon" } }, "invalid_config"],
    [{ name: "ok", config: { "no.such.config": 1 } }, "invalid_config"],
    [{ name: "ok", config: [] }, "invalid_config"],
    [[], "invalid_request"],
  ];
  for (const [body, code] of cases) {
    const res = await call(app, "POST", "/v1/topics", body);
    assert.is(res.status, 400, JSON.stringify(body).slice(0, 60));
    assert.is(res.body.code, code, JSON.stringify(body).slice(0, 60));
  }
  assert.not.ok((await call<{ topics: string[] }>(app, "GET", "/v1/topics")).body.topics.includes("ok"), "no rejected request created a topic");
});

test("POST /v1/topics refuses malformed bodies (400) and other content types (415)", async () => {
  assert.is((await call(app, "POST", "/v1/topics", "{not json")).status, 400);
  assert.is((await call(app, "POST", "/v1/topics", "")).status, 400);
  const form = await call(app, "POST", "/v1/topics", "name=x", { "content-type": "application/x-www-form-urlencoded" });
  assert.is(form.status, 415);
  assert.is(form.body.code, "unsupported_media_type");
  assert.is((await call(app, "POST", "/v1/topics", "x", { "content-type": "text/plain" })).status, 415);
});

test("POST /v1/topics takes CBOR and answers CBOR when asked", async () => {
  const name = uniqueName("cbor");
  const res = await app.request("/v1/topics", { method: "POST", headers: { "content-type": "application/cbor", accept: "application/cbor" }, body: encode({ name, partitions: 2 }) as Uint8Array<ArrayBuffer> });
  assert.is(res.status, 201);
  assert.is(res.headers.get("content-type"), "application/cbor");
  const { decode } = await import("cbor-x");
  const body = decode(new Uint8Array(await res.arrayBuffer())) as TopicReply;
  assert.is(body.name, name);
  assert.is(body.partitions.length, 2);
});

test("topic paths with invalid names are 400 (or 404 once URL normalisation removed the segment)", async () => {
  for (const path of ["/v1/topics/..%2Fx", "/v1/topics/" + "a".repeat(250), "/v1/topics/na%C3%AFve", "/v1/topics/%2e%2e%2fetc", "/v1/topics/a%00b", "/v1/topics/a%20b"]) {
    const res = await call(app, "GET", path);
    assert.is(res.status, 400, path);
    assert.is(res.body.code, "invalid_topic_name", path);
  }
  for (const path of ["/v1/topics/%2e%2e", "/v1/topics/%2E%2E/records", "/v1/topics/../x"]) {
    const res = await call(app, "GET", path);
    assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status}`);
    assert.is(res.type, "application/problem+json", path);
  }
});

test("unknown routes answer a 404 problem", async () => {
  const res = await call(app, "GET", "/v2/nothing");
  assert.is(res.status, 404);
  assert.is(res.body.code, "not_found");
  assert.is((await call(app, "PUT", "/v1/topics")).status, 404);
});

test.run();
