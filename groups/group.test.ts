// The Kafka-style group state machine, driven through GroupCoordinator with a manual clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeAssignment, encodeAssignment, encodeSubscription } from "./consumer-protocol.ts";
import { codeOf, flush, isSettled, joinRequest, setup } from "../test/support/groups/coordinator.ts";

const delay = 100; // defaultLimits.groupInitialRebalanceDelayMs
const bytes = (...xs: number[]) => Uint8Array.from(xs);

/** Two members A (leader) and B, Stable at generation 1. */
async function stablePair() {
  const env = setup();
  const { coordinator, timers } = env;
  const ja = coordinator.joinGroup(joinRequest("", { clientId: "a" }));
  const jb = coordinator.joinGroup(joinRequest("", { clientId: "b" }));
  timers.advance(2 * delay); // b arrived during the initial delay, which extends it once
  const [a, b] = await Promise.all([ja, jb]);
  const sb = coordinator.syncGroup({ groupId: "g", generationId: 1, memberId: b.memberId, assignments: [] });
  await coordinator.syncGroup({ groupId: "g", generationId: 1, memberId: a.memberId, assignments: [{ memberId: b.memberId, assignment: bytes(7) }] });
  await sb;
  return { ...env, a: a.memberId, b: b.memberId };
}

test("joinGroup() of one member completes after the initial delay; the leader gets itself; sync makes it Stable", async () => {
  const { coordinator, timers } = setup();
  const join = coordinator.joinGroup(joinRequest(""));
  assert.is((await coordinator.describeGroup("g")).state, "PreparingRebalance");
  timers.advance(delay - 1);
  assert.not.ok(await isSettled(join), "held during the initial delay");
  timers.advance(1);
  const joined = await join;
  assert.is(joined.outcome, "ok");
  assert.is(joined.generationId, 1);
  assert.is(joined.leader, joined.memberId);
  assert.is(joined.protocolName, "range");
  assert.ok(joined.memberId.startsWith("app-"));
  assert.equal(joined.members.map((m) => m.memberId), [joined.memberId]);
  assert.equal([...joined.members[0].metadata], [...joinRequest("").protocols[0].metadata]);
  assert.is((await coordinator.describeGroup("g")).state, "CompletingRebalance");
  const mine = await coordinator.syncGroup({ groupId: "g", generationId: 1, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: bytes(1, 2) }] });
  assert.equal([...mine], [1, 2]);
  assert.is((await coordinator.describeGroup("g")).state, "Stable");
  await coordinator.heartbeat("g", 1, joined.memberId);
});

test("joinGroup() with requireKnownMemberId answers member_id_required with the id, then accepts it", async () => {
  const { coordinator, timers } = setup();
  const first = await coordinator.joinGroup(joinRequest("", { requireKnownMemberId: true }));
  assert.is(first.outcome, "member_id_required");
  assert.ok(first.memberId.startsWith("app-"));
  const join = coordinator.joinGroup(joinRequest(first.memberId));
  timers.advance(delay);
  const joined = await join;
  assert.is(joined.outcome, "ok");
  assert.is(joined.memberId, first.memberId);
  assert.is(await codeOf(coordinator.joinGroup(joinRequest("never-issued"))), "unknown_member");
});

