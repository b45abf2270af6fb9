import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeInputs, decodeResult, encodeInputs, encodeResult } from "./batch-codec.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

test("input records round-trip through one buffer, nulls and empty bytes kept apart", () => {
  const records = [
    { topic: "words", partition: 3, offset: 2 ** 40, timestamp: 1_700_000_000_123, key: bytes("k"), value: null },
    { topic: "app-x-repartition", partition: 0, offset: 0, timestamp: -5, key: null, value: new Uint8Array(0) },
    { topic: "words", partition: 3, offset: 2 ** 40 + 1, timestamp: 7, key: bytes("ü"), value: bytes("v") },
  ];
  const buffer = encodeInputs(records);
  assert.ok(buffer instanceof ArrayBuffer);
  assert.equal(decodeInputs(buffer), records);
  assert.equal(decodeInputs(encodeInputs([])), []);
});

test("results round-trip: outputs with and without a chosen partition, then changelog writes", () => {
  const outputs = [
    { topic: "out", key: bytes("a"), value: bytes("1"), timestamp: 10 },
    { topic: "app-by-user-repartition", key: bytes("b"), value: null, timestamp: 11, partition: 2 },
  ];
  const changelog = [
    { store: "counts", key: bytes("a"), value: bytes("1") },
    { store: "counts", key: bytes("gone"), value: null },
  ];
  assert.equal(decodeResult(encodeResult(outputs, changelog)), { outputs, changelog });
});

test.run();
