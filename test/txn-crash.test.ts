import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTopicConfig } from "../core/topic-config.ts";
import { runUntilKilled } from "./support/kill-child.ts";
import { isControlBatch, isTransactionalBatch, readControlMarker } from "../record/control-batch.ts";
import { iterateBatches } from "../record/record-batch.ts";
import { Log } from "../storage/log.ts";

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);
const root = fileURLToPath(new URL("..", import.meta.url));
const child = join(root, "test", "txn-crash-child.ts");

type Line = { kind: "data"; producerId: number; baseOffset: number; lastOffset: number } | { kind: "marker"; producerId: number; offset: number; commit: boolean };

/** Runs the child until it has acknowledged a data append, then kills it with SIGKILL after `delayMs`. */
function runAndKill(dir: string, seed: number, delayMs: number): Promise<Line[]> {
  return runUntilKilled<Line>({
    script: child,
    args: [dir, String(seed)],
    cwd: root,
    parse: ([kind, a, b, c]) =>
      kind === "data" ? { kind, producerId: Number(a), baseOffset: Number(b), lastOffset: Number(c) }
      : kind === "marker" ? { kind, producerId: Number(a), offset: Number(b), commit: c === "1" }
      : null,
    armsKill: (line) => line.kind === "data",
    delayMs,
  });
}

/** Transaction state computed from scratch by reading every batch of the log. */
function scan(log: Log): { ongoing: Map<number, number>; aborted: Array<[number, number, number]>; markers: Map<number, number[]> } {
  const ongoing = new Map<number, number>();
  const markers = new Map<number, number[]>();
  const aborted: Array<[number, number, number]> = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const { batches } = log.read(next, 1 << 20);
    for (const { position, header } of iterateBatches(batches)) {
      if (isControlBatch(header)) {
        const first = ongoing.get(header.producerId);
        if (first !== undefined && readControlMarker(batches, position)?.commit === false) aborted.push([header.producerId, first, header.baseOffset]);
        ongoing.delete(header.producerId);
        markers.set(header.producerId, [...(markers.get(header.producerId) ?? []), header.baseOffset]);
      } else if (isTransactionalBatch(header) && !ongoing.has(header.producerId)) ongoing.set(header.producerId, header.baseOffset);
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return { ongoing, aborted, markers };
}

test("kill -9 mid-transaction: a restart knows each open transaction's first offset, holds the LSO there, and rebuilds the aborted index", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-txn-crash-"));
  try {
    let seed = 4242;
    let openSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const lines = await runAndKill(dir, seed, seed % 80);
      const log = Log.open(dir, parseTopicConfig({ flush: "always", "segment.bytes": 4096, "index.interval.bytes": 512 }));
      const truth = scan(log);
      assert.equal([...log.ongoingTransactions].sort(), [...truth.ongoing].sort(), `round ${round}: recovered open transactions`);
      const firstOpen = Math.min(log.highWatermark, ...truth.ongoing.values());
      assert.is(log.lastStableOffset, firstOpen, `round ${round}: the LSO is held at the first open transaction`);
      assert.equal(log.abortedTransactions(0, log.logEndOffset).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), truth.aborted, `round ${round}: .txnindex agrees with the log`);
      // what the child acknowledged: a producer whose last acknowledged line is data has its
      // transaction open from its first acknowledged batch — unless an unacknowledged marker made it to disk
      const lastByProducer = new Map<number, { first: number; open: boolean }>();
      for (const line of lines) {
        const state = lastByProducer.get(line.producerId);
        if (line.kind === "marker") lastByProducer.set(line.producerId, { first: -1, open: false });
        else if (!state || !state.open) lastByProducer.set(line.producerId, { first: line.baseOffset, open: true });
      }
      for (const [producerId, state] of lastByProducer) {
        if (!state.open) continue;
        openSeen++;
        const recovered = log.ongoingTransactions.get(producerId);
        if (recovered !== undefined) assert.is(recovered, state.first, `round ${round}: producer ${producerId}'s transaction starts at its first acknowledged batch`);
        else assert.ok(truth.markers.get(producerId)?.some((offset) => offset > state.first), `round ${round}: producer ${producerId}'s transaction was ended by a marker written but not acknowledged`);
      }
      log.close();
    }
    assert.ok(openSeen > 0, "some rounds were killed mid-transaction");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
