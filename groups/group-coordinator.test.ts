// Offsets, managed members, limits and lifecycle of GroupCoordinator.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { codeOf, FileOffsetStore, flush, isSettled, joinRequest, MemoryOffsetStore, setup } from "../test/support/groups/coordinator.ts";

const delay = 100;

/** One Kafka member, Stable at generation 1. */
async function stableOne(env = setup()) {
  const join = env.coordinator.joinGroup(joinRequest(""));
  env.timers.advance(delay);
  const { memberId } = await join;
  await env.coordinator.syncGroup({ groupId: "g", generationId: 1, memberId, assignments: [] });
  return { ...env, a: memberId };
}

test("commitOffsets() accepts the current generation; fetchOffsets() gives unknown partitions offset -1, metadata null", async () => {
  const { coordinator, clock, a } = await stableOne();
  await coordinator.commitOffsets("g", 1, a, [{ topic: "t", partition: 0, offset: 42, metadata: "m" }]);
  const fetched = await coordinator.fetchOffsets("g", [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }]);
  assert.equal(fetched, [
    { topic: "t", partition: 0, offset: 42, metadata: "m", commitTimestamp: clock.now() },
    { topic: "t", partition: 1, offset: -1, metadata: null, commitTimestamp: -1 },
  ]);
  assert.equal((await coordinator.fetchOffsets("other")), []);
});

test("commitOffsets() accepts the previous generation during PreparingRebalance, then refuses it once the rebalance completed", async () => {
  const { coordinator, a } = await stableOne();
  const jb = coordinator.joinGroup(joinRequest(""));
  await coordinator.commitOffsets("g", 1, a, [{ topic: "t", partition: 0, offset: 5 }]);
  const ja = coordinator.joinGroup(joinRequest(a));
  await Promise.all([ja, jb]);
  assert.is(await codeOf(coordinator.commitOffsets("g", 2, a, [{ topic: "t", partition: 0, offset: 6 }])), "rebalance_in_progress", "CompletingRebalance");
  await coordinator.syncGroup({ groupId: "g", generationId: 2, memberId: a, assignments: [] });
  assert.is(await codeOf(coordinator.commitOffsets("g", 1, a, [{ topic: "t", partition: 0, offset: 7 }])), "illegal_generation");
  assert.is(await codeOf(coordinator.commitOffsets("g", 2, "stranger", [{ topic: "t", partition: 0, offset: 7 }])), "unknown_member");
  await coordinator.commitOffsets("g", 2, a, [{ topic: "t", partition: 0, offset: 8 }]);
  assert.is((await coordinator.fetchOffsets("g", [{ topic: "t", partition: 0 }]))[0].offset, 8);
});

test("commitOffsets() with generation -1 and no member id works for a group without members, not for one with members", async () => {
  const { coordinator, a } = await stableOne();
  await coordinator.commitOffsets("simple", -1, "", [{ topic: "t", partition: 1, offset: 3 }]);
  assert.is((await coordinator.describeGroup("simple")).state, "Empty");
  assert.is(await codeOf(coordinator.commitOffsets("g", -1, "", [{ topic: "t", partition: 1, offset: 3 }])), "unknown_member");
  assert.is(await codeOf(coordinator.commitOffsets("fresh", 1, "x", [{ topic: "t", partition: 1, offset: 3 }])), "unknown_member");
  await coordinator.leaveGroup("g", [a]);
  await coordinator.commitOffsets("g", -1, "", [{ topic: "t", partition: 1, offset: 4 }]);
  assert.is((await coordinator.fetchOffsets("g", [{ topic: "t", partition: 1 }]))[0].offset, 4);
});

test("commitOffsets() stores offsets -1 and -2 as given and refuses -3 and fractions with invalid_offset", async () => {
  const { coordinator } = setup();
  await coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: -1 }, { topic: "t", partition: 1, offset: -2 }]);
  assert.equal((await coordinator.fetchOffsets("s")).map((c) => c.offset), [-1, -2]);
  assert.is(await codeOf(coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: -3 }])), "invalid_offset");
  assert.is(await codeOf(coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: 1.5 }])), "invalid_offset");
  assert.is(await codeOf(coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: -1, offset: 1 }])), "invalid_request");
});

test("commitOffsets() resolves only after the store's append, and only then is the offset visible", async () => {
  const store = new MemoryOffsetStore();
  let open!: () => void;
  store.gate = new Promise((resolve) => (open = resolve));
  const { coordinator } = setup({ store });
  const commit = coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: 9 }]);
  assert.not.ok(await isSettled(commit));
  assert.is((await coordinator.fetchOffsets("s", [{ topic: "t", partition: 0 }]))[0].offset, -1);
  open();
  await commit;
  assert.is(store.entries.length, 1);
  assert.is((await coordinator.fetchOffsets("s", [{ topic: "t", partition: 0 }]))[0].offset, 9);
});

