import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTopicConfig } from "../core/topic-config.ts";
import { scriptCommand } from "../runtime/spawn-script.ts";
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
  return new Promise((resolve, reject) => {
    const { command, args } = scriptCommand(child);
    const proc = spawn(command, [...args, dir, String(seed)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const acks: Ack[] = [];
    let out = "";
    let err = "";
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    proc.stdout.on("data", (d) => {
      out += d;
      let nl: number;
      while ((nl = out.indexOf("\n")) >= 0) {
        const line = out.slice(0, nl).split(" ");
        out = out.slice(nl + 1);
        if (line[0] === "ack") acks.push({ baseOffset: Number(line[1]), lastOffset: Number(line[2]), crc: Number(line[3]) });
        if (line[0] === "ack" && !killTimer) killTimer = setTimeout(() => proc.kill("SIGKILL"), delayMs);
      }
    });
    proc.stderr.on("data", (d) => (err += d));
    const guard = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    proc.on("close", (_code, signal) => {
      clearTimeout(guard);
      if (signal !== "SIGKILL" || acks.length === 0) reject(new Error(`child ended with ${signal}, ${acks.length} acks: ${err.slice(-2000)}`));
      // lines still buffered in the pipe were acknowledged too
      else resolve(acks);
    });
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
