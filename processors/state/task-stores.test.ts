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

/** Sets a snapshot's CRC to match its (edited) bytes. */
async function resealed(bytes: Uint8Array): Promise<Uint8Array> {
  const { crc32c } = await import("../../record/crc32c.ts");
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32c(bytes, 0, bytes.length - 4));
  return bytes;
}

/** Loads the store "counts" of `dir` with the snapshot `bytes` in place; the restore point and the warnings. */
function loadWith(dir: string, bytes: Uint8Array): { point: ReturnType<TaskStores["loadSnapshots"]>[number]; warnings: string[]; stores: TaskStores } {
  writeFileSync(snapshotPath(dir, "counts"), bytes);
  const warnings: string[] = [];
  const stores = filled(dir, warnings);
  const [point] = stores.loadSnapshots();
  return { point, warnings, stores };
}

test("unusable snapshots of either format are ignored with one warning each and the store stays empty: torn, short, unknown version, lengths past the file, keys out of order", async () => {
  const { dir, remove } = tempDir();
  try {
    const store = new OrderedStore("s", { bytesMax: 1 << 20 });
    for (const k of ["a", "b", "c"]) store.put(text(k), text(`v${k}`));
    const v2 = encodeSnapshot(5, store);
    const v1 = encodeSnapshotV1(5, [...store.range()], 3, 9);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["format 1 torn", v1.subarray(0, v1.length - 3), /CRC/],
      ["format 2 torn", v2.subarray(0, v2.length - 1), /CRC/],
      ["shorter than a header", v2.subarray(0, 10), /shorter than a header/],
      ["format 2 cut to its first header bytes", await resealed(v2.slice(0, 32)), /shorter than a version 2 header/],
      ["no magic", await resealed(Object.assign(v2.slice(), { 0: 0x41 })), /magic/],
    ];
    const v3 = v2.slice();
    new DataView(v3.buffer).setUint16(4, 3);
    cases.push(["format version 3", await resealed(v3), /format version 3; this build reads 1 and 2/]);
    // Format 1 whose second entry's value length runs past the end (CRC matching).
    const v1Over = v1.slice();
    new DataView(v1Over.buffer).setUint32(24 + 4 + 1 + 4 + 2 + 4 + 1, 1000);
    cases.push(["format 1 entry past the end", await resealed(v1Over), /ends inside entry 1/]);
    // Format 1 claiming 2 entries of 3: bytes left over.
    const v1Short = v1.slice();
    new DataView(v1Short.buffer).setUint32(16, 2);
    cases.push(["format 1 with bytes after its last entry", await resealed(v1Short), /after its last entry/]);
    // Format 2 whose entry count says more entries than its lengths hold.
    const v2Count = v2.slice();
    new DataView(v2Count.buffer).setUint32(16, 4);
    cases.push(["format 2 count past its columns", await resealed(v2Count), /should be \d+ bytes long/]);
    // Format 2, CRC intact, keys swapped: refused by the store's order check.
    const swapped = v2.slice();
    const keysAt = 40 + 8 * 3;
    [swapped[keysAt], swapped[keysAt + 2]] = [swapped[keysAt + 2], swapped[keysAt]];
    cases.push(["format 2 keys out of order", await resealed(swapped), /not in increasing order/]);
    for (const [name, bytes, why] of cases) {
      const { point, warnings, stores } = loadWith(dir, bytes);
      assert.is(point.fromOffset, 0, name);
      assert.is(point.snapshotEntries, 0, name);
      assert.match(point.ignoredSnapshot ?? "", why, name);
      assert.is(warnings.length, 1, name);
      assert.match(warnings[0], /ignoring the snapshot of store "counts".*replaying its changelog from the start/, name);
      assert.is(stores.get("counts")!.size, 0, name);
      assert.is(stores.get("counts")!.bytes, 0, name);
    }
    // The same bytes unedited load: the cases above fail for the reason they name.
    assert.is(loadWith(dir, v1).point.snapshotEntries, 3);
    assert.is(loadWith(dir, v2).point.snapshotEntries, 3);
  } finally {
    remove();
  }
});

test("a format 1 snapshot loads as the store's sorted run: updates, deletes and new keys on it, then a format 2 snapshot of the result", () => {
  const { dir, remove } = tempDir();
  try {
    const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 500 }, (_, i) => [text(`k${String(i).padStart(3, "0")}`), text(String(i))]);
    const bytes = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
    const { point, stores } = loadWith(dir, encodeSnapshotV1(500, entries, 500, bytes));
    assert.equal(point, { store: "counts", fromOffset: 500, snapshotEntries: 500 });
    stores.applyChangelog("counts", [
      { key: text("k000"), value: text("updated") },
      { key: text("k001"), value: null },
      { key: text("k250a"), value: text("new") },
      { key: text("k001"), value: text("back") },
    ]);
    stores.snapshot({ counts: 504 });
    const back = decodeSnapshot(readFileSync(snapshotPath(dir, "counts")));
    assert.is(back.version, 2);
    assert.is(back.changelogOffset, 504);
    const expected = new Map(entries.map(([k, v]) => [read(k)!, read(v)!]));
    expected.set("k000", "updated").set("k001", "back").set("k250a", "new");
    assert.equal(entriesOf(back), [...expected].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  } finally {
    remove();
  }
});

test.run();
