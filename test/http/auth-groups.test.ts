import { test } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../http/app.ts";
import { call, type FetchReply, openTestBroker, uniqueName } from "../support/http/fixture.ts";

// Group rights over HTTP: every member route needs read on the group, the topics involved need
// read too, and a refusal leaves nothing joined, read or committed (checked as the admin).
const fixture = await openTestBroker();
const { broker } = fixture;
const app = createApp(broker, {
  auth: {
    tokens: [
      { name: "billing", token: "billing-secret", rights: [{ access: "read", topics: "pay*" }, { access: "write", topics: "pay*" }, { access: "read", groups: "billing*" }] },
      { name: "audit", token: "audit-secret", rights: [{ access: "read", topics: "pay*" }, { access: "read", groups: "audit" }] },
      { name: "nosy", token: "nosy-secret", rights: [{ access: "read", topics: "other" }, { access: "read", groups: "billing*" }] },
      { name: "ops", token: "ops-secret-1", rights: [{ access: "admin", topics: "*" }] },
    ],
  },
});
test.after(() => fixture.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const billing = as("billing-secret");
const audit = as("audit-secret");
const nosy = as("nosy-secret");
const ops = as("ops-secret-1");

interface Membership {
  member_id: string;
  generation: number;
  assignments: Array<{ topic: string; partition: number }>;
}
interface GroupReply {
  group_id: string;
  members: Array<{ member_id: string }>;
  offsets: Array<{ topic: string; partition: number; offset: number | null }>;
}

async function topicWithRecords(prefix: string, count: number): Promise<string> {
  const topic = uniqueName(prefix);
  await broker.createTopic(topic, { partitions: 1 });
  const res = await call(app, "POST", `/v1/topics/${topic}/records`, { records: Array.from({ length: count }, (_, i) => ({ value: i })) }, ops);
  assert.is(res.status, 200);
  return topic;
}

async function members(group: string): Promise<string[]> {
  const res = await call<GroupReply>(app, "GET", `/v1/groups/${group}`, undefined, ops);
  return res.status === 404 ? [] : res.body.members.map((m) => m.member_id);
}

async function committed(group: string, topic: string): Promise<number | null> {
  const res = await call<GroupReply>(app, "GET", `/v1/groups/${group}`, undefined, ops);
  return res.status === 404 ? null : res.body.offsets.find((o) => o.topic === topic)?.offset ?? null;
}

test("joining needs read on the group: 403 forbidden, nothing joined", async () => {
  const topic = await topicWithRecords("pay", 1);
  const group = uniqueName("audit-x");
  const res = await call(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] }, billing);
  assert.is(res.status, 403);
  assert.is(res.type, "application/problem+json");
  assert.is(res.body.code, "forbidden");
  assert.match(res.body.detail, /group/);
  assert.equal(await members(group), []);
});

test("joining needs read on every topic: 403, nothing joined", async () => {
  const topic = await topicWithRecords("pay", 1);
  const other = await topicWithRecords("orders", 1);
  const group = uniqueName("billing");
  const res = await call(app, "POST", `/v1/groups/${group}/members`, { topics: [topic, other] }, billing);
  assert.is(res.status, 403);
  assert.is(res.body.code, "forbidden");
  assert.match(res.body.detail, new RegExp(other));
  assert.equal(await members(group), []);
});

test("with both rights: join, poll, commit and leave go through", async () => {
  const topic = await topicWithRecords("pay", 3);
  const group = uniqueName("billing");
  const joined = await call<Membership>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] }, billing);
  assert.is(joined.status, 200);
  const member = joined.body.member_id;
  const polled = await call<FetchReply>(app, "GET", `/v1/groups/${group}/members/${member}/records`, undefined, billing);
  assert.is(polled.status, 200);
  assert.equal(polled.body.records.map((r) => r.value), [0, 1, 2]);
  const commit = await call(app, "POST", `/v1/groups/${group}/members/${member}/offsets`, undefined, billing);
  assert.is(commit.status, 200);
  assert.is(await committed(group, topic), 3);
  assert.is((await call(app, "DELETE", `/v1/groups/${group}/members/${member}`, undefined, billing)).status, 204);
  assert.equal(await members(group), []);
});

test("polling, committing and leaving need read on the group: 403 and the member is untouched", async () => {
  const topic = await topicWithRecords("pay", 2);
  const group = uniqueName("billing");
  const joined = await call<Membership>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] }, billing);
  const member = joined.body.member_id;
  const base = `/v1/groups/${group}/members/${member}`;
  assert.is((await call(app, "GET", `${base}/records`, undefined, audit)).status, 403);
  assert.is((await call(app, "POST", `${base}/offsets`, { offsets: [{ topic, partition: 0, offset: 2 }] }, audit)).status, 403);
  assert.is((await call(app, "DELETE", base, undefined, audit)).status, 403);
  assert.equal(await members(group), [member]);
  assert.is(await committed(group, topic), null);
  const polled = await call<FetchReply>(app, "GET", `${base}/records`, undefined, billing);
  assert.equal(polled.body.records.map((r) => r.value), [0, 1], "the refused poll moved no position");
});

