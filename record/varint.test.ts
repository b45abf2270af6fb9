import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { isRivuletError } from "../core/errors.ts";
import { readVarint, readVarlong, sizeOfVarint, VarintReader, writeVarint, writeVarlong } from "./varint.ts";

/** Reference zig-zag LEB128 of any int64 through BigInt. */
function referenceVarlong(value: number): number[] {
  const v = BigInt(value);
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(10);
  return out.subarray(0, writeVarint(out, 0, value));
}

function encodeVarlong(value: number): Uint8Array {
  const out = new Uint8Array(10);
  return out.subarray(0, writeVarlong(out, 0, value));
}

test("writeVarint() writes Kafka's zig-zag encodings", () => {
  const cases: Array<[number, string]> = [
    [0, "00"], [-1, "01"], [1, "02"], [63, "7e"], [-64, "7f"], [64, "80 01"], [-65, "81 01"],
    [300, "d8 04"], [2147483647, "fe ff ff ff 0f"], [-2147483648, "ff ff ff ff 0f"],
  ];
  for (const [value, expected] of cases) assert.is(hex(encodeVarint(value)), expected, String(value));
});

test("writeVarlong() matches a BigInt reference across the safe-integer range", () => {
  const edges = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1_700_000_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  for (const value of edges) assert.is(hex(encodeVarlong(value)), hex(Uint8Array.from(referenceVarlong(value))), String(value));
  fc.assert(fc.property(fc.maxSafeInteger(), (value) => hex(encodeVarlong(value)) === hex(Uint8Array.from(referenceVarlong(value)))));
});

test("sizeOfVarint() equals the bytes written", () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => sizeOfVarint(value) === encodeVarint(value).length));
  fc.assert(fc.property(fc.maxSafeInteger(), (value) => sizeOfVarint(value) === encodeVarlong(value).length));
  for (const value of [63, 64, -64, -65, 8191, 8192, -8192, -8193, Number.MAX_SAFE_INTEGER]) {
    assert.is(sizeOfVarint(value), encodeVarlong(value).length, String(value));
  }
});

test("readVarint() and readVarlong() round trip what was written", () => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (value) => {
    const bytes = encodeVarint(value);
    const read = readVarint(bytes, 0);
    return read.value === value && read.size === bytes.length;
  }));
  fc.assert(fc.property(fc.maxSafeInteger(), (value) => {
    const bytes = encodeVarlong(value);
    const read = readVarlong(bytes, 0);
    return read.value === value && read.size === bytes.length;
  }));
});

test("VarintReader reads consecutive values and advances its position", () => {
  const bytes = Uint8Array.from([0x01, 0x80, 0x01, ...referenceVarlong(-1_700_000_000_000), 0x02]);
  const reader = new VarintReader(bytes, 0);
  assert.is(reader.readVarint(), -1);
  assert.is(reader.readVarint(), 64);
  assert.is(reader.readVarlong(), -1_700_000_000_000);
  assert.is(reader.readVarlong(), 1);
  assert.is(reader.position, bytes.length);
});

test("readVarint() throws corrupt_record for a varint longer than 32 bits", () => {
  const tooLong = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f]);
  assert.throws(() => readVarint(tooLong, 0), (e: unknown) => isRivuletError(e, "corrupt_record"));
  const sixBytes = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
  assert.throws(() => readVarint(sixBytes, 0), (e: unknown) => isRivuletError(e, "corrupt_record"));
});

test("readVarlong() throws corrupt_record outside the safe-integer range", () => {
  // The zig-zag form of 2^53 is 2^54, written here through BigInt.
  const big = new Uint8Array(10);
  let z = 1n << 54n;
  let n = 0;
  while (z >= 0x80n) { big[n++] = Number(z & 0x7fn) | 0x80; z >>= 7n; }
  big[n++] = Number(z);
  assert.throws(() => readVarlong(big, 0), (e: unknown) => isRivuletError(e, "corrupt_record"));
  assert.throws(() => readVarlong(new Uint8Array(10).fill(0xff), 0), (e: unknown) => isRivuletError(e, "corrupt_record"));
  const minSafe = Uint8Array.from(referenceVarlong(Number.MIN_SAFE_INTEGER));
  assert.is(readVarlong(minSafe, 0).value, Number.MIN_SAFE_INTEGER);
});

test.run();
