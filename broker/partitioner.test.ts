import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import fc from "fast-check";
import { murmur2 } from "./murmur2.ts";
import { keyPartition, Partitioner } from "./partitioner.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const require = createRequire(import.meta.url);

test("murmur2() matches the Java client's published test vectors", () => {
  // Values from Apache Kafka's UtilsTest.testMurmur2.
  const cases: Array<[string, number]> = [
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ];
  for (const [key, hash] of cases) assert.is(murmur2(utf8(key)), hash, key);
});

test("keyPartition() agrees with kafkajs's default partitioner on random keys", () => {
  const kafkajsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (k: Uint8Array) => number;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (key, partitions) => {
      const theirs = (kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % partitions;
      assert.is(keyPartition(key, partitions), theirs);
    }),
    { numRuns: 2000 },
  );
});

test("Partitioner.partition() is sticky without a key and rotates on nextBatch()", () => {
  const p = new Partitioner();
  const first = p.partition("t", null, 4);
  for (let i = 0; i < 10; i++) assert.is(p.partition("t", null, 4), first);
  p.nextBatch("t", 4);
  assert.is(p.partition("t", null, 4), (first + 1) % 4);
  assert.is(p.partition("t", utf8("alice"), 4), keyPartition(utf8("alice"), 4));
});

test.run();
