import { test } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../http/app.ts";
import { encodeCbor } from "../../http/reply.ts";
import { call, openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const limits = { httpBodyBytesMax: 4096, httpRecordsPerRequestMax: 10, messageMaxBytes: 512, recordHeadersMax: 4, sseStreamsMax: 2, sseKeepAliveMs: 200 };
const app = createApp(broker, { limits });
const name = uniqueName("limits");
await broker.createTopic(name, { partitions: 1 });
test.after(() => fixture.close());

async function endOffset(): Promise<number> {
  return (await broker.describeTopic(name)).partitions[0].endOffset;
}

async function expectRejected(init: RequestInit, status: number, code: string, label: string): Promise<void> {
  const before = await endOffset();
  const res = await app.request(`/v1/topics/${name}/records`, { method: "POST", ...init });
  assert.is(res.status, status, label);
  assert.is(res.headers.get("content-type"), "application/problem+json", label);
  assert.is((await res.json() as { code: string }).code, code, label);
  assert.is(await endOffset(), before, `${label}: nothing written`);
}

test("produce refuses a body past httpBodyBytesMax with 413, declared or chunked", async () => {
  const big = JSON.stringify({ records: [{ value: "x".repeat(5000) }] });
  await expectRejected({ body: big, headers: { "content-type": "application/json" } }, 413, "request_too_large", "declared");
  let chunks = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      chunks++;
      if (chunks > 100) return controller.close();
      controller.enqueue(new TextEncoder().encode(chunks === 1 ? `{"records":[{"value":"` : "x".repeat(1000)));
    },
  }, { highWaterMark: 0 });
  await expectRejected({ body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit, 413, "request_too_large", "chunked");
  assert.ok(chunks < 10, `read ${chunks} chunks of a body past a 4096-byte limit`);
});

test("produce refuses more than httpRecordsPerRequestMax records with 413", async () => {
  const body = JSON.stringify({ records: Array.from({ length: 11 }, () => ({ value: 1 })) });
  await expectRejected({ body, headers: { "content-type": "application/json" } }, 413, "too_many_records", "11 records");
});

test("produce refuses a record past message.max.bytes with 413, even when others are fine", async () => {
  const body = JSON.stringify({ records: [{ value: 1 }, { value: "x".repeat(600) }] });
  await expectRejected({ body, headers: { "content-type": "application/json" } }, 413, "record_too_large", "600-byte value");
});

test("produce honours a topic's own smaller message.max.bytes", async () => {
  const small = uniqueName("small");
  await broker.createTopic(small, { config: { "message.max.bytes": 100 } });
  const res = await call(app, "POST", `/v1/topics/${small}/records`, { records: [{ value: "x".repeat(200) }] });
  assert.is(res.status, 413);
  assert.is(res.body.code, "record_too_large");
});

test("a bad record anywhere in a request is named by its index, in JSON and CBOR, and nothing is written", async () => {
  const cases: Array<[unknown, number, string]> = [
    [{ value: "x".repeat(600) }, 413, "record_too_large"],
    [{ value: "1", headers: { a: "1", b: "2", c: "3", d: "4", e: "5" } }, 400, "too_many_headers"],
    [{ value: "1", headers: { "": "x" } }, 400, "invalid_record"],
    [{ value: "1", partition: 7 }, 404, "unknown_partition"],
    [{ value: "1", timestamp: -3 }, 400, "invalid_record"],
  ];
  for (const [bad, status, code] of cases) {
    const records = [{ value: "1" }, { key: "k", value: "2" }, bad, { value: "3" }];
    for (const [type, body] of [["application/json", JSON.stringify({ records })], ["application/cbor", encodeCbor({ records })]] as const) {
      const before = await endOffset();
      const res = await app.request(`/v1/topics/${name}/records`, { method: "POST", body, headers: { "content-type": type } });
      const problem = await res.json() as { code: string; detail: string; details?: { index?: number } };
      const label = `${type} ${JSON.stringify(bad).slice(0, 50)}`;
      assert.is(res.status, status, label);
      assert.is(problem.code, code, label);
      assert.match(problem.detail, /^records\[2\]/, label);
      assert.is(problem.details?.index, 2, label);
      assert.is(await endOffset(), before, `${label}: nothing written`);
    }
  }
});

