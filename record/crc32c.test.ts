import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { crc32c } from "./crc32c.ts";

/** Bit-at-a-time CRC-32C, the definition the table-driven code must agree with. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

test("crc32c() matches the published check value and RFC 3720 vectors", () => {
  const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
  const descending = Uint8Array.from({ length: 32 }, (_, i) => 31 - i);
  assert.is(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  assert.is(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.is(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.is(crc32c(ascending), 0x46dd794e);
  assert.is(crc32c(descending), 0x113fdb5c);
  assert.is(crc32c(new Uint8Array(0)), 0);
});

test("crc32c() agrees with the bitwise definition at every alignment and length", () => {
  const buffer = new Uint8Array(600);
  for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 151 + 7) & 0xff;
  for (let offset = 0; offset < 8; offset++) {
    for (const length of [0, 1, 3, 15, 16, 17, 63, 64, 65, 100, 255, 256, 511]) {
      const slice = buffer.subarray(offset, offset + length);
      assert.is(crc32c(slice), referenceCrc32c(slice), `offset ${offset} length ${length}`);
    }
  }
});

test("crc32c() over random bytes equals the bitwise definition", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(7), (data, skip) => {
    const start = Math.min(skip, data.length);
    return crc32c(data, start) === referenceCrc32c(data.subarray(start));
  }), { numRuns: 300 });
});

test("crc32c() covers only [start, end)", () => {
  const data = new TextEncoder().encode("xx123456789yy");
  assert.is(crc32c(data, 2, 11), 0xe3069283);
  const big = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  assert.is(crc32c(big, 5, 900), referenceCrc32c(big.subarray(5, 900)));
});

test("crc32c() throws RangeError for a range outside the array", () => {
  const data = new Uint8Array(10);
  assert.throws(() => crc32c(data, 5, 11), (e: unknown) => e instanceof RangeError);
  assert.throws(() => crc32c(data, 6, 5), (e: unknown) => e instanceof RangeError);
  assert.throws(() => crc32c(data, -1), (e: unknown) => e instanceof RangeError);
});

test.run();
