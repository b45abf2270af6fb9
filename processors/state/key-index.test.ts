import { test } from "uvu";
import * as assert from "uvu/assert";
import { KeyIndex, hashBytes, hashString } from "./key-index.ts";

const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);

test("hashBytes and hashString agree on every byte value and length", () => {
  for (let length = 0; length < 40; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 13) & 0xff);
    assert.is(hashBytes(bytes, 0, length), hashString(binary(bytes)), `length ${length}`);
    const padded = new Uint8Array(length + 6);
    padded.set(bytes, 3);
    assert.is(hashBytes(padded, 3, 3 + length), hashString(binary(bytes)), `length ${length} at an offset`);
  }
  assert.is.not(hashString("\u0000"), hashString(""));
});

test("KeyIndex agrees with a Map over 60,000 random adds and removes across growth (backward-shift removal, reused entries)", () => {
  const index = new KeyIndex<number>();
  const model = new Map<string, number>();
  let seed = 3;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const keyBytes = (n: number) => Uint8Array.from(`${n % 7 === 0 ? "" : "k"}${n}`, (c) => c.charCodeAt(0));
  const scratch = new Uint8Array(64);
  for (let i = 0; i < 60_000; i++) {
    // Few keys early, many later: the table grows under removals.
    const n = next() % (i < 20_000 ? 500 : 8000);
    const bytes = keyBytes(n);
    const key = binary(bytes);
    scratch.set(bytes, 5);
    const entry = index.findBytes(scratch, 5, 5 + bytes.length);
    assert.is(entry, index.find(key));
    if (next() % 3 === 0) {
      if (entry >= 0) index.remove(entry);
      model.delete(key);
    } else if (entry >= 0) {
      index.slots[entry] = i;
      model.set(key, i);
    } else {
      const added = index.add(key, i);
      assert.is(index.keys[added], key);
      model.set(key, i);
    }
    assert.is(index.size, model.size);
    if (i % 5000 === 4999) {
      for (const [k, v] of model) assert.is(index.slots[index.find(k)], v, `${k} after ${i + 1} operations`);
      for (let m = 0; m < 8000; m++) if (!model.has(binary(keyBytes(m)))) assert.is(index.find(binary(keyBytes(m))), -1);
    }
  }
  // Entries are reused: never more than the most keys held at once.
  assert.ok(index.keys.length <= 8000);
  index.clear();
  assert.is(index.size, 0);
  assert.is(index.find("k1"), -1);
  assert.is(index.add("k1", 1), 0);
});

test.run();
