import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileChannel } from "./file-channel.ts";
import { tempDir } from "../test/support/storage/log.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("FileChannel.syncInBackground() fdatasyncs off the thread, and appends may go on meanwhile", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const synced: string[] = [];
    const file = FileChannel.open(join(dir, "a.log"), { onSync: (path) => synced.push(path) });
    file.append(bytes("one"));
    const syncing = file.syncInBackground();
    assert.is(file.dirty, false, "the bytes so far belong to the running sync");
    file.append(bytes("two"));
    assert.is(file.dirty, true, "a later append needs a later sync");
    await syncing;
    assert.is(synced.length, 1);
    file.sync();
    assert.is(synced.length, 2);
    assert.is(readFileSync(file.path, "utf8"), "onetwo");
    file.close();
  } finally {
    cleanup();
  }
});

test("FileChannel.sync() while a background sync runs fdatasyncs again, so it never returns before the bytes are on disk", async () => {
  const { dir, cleanup } = tempDir();
  try {
    let syncs = 0;
    const file = FileChannel.open(join(dir, "a.log"), { onSync: () => syncs++ });
    file.append(bytes("one"));
    const syncing = file.syncInBackground();
    file.sync();
    assert.is(syncs, 1, "the blocking sync did not skip a file whose background sync is still running");
    await syncing;
    assert.is(syncs, 2);
    file.close();
  } finally {
    cleanup();
  }
});

test("FileChannel.syncInBackground() settles without error when the file is closed first, and does nothing when clean", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = FileChannel.open(join(dir, "a.log"));
    await file.syncInBackground();
    file.append(bytes("one"));
    const syncing = file.syncInBackground();
    file.sync();
    file.close();
    await syncing;
    assert.is(readFileSync(join(dir, "a.log"), "utf8"), "one");
  } finally {
    cleanup();
  }
});

test.run();
