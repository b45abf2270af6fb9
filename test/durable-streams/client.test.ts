import { test } from "uvu";
import * as assert from "uvu/assert";
import { DurableStream, IdempotentProducer, stream } from "@durable-streams/client";
import { Broker } from "../../groups/broker.ts";
import { serve } from "../../server/serve.ts";
import { tempDir } from "../support/temp-dir.ts";
import { uniqueName } from "../support/durable-streams/fixture.ts";

const data = tempDir("rivulet-ds-client-");
const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 2 });
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
test.after(async () => {
  await server.close();
  await broker.close();
  data.remove();
});

async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test("@durable-streams/client writes with IdempotentProducer and live-reads with long-poll through serve()", async () => {
  const url = `${server.url}/v1/stream/${uniqueName("client-longpoll")}`;
  const handle = await DurableStream.create({ url, contentType: "application/json" });
  const res = await stream<{ i: number }>({ url, offset: "-1", live: "long-poll", json: true });
  const received: number[] = [];
  const all = new Promise<void>((resolve) => {
    res.subscribeJson((batch) => {
      for (const item of batch.items) received.push(item.i);
      if (received.length >= 60) resolve();
    });
  });
  const producer = new IdempotentProducer(handle, "writer-1", { lingerMs: 2, maxInFlight: 3 });
  for (let i = 0; i < 30; i++) producer.append(JSON.stringify({ i }));
  await producer.flush();
  // The second half is appended once the reader has the first, so it is read live.
  await within(10_000, (async () => { while (received.length < 30) await new Promise((r) => setTimeout(r, 5)); })(), "first half read");
  for (let i = 30; i < 60; i++) producer.append(JSON.stringify({ i }));
  await producer.flush();
  await within(10_000, all, "live read");
  res.cancel();
  await producer.close();
  assert.equal(received, Array.from({ length: 60 }, (_, i) => i));
  const head = await handle.head();
  assert.ok(head.exists);
});

test("@durable-streams/client follows a text stream over SSE until it is closed", async () => {
  const url = `${server.url}/v1/stream/${uniqueName("client-sse")}`;
  const handle = await DurableStream.create({ url, contentType: "text/plain" });
  await handle.append("hello ");
  const res = await stream({ url, offset: "-1", live: "sse" });
  const chunks: string[] = [];
  const ended = new Promise<void>((resolve) => {
    res.subscribeText((chunk) => {
      chunks.push(chunk.text);
      if (chunk.streamClosed) resolve();
    });
  });
  // Appended once the reader has what was there, so it is read live.
  await within(10_000, (async () => { while (chunks.join("") !== "hello ") await new Promise((r) => setTimeout(r, 5)); })(), "catch-up read");
  await handle.append("live ");
  await handle.close({ body: "world" });
  await within(10_000, ended, "SSE close");
  assert.is(chunks.join(""), "hello live world");
});

test.run();
