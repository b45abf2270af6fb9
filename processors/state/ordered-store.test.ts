import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { OrderedStore } from "./ordered-store.ts";
import { ValueColumn } from "./value-column.ts";
import { decodeSnapshot, encodeSnapshot } from "./snapshot-file.ts";

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

test("OrderedStore.loadColumns() serves values from the column until written, and counts bytes through updates and deletes", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 20 });
  const keys = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0, (i >> 8) & 0xff, i & 0xff));
  // Values of 0-3 bytes end to end: value i starts where value i - 1 ends.
  const starts = new Float64Array(1001);
  const model = new Map<string, Uint8Array>();
  let at = 0;
  const packed = new Uint8Array(3000);
  for (let i = 0; i < 1000; i++) {
    const value = bytes(i & 0xff, 1, 2).subarray(0, i % 4);
    starts[i] = at;
    packed.set(value, at);
    at += value.length;
    model.set(keys[i], value);
  }
  starts[1000] = at;
  store.loadColumns([...keys], new ValueColumn(packed.slice(0, at), starts, 1000));
  const bytesOf = () => [...model].reduce((n, [k, v]) => n + k.length + v.length, 0);
  assert.is(store.size, 1000);
  assert.is(store.bytes, bytesOf());
  for (const [k, v] of model) assert.equal(store.getBinary(k), v);
  // Updates (growing and shrinking), deletes and new keys among the loaded ones.
  for (let i = 0; i < 1000; i += 7) {
    const value = bytes(9, 9, 9, 9, 9).subarray(0, i % 6);
    store.putBinary(keys[i], value);
    model.set(keys[i], value);
  }
  for (let i = 3; i < 1000; i += 11) {
    store.putBinary(keys[i], null);
    model.delete(keys[i]);
  }
  store.put(bytes(0, 0, 0, 1), bytes(5));
  model.set(String.fromCharCode(0, 0, 0, 1), bytes(5));
  assert.is(store.size, model.size);
  assert.is(store.bytes, bytesOf());
  const sorted = [...model.keys()].sort();
  assert.equal([...store.range()].map(([k, v]) => [String.fromCharCode(...k), [...v]]), sorted.map((k) => [k, [...model.get(k)!]]));
  const out = new Uint8Array(8);
  assert.is(store.copyValueInto(keys[1], out, 2), 1);
  assert.is(out[2], 1);
  assert.is(store.copyValueInto("absent", out, 0), -1);
  assert.throws(() => store.loadColumns(["b", "a"], new ValueColumn(new Uint8Array(0), new Float64Array(3), 2)), (e: unknown) => isRivuletError(e, "corrupt_record"));
  assert.is(store.size, 0);
});

test("OrderedStore.putBinaryFrom() copies values into the column, which compacts as overwrites pile up (agrees with a Map)", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  const model = new Map<string, Uint8Array>();
  let seed = 5;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const source = Uint8Array.from({ length: 1 << 16 }, (_, i) => (i * 13) & 0xff);
  // ~6 MiB of values over 300 keys: the overwritten ones pass 1 MiB and half the column many times.
  for (let i = 0; i < 12_000; i++) {
    const key = `k${next() % 300}`;
    const op = next() % 10;
    if (op === 0) {
      store.putBinary(key, null);
      model.delete(key);
    } else if (op === 1) {
      const value = bytes(i & 0xff);
      store.putBinary(key, value);
      model.set(key, value);
    } else {
      const from = next() % 60_000;
      const to = from + (next() % 1000);
      store.putBinaryFrom(key, source, from, to);
      model.set(key, source.slice(from, to));
    }
    if (i % 3000 === 2999) for (const [k, v] of model) assert.equal(store.getBinary(k), v, `${k} after ${i + 1} writes`);
  }
  assert.is(store.size, model.size);
  assert.is(store.bytes, [...model].reduce((n, [k, v]) => n + k.length + v.length, 0));
  assert.equal([...store.range()].map(([k, v]) => [String.fromCharCode(...k), [...v]]), [...model.keys()].sort().map((k) => [k, [...model.get(k)!]]));
});

