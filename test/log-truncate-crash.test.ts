import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTopicConfig } from "../core/topic-config.ts";
import { runUntilKilled } from "./support/kill-child.ts";
import { crc32c } from "../record/crc32c.ts";
import { Log } from "../storage/log.ts";
import { TRUNCATION_FILE } from "../storage/file-names.ts";
import { encodeRecordBatch, iterateBatches, validateBatch } from "../record/record-batch.ts";

/**
 * kill -9 during truncation: a child (`truncate-crash-child.ts`) appends and truncates in a loop
 * and is killed at a random moment, or right after a chosen durable step of a truncation. Each
 * recovery must give the old log or the truncated one, never a mix.
 */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 8);
const root = fileURLToPath(new URL("..", import.meta.url));
const child = join(root, "test", "truncate-crash-child.ts");
const config = parseTopicConfig({ flush: "always", "segment.bytes": 2048, "index.interval.bytes": 256 });

type Event =
  | { type: "ack"; base: number; last: number; crc: number }
  | { type: "truncating"; offset: number; logStart: number; logEnd: number; full: boolean }
  | { type: "truncated"; offset: number };

/** Runs the child; kills it `delayMs` after its first `truncating` line, unless it kills itself first. */
function runAndKill(dir: string, seed: number, delayMs: number, killStep: string, firstFull: boolean): Promise<Event[]> {
  return runUntilKilled<Event>({
    script: child,
    args: [dir, String(seed), killStep, firstFull ? "full" : "partial"],
    cwd: root,
    parse: ([type, a, b, c]) =>
      type === "ack" ? { type, base: Number(a), last: Number(b), crc: Number(c) }
      : type === "truncating" ? { type, offset: Number(a), logStart: -1, logEnd: Number(b), full: false }
      : type === "truncating-fully" ? { type: "truncating", offset: Number(a), logStart: Number(b), logEnd: Number(c), full: true }
      : type === "truncated" ? { type, offset: Number(a) }
      : null,
    armsKill: killStep === "none" ? (event) => event.type === "truncating" : null,
    delayMs,
    minEvents: 0,
  });
}

/** Every stored batch from the start: checks framing, CRC and contiguity; returns the batches' (base, epoch, crc). */
function stored(log: Log): { base: number; epoch: number; crc: number }[] {
  const out: { base: number; epoch: number; crc: number }[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const { batches } = log.read(next, 1 << 20);
    for (const { position, header } of iterateBatches(batches)) {
      const size = validateBatch(batches, position, { maxBytes: 1 << 20 });
      assert.is(header.baseOffset, next, "offsets contiguous");
      out.push({ base: header.baseOffset, epoch: header.partitionLeaderEpoch, crc: crc32c(batches.subarray(position, position + size)) });
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  assert.is(next, log.logEndOffset);
  return out;
}

test("Log.truncateTo() survives SIGKILL at any point: recovery gives the old log or the truncated one, whole", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-truncate-crash-"));
  try {
    /** Acknowledged batches the log must hold, by base offset. */
    const alive = new Map<number, number>();
    let seed = 4242;
    let inDoubtSeen = 0;
    let fullInDoubt = 0;
    for (let round = 0; round < ROUNDS; round++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const killStep = ["none", "marker", "none", "segments", "none", "epochs"][round % 6];
      const firstFull = round % 4 === 3;
      const events = await runAndKill(dir, seed, seed % 25, killStep, firstFull);
      let doubt: { offset: number; logStart: number; logEnd: number; full: boolean } | undefined;
      for (const e of events) {
        if (e.type === "ack") alive.set(e.base, e.crc);
        if (e.type === "truncating") doubt = e;
        if (e.type === "truncated") {
          for (const base of [...alive.keys()]) if (base >= e.offset || doubt?.full) alive.delete(base);
          doubt = undefined;
        }
      }
      const log = Log.open(dir, config);
      assert.not.ok(existsSync(join(dir, TRUNCATION_FILE)), `round ${round}: the marker is gone after recovery`);
      if (doubt) {
        inDoubtSeen++;
        if (doubt.full) fullInDoubt++;
        assert.ok(log.logEndOffset === doubt.offset || log.logEndOffset === doubt.logEnd, `round ${round} (${killStep}): log end ${log.logEndOffset} is neither ${doubt.offset} nor ${doubt.logEnd}`);
        if (killStep !== "none") assert.is(log.logEndOffset, doubt.offset, `round ${round}: killed after ${killStep}, the truncation is decided`);
        const done = log.logEndOffset === doubt.offset;
        if (doubt.full) assert.is(log.logStartOffset, done ? doubt.offset : doubt.logStart, `round ${round}: a full truncation is all or nothing`);
        if (done) for (const base of [...alive.keys()]) if (base >= doubt.offset || doubt.full) alive.delete(base);
      }
      const batches = stored(log);
      const byBase = new Map(batches.map((b) => [b.base, b.crc]));
      for (const [base, crc] of alive) assert.is(byBase.get(base), crc, `round ${round}: acknowledged batch at ${base} lost or changed`);
      // the epoch cache agrees with the stored batches
      const fromBatches: [number, number][] = [];
      for (const b of batches) if (fromBatches.length === 0 || b.epoch > fromBatches[fromBatches.length - 1][0]) fromBatches.push([b.epoch, b.base]);
      const cached = log.epochEntries.filter((e) => e.startOffset < log.logEndOffset).map((e): [number, number] => [e.epoch, e.startOffset]);
      assert.equal(cached, fromBatches, `round ${round}: epoch cache`);
      // producer state matches the log: the producer's next sequence (= the log end) is accepted as new
      const end = log.logEndOffset;
      const next = encodeRecordBatch([{ key: null, value: new Uint8Array([round]), headers: [], timestamp: Date.now() }], { producerId: 1, producerEpoch: 0, baseSequence: end });
      const r = await log.append(next);
      assert.equal([r.baseOffset, r.duplicate], [end, false], `round ${round}: producer state`);
      alive.set(end, crc32c(next));
      log.close();
    }
    assert.ok(inDoubtSeen >= 3, `rounds killed mid-truncation: ${inDoubtSeen}`);
    if (ROUNDS >= 8) assert.ok(fullInDoubt >= 2, `rounds killed mid-way through a full truncation: ${fullInDoubt}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
