import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import type { Consumer } from "../broker/consumer.ts";
import type { ConsumedRecord } from "../broker/types.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("consumer groups");
const text = (b: Uint8Array | null) => (b === null ? "" : new TextDecoder().decode(b));

async function pollUntil(consumer: Consumer, seen: ConsumedRecord[], count: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (seen.length < count && Date.now() < deadline) seen.push(...(await consumer.poll({ waitMs: 200 })));
}

test("Consumer.subscribe() splits partitions between two members and hands over on leave", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 4 });
  try {
    await broker.createTopic("events", { partitions: 4, config: { flush: "os" } });
    await broker.produce("events", Array.from({ length: 400 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    // a reads at most 50 records a poll, so it has not read its partitions out when it leaves
    // and b has to take them over (with no cap, a could read all 200 in one poll and b's count
    // would be met from its own partitions before the hand-over)
    const a = broker.consumer({ groupId: "g", fromBeginning: true, maxRecords: 50 });
    const b = broker.consumer({ groupId: "g", fromBeginning: true });
    await a.subscribe(["events"]);
    await b.subscribe(["events"]);
    const seenA: ConsumedRecord[] = await a.poll({ waitMs: 10 }); // picks up the rebalance caused by b
    const seenB: ConsumedRecord[] = [];
    const mine = (c: Consumer) => c.assignment().map((tp) => tp.partition).sort();
    assert.is(mine(a).length, 2);
    assert.is(mine(b).length, 2);
    assert.equal([...mine(a), ...mine(b)].sort(), [0, 1, 2, 3]);

    await pollUntil(a, seenA, 1);
    await pollUntil(b, seenB, 1);
    // a reads a bit then leaves; its commits are kept
    await a.close();
    await pollUntil(b, seenB, 400 - seenA.length);
    const all = [...seenA, ...seenB].map((r) => text(r.value));
    const unique = new Set(all);
    assert.is(unique.size, 400, "nothing skipped");
    assert.is(all.length, 400, "nothing read twice after a clean handover");
    assert.equal(mine(b), [0, 1, 2, 3]);
    await b.close();
    const description = await broker.groups.describeGroup("g");
    const committed = description.offsets.reduce((n, o) => n + o.offset, 0);
    assert.is(committed, 400, "committed positions cover every record");
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Consumer resumes from the group's committed offsets", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("resume", { partitions: 1, config: { flush: "os" } });
    await broker.produce("resume", Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })));
    const first = broker.consumer({ groupId: "r", fromBeginning: true, maxRecords: 4 });
    await first.subscribe(["resume"]);
    const got = await first.poll({ waitMs: 1000, maxRecords: 4 });
    assert.is(got.length, 4);
    await first.close();
    const second = broker.consumer({ groupId: "r", fromBeginning: true });
    await second.subscribe(["resume"]);
    const rest: ConsumedRecord[] = [];
    await pollUntil(second, rest, 6);
    assert.equal(rest.map((r) => r.offset), [4, 5, 6, 7, 8, 9]);
    await second.close();
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("a silent group member is evicted and its partitions reassigned", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2, limits: { sessionTimeoutMsMin: 100 } });
  try {
    await broker.createTopic("quiet", { partitions: 2, config: { flush: "os" } });
    const silent = broker.consumer({ groupId: "q", sessionTimeoutMs: 300 });
    // The active member's session is long: on a loaded machine 300 ms could lapse between two
    // of its own polls, and it would be evicted too.
    const active = broker.consumer({ groupId: "q", sessionTimeoutMs: 30_000 });
    await silent.subscribe(["quiet"]);
    await active.subscribe(["quiet"]);
    assert.is(active.assignment().length, 1);
    const deadline = Date.now() + 30_000; // a safety bound on the wait for the eviction
    while (active.assignment().length < 2 && Date.now() < deadline) await active.poll({ waitMs: 100 });
    assert.is(active.assignment().length, 2, "the active member owns both partitions after the silent one is evicted");
    await active.close();
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test("Consumer iterates with for await and sees new records as they arrive", async () => {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 1 });
  try {
    await broker.createTopic("stream", { partitions: 1 });
    const consumer = broker.consumer({ groupId: "it", fromBeginning: true, waitMs: 200 });
    await consumer.subscribe(["stream"]);
    setTimeout(() => void broker.produce("stream", [{ value: "one" }, { value: "two" }]), 50);
    const values: string[] = [];
    for await (const record of consumer) {
      values.push(text(record.value));
      if (values.length === 2) break;
    }
    assert.equal(values, ["one", "two"]);
    await consumer.close();
  } finally {
    await broker.close();
    tmp.remove();
  }
});

test.run();
