import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { Compression } from "./batch-layout.ts";
import { compress, compressionName, decompress } from "./compression.ts";

const sample = Uint8Array.from({ length: 5000 }, (_, i) => (i % 50) + 32);

test("compress() and decompress() round trip gzip", () => {
  const packed = compress(sample, Compression.gzip);
  assert.ok(packed.length < sample.length / 4, `gzip left ${packed.length} bytes`);
  assert.is(packed[0], 0x1f); // gzip magic
  assert.is(packed[1], 0x8b);
  assert.equal(Array.from(decompress(packed, Compression.gzip, 1 << 20)), Array.from(sample));
});

test("compress() and decompress() pass bytes through for none", () => {
  assert.is(compress(sample, Compression.none), sample);
  assert.is(decompress(sample, Compression.none, 10), sample);
});

test("compress() and decompress() throw invalid_record for snappy, lz4 and zstd", () => {
  for (const codec of [Compression.snappy, Compression.lz4, Compression.zstd]) {
    const named = (e: unknown) => isRivuletError(e, "invalid_record") && e.message.includes(`unsupported compression ${compressionName(codec)}`);
    assert.throws(() => compress(sample, codec), named);
    assert.throws(() => decompress(sample, codec, 1 << 20), named);
  }
});

test("decompress() throws corrupt_record for bytes that are not gzip", () => {
  assert.throws(() => decompress(Uint8Array.from([1, 2, 3, 4, 5]), Compression.gzip, 1 << 20), (e: unknown) => isRivuletError(e, "corrupt_record"));
  const packed = compress(sample, Compression.gzip);
  assert.throws(() => decompress(packed.subarray(0, packed.length - 6), Compression.gzip, 1 << 20), (e: unknown) => isRivuletError(e, "corrupt_record"));
});

test("decompress() throws record_too_large past maxBytes", () => {
  const bomb = compress(new Uint8Array(1 << 20), Compression.gzip);
  assert.throws(() => decompress(bomb, Compression.gzip, 64 * 1024), (e: unknown) => isRivuletError(e, "record_too_large"));
});

test.run();
