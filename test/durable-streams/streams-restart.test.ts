import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Limits } from "../../core/limits.ts";
import { STREAMS_TOPIC } from "../../durable-streams/meta-store.ts";
import { decodeStreamMeta, type StreamMeta } from "../../durable-streams/stream-meta.ts";
import { JSON_TYPE, openStreams, producer, TEXT, uniqueName, type StreamsFixture } from "../support/durable-streams/fixture.ts";

const noSnapshots: Partial<Limits> = { dsMaintenanceIntervalMs: 3_600_000 };
const eagerSnapshots: Partial<Limits> = { dsMaintenanceIntervalMs: 20, dsSnapshotIntervalMs: 20 };

type Names = { seq: string; prod: string; closed: string; json: string };

/** Creates the streams and writes part of their records. */
async function writeFirst(f: StreamsFixture, names: Names): Promise<void> {
  await f.send("PUT", names.seq, { headers: TEXT });
  await f.send("POST", names.seq, { headers: { ...TEXT, "stream-seq": "a" }, body: "1" });
  await f.send("PUT", names.prod, { headers: { ...TEXT, "stream-ttl": "3600" } });
  for (let seq = 0; seq < 2; seq++) await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 2, seq) }, body: `p${seq}` });
  await f.send("PUT", names.closed, { headers: TEXT, body: "a" });
  await f.send("PUT", names.json, { headers: JSON_TYPE, body: `[{"k":1},{"k":2}]` });
}

/** Writes the rest, closing one stream. */
async function writeRest(f: StreamsFixture, names: Names): Promise<void> {
  await f.send("POST", names.seq, { headers: { ...TEXT, "stream-seq": "b" }, body: "2" });
  for (let seq = 2; seq < 4; seq++) await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 2, seq) }, body: `p${seq}` });
  await f.send("POST", names.closed, { headers: { ...TEXT, "stream-closed": "true", ...producer("w", 0, 0) }, body: "z" });
}

/**
 * Waits until maintenance has written snapshots that hold writeFirst()'s writes (the last
 * Stream-Seq "a", producer p at epoch 2 seq 1), rather than for a time in which it should have.
 */
async function snapshotsWritten(f: StreamsFixture, names: Names): Promise<void> {
  const until = Date.now() + 20_000;
  const latest = new Map<string, StreamMeta>();
  let offset = 0;
  for (;;) {
    const { records, nextOffset } = await f.broker.fetch(STREAMS_TOPIC, 0, { offset, waitMs: 100 });
    for (const record of records) if (record.key && record.value) latest.set(new TextDecoder().decode(record.key), decodeStreamMeta(record.value));
    offset = nextOffset;
    const of = (name: string) => [...latest].find(([path]) => path.endsWith(`/${name}`))?.[1].snapshot;
    const seq = of(names.seq), prod = of(names.prod);
    if (seq?.streamSeq === "a" && prod?.producers.some(([id, epoch, last]) => id === "p" && epoch === 2 && last === 1)) return;
    if (Date.now() > until) throw new Error("no snapshot of the first writes within 20 s");
  }
}

async function check(f: StreamsFixture, names: Names): Promise<void> {
  assert.is((await f.send("POST", names.seq, { headers: { ...TEXT, "stream-seq": "b" }, body: "x" })).status, 409, "last Stream-Seq kept");
  assert.is((await f.send("POST", names.seq, { headers: { ...TEXT, "stream-seq": "c" }, body: "3" })).status, 204);
  assert.is(await (await f.send("GET", names.seq)).text(), "123");
  const dup = await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 2, 3) }, body: "p3" });
  assert.is(dup.status, 204, "the last producer batch is still a duplicate");
  assert.is(dup.headers.get("producer-seq"), "3");
  assert.is((await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 1, 0) }, body: "old" })).status, 403);
  const gap = await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 2, 5) }, body: "p5" });
  assert.is(gap.headers.get("producer-expected-seq"), "4");
  assert.is((await f.send("POST", names.prod, { headers: { ...TEXT, ...producer("p", 2, 4) }, body: "p4" })).status, 200);
  assert.is(await (await f.send("GET", names.prod)).text(), "p0p1p2p3p4");
  assert.is((await f.send("HEAD", names.prod)).headers.get("stream-ttl"), "3600");
  const closed = await f.send("HEAD", names.closed);
  assert.is(closed.headers.get("stream-closed"), "true");
  assert.is(closed.headers.get("stream-next-offset"), "0000000000000002_0000000000000000");
  assert.is((await f.send("POST", names.closed, { headers: TEXT, body: "late" })).status, 409);
  assert.is((await f.send("POST", names.closed, { headers: { ...TEXT, "stream-closed": "true", ...producer("w", 0, 0) }, body: "z" })).status, 204);
  assert.equal(await (await f.send("GET", names.json)).json(), [{ k: 1 }, { k: 2 }]);
  assert.is((await f.send("GET", names.json)).headers.get("content-type"), "application/json");
}

