import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolDecodeError } from "./decode-error.ts";
import { Reader } from "./reader.ts";
import { chunkRefBytesMin, Writer } from "./writer.ts";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (text: string) => new Uint8Array((text.replace(/\s+/g, "").match(/../g) ?? []).map((h) => parseInt(h, 16)));

function throwsDecode(fn: () => unknown, pattern?: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, ProtocolDecodeError);
    assert.is((error as ProtocolDecodeError).code, "invalid_request");
    if (pattern) assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable("expected a ProtocolDecodeError");
}

test("Writer.int8/int16/int32/uint32/int64() write big-endian bytes", () => {
  const w = new Writer(16);
  w.int8(-1).int16(0x0102).int32(-2).uint32(0xfffffffe).int64(1).int64(-1).int64(2 ** 53 - 1).int64(-(2 ** 40) - 5);
  assert.is(hex(w.toBytes()), "ff" + "0102" + "fffffffe" + "fffffffe" + "0000000000000001" + "ffffffffffffffff" + "001fffffffffffff" + "fffffefffffffffb");
});

test("Reader.int8/int16/int32/uint32/int64() read what Writer wrote", () => {
  const w = new Writer();
  w.int8(-128).int16(-32768).int32(-2147483648).uint32(4294967295).int64(-(2 ** 53 - 1)).int64(1_700_000_000_123).boolean(true).boolean(false);
  const r = new Reader(w.toBytes());
  assert.equal([r.int8(), r.int16(), r.int32(), r.uint32(), r.int64(), r.int64(), r.boolean(), r.boolean()], [-128, -32768, -2147483648, 4294967295, -(2 ** 53 - 1), 1_700_000_000_123, true, false]);
  assert.is(r.remaining, 0);
});

test("Reader.int64() throws beyond ±2^53", () => {
  throwsDecode(() => new Reader(unhex("0020000000000000")).int64(), /beyond/);
  throwsDecode(() => new Reader(unhex("8000000000000000")).int64(), /beyond/);
});

test("Writer.int64() rejects unsafe integers", () => {
  assert.throws(() => new Writer().int64(2 ** 53), RangeError);
  assert.throws(() => new Writer().int64(1.5), RangeError);
});

test("Writer.string() and Reader.string() round-trip ASCII and UTF-8", () => {
  const w = new Writer(4);
  w.string("abc").string("héllo ✓ 𝄞").nullableString(null).nullableString("").string("x".repeat(300));
  const bytes = w.toBytes();
  assert.is(hex(bytes.subarray(0, 5)), "0003616263");
  const r = new Reader(bytes);
  assert.is(r.string(), "abc");
  assert.is(r.string(), "héllo ✓ 𝄞");
  assert.is(r.nullableString(), null);
  assert.is(r.nullableString(), "");
  assert.is(r.string(), "x".repeat(300));
  assert.is(r.remaining, 0);
});

test("Reader.string() throws on null, negative or overlong lengths", () => {
  throwsDecode(() => new Reader(unhex("ffff")).string(), /null/);
  throwsDecode(() => new Reader(unhex("fffe")).nullableString());
  throwsDecode(() => new Reader(unhex("000561")).string(), /needs 5 bytes/);
});

test("Reader.bytes() copies and nullableBytesView() does not", () => {
  const frame = unhex("00000002 abcd 00000002 1234 ffffffff");
  const r = new Reader(frame);
  const copy = r.bytes();
  const view = r.nullableBytesView();
  assert.is(r.nullableBytes(), null);
  assert.is(hex(copy), "abcd");
  assert.is(hex(view!), "1234");
  frame[4] = 0;
  frame[10] = 0;
  assert.is(hex(copy), "abcd", "copy is independent of the frame");
  assert.is(hex(view!), "0034", "view shares the frame");
  assert.is(view!.buffer, frame.buffer);
});

test("Reader.bytes() copies and views are plain Uint8Arrays even over a Node Buffer", async () => {
  const { Buffer } = await import("node:buffer");
  const frame = Buffer.from(unhex("00000002 abcd 00000001 12"));
  const r = new Reader(frame);
  const copy = r.bytes();
  const view = r.nullableBytesView()!;
  frame[4] = 0;
  assert.is(hex(copy), "abcd");
  assert.is(copy.constructor, Uint8Array);
  assert.is(view.constructor, Uint8Array, "so a later slice() copies");
  assert.is.not(view.slice().buffer, frame.buffer);
});

test("Reader.bytes() throws when the length passes the end", () => {
  throwsDecode(() => new Reader(unhex("7fffffff 00")).bytes(), /needs 2147483647 bytes/);
  throwsDecode(() => new Reader(unhex("ffffffff")).bytes(), /null/);
  throwsDecode(() => new Reader(unhex("fffffffe")).nullableBytes());
});

test("Reader.array() refuses counts that cannot fit before allocating", () => {
  throwsDecode(() => new Reader(unhex("7fffffff 00000001")).int32Array(), /cannot fit/);
  throwsDecode(() => new Reader(unhex("00000002 00000001")).int32Array(), /cannot fit/);
  throwsDecode(() => new Reader(unhex("ffffffff")).int32Array(), /null/);
  assert.is(new Reader(unhex("ffffffff")).nullableArray((r) => r.int32(), 4), null);
  assert.equal(new Reader(unhex("00000002 00000001 fffffffe")).int32Array(), [1, -2]);
});

