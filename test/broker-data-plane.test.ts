import { test } from "uvu";
import * as assert from "uvu/assert";
import { Broker } from "../groups/broker.ts";
import { isRivuletError } from "../core/errors.ts";
import { tempDir } from "./support/temp-dir.ts";

const tmp = tempDir();
const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
test.after(async () => {
  await broker.close();
  tmp.remove();
});
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

test("fetch from earliest and latest is resolved by the partition: earliest reads from the log start, latest waits for the next append", async () => {
  await broker.createTopic("named", { partitions: 1, config: { flush: "os" } });
  await broker.produce("named", [{ value: "a" }, { value: "b" }]);
  const earliest = await broker.fetch("named", 0, { offset: "earliest" });
  assert.equal(earliest.records.map((r) => [r.offset, text(r.value)]), [[0, "a"], [1, "b"]]);
  assert.is(earliest.nextOffset, 2);
  const now = await broker.fetch("named", 0, { offset: "latest" });
  assert.is(now.records.length, 0);
  assert.is(now.nextOffset, 2);
  const waiting = broker.fetch("named", 0, { offset: "latest", waitMs: 30_000 });
  await broker.produce("named", [{ value: "c" }]);
  const woken = await waiting;
  assert.equal(woken.records.map((r) => [r.offset, text(r.value)]), [[2, "c"]]);
  const bad = await broker.fetch("named", 0, { offset: "newest" as "latest" }).catch((e) => e);
  assert.ok(isRivuletError(bad, "invalid_offset"));
});

test("a produce call with a bad record anywhere writes none of it, and the error names the record", async () => {
  await broker.createTopic("strict", { partitions: 4, config: { flush: "os", "message.max.bytes": 500 } });
  const good = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
  const bads: Array<[object, string]> = [
    [{ value: "x".repeat(600) }, "record_too_large"],
    [{ value: 5 }, "invalid_record"],
    [{ value: "v", partition: 4 }, "unknown_partition"],
    [{ value: "v", headers: [["h"]] }, "invalid_record"],
  ];
  for (const [bad, code] of bads) {
    const records = [...good.slice(0, 37), bad, ...good.slice(37)];
    const error = await broker.produce("strict", records as never).catch((e) => e);
    assert.ok(isRivuletError(error, code as never), `${code}: ${error}`);
    assert.match(error.message, /^records\[37\]: /);
    assert.is(error.info.index, 37);
  }
  const description = await broker.describeTopic("strict");
  assert.equal(description.partitions.map((p) => p.endOffset), [0, 0, 0, 0]);
  const metadata = await broker.produce("strict", good);
  assert.is(metadata.length, 50);
});

test("a compacted topic refuses a record without a key, named by its index, and writes nothing of the call", async () => {
  await broker.createTopic("compacted", { partitions: 3, config: { flush: "os", "cleanup.policy": "compact" } });
  const records = Array.from({ length: 30 }, (_, i) => ({ key: i === 17 ? null : `k${i}`, value: `${i}` }));
  const error = await broker.produce("compacted", records).catch((e) => e);
  assert.ok(isRivuletError(error, "invalid_record"), String(error));
  assert.match(error.message, /records\[17\]/);
  assert.equal((await broker.describeTopic("compacted")).partitions.map((p) => p.endOffset), [0, 0, 0]);
  await broker.produce("compacted", [{ key: "a", value: "1", partition: 0 }, { key: "b", value: null, partition: 0 }]);
  assert.is((await broker.describeTopic("compacted")).partitions[0].endOffset, 2);
});

test("records produced through blocks read back byte for byte, with headers, null keys and values, across batches and partitions", async () => {
  await broker.createTopic("blocks", { partitions: 3, config: { flush: "always" } });
  const producer = broker.producer({ batchSize: 7 });
  const sent = Array.from({ length: 100 }, (_, i) => ({
    key: i % 5 === 0 ? null : `key-${i % 13}`,
    value: i % 11 === 0 ? null : i % 2 ? new Uint8Array(i * 3).fill(i) : `välue ${i} ${"😀".repeat(i % 4)}`,
    headers: i % 3 ? [["n", `${i}`], ["n", null]] as Array<[string, string | null]> : undefined,
    timestamp: 1_000_000 + i,
  }));
  const metadata = await producer.sendBatch("blocks", sent);
  for (let i = 0; i < sent.length; i++) {
    const { partition, offset } = metadata[i];
    const [record] = (await broker.fetch("blocks", partition, { offset, maxRecords: 1 })).records;
    const s = sent[i];
    assert.is(record.offset, offset);
    assert.is(record.timestamp, s.timestamp);
    assert.equal(record.key, s.key === null ? null : new TextEncoder().encode(s.key));
    assert.equal(record.value, s.value === null ? null : typeof s.value === "string" ? new TextEncoder().encode(s.value) : s.value);
    assert.equal(record.headers, (s.headers ?? []).map(([n, v]) => [n, v === null ? null : new TextEncoder().encode(v)]));
  }
});

test.run();
