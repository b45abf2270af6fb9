import { readdirSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { JSON_TYPE, openStreams, producer, readAll, TEXT, uniqueName } from "../support/durable-streams/fixture.ts";

const fixture = await openStreams({ limits: { dsReadBytesMax: 1024 } });
test.after(() => fixture.close());

const forkOf = (source: string, extra: Record<string, string> = {}) => ({ "stream-forked-from": `/v1/stream/${source}`, ...extra });
const status = async (name: string) => (await fixture.send("HEAD", name)).status;
const streamTopics = async () => (await fixture.broker.listTopics({ internal: true })).filter((t) => t.startsWith("__ds."));

test("a fork reads its source's data up to the fork offset, then its own, across read pages", async () => {
  const source = uniqueName("src");
  const fork = uniqueName("fork");
  await fixture.send("PUT", source, { headers: TEXT });
  let expected = "";
  for (let i = 0; i < 13; i++) {
    const chunk = `${i}:${"s".repeat(200)}|`;
    expected += chunk;
    await fixture.send("POST", source, { headers: TEXT, body: chunk });
  }
  assert.is((await fixture.send("PUT", fork, { headers: forkOf(source) })).status, 201);
  await fixture.send("POST", source, { headers: TEXT, body: "source-only" });
  for (let i = 0; i < 6; i++) {
    const chunk = `f${i}:${"f".repeat(200)}|`;
    expected += chunk;
    await fixture.send("POST", fork, { headers: TEXT, body: chunk });
  }
  const { text, requests } = await readAll(fixture, fork);
  assert.is(text, expected);
  assert.ok(requests >= 3, `${requests} pages, one of them across the fork offset`);
  assert.ok((await readAll(fixture, source)).text.endsWith("source-only"));
});

test("a fork at a sub-offset materializes part of one append (bytes, or JSON messages)", async () => {
  const bytes = uniqueName("sub-src");
  await fixture.send("PUT", bytes, { headers: TEXT, body: "hello" });
  const forkB = uniqueName("sub-fork");
  const headers = forkOf(bytes, { "stream-fork-offset": "0000000000000000_0000000000000000", "stream-fork-sub-offset": "3" });
  const created = await fixture.send("PUT", forkB, { headers: { ...headers, ...TEXT }, body: "XY" });
  assert.is(created.status, 201);
  assert.is(await (await fixture.send("GET", forkB)).text(), "helXY");
  assert.is((await fixture.send("PUT", forkB, { headers: { ...headers, ...TEXT } })).status, 200);
  assert.is((await fixture.send("PUT", forkB, { headers: { ...headers, ...TEXT, "stream-fork-sub-offset": "2" } })).status, 409);
  assert.is((await fixture.send("PUT", uniqueName("over"), { headers: { ...headers, "stream-fork-sub-offset": "6" } })).status, 400);
  const json = uniqueName("sub-json");
  await fixture.send("PUT", json, { headers: JSON_TYPE, body: `[{"a":1},{"b":2},{"c":3}]` });
  const forkJ = uniqueName("sub-json-fork");
  await fixture.send("PUT", forkJ, { headers: forkOf(json, { "stream-fork-offset": "-1", "stream-fork-sub-offset": "2" }) });
  assert.equal(await (await fixture.send("GET", forkJ)).json(), [{ a: 1 }, { b: 2 }]);
  assert.is((await fixture.send("POST", forkJ, { headers: { ...JSON_TYPE, ...producer("p", 0, 0) }, body: "9" })).status, 200, "no producer state inherited");
});

test("a fork keeps its source's content type and expiry unless given its own, and refuses another type (409)", async () => {
  const source = uniqueName("ct-src");
  await fixture.send("PUT", source, { headers: { ...JSON_TYPE, "stream-ttl": "3600" }, body: "[1]" });
  const inherit = uniqueName("ct-fork");
  const made = await fixture.send("PUT", inherit, { headers: forkOf(source) });
  assert.is(made.headers.get("content-type"), "application/json");
  assert.is((await fixture.send("HEAD", inherit)).headers.get("stream-ttl"), "3600");
  const own = uniqueName("ct-own");
  await fixture.send("PUT", own, { headers: forkOf(source, { "stream-ttl": "60" }) });
  assert.is((await fixture.send("HEAD", own)).headers.get("stream-ttl"), "60");
  assert.is((await fixture.send("PUT", uniqueName("ct-bad"), { headers: { ...forkOf(source), ...TEXT } })).status, 409);
  assert.is((await fixture.send("PUT", uniqueName("ct-404"), { headers: forkOf(uniqueName("none")) })).status, 404);
  assert.is((await fixture.send("PUT", uniqueName("ct-far"), { headers: forkOf(source, { "stream-fork-offset": "0000000000000009_0000000000000000" }) })).status, 400);
});

test("deleting a source with forks soft-deletes it (410, path blocked); deleting the last fork removes both topics", async () => {
  const before = await streamTopics();
  const l0 = uniqueName("l0");
  const l1 = uniqueName("l1");
  const l2 = uniqueName("l2");
  await fixture.send("PUT", l0, { headers: TEXT, body: "A" });
  await fixture.send("PUT", l1, { headers: forkOf(l0) });
  await fixture.send("POST", l1, { headers: TEXT, body: "B" });
  await fixture.send("PUT", l2, { headers: forkOf(l1) });
  await fixture.send("POST", l2, { headers: TEXT, body: "C" });
  assert.is((await fixture.send("DELETE", l0)).status, 204);
  assert.is((await fixture.send("DELETE", l1)).status, 204);
  assert.is(await status(l0), 410);
  assert.is((await fixture.send("GET", l1)).status, 410);
  assert.is((await fixture.send("POST", l1, { headers: TEXT, body: "x" })).status, 410);
  assert.is((await fixture.send("DELETE", l1)).status, 410);
  assert.is((await fixture.send("PUT", l0, { headers: TEXT })).status, 409);
  assert.is((await fixture.send("PUT", uniqueName("refork"), { headers: forkOf(l1) })).status, 409);
  assert.is(await (await fixture.send("GET", l2)).text(), "ABC");
  assert.is((await streamTopics()).length, before.length + 3);
  assert.is((await fixture.send("DELETE", l2)).status, 204);
  for (const name of [l0, l1, l2]) assert.is(await status(name), 404);
  assert.equal(await streamTopics(), before, "the cascade dropped all three topics");
});

test("stream topics are __ds.<hex>.<hex> whatever the path: nested, encoded, odd or long paths cannot reach the data directory", async () => {
  const names = ["a/b/c", "..%2F..%2Fetc%2Fpasswd", "%00%0A%E2%9C%93", "x".repeat(900), "payments"];
  for (const name of names) {
    const res = await fixture.send("PUT", name, { headers: TEXT, body: name.slice(0, 10) });
    assert.is(res.status, 201, name.slice(0, 30));
    assert.is(await (await fixture.send("GET", name)).text(), name.slice(0, 10));
  }
  assert.is((await fixture.send("PUT", "y".repeat(2000), { headers: TEXT })).status, 400, "longer than dsPathBytesMax");
  for (const topic of await streamTopics()) assert.match(topic, /^__ds\.[0-9a-f]{32}\.[0-9a-f]{12}$/);
  assert.not.ok((await fixture.broker.listTopics()).some((t) => t.startsWith("__")), "user topic listings never show them");
  for (const entry of readdirSync(fixture.dataDir)) assert.match(entry, /^(__ds\.[0-9a-f]{32}\.[0-9a-f]{12}-0|__ds_streams-0|__consumer_offsets-0|[^/]*\.(cbor|json)|[a-z-]+)$/);
});

test.run();