test("OrderedStore: a loaded run agrees with a Map through overwrites, deletes (put and changelog bytes), re-puts and new keys; the column stays compacted; snapshots taken midway read back", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  const model = new Map<string, Uint8Array>();
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const source = Uint8Array.from({ length: 1 << 16 }, (_, i) => (i * 29 + 3) & 0xff);
  // 4,000 loaded keys (every third of k0000..k11999) with 0-599 byte values: ~1.2 MiB of column.
  const loaded: string[] = [];
  const starts = new Float64Array(4001);
  const packed: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const key = `k${String(3 * i).padStart(5, "0")}`;
    const from = next() % 60_000;
    const value = source.slice(from, from + (next() % 600));
    loaded.push(key);
    starts[i] = packed.length;
    packed.push(...value);
    model.set(key, value);
  }
  starts[4000] = packed.length;
  store.loadColumns(loaded, new ValueColumn(Uint8Array.from(packed), starts, 4000));
  let live = packed.length; // value bytes in the model
  const set = (key: string, value: Uint8Array | null) => {
    live += (value?.length ?? 0) - (model.get(key)?.length ?? 0);
    if (value === null) model.delete(key);
    else model.set(key, value);
  };
  const check = (when: string) => {
    assert.is(store.size, model.size, `size ${when}`);
    assert.is(store.bytes, [...model].reduce((n, [k, v]) => n + k.length + v.length, 0), `bytes ${when}`);
    // Values read without get(), which would move every loaded key out of the run.
    const out = new Uint8Array(1024);
    for (const [k, v] of model) assert.equal(out.slice(0, store.copyValueInto(k, out, 0)), v, `${k} ${when}`);
    const sorted = [...model.keys()].sort();
    assert.equal([...store.range()].map(([k]) => String.fromCharCode(...k)), sorted, `order ${when}`);
    const back = decodeSnapshot(encodeSnapshot(1, store));
    assert.equal(back.keys, sorted, `snapshot keys ${when}`);
    for (let i = 0; i < sorted.length; i++) assert.equal(back.values.view(i), model.get(sorted[i]), `snapshot value of ${sorted[i]} ${when}`);
  };
  check("after the load");
  assert.is(store.getBinary("k00001"), undefined); // between run keys
  for (let i = 0; i < 30_000; i++) {
    const key = `k${String(next() % 12_000).padStart(5, "0")}`;
    const op = next() % 10;
    if (op === 0) {
      store.putBinary(key, null);
      set(key, null);
    } else if (op === 1) {
      // A changelog tombstone, key read from the record bytes.
      store.putFromBytes(Buffer.from(`xx${key}`, "latin1"), 2, 2 + key.length, -1, -1);
      set(key, null);
    } else if (op === 2) {
      // A changelog record: key and value from one buffer.
      const record = Buffer.concat([Buffer.from(key, "latin1"), Buffer.from(source.subarray(i % 1000, (i % 1000) + (i % 90)))]);
      store.putFromBytes(record, 0, key.length, key.length, record.length);
      set(key, new Uint8Array(record.subarray(key.length)));
    } else if (op === 3 && i % 2 === 0) {
      // A read: a loaded key moves from the run to the hash table, value and bytes unchanged.
      const expected = model.get(key);
      const got = i % 4 === 0 ? store.getBinary(key) : store.get(Uint8Array.from(key, (c) => c.charCodeAt(0)));
      assert.equal(got === undefined ? undefined : [...got], expected === undefined ? undefined : [...expected], `read ${key}`);
    } else if (op === 3) {
      const value = bytes(i & 0xff, 7);
      store.putBinary(key, value);
      set(key, value);
    } else {
      const from = next() % 60_000;
      const to = from + (next() % 600);
      store.putBinaryFrom(key, source, from, to);
      set(key, source.slice(from, to));
    }
    // The column never holds more than twice its live bytes, or its live bytes plus 1 MiB.
    assert.ok(store.columnBytes <= Math.max(2 * live, live + (1 << 20)), `column of ${store.columnBytes} bytes for ${live} live after ${i + 1} writes`);
    if (i % 10_000 === 9_999) check(`after ${i + 1} writes`);
  }
  for (const [k, v] of model) assert.equal(store.getBinary(k), v, `${k} read at the end`);
  check("after reading every key");
  // Every loaded key gone from the run (overwritten or deleted): the store goes on from the hash table alone.
  for (const key of loaded) {
    store.putBinary(key, bytes(1));
    set(key, bytes(1));
  }
  check("after overwriting every loaded key");
});

test.run();
