import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { DriverStore } from "./driver-store.ts";
import { compareBytes } from "./store-keys.ts";

// Up to 4,161 distinct keys: 3,000 writes fill several 512-key chunks and deletes still hit.
const key = fc.uint8Array({ minLength: 0, maxLength: 2, max: 63 });

test("DriverStore matches a sorted model under random puts, deletes and ranges (chunks split and empty)", () => {
  fc.assert(fc.property(
    fc.array(fc.record({ key, value: fc.option(fc.uint8Array({ maxLength: 3 }), { nil: null }) }), { maxLength: 3_000 }),
    key, key,
    (ops, a, b) => {
      const store = new DriverStore("s");
      const model = new Map<string, [Uint8Array, Uint8Array]>();
      for (const { key: k, value } of ops) {
        store.put(k, value);
        if (value === null) model.delete(k.join());
        else model.set(k.join(), [k, value]);
      }
      const sorted = [...model.values()].sort((x, y) => compareBytes(x[0], y[0]));
      assert.is(store.size, sorted.length);
      assert.is(store.bytes, sorted.reduce((n, [k, v]) => n + k.length + v.length, 0));
      assert.equal([...store.range()], sorted);
      const [from, to] = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
      assert.equal([...store.range(from, to)], sorted.filter(([k]) => compareBytes(k, from) >= 0 && compareBytes(k, to) < 0));
      for (const [k, v] of sorted) assert.equal(store.get(k), v);
    },
  ), { numRuns: 60 });
});

test("DriverStore copies what it is given, so callers may reuse their buffers", () => {
  const store = new DriverStore("s");
  const k = new Uint8Array([1]);
  const v = new Uint8Array([2]);
  store.put(k, v);
  k[0] = 9;
  v[0] = 9;
  assert.equal([...store.range()], [[new Uint8Array([1]), new Uint8Array([2])]]);
});

test.run();
