import { test } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../auth/authenticator.ts";
import { createDurableStreamsApp, durableStreamsMountAuth } from "../../durable-streams/mod.ts";
import { Broker } from "../../groups/broker.ts";
import { createApp } from "../../http/app.ts";
import { serveFetch } from "../../runtime/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { TEXT, uniqueName } from "../support/durable-streams/fixture.ts";

// Durable Streams behind the HTTP app with auth on, composed as `serve()` composes them, on a
// real port of this runtime: the host authenticates, the protocol app holds each request to the
// principal's `streams` rights, and refusals come in the protocol's own error shape.
const data = tempDir("rivulet-ds-auth-");
const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 2 });
const auth = new Authenticator({
  tokens: [
    { name: "reader", token: "reader-secret-1", rights: [{ access: "read", streams: "logs/*" }] },
    { name: "writer", token: "writer-secret-1", rights: [{ access: "write", streams: "logs/*" }, { access: "write", streams: "copies/*" }] },
    { name: "copier", token: "copier-secret-1", rights: [{ access: "write", streams: "copies/*" }, { access: "read", streams: "logs/a*" }] },
    { name: "topics", token: "topics-secret-1", rights: [{ access: "read", topics: "*" }] },
    { name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] },
  ],
}, { authFailureDelayMinMs: 1, authFailureDelayMaxMs: 1 });
const shutdown = new AbortController();
const streams = createDurableStreamsApp(broker, { signal: shutdown.signal, limits: { dsLongPollMs: 200 } });
const app = createApp(broker, { auth, signal: shutdown.signal, mounts: [{ path: "/v1/stream", app: streams, ...durableStreamsMountAuth }] });
const server = await serveFetch({ fetch: app.fetch, hostname: "127.0.0.1", port: 0, maxRequestBodyBytes: 1 << 24, idleTimeoutMs: 30_000 });
const base = `http://127.0.0.1:${server.port}`;
test.after(async () => {
  shutdown.abort();
  await server.shutdown(500);
  await broker.close();
  data.remove();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const reader = bearer("reader-secret-1");
const writer = bearer("writer-secret-1");
const ops = bearer("ops-secret-123");

function send(method: string, name: string, headers: Record<string, string> = {}, body?: string, query = ""): Promise<Response> {
  return fetch(`${base}/v1/stream/${name}${query}`, { method, headers, body });
}

async function refusal(res: Response, status: number, code: string): Promise<void> {
  assert.is(res.status, status);
  assert.is(res.headers.get("content-type"), "application/json");
  assert.is(res.headers.get("access-control-allow-origin"), "*");
  const body = await res.json() as { error: { code: string; message: string } };
  assert.is(body.error.code, code);
  assert.type(body.error.message, "string");
}

async function content(name: string): Promise<string> {
  const res = await send("GET", name, ops);
  assert.is(res.status, 200);
  return await res.text();
}

test("no token, a wrong one or another scheme: 401 in the protocol's shape, with WWW-Authenticate", async () => {
  const name = `logs/${uniqueName("a")}`;
  for (const headers of [{}, bearer("wrong-secret-1"), { authorization: "Basic cmVhZGVyOng=" }]) {
    const res = await send("PUT", name, { ...TEXT, ...headers });
    assert.ok(res.headers.get("www-authenticate")?.startsWith("Bearer"));
    await refusal(res, 401, "unauthorized");
  }
  const head = await send("HEAD", name);
  assert.is(head.status, 401);
  assert.is(await head.text(), "");
  assert.is((await send("GET", name, ops)).status, 404, "nothing was created");
});

test("a CORS preflight needs no token", async () => {
  const res = await send("OPTIONS", "logs/x", { origin: "http://example.com", "access-control-request-method": "PUT" });
  assert.is(res.status, 204);
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /authorization/);
});

test("read on logs/*: GET, HEAD, long-poll and SSE go through; PUT, POST and DELETE are 403 and change nothing", async () => {
  const name = `logs/${uniqueName("r")}`;
  assert.is((await send("PUT", name, TEXT)).status, 401);
  assert.is((await send("PUT", name, { ...TEXT, ...writer }, "first")).status, 201);
  assert.is(await (await send("GET", name, reader)).text(), "first");
  assert.is((await send("HEAD", name, reader)).status, 200);
  const tail = (await send("HEAD", name, reader)).headers.get("stream-next-offset")!;
  const longPoll = await send("GET", name, reader, undefined, `?offset=${tail}&live=long-poll`);
  assert.is(longPoll.status, 204, "a long-poll at the tail times out empty");
  const sse = await send("GET", name, reader, undefined, "?offset=-1&live=sse");
  assert.is(sse.status, 200);
  assert.match(sse.headers.get("content-type") ?? "", /text\/event-stream/);
  await sse.body!.cancel();
  await refusal(await send("POST", name, { ...TEXT, ...reader }, " more"), 403, "forbidden");
  await refusal(await send("PUT", `logs/${uniqueName("r2")}`, { ...TEXT, ...reader }), 403, "forbidden");
  await refusal(await send("DELETE", name, reader), 403, "forbidden");
  assert.is(await content(name), "first", "nothing appended, nothing deleted");
});

test("write on logs/* does not read: GET, HEAD, long-poll and SSE are 403", async () => {
  const name = `logs/${uniqueName("w")}`;
  assert.is((await send("PUT", name, { ...TEXT, ...writer }, "x")).status, 201);
  assert.is((await send("POST", name, { ...TEXT, ...writer }, "y")).status, 204);
  await refusal(await send("GET", name, writer), 403, "forbidden");
  await refusal(await send("GET", name, writer, undefined, "?offset=-1&live=long-poll"), 403, "forbidden");
  await refusal(await send("GET", name, writer, undefined, "?offset=-1&live=sse"), 403, "forbidden");
  const head = await send("HEAD", name, writer);
  assert.is(head.status, 403);
  assert.is(await head.text(), "");
  assert.is((await send("DELETE", name, writer)).status, 204);
  assert.is((await send("GET", name, ops)).status, 404);
});

test("patterns match the path after /v1/stream/: logs/* does not cover logs2/… or a bare logs", async () => {
  for (const name of [`logs2/${uniqueName("p")}`, "logs", `other/logs/${uniqueName("p")}`]) {
    await refusal(await send("PUT", name, { ...TEXT, ...writer }), 403, "forbidden");
    assert.is((await send("GET", name, ops)).status, 404, name);
  }
});

test("a fork needs write on the new stream and read on its source", async () => {
  const source = `logs/a-${uniqueName("src")}`;
  const hidden = `logs/b-${uniqueName("src")}`;
  assert.is((await send("PUT", source, { ...TEXT, ...writer }, "shared")).status, 201);
  assert.is((await send("PUT", hidden, { ...TEXT, ...writer }, "hidden")).status, 201);
  const copier = bearer("copier-secret-1");
  const denied = `copies/${uniqueName("f")}`;
  await refusal(await send("PUT", denied, { ...TEXT, ...writer, "stream-forked-from": `/v1/stream/${source}` }), 403, "forbidden");
  await refusal(await send("PUT", denied, { ...TEXT, ...copier, "stream-forked-from": `/v1/stream/${hidden}` }), 403, "forbidden");
  assert.is((await send("GET", denied, ops)).status, 404);
  const fork = `copies/${uniqueName("f")}`;
  assert.is((await send("PUT", fork, { ...TEXT, ...copier, "stream-forked-from": `/v1/stream/${source}` })).status, 201);
  assert.is(await content(fork), "shared");
});

test("topic rights give no stream rights; the cluster admin has them all", async () => {
  const name = `logs/${uniqueName("t")}`;
  await refusal(await send("PUT", name, { ...TEXT, ...bearer("topics-secret-1") }), 403, "forbidden");
  assert.is((await send("PUT", name, { ...TEXT, ...ops }, "admin")).status, 201);
  assert.is(await content(name), "admin");
});

test("failed authentications count under door durable_streams; no secret reaches /metrics or a refusal", async () => {
  const before = auth.failures.counts.get("durable_streams") ?? 0;
  const secret = "Bearer guessed-secret-42";
  const refused = await send("GET", `logs/${uniqueName("m")}`, { authorization: secret });
  const body = await refused.text();
  assert.is(refused.status, 401);
  assert.is(auth.failures.counts.get("durable_streams"), before + 1);
  const metrics = await (await fetch(`${base}/metrics`, { headers: ops })).text();
  assert.match(metrics, new RegExp(`^rivulet_auth_failures_total\\{door="durable_streams"\\} ${before + 1}$`, "m"));
  for (const text of [body, metrics]) {
    for (const leaked of ["guessed-secret-42", "reader-secret-1", "writer-secret-1", "ops-secret-123"]) assert.not.ok(text.includes(leaked), leaked);
  }
});

test.run();
