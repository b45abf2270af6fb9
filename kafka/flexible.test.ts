/**
 * Flexible versions on a real listener, request by request: response header v1 (a tagged-field
 * section after the correlation id) for flexible APIs, the batched FindCoordinator v4 and
 * OffsetFetch v8 answered per key and group, ListGroups v4 state filters, the authorized
 * operations of Metadata v9 and DescribeGroups v5, and flexible and older requests pipelined
 * on one connection. Bodies are written with @platformatic/kafka's encoders and read with its
 * parsers.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { clusterOperations, groupOperations, topicOperations } from "./handlers/authorized-operations.ts";
import { startHarness, type Harness } from "../test/support/kafka/harness.ts";
import { correlationOf, RawClient, requestFrame } from "../test/support/kafka/raw-client.ts";
import { pltBody, pltParse } from "../test/support/kafka/protocol/platformatic.ts";

let h: Harness;

test.before(async () => {
  h = await startHarness();
  await h.broker.createTopic("flex", { partitions: 2 });
  await h.broker.groups.commitOffsets("flex-a", -1, "", [{ topic: "flex", partition: 0, offset: 5 }, { topic: "flex", partition: 1, offset: 7 }]);
  await h.broker.groups.commitOffsets("flex-b", -1, "", [{ topic: "flex", partition: 1, offset: 2 }]);
});

test.after(async () => {
  await h.close();
});

/** Sends one request whose body @platformatic/kafka encoded; returns the response body after header v1. */
async function call(client: RawClient, apiKey: number, version: number, correlationId: number, body: Uint8Array): Promise<Uint8Array> {
  client.send(requestFrame(apiKey, version, correlationId, (w) => w.raw(body)));
  const frame = await client.next(10_000);
  assert.ok(frame, "answered");
  assert.is(correlationOf(frame), correlationId);
  assert.is(frame[4], 0, "response header v1: an empty tagged-field section");
  return frame.subarray(5);
}

test("Metadata v9 answers with topic and cluster authorized operations when asked", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    const parsed = pltParse("metadataV9", 3, 9, await call(client, 3, 9, 1, pltBody("metadataV9", ["flex"], false, true))) as {
      topics: Array<{ name: string; topicAuthorizedOperations: number; partitions: unknown[] }>;
    };
    assert.equal(parsed.topics.map((t) => [t.name, t.partitions.length, t.topicAuthorizedOperations]), [["flex", 2, topicOperations(null, "flex")]]);
    const unasked = pltParse("metadataV9", 3, 9, await call(client, 3, 9, 2, pltBody("metadataV9", ["flex"], false, false))) as { topics: Array<{ topicAuthorizedOperations: number }> };
    assert.is(unasked.topics[0]?.topicAuthorizedOperations, -2147483648, "not asked: INT32_MIN");
  } finally {
    client.close();
  }
});

test("FindCoordinator v4 answers every key of a batch", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    const parsed = pltParse("findCoordinatorV4", 10, 4, await call(client, 10, 4, 1, pltBody("findCoordinatorV4", 0, ["flex-a", "flex-b"]))) as { coordinators: Array<{ key: string; nodeId: number; port: number; errorCode: number }> };
    assert.equal(parsed.coordinators.map((c) => [c.key, c.nodeId, c.port, c.errorCode]), [["flex-a", 1, h.listener.port, 0], ["flex-b", 1, h.listener.port, 0]]);
  } finally {
    client.close();
  }
});

test("OffsetFetch v8 answers each group of a batch with its own offsets", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    const body = pltBody("offsetFetchV8", [{ groupId: "flex-a", topics: [{ name: "flex", partitionIndexes: [0, 1] }] }, { groupId: "flex-b", topics: null }, { groupId: "flex-none", topics: [{ name: "flex", partitionIndexes: [0] }] }], false);
    const parsed = pltParse("offsetFetchV8", 9, 8, await call(client, 9, 8, 1, body)) as { groups: Array<{ groupId: string; errorCode: number; topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: bigint }> }> }> };
    const offsets = parsed.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, Number(p.committedOffset)]))]);
    assert.equal(offsets, [
      ["flex-a", 0, [["flex", 0, 5], ["flex", 1, 7]]],
      ["flex-b", 0, [["flex", 1, 2]]],
      ["flex-none", 0, [["flex", 0, -1]]],
    ]);
  } finally {
    client.close();
  }
});

