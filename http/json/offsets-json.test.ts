import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { offsetsJsonBytes } from "./offsets-json.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test("offsetsJsonBytes writes what JSON.stringify writes, for small, 2^31-crossing and largest safe offsets", () => {
  const edges = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 10 ** 8, 10 ** 8 + 7, 10 ** 15, 2 ** 53 - 1];
  const metadata = edges.map((offset, i) => ({ partition: i === 3 ? 2 ** 31 - 1 : i, offset }));
  assert.is(text(offsetsJsonBytes(metadata)), JSON.stringify({ offsets: metadata }));
  assert.is(text(offsetsJsonBytes([])), JSON.stringify({ offsets: [] }));
  fc.assert(
    fc.property(fc.array(fc.record({ partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }), offset: fc.maxSafeNat() }), { maxLength: 50 }), (metadata) => {
      assert.is(text(offsetsJsonBytes(metadata)), JSON.stringify({ offsets: metadata }));
    }),
  );
});

test.run();
