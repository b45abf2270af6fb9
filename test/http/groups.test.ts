import { test } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../http/app.ts";
import { call, type FetchReply, openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const app = createApp(broker);
test.after(() => fixture.close());

interface Membership {
  member_id: string;
  generation: number;
  assignments: Array<{ topic: string; partition: number }>;
}
type Poll = FetchReply & Membership;
interface GroupReply {
  group_id: string;
  members: Array<{ member_id: string; assignments: Array<{ topic: string; partition: number }> }>;
  offsets: Array<{ topic: string; partition: number; offset: number | null; end_offset: number; lag: number }>;
  lag: number;
}

async function setup(partitions: number): Promise<{ topic: string; group: string }> {
  const topic = uniqueName("gt");
  await broker.createTopic(topic, { partitions });
  return { topic, group: uniqueName("group") };
}

async function produce(topic: string, count: number, from = 0): Promise<void> {
  const res = await call(app, "POST", `/v1/topics/${topic}/records`, { records: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: from + i })) });
  assert.is(res.status, 200);
}

const join = (group: string, body: unknown) => call<Membership>(app, "POST", `/v1/groups/${group}/members`, body);
const poll = (group: string, member: string, query = "") => call<Poll>(app, "GET", `/v1/groups/${group}/members/${member}/records${query}`);

test("POST members joins and GET member records polls every assigned partition once", async () => {
  const { topic, group } = await setup(3);
  await produce(topic, 20);
  const joined = await join(group, { topics: [topic] });
  assert.is(joined.status, 200);
  assert.type(joined.body.member_id, "string");
  assert.type(joined.body.generation, "number");
  assert.is(joined.body.assignments.length, 3);
  const seen: number[] = [];
  for (let i = 0; i < 5 && seen.length < 20; i++) {
    const polled = await poll(group, joined.body.member_id, "?max_records=7");
    assert.is(polled.status, 200);
    assert.ok(polled.body.records.length <= 7);
    for (const r of polled.body.records) {
      assert.is(r.topic, topic);
      assert.type(r.partition, "number");
      seen.push(r.value as number);
    }
    assert.is(polled.body.assignments.length, 3);
  }
  assert.equal(seen.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i), "each record exactly once");
  const empty = await poll(group, joined.body.member_id);
  assert.is(empty.body.records.length, 0);
});

test("POST offsets commits positions; describe shows committed offsets and lag", async () => {
  const { topic, group } = await setup(2);
  await produce(topic, 10);
  const { body: member } = await join(group, { topics: [topic] });
  await poll(group, member.member_id);
  const committed = await call<{ offsets: Array<{ offset: number }> }>(app, "POST", `/v1/groups/${group}/members/${member.member_id}/offsets`);
  assert.is(committed.status, 200);
  assert.is(committed.body.offsets.reduce((s, o) => s + o.offset, 0), 10);
  await produce(topic, 4, 10);
  const described = await call<GroupReply>(app, "GET", `/v1/groups/${group}`);
  assert.is(described.status, 200);
  assert.is(described.body.members.length, 1);
  assert.is(described.body.offsets.length, 2);
  assert.is(described.body.lag, 4);
  for (const o of described.body.offsets) assert.is(o.lag, o.end_offset - (o.offset ?? 0));
  const listed = await call<{ groups: Array<{ group_id: string }> }>(app, "GET", "/v1/groups");
  assert.ok(listed.body.groups.some((g) => g.group_id === group));
});

test("a new member resumes from the committed offset; explicit commits are taken as given", async () => {
  const { topic, group } = await setup(1);
  await produce(topic, 6);
  const { body: first } = await join(group, { topics: [topic] });
  const commit = await call(app, "POST", `/v1/groups/${group}/members/${first.member_id}/offsets`, { offsets: [{ topic, partition: 0, offset: 4 }] });
  assert.is(commit.status, 200);
  assert.is((await call(app, "DELETE", `/v1/groups/${group}/members/${first.member_id}`)).status, 204);
  assert.is((await poll(group, first.member_id)).status, 404, "a member that left is unknown");
  const { body: second } = await join(group, { topics: [topic] });
  const polled = await poll(group, second.member_id);
  assert.equal(polled.body.records.map((r) => r.value), [4, 5]);
});

test("auto.offset.reset latest skips what was there before the first poll", async () => {
  const { topic, group } = await setup(1);
  await produce(topic, 3);
  const { body: member } = await join(group, { topics: [topic], "auto.offset.reset": "latest" });
  assert.is((await poll(group, member.member_id)).body.records.length, 0);
  await produce(topic, 2, 3);
  assert.equal((await poll(group, member.member_id)).body.records.map((r) => r.value), [3, 4]);
});

test("GET member records with wait_ms waits for the first record on any partition", async () => {
  const { topic, group } = await setup(2);
  const { body: member } = await join(group, { topics: [topic] });
  const started = Date.now();
  const pending = poll(group, member.member_id, "?wait_ms=30000");
  await new Promise((r) => setTimeout(r, 150));
  await produce(topic, 1);
  const polled = await pending;
  const elapsed = Date.now() - started;
  assert.is(polled.body.records.length, 1);
  assert.ok(elapsed >= 140 && elapsed < 20_000, `answered after ${elapsed} ms, by the record, not the 30 s wait`);
});

test("two members split the partitions; when one stops polling the other gets everything", async () => {
  const { topic, group } = await setup(4);
  // a keeps polling, so its session is long: on a loaded machine a 1 s session could lapse
  // between two of its polls too. b's is short, and b goes silent.
  const { body: a } = await join(group, { topics: [topic], session_timeout_ms: 30_000 });
  const { body: b } = await join(group, { topics: [topic], session_timeout_ms: 1000 });
  const pa = await poll(group, a.member_id);
  const pb = await poll(group, b.member_id);
  assert.is(pa.body.generation, pb.body.generation);
  const owned = [...pa.body.assignments, ...pb.body.assignments].map((tp) => tp.partition).sort();
  assert.equal(owned, [0, 1, 2, 3], "disjoint and complete");
  assert.is(pa.body.assignments.length, 2);
  await produce(topic, 40);
  const deadline = Date.now() + 30_000; // a safety bound on the wait for b's eviction
  let last = pa;
  while (Date.now() < deadline) {
    last = await poll(group, a.member_id, "?wait_ms=200");
    if (last.body.assignments.length === 4) break;
  }
  assert.is(last.body.assignments.length, 4, "b was evicted and a owns all partitions");
  assert.ok(last.body.generation > pa.body.generation);
  assert.is((await poll(group, b.member_id)).status, 404, "the evicted member is unknown");
  const described = await call<GroupReply>(app, "GET", `/v1/groups/${group}`);
  assert.equal(described.body.members.map((m) => m.member_id), [a.member_id]);
});

test.run();
