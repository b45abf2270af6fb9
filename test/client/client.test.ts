/**
 * `rivulet/client` against a real server (`serve()` on 127.0.0.1, a real broker): topics,
 * idempotent produce through a proxy that loses answers, fetch, SSE subscribe resumed after a
 * connection cut mid-stream, consumer groups, Durable Streams, errors and tokens. Runs on Node,
 * Bun and Deno alike.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../../server/serve.ts";
import { RivuletClient, RivuletHttpError, type ConsumedRecord } from "../../client/mod.ts";
import { openTestBroker, uniqueName } from "../support/http/fixture.ts";
import { startDropProxy, type DropPolicy } from "../support/http/drop-proxy.ts";
import { Broker } from "../../groups/broker.ts";
import { tempDir } from "../support/temp-dir.ts";

const fixture = await openTestBroker({ maxWorkers: 2 });
const { broker } = fixture;
const server = await serve(broker, { host: "127.0.0.1", port: 0 });
const authed = await serve(broker, {
  host: "127.0.0.1", port: 0,
  auth: { tokens: [{ name: "ops", token: "ops-token-123", rights: [{ access: "admin", topics: "*" }] }] },
});
let policy: (head: string) => DropPolicy = () => "pass";
const proxy = await startDropProxy(server.port, (head) => policy(head));
const client = new RivuletClient({ url: server.url });
test.after(async () => {
  await proxy.close();
  await authed.close();
  await server.close();
  await fixture.close();
});

async function rejection(promise: Promise<unknown>): Promise<RivuletHttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RivuletHttpError) return error;
    throw error;
  }
  throw new Error("expected a RivuletHttpError");
}

test("topics: create, list, describe, delete; typed errors", async () => {
  const name = uniqueName("ct");
  const created = await client.topics.create(name, { partitions: 2, config: { "retention.ms": 60000 } });
  assert.is(created.name, name);
  assert.equal(created.partitions.map((p) => [p.partition, p.startOffset, p.endOffset]), [[0, 0, 0], [1, 0, 0]]);
  assert.ok((await client.topics.list()).includes(name));
  assert.is((await client.topics.describe(name)).config["retention.ms"], 60000);
  const exists = await rejection(client.topics.create(name));
  assert.equal([exists.status, exists.code, exists.retriable], [409, "topic_exists", false]);
  await client.topics.delete(name);
  const gone = await rejection(client.topics.describe(name));
  assert.equal([gone.status, gone.code, gone.retriable], [404, "unknown_topic", false]);
});

test("produce and fetch: keys, JSON values, bytes, headers, explicit partitions", async () => {
  const name = uniqueName("cp");
  await client.topics.create(name, { partitions: 3 });
  const bytes = new Uint8Array([0, 255, 128, 7]);
  const positions = await client.produce(name, [
    { key: "alice", value: { paid: 200 }, headers: { trace: "t-1" }, timestamp: 1234 },
    { key: bytes, value: bytes, partition: 2 },
    { value: "plain" , partition: 2 },
  ]);
  assert.is(positions.length, 3);
  assert.equal(positions.slice(1), [{ partition: 2, offset: 0 }, { partition: 2, offset: 1 }]);
  const first = await client.fetch(name, positions[0].partition, { offset: positions[0].offset });
  assert.equal(first.records[0], { topic: name, partition: positions[0].partition, offset: positions[0].offset, timestamp: 1234, key: "alice", value: { paid: 200 }, headers: { trace: "t-1" } });
  const two = await client.fetch(name, 2, { offset: "earliest" });
  assert.equal(two.records[0].keyBytes, bytes);
  assert.equal(two.records[0].valueBytes, bytes);
  assert.is(two.records[1].value, "plain");
  assert.equal([two.nextOffset, two.highWatermark, two.logStartOffset], [2, 2, 0]);
  const bad = await rejection(client.produce(name, [{ value: 1, partition: 9 }]));
  assert.equal([bad.status, bad.code], [404, "unknown_partition"]);
  const after = await client.produce(name, [{ value: "after a refusal", partition: 2 }]);
  assert.equal(after, [{ partition: 2, offset: 2 }], "a refused request does not use up the producer's number");
});

test("produce retries through lost answers; each record is stored once, where the answer says", async () => {
  const name = uniqueName("cl");
  await client.topics.create(name, { partitions: 3 });
  const lossy = new RivuletClient({ url: proxy.url });
  let toDrop = 2;
  policy = (head) => head.startsWith("POST /v1/topics/") && toDrop-- > 0 ? "drop" : "pass";
  const before = proxy.dropped;
  const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: i }));
  const positions = await lossy.produce(name, records);
  const next = await lossy.produce(name, [{ key: "k0", value: "second" }]);
  policy = () => "pass";
  assert.is(proxy.dropped - before, 2, "two answers were lost");
  const seen = new Map<number, [number, number]>();
  for (let p = 0; p < 3; p++) {
    for (const r of (await client.fetch(name, p, { maxRecords: 1000 })).records) {
      if (typeof r.value !== "number") continue;
      assert.not.ok(seen.has(r.value), `record ${r.value} stored twice`);
      seen.set(r.value, [p, r.offset]);
    }
  }
  assert.is(seen.size, 40);
  records.forEach((_, i) => assert.equal(seen.get(i), [positions[i].partition, positions[i].offset]));
  assert.is(next[0].partition, positions[0].partition);
});

test("subscribe: records as they arrive, resumed with Last-Event-ID after the connection is cut mid-stream", async () => {
  const name = uniqueName("cs");
  await client.topics.create(name, { partitions: 1 });
  await client.produce(name, [0, 1, 2, 3, 4].map((i) => ({ value: i })));
  const viaProxy = new RivuletClient({ url: proxy.url });
  let cuts = 1;
  policy = (head) => head.includes("/stream") && cuts-- > 0 ? { cutAt: /id: 5\n/ } : "pass";
  const before = proxy.dropped;
  const got: ConsumedRecord[] = [];
  for await (const record of viaProxy.subscribe(name, 0, { offset: "earliest" })) {
    got.push(record);
    if (record.offset === 4) await client.produce(name, [5, 6, 7].map((i) => ({ value: i })));
    if (record.offset === 7) break;
  }
  policy = () => "pass";
  assert.equal(got.map((r) => r.value), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(got.map((r) => r.offset), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.is(proxy.dropped - before, 1, "the stream was cut once");
  const streamHeads = proxy.heads.filter((h) => h.includes(`/v1/topics/${name}/partitions/0/stream`));
  assert.is(streamHeads.length, 2);
  assert.match(streamHeads[1].toLowerCase(), "last-event-id: 4", streamHeads[1]);
});

test("subscribe: a non-retriable failure is thrown", async () => {
  const error = await rejection((async () => {
    for await (const _ of client.subscribe(uniqueName("missing"), 0)) break;
  })());
  assert.equal([error.status, error.code], [404, "unknown_topic"]);
});

test("groups: explicit join, poll, commit, leave", async () => {
  const name = uniqueName("cg");
  await client.topics.create(name, { partitions: 2 });
  await client.produce(name, [{ value: "a", partition: 0 }, { value: "b", partition: 1 }]);
  const member = client.group(uniqueName("g"), { topics: [name], sessionTimeoutMs: 30000 });
  const membership = await member.join();
  assert.equal(membership.assignments.map((a) => a.partition).sort(), [0, 1]);
  let records: ConsumedRecord[] = [];
  while (records.length < 2) records = records.concat(await member.poll({ waitMs: 1000 }));
  assert.equal(records.map((r) => [r.topic, r.value]).sort(), [[name, "a"], [name, "b"]]);
  const committed = await member.commit();
  assert.equal(committed.map((c) => [c.partition, c.offset]).sort(), [[0, 1], [1, 1]]);
  await member.leave();
  assert.is(member.membership, null);
});

test("groups: a member the coordinator forgot joins again on its next poll", async () => {
  const name = uniqueName("cr");
  const groupId = uniqueName("g");
  await client.topics.create(name, { partitions: 1 });
  await client.produce(name, [{ value: "x" }]);
  const member = client.group(groupId, { topics: [name] });
  const first = await member.join();
  await broker.groups.leaveGroup(groupId, [first.memberId]);
  let records: ConsumedRecord[] = [];
  while (records.length < 1) records = await member.poll({ waitMs: 1000 });
  assert.is.not(member.membership?.memberId, first.memberId);
  assert.is(records[0].value, "x");
  await member.leave();
  const notJoined = await rejection(member.commit());
  assert.equal([notJoined.status, notJoined.code], [0, "not_joined"]);
});

test("groups: the iterator commits what the loop handled, so the next member starts after it", async () => {
  const name = uniqueName("ci");
  const groupId = uniqueName("g");
  await client.topics.create(name, { partitions: 1 });
  await client.produce(name, [0, 1, 2, 3].map((i) => ({ value: i })));
  const seen: unknown[] = [];
  for await (const record of client.group(groupId, { topics: [name], pollWaitMs: 500 })) {
    seen.push(record.value);
    if (record.offset === 2) break;
  }
  assert.equal(seen, [0, 1, 2]);
  const next = client.group(groupId, { topics: [name] });
  let rest: ConsumedRecord[] = [];
  while (rest.length < 2) rest = rest.concat(await next.poll({ waitMs: 1000 }));
  assert.equal(rest.map((r) => r.value), [2, 3], "record 2 was not handled when the loop broke: it comes again");
  await next.leave();
});

test("Durable Streams: create, append, read, long-poll, close, delete", async () => {
  const path = `client/${uniqueName("s")}`;
  assert.is(await client.streams.create(path, { contentType: "text/plain" }), true);
  assert.is(await client.streams.create(path, { contentType: "text/plain" }), false, "the same configuration again is a 200");
  const afterHello = await client.streams.append(path, "hello ", { contentType: "text/plain" });
  await client.streams.append(path, new TextEncoder().encode("world"), { contentType: "text/plain" });
  const all = await client.streams.read(path);
  assert.is(new TextDecoder().decode(all.bytes), "hello world");
  assert.ok(all.upToDate);
  const tail = await client.streams.read(path, { offset: afterHello });
  assert.is(new TextDecoder().decode(tail.bytes), "world");
  const waiting = client.streams.read(path, { offset: all.nextOffset, live: "long-poll" });
  await client.streams.append(path, "!", { contentType: "text/plain" });
  assert.is(new TextDecoder().decode((await waiting).bytes), "!");
  await client.streams.close(path);
  const refused = await rejection(client.streams.append(path, "more", { contentType: "text/plain" }));
  assert.equal([refused.status, refused.code], [409, "stream_closed"]);
  await client.streams.delete(path);
  assert.is((await rejection(client.streams.read(path))).status, 404);
});

test("tokens: without one a guarded server answers 401, with one it serves", async () => {
  const anonymous = new RivuletClient({ url: authed.url });
  const denied = await rejection(anonymous.topics.list());
  assert.equal([denied.status, denied.code, denied.retriable], [401, "unauthorized", false]);
  const ops = new RivuletClient({ url: authed.url, token: "ops-token-123" });
  const name = uniqueName("ca");
  await ops.topics.create(name);
  assert.equal(await ops.produce(name, [{ value: 1 }]), [{ partition: 0, offset: 0 }]);
});

test("produce: concurrent calls to one topic are numbered and sent one at a time, all stored once", async () => {
  const name = uniqueName("cc");
  await client.topics.create(name, { partitions: 2 });
  const own = new RivuletClient({ url: server.url });
  const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => own.produce(name, [{ value: i, partition: i % 2 }])));
  const offsets = calls.map(([p]) => `${p.partition}/${p.offset}`);
  assert.is(new Set(offsets).size, 20);
  const stored = (await client.fetch(name, 0)).records.length + (await client.fetch(name, 1)).records.length;
  assert.is(stored, 20);
});

test("produce: after the server forgot its producer (restarted with room for one, another registered) the client registers a new producer and goes on; `fetch` is the one given", async () => {
  const data = tempDir("rivulet-client-restart-");
  let b = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  let s = await serve(b, { host: "127.0.0.1", port: 0 });
  const port = s.port;
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const restarting = new RivuletClient({ url: s.url, fetch: counting });
  try {
    await restarting.topics.create("r");
    assert.equal(await restarting.produce("r", [{ value: "before" }]), [{ partition: 0, offset: 0 }]);
    await s.close();
    await b.close();
    // Producers survive a restart; this broker keeps only one, so registering another forgets the client's.
    b = await Broker.open({ dataDir: data.dir, maxWorkers: 1, limits: { requestProducersMax: 1 } });
    s = await serve(b, { host: "127.0.0.1", port });
    await b.initProducer();
    assert.equal(await restarting.produce("r", [{ value: "after" }]), [{ partition: 0, offset: 1 }]);
    assert.equal((await restarting.fetch("r", 0)).records.map((r) => r.value), ["before", "after"]);
    // create, init, produce; then produce refused (unknown producer), init, produce; fetch.
    assert.is(calls, 7);
  } finally {
    await s.close();
    await b.close();
    data.remove();
  }
});

test("network failures are RivuletHttpError network_error, retriable; produce gives up at its deadline", async () => {
  const closed = await startDropProxy(server.port);
  const url = closed.url;
  await closed.close();
  const nowhere = new RivuletClient({ url, deliveryTimeoutMs: 300 });
  const listed = await rejection(nowhere.topics.list());
  assert.equal([listed.status, listed.code, listed.retriable], [0, "network_error", true]);
  const produced = await rejection(nowhere.produce("t", [{ value: 1 }]));
  assert.is(produced.code, "network_error");
});

test.run();
