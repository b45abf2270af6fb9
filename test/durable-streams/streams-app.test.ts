import { test } from "uvu";
import * as assert from "uvu/assert";
import { JSON_TYPE, openStreams, producer, readAll, TEXT, uniqueName } from "../support/durable-streams/fixture.ts";

const fixture = await openStreams({ limits: { dsReadBytesMax: 4096, dsAppendBytesMax: 64 * 1024, dsLongPollMs: 300 } });
test.after(() => fixture.close());

const head = async (name: string) => (await fixture.send("HEAD", name)).headers.get("stream-next-offset");

test("PUT creates a stream (201 with Location and offset), confirms the same config (200) and refuses another (409)", async () => {
  const name = uniqueName("put");
  const created = await fixture.send("PUT", name, { headers: { ...TEXT, "stream-ttl": "3600" } });
  assert.is(created.status, 201);
  assert.is(created.headers.get("location"), `http://localhost/v1/stream/${name}`);
  assert.is(created.headers.get("content-type"), "text/plain");
  assert.is(created.headers.get("stream-next-offset"), "0000000000000000_0000000000000000");
  assert.is((await fixture.send("PUT", name, { headers: { "content-type": "TEXT/PLAIN", "stream-ttl": "3600" } })).status, 200);
  assert.is((await fixture.send("PUT", name, { headers: { ...TEXT, "stream-ttl": "60" } })).status, 409);
  assert.is((await fixture.send("PUT", name, { headers: JSON_TYPE })).status, 409);
  const defaulted = await fixture.send("PUT", uniqueName("put-default"));
  assert.is(defaulted.headers.get("content-type"), "application/octet-stream");
});

test("POST appends; GET reads from -1, from an offset and from now; HEAD has the tail and no body", async () => {
  const name = uniqueName("rw");
  await fixture.send("PUT", name, { headers: TEXT, body: "first" });
  const mid = await head(name);
  const appended = await fixture.send("POST", name, { headers: TEXT, body: " second" });
  assert.is(appended.status, 204);
  assert.is(appended.headers.get("stream-next-offset"), "0000000000000002_0000000000000000");
  const all = await fixture.send("GET", name);
  assert.is(await all.text(), "first second");
  assert.is(all.headers.get("stream-up-to-date"), "true");
  assert.is(await (await fixture.send("GET", name, { query: `offset=${mid}` })).text(), " second");
  const now = await fixture.send("GET", name, { query: "offset=now" });
  assert.is(await now.text(), "");
  assert.is(now.headers.get("cache-control"), "no-store");
  assert.is(now.headers.get("stream-next-offset"), appended.headers.get("stream-next-offset"));
  const meta = await fixture.send("HEAD", name);
  assert.is(meta.status, 200);
  assert.is(await meta.text(), "");
  assert.is(meta.headers.get("cache-control"), "no-store");
  assert.is((await fixture.send("GET", name, { query: "offset=9999999999999999_0000000000000000" })).status, 400);
});

test("GET pages a stream larger than dsReadBytesMax, never repeating or skipping a record", async () => {
  const name = uniqueName("paging");
  await fixture.send("PUT", name, { headers: TEXT });
  let expected = "";
  for (let i = 0; i < 40; i++) {
    const chunk = `${String(i).padStart(3, "0")}:${"x".repeat(300)}|`;
    expected += chunk;
    assert.is((await fixture.send("POST", name, { headers: TEXT, body: chunk })).status, 204);
  }
  const { text, requests, offsets } = await readAll(fixture, name);
  assert.is(text, expected);
  assert.ok(requests >= 3, `${requests} requests`);
  assert.equal([...offsets].sort(), offsets, "next offsets only grow");
});

test("JSON mode flattens one level, answers arrays, and refuses bad bodies with 400 leaving the stream as it was", async () => {
  const name = uniqueName("json");
  assert.is((await fixture.send("PUT", name, { headers: JSON_TYPE, body: "[]" })).status, 201);
  await fixture.send("POST", name, { headers: JSON_TYPE, body: `{"a":1}` });
  await fixture.send("POST", name, { headers: { "content-type": "application/json; charset=utf-8" }, body: `[{"b":2}, [3]]` });
  const before = await head(name);
  for (const body of ["[]", "{ invalid json }", "[1,]"]) {
    assert.is((await fixture.send("POST", name, { headers: JSON_TYPE, body })).status, 400, body);
  }
  assert.is(await head(name), before, "nothing written by refused appends");
  const read = await fixture.send("GET", name);
  assert.equal(await read.json(), [{ a: 1 }, { b: 2 }, [3]]);
  assert.is(await (await fixture.send("GET", name, { query: "offset=now" })).text(), "[]");
});

