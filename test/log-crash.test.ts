import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTopicConfig } from "../core/topic-config.ts";
import { runUntilKilled } from "./support/kill-child.ts";
import { crc32c } from "../record/crc32c.ts";
import { Log } from "../storage/log.ts";
import { iterateBatches, validateBatch } from "../record/record-batch.ts";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const root = fileURLToPath(new URL("..", import.meta.url));
const child = join(root, "test", "crash-child.ts");

interface Ack {
  baseOffset: number;
  lastOffset: number;
  crc: number;
}

/** Runs the child until it has acknowledged something, kills it with SIGKILL after a random delay. */
function runAndKill(dir: string, seed: number, delayMs: number): Promise<Ack[]> {
  return runUntilKilled<Ack>({
    script: child,
    args: [dir, String(seed)],
    cwd: root,
    parse: ([kind, base, last, crc]) => (kind === "ack" ? { baseOffset: Number(base), lastOffset: Number(last), crc: Number(crc) } : null),
    armsKill: () => true,
    delayMs,
    guardMs: 20_000,
  });
}

test("Log survives SIGKILL under flush=always: every acknowledged batch is intact, nothing past the last whole batch", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-crash-"));
  try {
    const acked: Ack[] = [];
    let seed = 12345;
    for (let round = 0; round < ROUNDS; round++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      acked.push(...(await runAndKill(dir, seed, seed % 60)));
      const log = Log.open(dir, parseTopicConfig({ flush: "always", "segment.bytes": 64 * 1024, "index.interval.bytes": 1024 }));
      const last = Math.max(...acked.map((a) => a.lastOffset));
      assert.ok(log.logEndOffset > last, `round ${round}: log end ${log.logEndOffset} lost acknowledged offset ${last}`);
      for (const ack of acked) {
        const { batches } = log.read(ack.baseOffset, 1);
        const size = validateBatch(batches, 0, { maxBytes: batches.length });
        assert.is(crc32c(batches.subarray(0, size)), ack.crc, `round ${round}: batch at ${ack.baseOffset} differs`);
      }
      // every byte up to the log end is whole, contiguous batches
      let next = 0;
      while (next < log.logEndOffset) {
        const { batches } = log.read(next, 1 << 20);
        for (const { position, header } of iterateBatches(batches)) {
          validateBatch(batches, position, { maxBytes: 1 << 20 });
          assert.is(header.baseOffset, next, `round ${round}: offsets not contiguous`);
          next = header.baseOffset + header.lastOffsetDelta + 1;
        }
      }
      assert.is(next, log.logEndOffset);
      log.close();
    }
    assert.ok(acked.length > ROUNDS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
