import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { basename, join } from "node:path";
import { isRivuletError } from "../core/errors.ts";
import { Log } from "./log.ts";
import { CLEAN_SHUTDOWN_FILE } from "./file-names.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";
import { decodeRecords, iterateBatches } from "../record/record-batch.ts";

const text = new TextDecoder();

function values(log: Log): string[] {
  const out: string[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const { batches } = log.read(offset, 1 << 20);
    if (batches.length === 0) break;
    for (const { position } of iterateBatches(batches)) {
      for (const r of decodeRecords(batches, position)) if (r.offset >= offset) out.push(text.decode(r.value!));
    }
    offset = log.logEndOffset;
    break;
  }
  return out;
}

/** A tiny deterministic PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

test("loadLog() cuts a torn tail at 20 random positions: whole batches before the cut stay, nothing after", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "index.interval.bytes": 300 });
    const log = Log.open(dir, cfg);
    const ends: number[] = [];
    const expected: string[] = [];
    const random = prng(42);
    for (let i = 0; i < 40; i++) {
      const n = 1 + Math.floor(random() * 5);
      await log.append(batch(n, `b${i}`));
      for (let j = 0; j < n; j++) expected.push(`b${i}-${j}`);
      ends.push(log.sizeBytes);
    }
    log.close();
    const segment = join(dir, "00000000000000000000.log");
    const full = readFileSync(segment);
    const counts = ends.map((_, i) => expected.filter((v) => Number(v.slice(1, v.indexOf("-"))) <= i).length);
    for (let round = 0; round < 20; round++) {
      const cut = Math.floor(random() * full.length);
      writeFileSync(segment, full.subarray(0, cut));
      rmSync(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
      const reopened = Log.open(dir, cfg);
      const whole = ends.filter((e) => e <= cut).length;
      const keptBytes = whole ? ends[whole - 1] : 0;
      assert.is(reopened.recoveredBytesTruncated, cut - keptBytes, `cut at ${cut}`);
      assert.is(reopened.logEndOffset, whole ? counts[whole - 1] : 0, `cut at ${cut}`);
      assert.equal(values(reopened), expected.slice(0, reopened.logEndOffset));
      assert.is(statSync(segment).size, keptBytes);
      // the log takes appends again right after the cut
      const r = await reopened.append(batch(1, "after"));
      assert.is(r.baseOffset, reopened.logEndOffset - 1);
      reopened.close();
      writeFileSync(segment, full);
      rmSync(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
    }
  } finally {
    cleanup();
  }
});

test("loadLog() removes random bytes appended to the tail", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig());
    for (let i = 0; i < 10; i++) await log.append(batch(3, `b${i}`));
    log.flush();
    const segment = join(dir, "00000000000000000000.log");
    const size = statSync(segment).size;
    const junk = new Uint8Array(500);
    const random = prng(7);
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
    appendFileSync(segment, junk);
    const reopened = Log.open(dir, testConfig());
    assert.is(reopened.recoveredBytesTruncated, 500);
    assert.is(reopened.logEndOffset, 30);
    assert.is(statSync(segment).size, size);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.read() of a stored batch with a flipped bit gives corrupt_record naming the file and position", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024 });
    const log = Log.open(dir, cfg);
    const sizes: number[] = [];
    for (let i = 0; i < 30; i++) {
      await log.append(batch(2, `b${i}`));
      sizes.push(log.sizeBytes);
    }
    log.close();
    const first = join(dir, "00000000000000000000.log");
    const bytes = readFileSync(first);
    const batchSize = sizes[0];
    const secondBatch = batchSize;
    bytes[secondBatch + 70] ^= 0x10; // inside the records of the second batch, under the CRC
    writeFileSync(first, bytes);
    const reopened = Log.open(dir, cfg);
    assert.is(reopened.logEndOffset, 60, "an older segment is not scanned at start-up");
    assert.ok(reopened.read(0, 1).batches.length > 0, "the batch before it still reads");
    try {
      reopened.read(2, 1);
      assert.unreachable("read corrupt data");
    } catch (error) {
      assert.ok(isRivuletError(error, "corrupt_record"), String(error));
      assert.is(error.info.file, first);
      assert.is(error.info.position, secondBatch);
      assert.match(error.message, basename(first));
      assert.match(error.message, `position ${secondBatch}`);
    }
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log rebuilds a corrupt index of an older segment and of the newest one", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 4096, "index.interval.bytes": 200 });
    const log = Log.open(dir, cfg);
    for (let i = 0; i < 100; i++) await log.append(batch(2, `b${i}`));
    const want = [];
    for (let o = 0; o < 200; o += 7) want.push(decodeRecords(log.read(o, 1).batches, 0).find((r) => r.offset === o)!.value);
    log.close();
    const indexes = readdirSync(dir).filter((f) => f.endsWith(".index")).sort();
    const older = join(dir, indexes[0]);
    const newest = join(dir, indexes[indexes.length - 1]);
    const good = readFileSync(older);
    assert.ok(good.length >= 16, "the older index has entries");
    const bad = Uint8Array.from(good);
    bad.set([0, 0, 0, 50, 0, 0, 0, 1], good.length - 8); // goes backwards
    writeFileSync(older, bad);
    writeFileSync(newest, new Uint8Array(13)); // not a whole number of entries
    const reopened = Log.open(dir, cfg);
    for (let o = 0, i = 0; o < 200; o += 7, i++) {
      const r = decodeRecords(reopened.read(o, 1).batches, 0).find((x) => x.offset === o);
      assert.equal(r?.value, want[i], `offset ${o}`);
    }
    assert.equal(readFileSync(older), good, "rebuilt to the same entries");
    assert.is(statSync(newest).size % 8, 0);
    reopened.close();
  } finally {
    cleanup();
  }
});

test("Log.open() reads only the newest segment, after a clean and after an unclean stop", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cfg = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 256 });
    const log = Log.open(dir, cfg);
    for (let i = 0; i < 500; i++) await log.append(batch(3, `b${i}`));
    assert.ok(log.segmentCount >= 50, `segments: ${log.segmentCount}`);
    const newestBase = readdirSync(dir).filter((f) => f.endsWith(".log")).sort().pop()!.slice(0, 20);
    log.flush();
    for (const clean of [false, true]) {
      const reads = new Map<string, number>();
      const hooks = { onRead: (file: string, bytes: number) => reads.set(basename(file), (reads.get(basename(file)) ?? 0) + bytes) };
      const opened = Log.open(dir, cfg, { hooks });
      assert.is(opened.logEndOffset, 1500);
      const files = [...reads.keys()];
      assert.ok(files.every((f) => f.startsWith(newestBase)), `${clean ? "clean" : "unclean"} start-up read ${files.join(", ")}`);
      const total = [...reads.values()].reduce((a, b) => a + b, 0);
      assert.ok(total <= 1024 + 1024, `read ${total} bytes`);
      if (clean) assert.is(reads.get(`${newestBase}.log`) ?? 0, 0, "a clean stop scans no log bytes");
      opened.close();
    }
  } finally {
    cleanup();
  }
});

test.run();
