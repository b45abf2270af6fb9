import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../../core/clock.ts";
import { openStreams, TEXT, uniqueName } from "../support/durable-streams/fixture.ts";

const clock = new ManualClock(Date.now());
const fixture = await openStreams({ clock, limits: { dsMaintenanceIntervalMs: 20 } });
test.after(() => fixture.close());

const status = async (name: string) => (await fixture.send("HEAD", name)).status;
const streamTopics = async () => (await fixture.broker.listTopics({ internal: true })).filter((t) => t.startsWith("__ds."));

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 20_000; // a safety bound on the wait for the maintenance round
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.unreachable(what);
}

test("Stream-TTL slides with every read and write, not with HEAD, on the app's clock", async () => {
  const name = uniqueName("ttl");
  await fixture.send("PUT", name, { headers: { ...TEXT, "stream-ttl": "10" } });
  clock.advance(6_000);
  assert.is((await fixture.send("GET", name)).status, 200);
  clock.advance(6_000);
  assert.is((await fixture.send("POST", name, { headers: TEXT, body: "x" })).status, 204);
  clock.advance(6_000);
  assert.is(await status(name), 200);
  clock.advance(5_000);
  assert.is(await status(name), 404, "HEAD at +17 s did not extend the TTL");
  assert.is((await fixture.send("GET", name)).status, 404);
  assert.is((await fixture.send("PUT", name, { headers: { "content-type": "application/json" } })).status, 201, "the path can be reused");
});

test("Stream-Expires-At is absolute: reads do not move it", async () => {
  const name = uniqueName("expires");
  await fixture.send("PUT", name, { headers: { ...TEXT, "stream-expires-at": new Date(clock.now() + 10_000).toISOString() } });
  clock.advance(6_000);
  assert.is((await fixture.send("GET", name)).status, 200);
  assert.match((await fixture.send("HEAD", name)).headers.get("stream-expires-at") ?? "", /^\d{4}-/);
  clock.advance(5_000);
  assert.is((await fixture.send("POST", name, { headers: TEXT, body: "late" })).status, 404);
});

test("maintenance deletes the topic of an expired stream nobody touches again", async () => {
  const before = await streamTopics();
  const name = uniqueName("idle");
  await fixture.send("PUT", name, { headers: { ...TEXT, "stream-ttl": "1" }, body: "data" });
  assert.is((await streamTopics()).length, before.length + 1);
  clock.advance(2_000);
  await eventually(async () => (await streamTopics()).length === before.length, "the expired stream's topic was not deleted");
  assert.is(await status(name), 404);
});

test("a source expiring while a fork reads it is soft-deleted (410); the fork's expiry then removes both", async () => {
  const source = uniqueName("src");
  const fork = uniqueName("fork");
  await fixture.send("PUT", source, { headers: { ...TEXT, "stream-ttl": "1" }, body: "kept" });
  await fixture.send("PUT", fork, { headers: { "stream-forked-from": `/v1/stream/${source}`, "stream-ttl": "5" } });
  clock.advance(2_000);
  await eventually(async () => (await status(source)) === 410, "the source was not soft-deleted");
  assert.is(await (await fixture.send("GET", fork)).text(), "kept");
  clock.advance(6_000);
  await eventually(async () => (await status(source)) === 404, "the source outlived its last fork");
  assert.is(await status(fork), 404);
});

test.run();