test("joinGroup() of a second member rebalances: heartbeats get rebalance_in_progress, both rejoin, the generation bumps, sync distributes the leader's assignment", async () => {
  const { coordinator, a, b } = await stablePair();
  const jc = coordinator.joinGroup(joinRequest("", { clientId: "c" }));
  assert.not.ok(await isSettled(jc), "held until the others rejoin");
  assert.is(await codeOf(coordinator.heartbeat("g", 1, a)), "rebalance_in_progress");
  assert.is(await codeOf(coordinator.heartbeat("g", 1, b)), "rebalance_in_progress");
  const ja = coordinator.joinGroup(joinRequest(a));
  assert.not.ok(await isSettled(jc), "still waiting for b");
  const jb = coordinator.joinGroup(joinRequest(b));
  const [ra, rb, rc] = await Promise.all([ja, jb, jc]);
  assert.equal([ra.generationId, rb.generationId, rc.generationId], [2, 2, 2]);
  assert.equal([ra.leader, rb.leader, rc.leader], [a, a, a]);
  assert.equal(ra.members.map((m) => m.memberId).sort(), [a, b, rc.memberId].sort());
  assert.equal(rb.members, []);
  assert.equal(rc.members, []);
  const sc = coordinator.syncGroup({ groupId: "g", generationId: 2, memberId: rc.memberId, assignments: [] });
  assert.not.ok(await isSettled(sc), "a follower's sync waits for the leader's");
  const assignment = encodeAssignment({ version: 0, partitions: [{ topic: "t", partition: 3 }], userData: null });
  const sa = await coordinator.syncGroup({ groupId: "g", generationId: 2, memberId: a, assignments: [{ memberId: rc.memberId, assignment }, { memberId: a, assignment: bytes(5) }] });
  assert.equal([...sa], [5]);
  assert.equal([...(await sc)], [...assignment]);
  const sb = await coordinator.syncGroup({ groupId: "g", generationId: 2, memberId: b, assignments: [] });
  assert.is(sb.length, 0, "a member with no entry gets empty bytes");
  await coordinator.heartbeat("g", 2, b);
  assert.is(await codeOf(coordinator.heartbeat("g", 1, b)), "illegal_generation");
  assert.is(await codeOf(coordinator.heartbeat("g", 2, "stranger")), "unknown_member");
});

test("joinGroup() evicts members that do not rejoin within the rebalance timeout", async () => {
  const { coordinator, timers, a, b } = await stablePair();
  const jc = coordinator.joinGroup(joinRequest("", { clientId: "c" }));
  const ja = coordinator.joinGroup(joinRequest(a));
  timers.advance(4_999);
  assert.not.ok(await isSettled(ja));
  timers.advance(1);
  const [ra, rc] = await Promise.all([ja, jc]);
  assert.is(ra.generationId, 2);
  assert.equal(ra.members.map((m) => m.memberId).sort(), [a, rc.memberId].sort());
  assert.is(await codeOf(coordinator.heartbeat("g", 2, b)), "unknown_member");
});

test("heartbeat() silence past the session timeout evicts the member and rebalances the rest", async () => {
  const { coordinator, timers, a, b } = await stablePair();
  for (let i = 0; i < 3; i++) {
    timers.advance(3_000);
    await coordinator.heartbeat("g", 1, a);
  }
  timers.advance(999); // b silent for 9,999 ms
  await coordinator.heartbeat("g", 1, b);
  timers.advance(3_000);
  await coordinator.heartbeat("g", 1, a);
  timers.advance(7_000); // b silent for 10,000 ms
  assert.is(await codeOf(coordinator.heartbeat("g", 1, a)), "rebalance_in_progress");
  const ra = await coordinator.joinGroup(joinRequest(a));
  assert.is(ra.generationId, 2);
  assert.equal(ra.members.map((m) => m.memberId), [a]);
  assert.is(await codeOf(coordinator.heartbeat("g", 2, b)), "unknown_member");
});

test("leaveGroup() removes the member and rebalances; the last one leaving empties the group", async () => {
  const { coordinator, a, b } = await stablePair();
  await coordinator.leaveGroup("g", [b]);
  assert.is((await coordinator.describeGroup("g")).state, "PreparingRebalance");
  const ra = await coordinator.joinGroup(joinRequest(a));
  assert.is(ra.generationId, 2);
  assert.is(await codeOf(coordinator.leaveGroup("g", [b])), "unknown_member");
  await coordinator.leaveGroup("g", [a]);
  const described = await coordinator.describeGroup("g");
  assert.is(described.state, "Dead", "no members and no offsets: forgotten");
});

test("leaveGroup() of a member whose join is held rejects that join with unknown_member", async () => {
  const { coordinator, a } = await stablePair();
  const jc = coordinator.joinGroup(joinRequest("", { clientId: "c" }));
  const cCode = codeOf(jc);
  const c = (await coordinator.describeGroup("g")).members.find((m) => m.clientId === "c")!;
  await coordinator.leaveGroup("g", [c.memberId]);
  assert.is(await cCode, "unknown_member");
  const ra = coordinator.joinGroup(joinRequest(a));
  assert.not.ok(await isSettled(ra), "b has not rejoined yet");
});