test("POST refuses what the protocol refuses, with its statuses, and writes nothing", async () => {
  const name = uniqueName("refuse");
  await fixture.send("PUT", name, { headers: TEXT, body: "kept" });
  const before = await head(name);
  assert.is((await fixture.send("POST", uniqueName("missing"), { headers: TEXT, body: "x" })).status, 404);
  assert.is((await fixture.send("POST", name, { headers: JSON_TYPE, body: "{}" })).status, 409);
  assert.is((await fixture.send("POST", name, { body: new Blob(["x"]) })).status, 400);
  assert.is((await fixture.send("POST", name, { headers: TEXT, body: "" })).status, 400);
  assert.is((await fixture.send("POST", name, { headers: TEXT, body: "y".repeat(64 * 1024 + 1) })).status, 413);
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "producer-id": "p" }, body: "x" })).status, 400);
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-closed": "maybe" }, body: "x" })).status, 400);
  assert.is(await head(name), before);
  assert.is(await (await fixture.send("GET", name)).text(), "kept");
});

test("Stream-Seq must grow byte-wise; a regression or repeat is 409 and not written", async () => {
  const name = uniqueName("seq");
  await fixture.send("PUT", name, { headers: TEXT });
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-seq": "09" }, body: "a" })).status, 204);
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-seq": "10" }, body: "b" })).status, 204);
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-seq": "10" }, body: "c" })).status, 409);
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-seq": "2" }, body: "d" })).status, 204, '"2" > "10"');
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-seq": "10" }, body: "e" })).status, 409);
  assert.is(await (await fixture.send("GET", name)).text(), "abd");
});

test("Producer headers give exactly-once appends: 200, duplicates 204 with the highest seq, gaps 409, stale epochs 403", async () => {
  const name = uniqueName("producer");
  await fixture.send("PUT", name, { headers: TEXT });
  const post = (p: Record<string, string>, body: string) => fixture.send("POST", name, { headers: { ...TEXT, ...p }, body });
  assert.is((await post(producer("p", 0, 1), "x")).status, 409, "an unknown producer starts at 0");
  for (let seq = 0; seq < 7; seq++) {
    const r = await post(producer("p", 0, seq), String(seq));
    assert.is(r.status, 200);
    assert.is(r.headers.get("producer-seq"), String(seq));
  }
  const dup = await post(producer("p", 0, 0), "again");
  assert.is(dup.status, 204, "older than the log's five remembered batches");
  assert.is(dup.headers.get("producer-seq"), "6");
  const gap = await post(producer("p", 0, 9), "gap");
  assert.is(gap.status, 409);
  assert.is(gap.headers.get("producer-expected-seq"), "7");
  assert.is(gap.headers.get("producer-received-seq"), "9");
  assert.is((await post(producer("p", 1, 3), "bad")).status, 400);
  assert.is((await post(producer("p", 1, 0), "E1")).status, 200);
  const stale = await post(producer("p", 0, 7), "zombie");
  assert.is(stale.status, 403);
  assert.is(stale.headers.get("producer-epoch"), "1");
  assert.is((await post(producer("q", 40_000, 0), "Q")).status, 200, "an epoch past Kafka's 16 bits");
  assert.is((await post(producer("q", 40_000, 0), "Q")).status, 204);
  assert.is(await (await fixture.send("GET", name)).text(), "0123456E1Q");
});

test("Stream-Closed closes (with or without a last append); later appends are 409, reads say Stream-Closed at the tail", async () => {
  const name = uniqueName("close");
  await fixture.send("PUT", name, { headers: TEXT, body: "a" });
  const closed = await fixture.send("POST", name, { headers: { ...TEXT, "stream-closed": "true", ...producer("w", 0, 0) }, body: "z" });
  assert.is(closed.status, 200);
  assert.is(closed.headers.get("stream-closed"), "true");
  const final = closed.headers.get("stream-next-offset");
  assert.is((await fixture.send("POST", name, { headers: { ...TEXT, "stream-closed": "true", ...producer("w", 0, 0) }, body: "other" })).status, 204, "the closing retry");
  assert.is((await fixture.send("POST", name, { headers: { "stream-closed": "true" } })).status, 204, "closing again");
  const late = await fixture.send("POST", name, { headers: TEXT, body: "late" });
  assert.is(late.status, 409);
  assert.is(late.headers.get("stream-closed"), "true");
  assert.is(late.headers.get("stream-next-offset"), final);
  const read = await fixture.send("GET", name);
  assert.is(await read.text(), "az");
  assert.is(read.headers.get("stream-closed"), "true");
  const poll = await fixture.send("GET", name, { query: `offset=${final}&live=long-poll` });
  assert.is(poll.status, 204);
  assert.is(poll.headers.get("stream-closed"), "true");
});

