import { test } from "uvu";
import * as assert from "uvu/assert";
import { Log } from "./log.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";

test("Log.append() under flush=always resolves only after an fdatasync covering it, and the high watermark waits for it", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const synced: string[] = [];
    const log = Log.open(dir, testConfig({ flush: "always" }), { hooks: { onSync: (file) => synced.push(file) } });
    let resolved = false;
    const pending = log.append(batch(3)).then((r) => {
      resolved = true;
      assert.ok(synced.some((f) => f.endsWith(".log")), "resolved before the log was synced");
      assert.is(log.highWatermark, 3);
      return r;
    });
    assert.is(log.logEndOffset, 3, "the write happens inside the call");
    assert.is(log.highWatermark, 0, "not visible before the fsync");
    assert.is(log.read(0, 1000).batches.length, 0, "a reader sees nothing beyond the high watermark");
    await Promise.resolve();
    assert.is(resolved, false);
    assert.is(synced.length, 0);
    const r = await pending;
    assert.equal([r.baseOffset, r.lastOffset], [0, 2]);
    assert.ok(log.read(0, 1000).batches.length > 0);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() under flush=always group-commits: 1,000 appends in flight share few fdatasyncs", async () => {
  const { dir, cleanup } = tempDir();
  try {
    let syncs = 0;
    const log = Log.open(dir, testConfig({ flush: "always" }), { hooks: { onSync: (file) => { if (file.endsWith(".log")) syncs++; } } });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => log.append(batch(1, `r${i}`))));
    results.forEach((r, i) => assert.is(r.baseOffset, i));
    assert.ok(syncs >= 1 && syncs <= 10, `fdatasyncs: ${syncs}`);
    // a producer that keeps 8 in flight, refilling as each resolves, still shares fsyncs
    syncs = 0;
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (sent < 400) {
        sent++;
        await log.append(batch(1));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.ok(syncs <= 400 / 4, `fdatasyncs with 8 in flight: ${syncs}`);
    assert.is(log.highWatermark, 1400);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() under flush=os resolves at once with the high watermark at the log end and no fdatasync", async () => {
  const { dir, cleanup } = tempDir();
  try {
    let syncs = 0;
    const log = Log.open(dir, testConfig({ flush: "os" }), { hooks: { onSync: () => syncs++ } });
    const p = log.append(batch(2));
    assert.is(log.highWatermark, 2);
    await p;
    await new Promise((r) => setTimeout(r, 5));
    assert.is(syncs, 0);
    log.flush();
    assert.ok(syncs > 0);
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.append() under flush=interval resolves at once and fdatasyncs every flush.ms", async () => {
  const { dir, cleanup } = tempDir();
  try {
    let syncs = 0;
    const log = Log.open(dir, testConfig({ flush: "interval", "flush.ms": 20 }), { hooks: { onSync: (f) => { if (f.endsWith(".log")) syncs++; } } });
    await log.append(batch(2));
    assert.is(log.highWatermark, 2);
    assert.is(syncs, 0);
    const deadline = Date.now() + 20_000; // a safety bound on the wait for the timer's sync
    while (syncs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(syncs > 0, "the interval timer synced");
    log.close();
  } finally {
    cleanup();
  }
});

test("Log.close() settles pending flush=always appends and a reopened log has them", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const log = Log.open(dir, testConfig({ flush: "always" }));
    const p = log.append(batch(4));
    log.close();
    assert.is((await p).lastOffset, 3);
    const again = Log.open(dir, testConfig({ flush: "always" }));
    assert.is(again.logEndOffset, 4);
    assert.is(again.highWatermark, 4);
    again.close();
  } finally {
    cleanup();
  }
});

test.run();