test("syncGroup() fails with rebalance_in_progress once a new rebalance starts, also for a held follower", async () => {
  const { coordinator, a, b } = await stablePair();
  const jc = coordinator.joinGroup(joinRequest("", { clientId: "c" }));
  assert.is(await codeOf(coordinator.syncGroup({ groupId: "g", generationId: 1, memberId: b, assignments: [] })), "rebalance_in_progress");
  const [ra, , rc] = await Promise.all([coordinator.joinGroup(joinRequest(a)), coordinator.joinGroup(joinRequest(b)), jc]);
  const held = codeOf(coordinator.syncGroup({ groupId: "g", generationId: ra.generationId, memberId: rc.memberId, assignments: [] }));
  await flush();
  await coordinator.leaveGroup("g", [b]); // CompletingRebalance → PreparingRebalance
  assert.is(await held, "rebalance_in_progress");
  assert.is(await codeOf(coordinator.syncGroup({ groupId: "g", generationId: 1, memberId: a, assignments: [] })), "illegal_generation");
});

test("joinGroup() picks the first protocol in the leader's order that every member supports, and refuses a member sharing none", async () => {
  const { coordinator, timers } = setup();
  const meta = encodeSubscription({ version: 0, topics: ["t"], userData: null });
  const protocols = (...names: string[]) => names.map((name) => ({ name, metadata: meta }));
  const ja = coordinator.joinGroup(joinRequest("", { protocols: protocols("sticky", "roundrobin", "range") }));
  const jb = coordinator.joinGroup(joinRequest("", { protocols: protocols("range", "roundrobin") }));
  timers.advance(2 * delay);
  const [ra, rb] = await Promise.all([ja, jb]);
  assert.is(ra.protocolName, "roundrobin");
  assert.is(rb.protocolName, "roundrobin");
  assert.is(await codeOf(coordinator.joinGroup(joinRequest("", { protocols: protocols("sticky") }))), "invalid_request");
  assert.is(await codeOf(coordinator.joinGroup(joinRequest("", { protocolType: "connect", protocols: protocols("range") }))), "invalid_request");
});

test("joinGroup() from a follower with unchanged metadata in Stable returns the current generation without rebalancing", async () => {
  const { coordinator, b } = await stablePair();
  const rb = await coordinator.joinGroup(joinRequest(b));
  assert.is(rb.generationId, 1);
  assert.equal(rb.members, []);
  assert.is((await coordinator.describeGroup("g")).state, "Stable");
});

test("joinGroup() extends the initial delay while new members keep arriving", async () => {
  const { coordinator, timers } = setup();
  const ja = coordinator.joinGroup(joinRequest(""));
  timers.advance(delay - 10);
  const jb = coordinator.joinGroup(joinRequest(""));
  timers.advance(10);
  assert.not.ok(await isSettled(ja), "a member joined during the delay: wait once more");
  timers.advance(delay);
  const [ra, rb] = await Promise.all([ja, jb]);
  assert.is(ra.generationId, 1);
  assert.is(rb.generationId, 1);
});

test("describeGroup() shows Kafka members with their consumer-protocol assignments decoded", async () => {
  const { coordinator, a, b } = await stablePair();
  const described = await coordinator.describeGroup("g");
  assert.is(described.protocolType, "consumer");
  assert.is(described.protocol, "range");
  assert.is(described.generationId, 1);
  assert.equal(described.members.map((m) => m.memberId), [a, b]);
  assert.equal(described.members.map((m) => m.clientId), ["a", "b"]);
  assert.equal(described.members[1].assignments, [], "bytes(7) does not decode: shown as raw bytes only");
  const ja = coordinator.joinGroup(joinRequest(a));
  const jb = coordinator.joinGroup(joinRequest(b));
  await Promise.all([ja, jb]);
  const assignment = encodeAssignment({ version: 0, partitions: [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }], userData: null });
  await coordinator.syncGroup({ groupId: "g", generationId: 2, memberId: a, assignments: [{ memberId: b, assignment }] });
  const after = await coordinator.describeGroup("g");
  assert.equal(after.members[1].assignments, decodeAssignment(assignment).partitions);
});

test("close() rejects held joins with closed and stops every timer", async () => {
  const { coordinator, timers, a } = await stablePair();
  const held = codeOf(coordinator.joinGroup(joinRequest(a)));
  await flush();
  await coordinator.close();
  assert.is(await held, "closed");
  assert.is(timers.size, 0);
  assert.is(await codeOf(coordinator.heartbeat("g", 1, a)), "closed");
});

test.run();