test("live=long-poll answers data appended while it waits, and 204 with a cursor when none comes", async () => {
  const name = uniqueName("poll");
  // The append must land within the long-poll's wait: 300 ms (this file's setting, which keeps
  // the empty poll below short) was outrun at load average 44, so this part waits up to 30 s.
  const patient = await openStreams({ limits: { dsLongPollMs: 30_000 } });
  try {
    await patient.send("PUT", name, { headers: TEXT });
    const tail = (await patient.send("HEAD", name)).headers.get("stream-next-offset");
    const waiting = patient.send("GET", name, { query: `offset=${tail}&live=long-poll` });
    await new Promise((r) => setTimeout(r, 50));
    await patient.send("POST", name, { headers: TEXT, body: "news" });
    const got = await waiting;
    assert.is(got.status, 200);
    assert.is(await got.text(), "news");
    assert.match(got.headers.get("stream-cursor") ?? "", /^\d+$/);
  } finally {
    await patient.close();
  }
  await fixture.send("PUT", name, { headers: TEXT });
  const empty = await fixture.send("GET", name, { query: "offset=now&live=long-poll" });
  assert.is(empty.status, 204);
  assert.is(empty.headers.get("stream-up-to-date"), "true");
  assert.match(empty.headers.get("stream-cursor") ?? "", /^\d+$/);
  assert.is((await fixture.send("GET", name, { query: "live=long-poll" })).status, 400);
});

test("live=sse catches up, sends a control event after each data event, follows appends and ends at close", async () => {
  const name = uniqueName("sse");
  await fixture.send("PUT", name, { headers: JSON_TYPE, body: `[{"n":1}]` });
  const res = await fixture.send("GET", name, { query: "offset=-1&live=sse" });
  assert.is(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  let text = "";
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  };
  await readUntil(`"upToDate":true`);
  await fixture.send("POST", name, { headers: { ...JSON_TYPE, "stream-closed": "true" }, body: `{"n":2}` });
  await readUntil(`"streamClosed":true`);
  const { done } = await reader.read();
  assert.ok(done, "the stream ends after the closing control event");
  const blocks = text.split("\n\n").filter(Boolean).map((b) => b.split("\n"));
  const kinds = blocks.map((lines) => lines[0]);
  for (let i = 0; i < kinds.length; i++) if (kinds[i] === "event: data") assert.is(kinds[i + 1], "event: control");
  const data = blocks.filter((l) => l[0] === "event: data").flatMap((l) => JSON.parse(l.slice(1).map((x) => x.slice(5)).join("\n")));
  assert.equal(data, [{ n: 1 }, { n: 2 }]);
});

test("GET answers an ETag and 304 for If-None-Match; every answer carries CORS and nosniff", async () => {
  const name = uniqueName("etag");
  await fixture.send("PUT", name, { headers: TEXT, body: "v1" });
  const first = await fixture.send("GET", name);
  const etag = first.headers.get("etag")!;
  const again = await fixture.send("GET", name, { headers: { "if-none-match": etag } });
  assert.is(again.status, 304);
  assert.is(await again.text(), "");
  await fixture.send("POST", name, { headers: TEXT, body: "v2" });
  assert.is((await fixture.send("GET", name, { headers: { "if-none-match": etag } })).status, 200);
  const missing = await fixture.send("GET", uniqueName("nope"));
  assert.is(missing.status, 404);
  assert.is(missing.headers.get("x-content-type-options"), "nosniff");
  assert.is(missing.headers.get("access-control-allow-origin"), "*");
  const preflight = await fixture.send("OPTIONS", name, { headers: { origin: "https://example.com", "access-control-request-method": "POST" } });
  assert.is(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /producer-id/i);
});

test.run();
