import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tempDir } from "../../test/support/temp-dir.ts";
import { TaskStores, snapshotPath } from "./task-stores.ts";
import { decodeSnapshot, encodeSnapshot } from "./snapshot-file.ts";

const text = (s: string) => new TextEncoder().encode(s);
const read = (v: Uint8Array | undefined) => (v === undefined ? undefined : new TextDecoder().decode(v));

function filled(dir: string, warnings: string[] = []): TaskStores {
  const stores = new TaskStores(dir, { storeBytesMax: 1 << 20, warn: (m) => warnings.push(m) });
  stores.open("counts");
  return stores;
}

test("a snapshot round-trips its entries and changelog offset", () => {
  const entries: [Uint8Array, Uint8Array][] = [[text("a"), text("1")], [text("b"), new Uint8Array(0)]];
  const bytes = encodeSnapshot(2 ** 40, entries, 2, 3);
  const back = decodeSnapshot(bytes);
  assert.is(back.changelogOffset, 2 ** 40);
  assert.equal(back.keys.map(read), ["a", "b"]);
  assert.equal(back.values.map(read), ["1", ""]);
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