test("Reader never reads past its end bound", () => {
  const bytes = unhex("0000000100000002");
  const r = new Reader(bytes, 0, 4);
  assert.is(r.int32(), 1);
  throwsDecode(() => r.int8());
  assert.throws(() => new Reader(bytes, 0, 9), RangeError);
});

test("Reader.rawView() rejects negative counts", () => {
  throwsDecode(() => new Reader(unhex("00")).rawView(-1));
});

test("Writer.varint()/varlong() and Reader.varint()/varlong() zig-zag as Kafka does", () => {
  const w = new Writer();
  w.varint(0).varint(-1).varint(1).varint(63).varint(-64).varint(64).varint(2147483647).varint(-2147483648);
  assert.is(hex(w.toBytes()), "00" + "01" + "02" + "7e" + "7f" + "8001" + "feffffff0f" + "ffffffff0f");
  const r = new Reader(w.toBytes());
  assert.equal(Array.from({ length: 8 }, () => r.varint()), [0, -1, 1, 63, -64, 64, 2147483647, -2147483648]);
  const values = [0, -1, 1, 300, -300, 1_700_000_000_000, -(2 ** 52), 2 ** 52 - 1];
  const wl = new Writer();
  for (const v of values) wl.varlong(v);
  const rl = new Reader(wl.toBytes());
  assert.equal(values.map(() => rl.varlong()), values);
  assert.throws(() => new Writer().varlong(2 ** 52), RangeError);
});

test("Reader.unsignedVarint() throws past 32 bits and on truncation", () => {
  throwsDecode(() => new Reader(unhex("ffffffff7f")).unsignedVarint(), /32 bits/);
  throwsDecode(() => new Reader(unhex("ffffffffff01")).unsignedVarint(), /32 bits/);
  throwsDecode(() => new Reader(unhex("80")).unsignedVarint(), /needs 1 bytes/);
  assert.is(new Reader(unhex("ffffffff0f")).unsignedVarint(), 0xffffffff);
  throwsDecode(() => new Reader(unhex("ffffffffffffffffff7f")).varlong(), /beyond/);
});

test("Writer compact types and Reader compact types round-trip", () => {
  const w = new Writer();
  w.compactString("topic").compactNullableString(null).compactString("ü").compactBytes(unhex("0102")).compactNullableBytes(null);
  w.compactArray([1, 2, 3], (x, v) => x.int32(v)).compactNullableArray(null, (x, v: number) => x.int32(v)).emptyTaggedFields();
  const bytes = w.toBytes();
  assert.is(hex(bytes.subarray(0, 6)), "06746f706963");
  const r = new Reader(bytes);
  assert.is(r.compactString(), "topic");
  assert.is(r.compactNullableString(), null);
  assert.is(r.compactString(), "ü");
  assert.is(hex(r.compactBytes()), "0102");
  assert.is(r.compactNullableBytes(), null);
  assert.equal(r.compactArray((x) => x.int32(), 4), [1, 2, 3]);
  assert.is(r.compactNullableArray((x) => x.int32(), 4), null);
  r.skipTaggedFields();
  assert.is(r.remaining, 0);
  throwsDecode(() => new Reader(unhex("00")).compactString(), /null/);
  throwsDecode(() => new Reader(unhex("00")).compactArray((x) => x.int32(), 4), /null/);
});

test("Reader.skipTaggedFields() skips unknown tags and checks their sizes", () => {
  const r = new Reader(unhex("02 00 02 aaaa 05 01 bb 07"));
  r.skipTaggedFields();
  assert.is(r.int8(), 7);
  throwsDecode(() => new Reader(unhex("01 00 05 aa")).skipTaggedFields(), /needs 5 bytes/);
  throwsDecode(() => new Reader(unhex("7f 00")).skipTaggedFields(), /cannot fit/);
});

test("Writer.raw() references large arrays instead of copying them", () => {
  const big = new Uint8Array(chunkRefBytesMin).fill(7);
  const w = new Writer(16);
  w.int32(big.length).raw(big).int16(9);
  const chunks = w.chunks();
  assert.is(chunks.length, 3);
  assert.is(chunks[1], big, "the caller's array itself is a chunk");
  assert.is(w.length, 4 + big.length + 2);
  const joined = w.toBytes();
  assert.is(joined.length, w.length);
  const r = new Reader(joined);
  assert.is(r.int32(), big.length);
  assert.ok(r.rawView(big.length).every((b) => b === 7));
  assert.is(r.int16(), 9);
});

test("Writer grows without losing closed chunks", () => {
  const big = new Uint8Array(chunkRefBytesMin + 1).fill(1);
  const w = new Writer(16);
  w.string("before");
  w.raw(big);
  for (let i = 0; i < 1000; i++) w.int32(i);
  const r = new Reader(w.toBytes());
  assert.is(r.string(), "before");
  r.rawView(big.length);
  for (let i = 0; i < 1000; i++) assert.is(r.int32(), i);
  assert.is(r.remaining, 0);
});

test.run();
