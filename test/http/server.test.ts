import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import { serve } from "../../server/serve.ts";
import { openTestBroker, uniqueName } from "../support/http/fixture.ts";
import { SseReader } from "../support/http/sse-reader.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const server = await serve(broker, { port: 0, limits: { sseKeepAliveMs: 150 } });
test.after(async () => {
  await server.close();
  await fixture.close();
});

const post = (base: string, path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function topic(): Promise<string> {
  const name = uniqueName("srv");
  await broker.createTopic(name, { partitions: 1, config: { flush: "os" } });
  return name;
}

async function gauge(base: string, name: string): Promise<number> {
  const text = await (await fetch(base + "/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

test("serve() binds 127.0.0.1 on a free port and serves produce and long-poll fetch", async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(server.port > 0);
  const name = await topic();
  const pending = fetch(`${server.url}/v1/topics/${name}/partitions/0/records?offset=0&wait_ms=30000`);
  await new Promise((r) => setTimeout(r, 100));
  const produced = await post(server.url, `/v1/topics/${name}/records`, { records: [{ key: "k", value: { n: 1 } }] });
  assert.is(produced.status, 200);
  assert.equal(await produced.json(), { offsets: [{ partition: 0, offset: 0 }] });
  const fetched = await (await pending).json() as { records: Array<{ value: unknown }> };
  assert.equal(fetched.records[0].value, { n: 1 });
});

test("SSE sends one event per record with id = offset, keep-alives, and resumes after Last-Event-ID", async () => {
  const name = await topic();
  await post(server.url, `/v1/topics/${name}/records`, { records: Array.from({ length: 5 }, (_, i) => ({ value: i })) });
  const first = await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream?offset=0`);
  assert.is(first.status, 200);
  assert.ok(first.headers.get("content-type")?.startsWith("text/event-stream"));
  const reader = new SseReader(first.body!);
  for (let i = 0; i < 3; i++) {
    const event = await reader.next();
    assert.is(event?.id, String(i));
    assert.equal(JSON.parse(event!.data).value, i);
    assert.is(JSON.parse(event!.data).offset, i);
  }
  await reader.cancel();
  const resumed = await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream?offset=0`, { headers: { "last-event-id": "2" } });
  const again = new SseReader(resumed.body!);
  assert.is((await again.next())?.id, "3", "resumes at the offset after Last-Event-ID");
  assert.is((await again.next())?.id, "4");
  const pending = again.next();
  // The stream opens with a keep-alive; a second one comes only from an idle wait of
  // sseKeepAliveMs. Produce once it came, rather than after a time that a loaded machine
  // can outrun.
  await again.commentsReached(2);
  await post(server.url, `/v1/topics/${name}/records`, { records: [{ value: "live" }] });
  const live = await pending;
  assert.is(live?.id, "5");
  assert.is(JSON.parse(live!.data).value, "live");
  assert.ok(again.comments >= 2, `saw ${again.comments} keep-alive comments while idle`);
  await again.cancel();
});

test("SSE refuses an offset outside the log with 416 and an unknown partition with 404", async () => {
  const name = await topic();
  assert.is((await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream?offset=9`)).status, 416);
  assert.is((await fetch(`${server.url}/v1/topics/${name}/partitions/3/stream`)).status, 404);
  assert.is((await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream`, { headers: { "last-event-id": "x" } })).status, 400);
});

test("SSE ends with a problem event when the topic is deleted under it", async () => {
  const name = await topic();
  const res = await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream`);
  const reader = new SseReader(res.body!);
  const next = reader.next();
  await reader.commentsReached(1); // the stream is open and serving
  await broker.deleteTopic(name);
  const event = await next;
  assert.is(event?.event, "problem");
  assert.is(JSON.parse(event!.data).code, "unknown_topic");
  assert.is(await reader.next(), null, "then the stream ends");
});

test("a client that goes away frees its SSE stream", async () => {
  const name = await topic();
  const controller = new AbortController();
  const res = await fetch(`${server.url}/v1/topics/${name}/partitions/0/stream`, { signal: controller.signal });
  const reader = new SseReader(res.body!);
  assert.is(await gauge(server.url, "rivulet_sse_streams_open"), 1);
  controller.abort();
  await reader.cancel();
  const deadline = Date.now() + 20_000; // a safety bound on the wait for the gauge, not a timing claim
  while ((await gauge(server.url, "rivulet_sse_streams_open")) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.is(await gauge(server.url, "rivulet_sse_streams_open"), 0);
});

test("a declared body far past the limit gets a 413 problem before any of it is sent", async () => {
  const name = await topic();
  const head = await new Promise<string>((resolve) => {
    let out = "";
    const socket = connect(server.port, "127.0.0.1", () => socket.write(`POST /v1/topics/${name}/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"records":`));
    socket.on("data", (d) => {
      out += d;
      if (out.includes("\r\n\r\n")) (socket.destroy(), resolve(out));
    });
    socket.on("close", () => resolve(out));
    socket.on("error", () => resolve(out));
  });
  assert.match(head, /^HTTP\/1\.1 413/);
  assert.match(head.toLowerCase(), /content-type: application\/problem\+json/);
});

test("malformed HTTP on the socket gets an error and the server stays up", async () => {
  for (const junk of ["GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", `GET /${"a".repeat(100_000)} HTTP/1.1\r\n\r\n`, "\u0000\u0001\u0002\r\n\r\n"]) {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.end(junk));
      socket.on("data", () => {});
      socket.on("error", () => resolve());
      socket.on("close", () => resolve());
      socket.setTimeout(2000, () => socket.destroy());
    });
  }
  const health = await fetch(`${server.url}/health`);
  assert.is(health.status, 200);
});

test("serve() with kafkaPort also starts the Kafka listener, and close() stops it", async () => {
  const both = await serve(broker, { port: 0, kafkaPort: 0 });
  assert.ok(typeof both.kafkaPort === "number" && both.kafkaPort > 0);
  const reach = (port: number) => new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
  assert.ok(await reach(both.kafkaPort!), "the Kafka port accepts connections");
  await both.close();
  assert.not.ok(await reach(both.kafkaPort!), "closed with the server");
});

test("close() ends open SSE streams and returns promptly", async () => {
  const other = await serve(broker, { port: 0, limits: { sseKeepAliveMs: 200 } });
  const name = await topic();
  const res = await fetch(`${other.url}/v1/topics/${name}/partitions/0/stream`);
  const reader = new SseReader(res.body!);
  const started = Date.now();
  const ended = reader.next().catch(() => null);
  await other.close();
  assert.is(await ended, null, "the stream ended");
  // Without ending them, close() would wait for the open stream forever; the bound is a margin.
  assert.ok(Date.now() - started < 10_000, `closed in ${Date.now() - started} ms`);
});

test.run();