test("produce refuses too many headers with 400", async () => {
  const headers = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`h${i}`, "v"]));
  await expectRejected({ body: JSON.stringify({ records: [{ value: 1, headers }] }), headers: { "content-type": "application/json" } }, 400, "too_many_headers", "5 headers");
});

test("produce refuses malformed JSON and CBOR with 400, other content types with 415", async () => {
  await expectRejected({ body: `{"records":[{"value":1}`, headers: { "content-type": "application/json" } }, 400, "invalid_request", "truncated JSON");
  await expectRejected({ body: new Uint8Array([0xbf, 0x61]), headers: { "content-type": "application/cbor" } }, 400, "invalid_request", "truncated CBOR");
  await expectRejected({ body: `{"records":[{"value":1}]}`, headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type", "text/plain");
  await expectRejected({ body: `records=1`, headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "unsupported_media_type", "form");
});

test("SSE streams past sseStreamsMax are refused with 429 and freed on cancel", async () => {
  for (let i = 0; i < 3; i++) assert.is((await app.request(`/v1/topics/${name}/partitions/0/stream`, { method: "HEAD" })).status, 200, "HEAD opens no stream");
  const open: Response[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await app.request(`/v1/topics/${name}/partitions/0/stream?offset=0`);
    assert.is(res.status, 200);
    open.push(res);
  }
  const third = await call(app, "GET", `/v1/topics/${name}/partitions/0/stream?offset=0`);
  assert.is(third.status, 429);
  assert.is(third.body.code, "too_many_streams");
  assert.is(third.body.retriable, true);
  await open[0].body!.cancel();
  const again = await app.request(`/v1/topics/${name}/partitions/0/stream?offset=0`);
  assert.is(again.status, 200, "a cancelled stream frees its slot");
  await again.body!.cancel();
  await open[1].body!.cancel();
});

test("an SSE body nobody reads is cut off after sseStalledMsMax, freeing its slot", async () => {
  const stalled = createApp(broker, { limits: { ...limits, sseStreamsMax: 1, sseStalledMsMax: 200 } });
  const dropped = await stalled.request(`/v1/topics/${name}/partitions/0/stream?offset=latest`);
  assert.is(dropped.status, 200);
  assert.is((await stalled.request(`/v1/topics/${name}/partitions/0/stream`)).status, 429);
  // Wait for the cut-off itself (its counter), not for a time after which it should have come.
  const cutOff = async () => Number(/^rivulet_sse_cut_off_total (\d+)$/m.exec(await (await stalled.request("/metrics")).text())?.[1]);
  const deadline = Date.now() + 20_000;
  while ((await cutOff()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.is(await cutOff(), 1);
  const again = await stalled.request(`/v1/topics/${name}/partitions/0/stream?offset=latest`);
  assert.is(again.status, 200, "the unread stream was cut off");
  await again.body!.cancel();
  await dropped.body!.cancel().catch(() => {});
});

test("unknown groups and members are 404; bad ids 400", async () => {
  const group = await call(app, "GET", `/v1/groups/${uniqueName("nogroup")}`);
  assert.is(group.status, 404);
  assert.is(group.body.code, "unknown_group");
  const member = await call(app, "GET", `/v1/groups/${uniqueName("g")}/members/nobody/records`);
  assert.is(member.status, 404);
  assert.ok(["unknown_member", "unknown_group"].includes(member.body.code), member.body.code);
  const commit = await call(app, "POST", `/v1/groups/${uniqueName("g")}/members/nobody/offsets`, { offsets: [{ topic: name, partition: 0, offset: 0 }] });
  assert.is(commit.status, 404);
  const badId = await call(app, "GET", `/v1/groups/a%20b`);
  assert.is(badId.status, 400);
  const badJoin = await call(app, "POST", `/v1/groups/g/members`, { topics: [] });
  assert.is(badJoin.status, 400);
  const unknownTopic = await call(app, "POST", `/v1/groups/g/members`, { topics: [uniqueName("missing")] });
  assert.is(unknownTopic.status, 404);
  assert.is(unknownTopic.body.code, "unknown_topic");
});

test.run();