const streams = (): Names => ({ seq: uniqueName("seq"), prod: uniqueName("prod"), closed: uniqueName("closed"), json: uniqueName("json") });

test("createDurableStreamsApp() recovers every stream from the logs alone after a restart (no snapshot since creation)", async () => {
  const f = await openStreams({ limits: noSnapshots });
  try {
    const names = streams();
    await writeFirst(f, names);
    await writeRest(f, names);
    await f.restart();
    await check(f, names);
  } finally {
    await f.close();
  }
});

test("createDurableStreamsApp() recovers from periodic snapshots plus the records written after them", async () => {
  const f = await openStreams({ limits: eagerSnapshots });
  try {
    const names = streams();
    await writeFirst(f, names);
    await snapshotsWritten(f, names);
    await writeRest(f, names);
    await f.restart();
    await check(f, names);
  } finally {
    await f.close();
  }
});

test("createDurableStreamsApp() keeps forks and soft-deleted sources across a restart, and cascades afterwards", async () => {
  const f = await openStreams({ limits: noSnapshots });
  try {
    const source = uniqueName("src");
    const fork = uniqueName("fork");
    await f.send("PUT", source, { headers: TEXT, body: "shared" });
    await f.send("PUT", fork, { headers: { "stream-forked-from": `/v1/stream/${source}` }, body: "+own" });
    await f.send("DELETE", source);
    await f.restart();
    assert.is((await f.send("HEAD", source)).status, 410);
    assert.is(await (await f.send("GET", fork)).text(), "shared+own");
    assert.is((await f.send("DELETE", fork)).status, 204);
    assert.is((await f.send("HEAD", source)).status, 404);
    const left = (await f.broker.listTopics({ internal: true })).filter((t) => t.startsWith("__ds."));
    assert.equal(left, []);
  } finally {
    await f.close();
  }
});

test("createDurableStreamsApp() drops __ds. topics no stream refers to (a crash between topic and metadata)", async () => {
  const f = await openStreams({ limits: noSnapshots });
  try {
    const orphan = "__ds.00000000000000000000000000000000.000000000000";
    await f.broker.createTopic(orphan, { internal: true });
    await f.restart();
    await f.send("HEAD", uniqueName("any"));
    assert.not.ok((await f.broker.listTopics({ internal: true })).includes(orphan));
  } finally {
    await f.close();
  }
});

test("appends to a stream whose partition worker crashed wait for its restart and stay exactly-once", async () => {
  const f = await openStreams({ broker: { faultInjection: true } });
  try {
    const name = uniqueName("crash");
    await f.send("PUT", name, { headers: TEXT, body: "before|" });
    await f.send("POST", name, { headers: { ...TEXT, ...producer("p", 0, 0) }, body: "p0|" });
    const [topic] = (await f.broker.listTopics({ internal: true })).filter((t) => t.startsWith("__ds."));
    await f.broker.faults.crashPartition(topic, 0);
    const after = await f.send("POST", name, { headers: TEXT, body: "after|" });
    assert.is(after.status, 204);
    assert.is((await f.send("POST", name, { headers: { ...TEXT, ...producer("p", 0, 0) }, body: "p0|" })).status, 204);
    assert.is((await f.send("POST", name, { headers: { ...TEXT, ...producer("p", 0, 1) }, body: "p1|" })).status, 200);
    assert.is(await (await f.send("GET", name)).text(), "before|p0|after|p1|");
  } finally {
    await f.close();
  }
});

test.run();