test("commitOffsets() survive a new coordinator over a file-backed store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-groups-"));
  try {
    const path = join(dir, "offsets.jsonl");
    const first = setup({ store: new FileOffsetStore(path) });
    await first.coordinator.load();
    await first.coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: 1 }, { topic: "u", partition: 1, offset: 7, metadata: "x" }]);
    await first.coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: 2 }]);
    await first.coordinator.close();
    const second = setup({ store: new FileOffsetStore(path) });
    await second.coordinator.load();
    const fetched = await second.coordinator.fetchOffsets("s");
    assert.equal(fetched.map((c) => [c.topic, c.partition, c.offset, c.metadata]), [["t", 0, 2, null], ["u", 1, 7, "x"]]);
    assert.equal(await second.coordinator.listGroups(), [{ groupId: "s", protocolType: "", state: "Empty" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("joinManaged() splits partitions between two members; when one leaves the other gets them all", async () => {
  const { coordinator } = setup();
  const a = await coordinator.joinManaged("m", ["t"], { clientId: "a" });
  assert.equal(a.generation, 1);
  assert.equal(a.assignments.length, 4);
  const b = await coordinator.joinManaged("m", ["t"], { clientId: "b" });
  assert.is(b.generation, 2);
  const pa = await coordinator.pollManaged("m", a.memberId);
  assert.is(pa.generation, 2);
  assert.is(pa.assignments.length + b.assignments.length, 4);
  const all = [...pa.assignments, ...b.assignments].map((tp) => tp.partition).sort();
  assert.equal(all, [0, 1, 2, 3]);
  const first = a.memberId < b.memberId ? pa : b; // range: the lower member id gets the first half
  assert.equal(first.assignments, [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }]);
  await coordinator.leaveGroup("m", [b.memberId]);
  const after = await coordinator.pollManaged("m", a.memberId);
  assert.is(after.generation, 3);
  assert.equal(after.assignments.map((tp) => tp.partition), [0, 1, 2, 3]);
  const described = await coordinator.describeGroup("m");
  assert.is(described.protocolType, "rivulet");
  assert.is(described.protocol, "range");
  assert.is(described.state, "Stable");
  assert.equal(described.members[0].assignments.length, 4);
});

test("joinManaged() members that stop polling are evicted after their session timeout", async () => {
  const { coordinator, timers } = setup();
  const a = await coordinator.joinManaged("m", ["t", "u"], { sessionTimeoutMs: 5_000, assignor: "roundrobin" });
  const b = await coordinator.joinManaged("m", ["t", "u"]);
  for (let i = 0; i < 4; i++) {
    timers.advance(2_000);
    await coordinator.pollManaged("m", b.memberId);
  }
  assert.is(await codeOf(coordinator.pollManaged("m", a.memberId)), "unknown_member");
  const pb = await coordinator.pollManaged("m", b.memberId);
  assert.is(pb.generation, 3);
  assert.is(pb.assignments.length, 6);
  timers.advance(10_000);
  assert.is((await coordinator.describeGroup("m")).state, "Dead");
});

test("commitOffsets() from a managed member is refused with illegal_generation for a partition it no longer owns", async () => {
  const { coordinator } = setup();
  const a = await coordinator.joinManaged("m", ["u"]);
  await coordinator.commitOffsets("m", a.generation, a.memberId, [{ topic: "u", partition: 1, offset: 10 }]);
  const b = await coordinator.joinManaged("m", ["u"]);
  const owner = a.memberId < b.memberId ? a : b;
  const loser = owner === a ? b : a;
  assert.is(await codeOf(coordinator.commitOffsets("m", a.generation, a.memberId, [{ topic: "u", partition: 0, offset: 11 }])), "illegal_generation", "stale generation");
  const view = await coordinator.pollManaged("m", loser.memberId);
  assert.equal(view.assignments, [{ topic: "u", partition: 1 }]);
  assert.is(await codeOf(coordinator.commitOffsets("m", view.generation, loser.memberId, [{ topic: "u", partition: 0, offset: 11 }])), "illegal_generation", "not owned");
  await coordinator.commitOffsets("m", -1, loser.memberId, [{ topic: "u", partition: 1, offset: 12 }]);
  assert.equal((await coordinator.fetchOffsets("m")).map((c) => c.offset), [12]);
});

test("joinManaged() refuses unknown topics with unknown_topic and bad options with invalid_request", async () => {
  const { coordinator } = setup();
  assert.is(await codeOf(coordinator.joinManaged("m", ["t", "nope"])), "unknown_topic");
  assert.is(await codeOf(coordinator.joinManaged("m", [])), "invalid_request");
  assert.is(await codeOf(coordinator.joinManaged("m", ["t"], { sessionTimeoutMs: 1 })), "invalid_request");
  assert.is((await coordinator.describeGroup("m")).state, "Dead", "a refused join leaves no group behind");
  await coordinator.joinManaged("m", ["t"], { assignor: "roundrobin" });
  assert.is(await codeOf(coordinator.joinManaged("m", ["t"], { assignor: "range" })), "invalid_request");
});

test("a group cannot mix Kafka and managed members, but both see the same offsets", async () => {
  const { coordinator, a } = await stableOne();
  assert.is(await codeOf(coordinator.joinManaged("g", ["t"])), "invalid_request");
  await coordinator.commitOffsets("g", 1, a, [{ topic: "t", partition: 2, offset: 20 }]);
  await coordinator.leaveGroup("g", [a]);
  const m = await coordinator.joinManaged("g", ["t"]);
  assert.is(m.generation, 3, "the generation carries on from the Kafka group's");
  assert.is((await coordinator.fetchOffsets("g", [{ topic: "t", partition: 2 }]))[0].offset, 20);
  assert.is(await codeOf(coordinator.joinGroup(joinRequest(""))), "invalid_request");
});

test("describeGroup() of an unknown group is Dead with no members; listGroups() lists every kind", async () => {
  const { coordinator } = await stableOne();
  assert.equal(await coordinator.describeGroup("nope"), { groupId: "nope", state: "Dead", protocolType: "", protocol: "", generationId: 0, members: [], offsets: [] });
  await coordinator.joinManaged("m", ["t"]);
  await coordinator.commitOffsets("s", -1, "", [{ topic: "t", partition: 0, offset: 1 }]);
  assert.equal(await coordinator.listGroups(), [
    { groupId: "g", protocolType: "consumer", state: "Stable" },
    { groupId: "m", protocolType: "rivulet", state: "Stable" },
    { groupId: "s", protocolType: "", state: "Empty" },
  ]);
});

test("joinGroup() and joinManaged() refuse past groupMembersMax and groupsMax with typed errors", async () => {
  const { coordinator } = setup({ limits: { groupMembersMax: 2, groupsMax: 2 } });
  await coordinator.joinManaged("m", ["t"]);
  await coordinator.joinManaged("m", ["t"]);
  assert.is(await codeOf(coordinator.joinManaged("m", ["t"])), "too_many_members");
  coordinator.joinGroup(joinRequest("")).catch(() => {});
  coordinator.joinGroup(joinRequest("")).catch(() => {});
  assert.is(await codeOf(coordinator.joinGroup(joinRequest(""))), "too_many_members");
  assert.is(await codeOf(coordinator.joinManaged("third", ["t"])), "too_many_groups");
  assert.is(await codeOf(coordinator.commitOffsets("third", -1, "", [{ topic: "t", partition: 0, offset: 1 }])), "too_many_groups");
  await coordinator.close();
});

test("close() stops session timers and refuses later calls with closed", async () => {
  const { coordinator, timers } = setup();
  await coordinator.joinManaged("m", ["t"]);
  assert.ok(timers.size > 0);
  await coordinator.close();
  assert.is(timers.size, 0);
  assert.is(await codeOf(coordinator.joinManaged("m", ["t"])), "closed");
  assert.is(await codeOf(coordinator.commitOffsets("s", -1, "", [])), "closed");
  await flush();
});

test("requests made while load() runs wait for the committed offsets; a failed load fails them and the next request loads again", async () => {
  const entries = [{ groupId: "billing", topic: "t", partition: 0, offset: 42, metadata: null, commitTimestamp: 1 }];
  let release!: (value: typeof entries) => void;
  let fail!: (error: Error) => void;
  let loads = 0;
  const store = {
    load: () => {
      loads++;
      return new Promise<typeof entries>((resolve, reject) => ((release = resolve), (fail = reject)));
    },
    append: async () => {},
  };
  const { coordinator } = setup({ store });
  coordinator.load().catch(() => {}); // as Broker.open does: in the background
  const early = coordinator.fetchOffsets("billing");
  assert.not.ok(await isSettled(early), "waits for the load");
  fail(new Error("offsets partition restarting"));
  assert.match(String(await early.catch((e: unknown) => e)), /offsets partition restarting/);
  const retried = coordinator.fetchOffsets("billing");
  assert.is(loads, 2, "the next request loads again");
  release(entries);
  assert.equal((await retried).map((c) => [c.topic, c.partition, c.offset]), [["t", 0, 42]]);
  assert.equal((await coordinator.fetchOffsets("billing")).map((c) => c.offset), [42]);
  assert.is(loads, 2, "loaded once for good");
});

test("in a cluster: not_coordinator until becomeLeader; a new leader epoch drops groups and offsets and loads the store again; resign answers not_coordinator", async () => {
  const store = new MemoryOffsetStore();
  const env = setup({ store });
  const { coordinator } = env;
  await coordinator.load(); // alone, at open
  await coordinator.commitOffsets("g", -1, "", [{ topic: "t", partition: 0, offset: 5 }]);
  coordinator.useCluster();
  assert.not.ok(coordinator.coordinating);
  assert.is(await codeOf(coordinator.fetchOffsets("g")), "not_coordinator", "what it loaded alone is not served");
  assert.is(await codeOf(coordinator.joinGroup(joinRequest(""))), "not_coordinator");
  assert.equal(await coordinator.listGroups(), [], "ListGroups on a broker that coordinates nothing: none");
  coordinator.becomeLeader(3);
  assert.ok(coordinator.coordinating);
  assert.equal((await coordinator.fetchOffsets("g")).map((c) => c.offset), [5], "loaded at becoming leader");
  const { a } = await stableOne(env);
  await coordinator.commitOffsets("g", 1, a, [{ topic: "t", partition: 0, offset: 7 }]);
  // a held JoinGroup of a second member, answered not_coordinator when the coordinator resigns
  const held = coordinator.joinGroup(joinRequest(""));
  const heldDone = held.then(() => "joined", (e: { code?: string }) => e.code);
  coordinator.resign();
  assert.is(await heldDone, "not_coordinator");
  assert.is(await codeOf(coordinator.fetchOffsets("g")), "not_coordinator");
  // meanwhile another broker led the partition and acknowledged a later commit (the store answers the latest per key)
  store.entries = [{ groupId: "g", topic: "t", partition: 0, offset: 9, metadata: null, commitTimestamp: 2 }];
  coordinator.becomeLeader(5);
  assert.equal((await coordinator.fetchOffsets("g")).map((c) => c.offset), [9], "loaded again at the new epoch: the later commit, not the one held before");
  assert.is(await codeOf(coordinator.heartbeat("g", 1, a)), "unknown_member", "members of the earlier term rejoin");
  coordinator.becomeLeader(5);
  store.entries.push({ groupId: "g", topic: "t", partition: 1, offset: 1, metadata: null, commitTimestamp: 3 });
  assert.equal((await coordinator.fetchOffsets("g")).map((c) => c.offset), [9], "the same epoch again changes nothing");
});

test("in a cluster: a request waiting for a leader's load that is superseded by a newer epoch answers from the newer load; a load from an older term is ignored", async () => {
  const releases: Array<(entries: unknown[]) => void> = [];
  const store = {
    load: () => new Promise<never[]>((resolve) => releases.push(resolve as (entries: unknown[]) => void)),
    append: async () => {},
  };
  const { coordinator } = setup({ store });
  coordinator.useCluster();
  coordinator.becomeLeader(1);
  const waiting = coordinator.fetchOffsets("g");
  coordinator.becomeLeader(2);
  assert.is(releases.length, 2, "the newer epoch loads again");
  releases[0]([{ groupId: "g", topic: "t", partition: 0, offset: 1, metadata: null, commitTimestamp: 1 }]);
  assert.not.ok(await isSettled(waiting), "the older term's load does not serve");
  releases[1]([{ groupId: "g", topic: "t", partition: 0, offset: 2, metadata: null, commitTimestamp: 2 }]);
  assert.equal((await waiting).map((c) => c.offset), [2]);
});

test("in a cluster: a request waiting for a load that fails because the broker resigned answers not_coordinator, not the partition's error", async () => {
  let fail!: (error: Error) => void;
  const store = { load: () => new Promise<never[]>((_, reject) => (fail = reject)), append: async () => {} };
  const { coordinator } = setup({ store });
  coordinator.useCluster();
  coordinator.becomeLeader(1);
  const waiting = coordinator.fetchOffsets("g");
  coordinator.resign();
  fail(new RivuletError("not_leader", "this broker no longer leads __consumer_offsets/0"));
  assert.is(await codeOf(waiting), "not_coordinator");
});

test.run();
