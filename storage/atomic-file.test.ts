import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRivuletError } from "../core/errors.ts";
import { readCbor, writeCborAtomic, writeFileAtomic } from "./atomic-file.ts";
import { tempDir } from "../test/support/storage/log.ts";

test("writeFileAtomic() replaces the whole file and leaves no temp file", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "meta");
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    writeFileAtomic(path, new Uint8Array([4, 5]));
    assert.equal([...readFileSync(path)], [4, 5]);
    assert.equal(readdirSync(dir), ["meta"]);
  } finally {
    cleanup();
  }
});

test("writeCborAtomic() round-trips through readCbor(), which gives undefined for a missing file", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "state.cbor");
    assert.is(readCbor(path), undefined);
    writeCborAtomic(path, { a: 1, list: [1, "two", null], bytes: new Uint8Array([9]) });
    const back = readCbor<{ a: number; list: unknown[]; bytes: Uint8Array }>(path)!;
    assert.is(back.a, 1);
    assert.equal(back.list, [1, "two", null]);
    assert.equal([...back.bytes], [9]);
  } finally {
    cleanup();
  }
});

test("readCbor() of a damaged file throws storage_error", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, "bad.cbor");
    writeFileSync(path, new Uint8Array([0xff, 0xff, 0x1f]));
    try {
      readCbor(path);
      assert.unreachable("decoded garbage");
    } catch (error) {
      assert.ok(isRivuletError(error, "storage_error"), String(error));
    }
  } finally {
    cleanup();
  }
});

test.run();