test("polling a member whose topics the principal cannot read is 403; committing such a topic too", async () => {
  const topic = await topicWithRecords("pay", 2);
  const group = uniqueName("billing");
  const joined = await call<Membership>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] }, billing);
  const base = `/v1/groups/${group}/members/${joined.body.member_id}`;
  const poll = await call(app, "GET", `${base}/records`, undefined, nosy);
  assert.is(poll.status, 403);
  assert.is(poll.body.code, "forbidden");
  const commit = await call(app, "POST", `${base}/offsets`, { offsets: [{ topic, partition: 0, offset: 2 }] }, nosy);
  assert.is(commit.status, 403);
  assert.is(await committed(group, topic), null, "nothing committed");
  const polled = await call<FetchReply>(app, "GET", `${base}/records`, undefined, billing);
  assert.equal(polled.body.records.map((r) => r.value), [0, 1], "the refused poll handed out nothing");
});

test("describing a group needs read on it; offsets are shown for readable topics only", async () => {
  const topic = await topicWithRecords("pay", 1);
  const group = uniqueName("billing");
  const joined = await call<Membership>(app, "POST", `/v1/groups/${group}/members`, { topics: [topic] }, billing);
  await call(app, "GET", `/v1/groups/${group}/members/${joined.body.member_id}/records`, undefined, billing);
  await call(app, "POST", `/v1/groups/${group}/members/${joined.body.member_id}/offsets`, undefined, billing);
  const refused = await call(app, "GET", `/v1/groups/${group}`, undefined, audit);
  assert.is(refused.status, 403);
  assert.is(refused.body.code, "forbidden");
  const described = await call<GroupReply>(app, "GET", `/v1/groups/${group}`, undefined, billing);
  assert.is(described.status, 200);
  assert.equal(described.body.offsets.map((o) => [o.topic, o.offset]), [[topic, 1]]);
  const filtered = await call<GroupReply>(app, "GET", `/v1/groups/${group}`, undefined, nosy);
  assert.is(filtered.status, 200);
  assert.equal(filtered.body.offsets, [], "no offsets of a topic nosy cannot read");
});

test("GET /v1/groups lists only the groups the principal may use; the cluster admin sees all", async () => {
  const topic = await topicWithRecords("pay", 1);
  const mine = uniqueName("billing");
  await call(app, "POST", `/v1/groups/${mine}/members`, { topics: [topic] }, billing);
  await call(app, "POST", `/v1/groups/audit/members`, { topics: [topic] }, audit);
  const ids = async (headers: Record<string, string>) => (await call<{ groups: Array<{ group_id: string }> }>(app, "GET", "/v1/groups", undefined, headers)).body.groups.map((g) => g.group_id);
  const forBilling = await ids(billing);
  assert.ok(forBilling.includes(mine));
  assert.not.ok(forBilling.includes("audit"));
  assert.ok(forBilling.every((g) => g.startsWith("billing")));
  assert.equal(await ids(audit), ["audit"]);
  const forOps = await ids(ops);
  assert.ok(forOps.includes(mine) && forOps.includes("audit"));
  assert.is((await call(app, "GET", "/v1/groups")).status, 401);
});

test("/openapi.json says which right each group route needs", async () => {
  const doc = await call<{ paths: Record<string, Record<string, { "x-rivulet-access"?: string }>> }>(app, "GET", "/openapi.json");
  const access = (path: string, method: string) => doc.body.paths[path][method]["x-rivulet-access"];
  for (const [path, method] of [["/v1/groups/{group}/members", "post"], ["/v1/groups/{group}/members/{member}/records", "get"], ["/v1/groups/{group}/members/{member}/offsets", "post"], ["/v1/groups/{group}/members/{member}", "delete"], ["/v1/groups/{group}", "get"]]) {
    assert.is(access(path, method), "read on the group in the path", `${method} ${path}`);
  }
  assert.is(access("/v1/groups", "get"), "a valid bearer token");
  assert.is(access("/health", "get"), "none");
});

test("a malformed group id is 400 before any right is looked at", async () => {
  const res = await call(app, "POST", `/v1/groups/${"x".repeat(300)}/members`, { topics: ["pay"] }, billing);
  assert.is(res.status, 400);
});

test.run();
