import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { RecordBlockBuilder, type RecordBlock } from "../record/record-block.ts";
import { BlockArenas } from "./block-arenas.ts";
import { BuilderPool } from "./builder-pool.ts";
import { PartitionSender, type SendPart } from "./partition-sender.ts";
import type { AppendBatchResult } from "./types.ts";
import { decodeRecords } from "../record/record-batch.ts";
import { encodeRecordBlock } from "../record/record-block-encoder.ts";

test("BlockArenas hands out an arena big enough, reuses given-back ones, and keeps at most bytesMax", () => {
  const arenas = new BlockArenas(256 * 1024);
  const a = arenas.take(100);
  assert.ok(a instanceof SharedArrayBuffer);
  assert.is(a.byteLength, 64 * 1024);
  const b = arenas.take(200_000);
  assert.is(b.byteLength, 256 * 1024);
  arenas.give(a);
  assert.ok(arenas.take(1000) === a, "a free arena is reused");
  arenas.give(a);
  arenas.give(b); // would exceed 256 KiB of free arenas: dropped
  assert.is(arenas.freeBytes, 64 * 1024);
  assert.ok(arenas.take(100_000) !== b);
});

function part(records: number): SendPart {
  const builder = new RecordBlockBuilder();
  for (let i = 0; i < records; i++) {
    builder.beginRecord(1000 + i);
    builder.writeKey(null);
    builder.writeValue(`value ${i}`);
    builder.writeHeaderCount(0);
    builder.endRecord();
  }
  return { builder, count: records, slots: Array.from({ length: records }, (_, i) => i), offsets: Array(records), done: 0, taken: 0, bytes: records * 40, resolve: () => {}, reject: () => {} };
}

test("a sender never packs into an arena the worker may still read: a failed attempt's arena is dropped, an answered one reused", async () => {
  const arenas = new BlockArenas(1 << 20);
  const builders = new BuilderPool(1 << 20);
  const seen: ArrayBufferLike[] = [];
  const values: string[][] = [];
  let calls = 0;
  const sender = new PartitionSender("t", 0, {
    arenas,
    builders,
    identity: async () => ({ producerId: 7, producerEpoch: 0 }),
    resetIdentity: () => {},
    deliveryTimeoutMs: 10_000,
    batchRecordsMax: 1000,
    batchBytesMax: 1 << 20,
    append: async (_topic, _partition, block: RecordBlock, batch): Promise<AppendBatchResult> => {
      seen.push(block.data.buffer);
      values.push(decodeRecords(encodeRecordBlock(block)).map((r) => new TextDecoder().decode(r.value!)));
      calls++;
      assert.is(builders.freeBytes, 0, "no builder is back before its batch is answered");
      assert.is(batch.baseSequence, calls <= 2 ? 0 : 3, "a retry keeps its sequence; the next batch follows it");
      if (calls === 1) throw new RivuletError("partition_unavailable", "restarting");
      return { baseOffset: 0, lastOffset: block.count - 1, logAppendTime: -1, logStartOffset: 0 };
    },
  });
  const first = part(3);
  sender.add(first);
  sender.kick();
  await sender.drained();
  assert.is(first.done, 3);
  const second = part(2);
  sender.add(second);
  sender.kick();
  await sender.drained();
  assert.is(seen.length, 3);
  assert.ok(seen[1] !== seen[0], "the retry packs into a new arena");
  assert.ok(seen[2] === seen[1], "an arena is reused once its batch was answered");
  assert.equal(values, [["value 0", "value 1", "value 2"], ["value 0", "value 1", "value 2"], ["value 0", "value 1"]], "the retry re-packs the same records");
  assert.ok(builders.freeBytes > 0, "answered builders are back in the pool");
});

test("BuilderPool hands back emptied builders and keeps at most bytesMax", () => {
  const pool = new BuilderPool(64 * 1024);
  const a = pool.take(10);
  a.beginRecord(1);
  a.writeKey(null);
  a.writeValue("v");
  a.writeHeaderCount(0);
  a.endRecord();
  pool.give(a);
  assert.is(pool.freeBytes, a.capacityBytes);
  const again = pool.take(10);
  assert.ok(again === a, "a free builder is reused");
  assert.is(again.count, 0);
  assert.is(again.dataLength, 0);
  const big = pool.take(1000);
  big.writeValue(new Uint8Array(100_000));
  pool.give(big); // larger than the pool: dropped
  assert.is(pool.freeBytes, 0);
});

test.run();
