import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tempDir } from "../../test/support/temp-dir.ts";
import { TaskStores, snapshotPath } from "./task-stores.ts";
import { decodeSnapshot, encodeSnapshot, encodeSnapshotV1 } from "./snapshot-file.ts";
import { OrderedStore } from "./ordered-store.ts";

const text = (s: string) => new TextEncoder().encode(s);
const read = (v: Uint8Array | undefined) => (v === undefined ? undefined : new TextDecoder().decode(v));

function filled(dir: string, warnings: string[] = []): TaskStores {
  const stores = new TaskStores(dir, { storeBytesMax: 1 << 20, warn: (m) => warnings.push(m) });
  stores.open("counts");
  return stores;
}

/** A decoded snapshot's entries as text. */
function entriesOf(snapshot: ReturnType<typeof decodeSnapshot>): [string, string][] {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  store.loadColumns(snapshot.keys, snapshot.values);
  return [...store.range()].map(([k, v]) => [read(k)!, read(v)!]);
}

test("a snapshot round-trips its entries and changelog offset (format 2)", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 20 });
  store.put(text("b"), new Uint8Array(0));
  store.put(text("a"), text("1"));
  const bytes = encodeSnapshot(2 ** 40, store);
  assert.is(new DataView(bytes.buffer).getUint16(4), 2);
  const back = decodeSnapshot(bytes);
  assert.is(back.version, 2);
  assert.is(back.changelogOffset, 2 ** 40);
  assert.equal(entriesOf(back), [["a", "1"], ["b", ""]]);
});

test("a snapshot keeps every byte value of keys and values, across key runs", () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 30 });
  const expected: [number[], number[]][] = [];
  // Keys of all 256 byte values, some longer than a run of key text (1 MiB), empty values.
  for (let i = 0; i < 3000; i++) {
    const key = Uint8Array.from({ length: i === 1500 ? (1 << 20) + 3 : 1 + (i % 40) }, (_, j) => (i * 31 + j * 7) & 0xff);
    key[0] = i >> 4;
    key[1 % key.length] = i & 0xff;
    const value = Uint8Array.from({ length: i % 5 }, (_, j) => (i + j) & 0xff);
    store.put(key, value);
  }
  for (const [k, v] of store.range()) expected.push([[...k], [...v]]);
  const back = decodeSnapshot(encodeSnapshot(7, store));
  const again = new OrderedStore("s", { bytesMax: 1 << 30 });
  again.loadColumns(back.keys, back.values);
  assert.is(again.bytes, store.bytes);
  assert.equal([...again.range()].map(([k, v]) => [[...k], [...v]]), expected);
});

test("a format 1 snapshot (written by earlier builds) still restores", () => {
  const { dir, remove } = tempDir();
  try {
    const entries: [Uint8Array, Uint8Array][] = [[text("alice"), text("3")], [text("bob"), new Uint8Array(0)], [new Uint8Array([0xff, 0x80]), text("x")]];
    writeFileSync(snapshotPath(dir, "counts"), encodeSnapshotV1(9, entries, 3, 12));
    const stores = filled(dir);
    const [point] = stores.loadSnapshots();
    assert.equal(point, { store: "counts", fromOffset: 9, snapshotEntries: 3 });
    const counts = stores.get("counts")!;
    assert.is(read(counts.get(text("alice"))), "3");
    assert.equal(counts.get(new Uint8Array([0xff, 0x80])), text("x"));
    assert.is(counts.bytes, 12);
    // The next snapshot is written in the current format and reads back the same.
    counts.put(text("carol"), text("1"));
    stores.snapshot({ counts: 10 });
    const back = decodeSnapshot(readFileSync(snapshotPath(dir, "counts")));
    assert.is(back.version, 2);
    assert.is(back.keys.length, 4);
  } finally {
    remove();
  }
});

test("a snapshot whose lengths do not add up is refused even with a matching CRC", async () => {
  const store = new OrderedStore("s", { bytesMax: 1 << 20 });
  store.put(text("a"), text("1"));
  store.put(text("b"), text("22"));
  const bytes = encodeSnapshot(1, store);
  const view = new DataView(bytes.buffer);
  view.setUint32(40, 0); // first key length 1 → 0: the key lengths no longer add up to K
  const { crc32c } = await import("../../record/crc32c.ts");
  view.setUint32(bytes.length - 4, crc32c(bytes, 0, bytes.length - 4));
  try {
    decodeSnapshot(bytes);
    assert.unreachable("decoded");
  } catch (error) {
    assert.match((error as Error).message, /add up/);
  }
});

test("restore = snapshot + changelog tail from the snapshot's offset (real files)", () => {
  const { dir, remove } = tempDir();
  try {
    const stores = filled(dir);
    stores.applyChangelog("counts", [{ key: text("alice"), value: text("1") }, { key: text("bob"), value: text("1") }]);
    assert.equal(stores.snapshot({ counts: 2 }), ["counts"]);
    assert.equal(readdirSync(dir), ["counts.snapshot"]);
    // A fresh incarnation (another pool worker): snapshot first, then the tail from offset 2.
    const again = filled(dir);
    const [point] = again.loadSnapshots();
    assert.equal(point, { store: "counts", fromOffset: 2, snapshotEntries: 2 });
    again.applyChangelog("counts", [{ key: text("alice"), value: text("2") }, { key: text("bob"), value: null }]);
    const counts = again.get("counts")!;
    assert.is(read(counts.get(text("alice"))), "2");
    assert.is(counts.get(text("bob")), undefined);
    assert.is(counts.size, 1);
  } finally {
    remove();
  }
});

test("a torn snapshot is ignored with a warning and the changelog replays from 0", () => {
  const { dir, remove } = tempDir();
  try {
    const stores = filled(dir);
    stores.applyChangelog("counts", Array.from({ length: 100 }, (_, i) => ({ key: text(`k${i}`), value: text(String(i)) })));
    stores.snapshot({ counts: 100 });
    const path = snapshotPath(dir, "counts");
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 7)); // torn
    const warnings: string[] = [];
    const [point] = filled(dir, warnings).loadSnapshots();
    assert.is(point.fromOffset, 0);
    assert.is(point.snapshotEntries, 0);
    assert.match(point.ignoredSnapshot!, /CRC|ends inside/);
    assert.is(warnings.length, 1);
    assert.match(warnings[0], /replaying its changelog from the start/);
    // A flipped byte in the middle is caught by the CRC too.
    const flipped = new Uint8Array(whole);
    flipped[40] ^= 0x01;
    writeFileSync(path, flipped);
    const [again] = filled(dir, warnings).loadSnapshots();
    assert.is(again.fromOffset, 0);
    assert.match(again.ignoredSnapshot!, /CRC/);
  } finally {
    remove();
  }
});

test("no snapshot file: replay from 0 without a warning", () => {
  const { dir, remove } = tempDir();
  try {
    const warnings: string[] = [];
    const [point] = filled(dir, warnings).loadSnapshots();
    assert.equal(point, { store: "counts", fromOffset: 0, snapshotEntries: 0 });
    assert.is(warnings.length, 0);
  } finally {
    remove();
  }
});

test.run();
