import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../../server/serve.ts";
import { openTestBroker, uniqueName } from "../support/http/fixture.ts";
import { SseReader } from "../support/http/sse-reader.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const bufferedMax = 64 * 1024;
const slow = await serve(broker, { port: 0, limits: { sseBufferedBytesMax: bufferedMax, sseWriteBytesMax: 16 * 1024, sseKeepAliveMs: 200 } });
const stalling = await serve(broker, { port: 0, limits: { sseBufferedBytesMax: bufferedMax, sseWriteBytesMax: 16 * 1024, sseKeepAliveMs: 200, sseStalledMsMax: 300 } });
const topic = uniqueName("bp");
const records = 6000;
const valueBytes = 4000;
await broker.createTopic(topic, { partitions: 1, config: { flush: "os" } });
for (let i = 0; i < records; i += 250) {
  await broker.produce(topic, Array.from({ length: 250 }, (_, j) => ({ value: JSON.stringify({ n: i + j, pad: "x".repeat(valueBytes) }) })));
}
const totalBytes = records * valueBytes;
test.after(async () => {
  await slow.close();
  await stalling.close();
  await fixture.close();
});

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(base + "/metrics")).text();
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("SSE pauses fetching while a slow client does not read, and queues at most sseBufferedBytesMax", async () => {
  const res = await fetch(`${slow.url}/v1/topics/${topic}/partitions/0/stream?offset=0`);
  assert.is(res.status, 200);
  // Paused: the byte count stood still for three looks in a row, 300 ms apart. One quiet look
  // could be a loaded machine holding the server off the CPU; three make that unlikely.
  let sentEarly = -1;
  let sentLater = await metric(slow.url, "rivulet_sse_bytes_total");
  let still = 0;
  const deadline = Date.now() + 30_000;
  while (still < 3 && Date.now() < deadline) {
    await sleep(300);
    sentEarly = sentLater;
    sentLater = await metric(slow.url, "rivulet_sse_bytes_total");
    still = sentLater === sentEarly ? still + 1 : 0;
  }
  assert.is(sentLater, sentEarly, "fetching paused once the socket buffers filled");
  await sleep(400);
  const sentLast = await metric(slow.url, "rivulet_sse_bytes_total");
  assert.is(sentLast, sentLater, `kept fetching while stalled: ${sentLater} → ${sentLast}`);
  assert.ok(sentLater < totalBytes * 0.8, `queued ${sentLater} of ${totalBytes} bytes to a client that reads nothing`);
  const peak = await metric(slow.url, "rivulet_sse_queued_bytes_peak");
  assert.ok(peak > 0 && peak <= bufferedMax, `peak queue ${peak} bytes, limit ${bufferedMax}`);
  const reader = new SseReader(res.body!);
  for (let n = 0; n < records; n++) {
    const event = await reader.next();
    assert.is(event?.id, String(n));
    if (n % 1000 === 0) assert.is(JSON.parse(event!.data).value.n, n);
  }
  await reader.cancel();
});

test("an SSE client that stops draining for sseStalledMsMax is cut off and its slot freed", async () => {
  const res = await fetch(`${stalling.url}/v1/topics/${topic}/partitions/0/stream?offset=0`);
  assert.is(res.status, 200);
  const deadline = Date.now() + 30_000; // a safety bound on the wait for the counter
  while ((await metric(stalling.url, "rivulet_sse_cut_off_total")) < 1 && Date.now() < deadline) await sleep(100);
  assert.is(await metric(stalling.url, "rivulet_sse_cut_off_total"), 1);
  assert.is(await metric(stalling.url, "rivulet_sse_streams_open"), 0);
  await res.body?.cancel().catch(() => {});
});

test.run();
