import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { OrderedStore } from "./ordered-store.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);
/** Unsigned byte order, written out independently of the store's own comparison. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
const keysOf = (store: OrderedStore, from?: Uint8Array, to?: Uint8Array) => [...store.range(from, to)].map(([k]) => [...k]);

test("OrderedStore orders keys by unsigned bytes, a prefix first", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 20 });
  for (const key of [bytes(0xff), bytes(1, 0), bytes(1), bytes(0x80), bytes(0)]) store.put(key, bytes(9));
  assert.equal(keysOf(store), [[0], [1], [1, 0], [0x80], [0xff]]);
  assert.equal(keysOf(store, bytes(1), bytes(0x80)), [[1], [1, 0]]);
});

test("OrderedStore put/get/delete agree with a Map over 20,000 random writes, across leaf splits", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  const model = new Map<string, Uint8Array>();
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 20_000; i++) {
    const n = next() % 3000;
    const key = text(`k${n}`);
    if (next() % 4 === 0) {
      store.put(key, null);
      model.delete(`k${n}`);
    } else {
      const value = bytes(i & 0xff, (i >> 8) & 0xff);
      store.put(key, value);
      model.set(`k${n}`, value);
    }
  }
  assert.is(store.size, model.size);
  let expectedBytes = 0;
  for (const [k, v] of model) {
    expectedBytes += text(k).length + v.length;
    assert.equal(store.get(text(k)), v);
  }
  assert.is(store.bytes, expectedBytes);
  const sorted = [...model.keys()].map(text).sort(compareBytes).map((k) => [...k]);
  assert.equal(keysOf(store), sorted);
  assert.is(store.get(text("absent")), undefined);
});

test("OrderedStore range() stays in order while writes interleave with reads (buffered keys merged one by one and in bulk)", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  const model = new Map<string, Uint8Array>();
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let round = 0; round < 60; round++) {
    // Rounds of 1 to ~600 writes, then an ordered read: small and large write buffers.
    const writes = round % 3 === 0 ? 1 + (next() % 600) : 1 + (next() % 20);
    for (let i = 0; i < writes; i++) {
      const name = `k${next() % 2000}`;
      if (next() % 3 === 0) {
        store.put(text(name), null);
        model.delete(name);
      } else {
        store.put(text(name), bytes(round));
        model.set(name, bytes(round));
      }
    }
    const expected = [...model.keys()].map(text).sort(compareBytes).map((k) => [...k]);
    assert.equal(keysOf(store), expected, `round ${round}`);
    const from = text("k1");
    const to = text("k5");
    assert.equal(keysOf(store, from, to), expected.filter((k) => compareBytes(new Uint8Array(k), from) >= 0 && compareBytes(new Uint8Array(k), to) < 0));
  }
  assert.is(store.size, model.size);
});

test("OrderedStore refuses a write past its memory limit with store_full and keeps its content", () => {
  const store = new OrderedStore("small", { bytesMax: 10 });
  store.put(text("ab"), text("cdef")); // 6 bytes
  try {
    store.put(text("gh"), text("ijk")); // would be 11
    assert.unreachable("the write fits");
  } catch (error) {
    assert.ok(isRivuletError(error, "store_full"), String(error));
    assert.match((error as Error).message, /processorStoreBytesMax/);
  }
  assert.is(store.size, 1);
  assert.is(store.bytes, 6);
  store.put(text("ab"), text("c")); // shrinking is always allowed
  store.put(text("gh"), text("ijk"));
  assert.is(store.bytes, 8);
});

test("OrderedStore.load() takes sorted entries and refuses unsorted ones", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 20 });
  const keys = Array.from({ length: 2000 }, (_, i) => text(String(i).padStart(5, "0")));
  store.load(keys, keys.map(() => bytes(1)));
  assert.is(store.size, 2000);
  assert.equal(store.get(text("01234")), bytes(1));
  store.put(text("00000"), null);
  store.put(text("99999"), bytes(2));
  assert.equal(keysOf(store).length, 2000);
  try {
    store.load([text("b"), text("a")], [bytes(1), bytes(2)]);
    assert.unreachable();
  } catch (error) {
    assert.ok(isRivuletError(error, "corrupt_record"));
  }
});

test.run();