test("ListGroups v4 lists states and filters by them (Kafka's or @platformatic/kafka's spelling)", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    const all = pltParse("listGroupsV4", 16, 4, await call(client, 16, 4, 1, pltBody("listGroupsV4", []))) as { groups: Array<{ groupId: string; groupState: string }> };
    const flex = all.groups.filter((g) => g.groupId.startsWith("flex-"));
    assert.equal(flex.map((g) => [g.groupId, g.groupState]).sort(), [["flex-a", "Empty"], ["flex-b", "Empty"]]);
    for (const [id, filter] of [[2, ["EMPTY"]], [3, ["Empty", "Stable"]]] as const) {
      const listed = pltParse("listGroupsV4", 16, 4, await call(client, 16, 4, id, pltBody("listGroupsV4", filter))) as { groups: Array<{ groupId: string }> };
      assert.ok(listed.groups.some((g) => g.groupId === "flex-a"), `${filter} keeps empty groups`);
    }
    const stable = pltParse("listGroupsV4", 16, 4, await call(client, 16, 4, 4, pltBody("listGroupsV4", ["STABLE"]))) as { groups: Array<{ groupId: string }> };
    assert.equal(stable.groups.filter((g) => g.groupId.startsWith("flex-")), [], "no stable group");
  } finally {
    client.close();
  }
});

test("DescribeGroups v5 answers group authorized operations when asked", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    const parsed = pltParse("describeGroupsV5", 15, 5, await call(client, 15, 5, 1, pltBody("describeGroupsV5", ["flex-a"], true))) as { groups: Array<{ groupId: string; groupState: string; authorizedOperations: number }> };
    assert.equal(parsed.groups.map((g) => [g.groupId, g.groupState, g.authorizedOperations]), [["flex-a", "Empty", groupOperations(null, "flex-a")]]);
  } finally {
    client.close();
  }
});

test("flexible and older requests pipelined on one connection are answered in order, each in its header version", async () => {
  const client = await RawClient.connect(h.listener.port);
  try {
    client.send(requestFrame(12, 4, 10, (w) => w.raw(pltBody("heartbeatV4", "flex-a", 1, "nobody", null))));
    client.send(requestFrame(12, 3, 11, (w) => w.string("flex-a").int32(1).string("nobody").nullableString(null)));
    client.send(requestFrame(18, 3, 12, (w) => w.raw(pltBody("apiVersionsV3", "raw", "1"))));
    const frames = [await client.next(), await client.next(), await client.next()];
    assert.equal(frames.map((f) => (f ? correlationOf(f) : null)), [10, 11, 12]);
    assert.is(frames[0]!.length, 4 + 1 + 4 + 2 + 1, "v4: header tag section, throttle, error, body tag section");
    assert.is(frames[1]!.length, 4 + 4 + 2, "v3: header v0, throttle, error");
    assert.is(new DataView(frames[0]!.buffer, frames[0]!.byteOffset).getInt16(9), 25, "UNKNOWN_MEMBER_ID in the flexible layout");
    assert.is(new DataView(frames[2]!.buffer, frames[2]!.byteOffset).getInt16(4), 0, "ApiVersions v3 keeps response header v0");
  } finally {
    client.close();
  }
});

test("authorized operations follow the principal's rights", () => {
  const reader = { name: "r", rights: [{ access: "read" as const, topics: "orders" }, { access: "read" as const, groups: "g*" }] };
  const admin = { name: "a", rights: [{ access: "admin" as const, topics: "*" }] };
  const bit = (n: number) => 1 << n;
  assert.is(topicOperations(reader, "orders"), bit(3) | bit(8) | bit(10), "read, describe, describe configs");
  assert.is(topicOperations(reader, "payments"), 0);
  assert.is(topicOperations(admin, "payments"), topicOperations(null, "payments"));
  assert.is(clusterOperations(reader), 0);
  assert.is(clusterOperations(admin), clusterOperations(null));
  assert.is(groupOperations(reader, "g1"), bit(3) | bit(6) | bit(8));
  assert.is(groupOperations(reader, "h1"), 0);
});

test.run();
