import { test } from "uvu";
import * as assert from "uvu/assert";
import { ValueColumn } from "./value-column.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

test("ValueColumn appends values end to end (short and long copies) and grows its block and offsets", () => {
  const column = ValueColumn.empty();
  const source = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
  const expected: Uint8Array[] = [];
  // Lengths 0..199 (the short loop below 65 bytes, set() above) past the first 4 KiB block and 1,024 offsets.
  for (let i = 0; i < 3000; i++) {
    const from = (i * 31) % 9000;
    const to = from + (i % 200);
    assert.is(column.append(source, from, to), i);
    expected.push(source.slice(from, to));
  }
  assert.is(column.count, 3000);
  assert.is(column.used, expected.reduce((n, v) => n + v.length, 0));
  for (let i = 0; i < 3000; i++) {
    assert.is(column.length(i), expected[i].length);
    assert.equal(column.view(i), expected[i]);
  }
  const out = new Uint8Array(300).fill(0xee);
  assert.is(column.copyInto(199, out, 5), 199);
  assert.equal(out.subarray(5, 204), expected[199]);
  assert.is(out[4], 0xee);
  assert.is(out[204], 0xee);
});

test("ValueColumn views stay valid when the block grows after them", () => {
  const column = ValueColumn.empty();
  column.append(bytes(1, 2, 3), 0, 3);
  const first = column.view(0);
  const blockBefore = column.bytes;
  const big = new Uint8Array(100_000).fill(9);
  column.append(big, 0, big.length); // past the first block: a new one
  assert.ok(column.bytes !== blockBefore);
  assert.equal(first, bytes(1, 2, 3));
  assert.equal(column.view(0), bytes(1, 2, 3));
});

test("ValueColumn counts dropped values as garbage and wants a compaction only past 1 MiB of garbage and more garbage than live bytes", () => {
  const column = ValueColumn.empty();
  const value = new Uint8Array(1024).fill(1);
  for (let i = 0; i < 3000; i++) column.append(value, 0, value.length); // ~2.9 MiB
  // 1,100 dropped: 1.07 MiB garbage, but less than the 1.9 MiB live.
  for (let i = 0; i < 1100; i++) column.drop(i);
  assert.is(column.dropped, 1100);
  assert.is(column.garbage, 1100 * 1024);
  assert.not.ok(column.wantsCompaction());
  for (let i = 1100; i < 1600; i++) column.drop(i);
  assert.ok(column.wantsCompaction(), "1.56 MiB garbage of 2.9 MiB");
  // Much garbage in proportion but under 1 MiB: not worth a copy.
  const small = ValueColumn.empty();
  for (let i = 0; i < 100; i++) small.append(value, 0, value.length);
  for (let i = 0; i < 99; i++) small.drop(i);
  assert.not.ok(small.wantsCompaction());
});

test.run();
