/**
 * The console's server side as `serve()` composes it (the HTTP app with the console mounted),
 * through `app.request()`: public shells and assets with a strict CSP, the JSON API's pages,
 * filters and bounds, record values only ever as base64, and auth (401 without a token, 403
 * without the right, only visible topics and groups).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createApp } from "../../http/app.ts";
import { loadAuthFile } from "../../auth/auth-file.ts";
import { consoleMount } from "../../console/mod.ts";
import { assets } from "../../console/assets/index.ts";
import { ManualClock } from "../../core/clock.ts";
import { call, openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const clock = new ManualClock(Date.UTC(2026, 5, 1));
const stop = new AbortController();
const limits = { consoleScanRecordsMax: 10, consolePageRecordsMax: 25 };
const openApp = createApp(broker, { mounts: [consoleMount(broker, { limits, clock, signal: stop.signal })] });
const authFile = join(tmpdir(), `${uniqueName("console-auth")}.json`);
writeFileSync(authFile, JSON.stringify({ tokens: [
  { name: "reader", token: "reader-secret-1", rights: [{ access: "read", topics: "shop*" }, { access: "read", groups: "team-*" }] },
] }));
const auth = await loadAuthFile(authFile);
const guardedApp = createApp(broker, { auth, mounts: [consoleMount(broker, { authRequired: true, clock, signal: stop.signal })] });
const reader = { authorization: "Bearer reader-secret-1" };
test.after(async () => {
  stop.abort();
  await fixture.close();
});

interface Page {
  records: Array<{ offset: number; key_b64: string | null; value_b64: string | null; headers: Array<[string, string | null]> }>;
  start_offset: number;
  next_offset: number;
  scanned: number;
  reached_end: boolean;
  high_watermark: number;
}
const b64 = (text: string) => btoa(text);

const paged = uniqueName("paged");
await broker.createTopic(paged, { partitions: 1 });
const t0 = Date.UTC(2026, 0, 1);
await broker.produce(paged, Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: t0 + i * 1000, headers: { n: String(i) }, partition: 0 })));
const recordsOf = (query: string) => call<Page>(openApp, "GET", `/console/api/topics/${paged}/partitions/0/records?${query}`);

test("page shells and assets are served from memory with a strict Content-Security-Policy", async () => {
  for (const path of ["/console", "/console/topics/orders", "/console/groups", "/console/groups/g1"]) {
    const res = await openApp.request(path);
    assert.is(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'; script-src 'self'/);
    const html = await res.text();
    assert.match(html, /<script type="module" src="\/console\/assets\/app\.js"><\/script>/);
    assert.not.match(html, /<script>|<style>| on\w+=/, "no inline script, style or handler");
  }
  const slash = await openApp.request("/console/");
  assert.is(slash.status, 308);
  assert.is(slash.headers.get("location"), "/console");
  const js = await openApp.request("/console/assets/app.js");
  assert.is(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.is(js.headers.get("x-content-type-options"), "nosniff");
  assert.is((await openApp.request("/console/assets/nope.js")).status, 404);
});

test("the page scripts never parse markup: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval", () => {
  for (const [name, asset] of assets) {
    assert.not.match(asset.body, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, name);
  }
});

test("records come in bounded pages from an offset, a time or the newest N, with base64 bytes", async () => {
  const first = await recordsOf("offset=0&count=20");
  assert.is(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.records.map((r) => r.offset), Array.from({ length: 10 }, (_, i) => i), "one request reads at most consoleScanRecordsMax");
  assert.is(first.body.next_offset, 10);
  assert.is(first.body.reached_end, false);
  assert.equal(first.body.records[3], { partition: 0, offset: 3, timestamp: t0 + 3000, key_b64: b64("k3"), value_b64: b64("v3"), headers: [["n", b64("3")]] } as never);
  const next = await recordsOf(`offset=${first.body.next_offset}&count=5`);
  assert.equal(next.body.records.map((r) => r.offset), [10, 11, 12, 13, 14]);
  assert.is(next.body.next_offset, 15);
  const byTime = await recordsOf(`timestamp=${t0 + 20_500}&count=2`);
  assert.equal(byTime.body.records.map((r) => r.offset), [21, 22]);
  const newest = await recordsOf("newest=3");
  assert.equal(newest.body.records.map((r) => r.offset), [47, 48, 49]);
  assert.is(newest.body.reached_end, true);
  const past = await recordsOf("offset=999");
  assert.equal([past.body.records.length, past.body.start_offset, past.body.reached_end], [0, 50, true]);
});

test("a filter reads at most consoleScanRecordsMax records per request and says where to go on", async () => {
  const miss = await recordsOf("offset=0&filter=nothing-matches");
  assert.equal([miss.body.records.length, miss.body.scanned, miss.body.next_offset, miss.body.reached_end], [0, 10, 10, false]);
  const hit = await recordsOf("offset=40&filter=K42&in=key");
  assert.equal(hit.body.records.map((r) => r.offset), [42], "case-insensitive substring of the key");
  const inValue = await recordsOf("offset=40&filter=k42&in=value");
  assert.equal(inValue.body.records, []);
  const inHeaders = await recordsOf("offset=40&filter=44&in=headers");
  assert.equal(inHeaders.body.records.map((r) => r.offset), [44]);
});

test("the overview, the groups list and a filtered scan stop at their console limits and say how much there was", async () => {
  const tight = createApp(broker, { mounts: [consoleMount(broker, { limits: { consoleOverviewTopicsMax: 1, consoleGroupsListMax: 1, consoleScanBytesMax: 1 }, clock, signal: stop.signal })] });
  const chunked = uniqueName("chunked");
  await broker.createTopic(chunked, { partitions: 1 });
  for (let i = 0; i < 5; i++) await broker.produce(chunked, [{ key: `c${i}`, value: `v${i}`, partition: 0 }]);
  const overview = await call<{ topics: unknown[]; topics_total: number }>(tight, "GET", "/console/api/overview");
  assert.is(overview.body.topics.length, 1, "consoleOverviewTopicsMax");
  assert.ok(overview.body.topics_total > 1);
  const groups = [uniqueName("team"), uniqueName("team")];
  const members = await Promise.all(groups.map((g) => broker.groups.joinManaged(g, [chunked])));
  const list = await call<{ groups: unknown[]; groups_total: number }>(tight, "GET", "/console/api/groups");
  assert.is(list.body.groups.length, 1, "consoleGroupsListMax");
  assert.ok(list.body.groups_total >= 2);
  const scan = await call<Page>(tight, "GET", `/console/api/topics/${chunked}/partitions/0/records?offset=0&filter=nothing-matches`);
  assert.equal([scan.body.records.length, scan.body.scanned, scan.body.next_offset, scan.body.reached_end], [0, 1, 1, false], "consoleScanBytesMax: one batch, then stop");
  for (const [g, m] of groups.map((g, i) => [g, members[i]] as const)) await broker.groups.leaveGroup(g, [m.memberId]);
});

test("bad browser requests are 400 problems, never a whole partition", async () => {
  for (const query of ["count=26", "offset=1&newest=2", "offset=-1", "offset=abc", `filter=${"x".repeat(1025)}`, "filter=a&in=body", "newest=11"]) {
    const res = await call(openApp, "GET", `/console/api/topics/${paged}/partitions/0/records?${query}`);
    assert.is(res.status, 400, query);
    assert.is(res.body.code, "invalid_request", query);
  }
  assert.is((await call(openApp, "GET", `/console/api/topics/${paged}/partitions/7/records`)).status, 404);
  assert.is((await call(openApp, "GET", "/console/api/topics/no-such-topic")).status, 404);
  assert.is((await call(openApp, "GET", "/console/api/topics/__offsets/partitions/0/records")).status, 400, "reserved topics stay Rivulet's own");
});

test("a value of markup is only ever sent as base64", async () => {
  const topic = uniqueName("xss");
  await broker.createTopic(topic, { partitions: 1 });
  const markup = "<img src=x onerror=alert(1)>";
  await broker.produce(topic, [{ key: markup, value: markup, headers: { h: markup } }]);
  const res = await openApp.request(`/console/api/topics/${topic}/partitions/0/records`);
  const text = await res.text();
  assert.not.ok(text.includes("<img"), text);
  assert.is(JSON.parse(text).records[0].value_b64, b64(markup));
  assert.is(res.headers.get("cache-control"), "no-store");
});

test("the overview lists topics with partitions, records, size and rates; a topic has its config and rights", async () => {
  const overview = await call<{ topics: Array<{ name: string; partitions: number; records: number; size_bytes: number }>; brokers: unknown[] }>(openApp, "GET", "/console/api/overview");
  const row = overview.body.topics.find((t) => t.name === paged);
  assert.ok(row);
  assert.equal([row.partitions, row.records], [1, 50]);
  assert.ok(row.size_bytes > 0);
  assert.is(overview.body.brokers.length, 1);
  const topic = await call<{ partitions: Array<{ end_offset: number }>; config: Record<string, unknown>; can_write: boolean }>(openApp, "GET", `/console/api/topics/${paged}`);
  assert.is(topic.body.partitions[0].end_offset, 50);
  assert.is(topic.body.config["cleanup.policy"], "delete");
  assert.is(topic.body.can_write, true);
});

test("a group's lag in records and seconds, and its sampled history", async () => {
  const topic = uniqueName("lag");
  const group = uniqueName("team");
  await broker.createTopic(topic, { partitions: 1 });
  const producedAt = clock.now() - 4_000;
  await broker.produce(topic, [0, 1, 2, 3].map((i) => ({ value: `r${i}`, timestamp: producedAt + i })));
  const member = await broker.groups.joinManaged(group, [topic]);
  await broker.groups.commitOffsets(group, -1, member.memberId, [{ topic, partition: 0, offset: 1 }]);
  const described = await call<{ partitions: Array<{ committed: number; end_offset: number; lag_records: number; lag_seconds: number }>; lag_records: number; members: unknown[] }>(openApp, "GET", `/console/api/groups/${group}`);
  assert.is(described.status, 200);
  assert.equal(described.body.partitions[0], { topic, partition: 0, committed: 1, start_offset: 0, end_offset: 4, lag_records: 3, lag_seconds: 3.999 } as never);
  assert.is(described.body.members.length, 1);
  const history = await call<{ interval_ms: number; series: Array<{ samples: Array<[number, number, number]> }> }>(openApp, "GET", `/console/api/groups/${group}/lag-history`);
  assert.equal(history.body.series[0].samples.map((s) => s[1]), [3]);
  clock.advance(history.body.interval_ms);
  await broker.groups.commitOffsets(group, -1, member.memberId, [{ topic, partition: 0, offset: 4 }]);
  const later = await call<{ series: Array<{ samples: Array<[number, number, number]> }> }>(openApp, "GET", `/console/api/groups/${group}/lag-history`);
  assert.equal(later.body.series[0].samples.map((s) => [s[1], s[2]]), [[3, 3.999], [0, 0]]);
  const list = await call<{ groups: Array<{ group_id: string; lag_records: number }> }>(openApp, "GET", "/console/api/groups");
  assert.is(list.body.groups.find((g) => g.group_id === group)?.lag_records, 0);
  assert.is((await call(openApp, "GET", "/console/api/groups/no-such-group")).status, 404);
  await broker.groups.leaveGroup(group, [member.memberId]);
});

test("with auth: shells are public, every data call needs a token, rights are kept", async () => {
  const shop = uniqueName("shop");
  const secret = uniqueName("secret");
  await broker.createTopic(shop, { partitions: 1 });
  await broker.createTopic(secret, { partitions: 1 });
  const shell = await guardedApp.request(`/console/topics/${shop}`);
  assert.is(shell.status, 200);
  assert.match(await shell.text(), /data-auth="required"/);
  assert.is((await guardedApp.request("/console/assets/app.js")).status, 200);
  assert.is((await guardedApp.request("/console/groups/team%20blue%2Fnight")).status, 200, "a shell for a group named with spaces and slashes");
  for (const path of ["/console/api/session", "/console/api/overview", `/console/api/topics/${shop}`, "/console/%61pi/overview", "/console/%2561pi/overview", "/console//api/overview", "/console/api", "/console/api/"]) {
    const res = await call(guardedApp, "GET", path);
    assert.ok(res.status === 401 || res.status === 404, `${path}: ${res.status}`);
    assert.not.equal(res.status, 200);
  }
  assert.is((await call(guardedApp, "GET", "/console/api/overview", undefined, { authorization: "Bearer wrong-secret" })).status, 401);
  const session = await call<{ name: string }>(guardedApp, "GET", "/console/api/session", undefined, reader);
  assert.is(session.body.name, "reader");
  const overview = await call<{ topics: Array<{ name: string }> }>(guardedApp, "GET", "/console/api/overview", undefined, reader);
  const names = overview.body.topics.map((t) => t.name);
  assert.ok(names.includes(shop));
  assert.not.ok(names.includes(secret));
  const topic = await call<{ can_read: boolean; can_write: boolean }>(guardedApp, "GET", `/console/api/topics/${shop}`, undefined, reader);
  assert.equal([topic.body.can_read, topic.body.can_write], [true, false]);
  assert.is((await call(guardedApp, "GET", `/console/api/topics/${secret}`, undefined, reader)).status, 403);
  assert.is((await call(guardedApp, "GET", `/console/api/topics/${secret}/partitions/0/records`, undefined, reader)).status, 403);
  assert.is((await call(guardedApp, "GET", "/console/api/groups/other-group", undefined, reader)).status, 403);
  const metrics = await (await guardedApp.request("/metrics", { headers: reader })).text();
  const failures = Number(/^rivulet_auth_failures_total\{door="console"\} (\d+)$/m.exec(metrics)?.[1]);
  assert.ok(failures >= 6, `the console's refused tokens are counted under its own door: ${failures}`);
  assert.not.ok(metrics.includes("reader-secret-1") || metrics.includes("wrong-secret"), "no token in /metrics");
});

test.run();
