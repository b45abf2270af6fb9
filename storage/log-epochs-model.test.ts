import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Log } from "./log.ts";
import { batch, tempDir, testConfig } from "../test/support/storage/log.ts";
import { iterateBatches } from "../record/record-batch.ts";

/**
 * Random sequences of appends, leader changes, truncations (partial and full), retention and
 * reopening (clean and unclean), checked after every step against a model: the stored batches
 * and their epochs, the log's bounds, the epoch cache (equal to what the stored batches say),
 * and producer state (the producer's next sequence is always accepted as new).
 */
type Op =
  | { t: "append"; records: number }
  | { t: "leader" }
  | { t: "truncate"; pick: number }
  | { t: "full"; at: number }
  | { t: "retention" }
  | { t: "reopen"; clean: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("append" as const), records: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("leader" as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("truncate" as const), pick: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("full" as const), at: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("retention" as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("reopen" as const), clean: fc.boolean() }) },
);

interface ModelBatch {
  base: number;
  last: number;
  epoch: number;
}

const config = testConfig({ "segment.bytes": 1024, "index.interval.bytes": 128, "retention.bytes": 1500 });

function stored(log: Log): ModelBatch[] {
  const out: ModelBatch[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    for (const { header } of iterateBatches(log.read(next, 1 << 20).batches)) {
      out.push({ base: header.baseOffset, last: header.baseOffset + header.lastOffsetDelta, epoch: header.partitionLeaderEpoch });
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
  }
  return out;
}

function check(log: Log, model: { batches: ModelBatch[]; start: number; end: number }): void {
  assert.is(log.logEndOffset, model.end, "log end");
  assert.is(log.logStartOffset, model.start, "log start");
  assert.equal(stored(log), model.batches, "stored batches and their epochs");
  const expected: [number, number][] = [];
  for (const b of model.batches) if (expected.length === 0 || b.epoch > expected[expected.length - 1][0]) expected.push([b.epoch, b.base]);
  if (expected.length > 0) expected[0][1] = Math.min(expected[0][1], model.start);
  const cached = log.epochEntries.filter((e) => e.startOffset < model.end).map((e): [number, number] => [e.epoch, e.startOffset]);
  assert.equal(cached, expected, "epoch cache");
}

test("Log keeps batches, epochs, epoch cache and producer state consistent through random appends, leader changes, truncations, retention and restarts", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
      const { dir, cleanup } = tempDir("rivulet-epoch-model-");
      let log = Log.open(dir, config);
      const model = { batches: [] as ModelBatch[], start: 0, end: 0 };
      try {
        for (const o of ops) {
          if (o.t === "append") {
            // sequence = the offset the batch lands at, so it is always the producer's next one
            const r = await log.append(batch(o.records, "v", { producerId: 1, producerEpoch: 0, baseSequence: model.end }));
            assert.is(r.duplicate, false);
            assert.is(r.baseOffset, model.end);
            model.batches.push({ base: r.baseOffset, last: r.lastOffset, epoch: log.leaderEpoch });
            model.end = r.lastOffset + 1;
          } else if (o.t === "leader") {
            log.becomeLeader(log.leaderEpoch + 1);
          } else if (o.t === "truncate") {
            const i = Math.floor(o.pick * (model.batches.length + 1));
            const offset = model.batches[i]?.base ?? model.end;
            log.truncateTo(offset);
            model.batches = model.batches.slice(0, i);
            model.end = offset;
          } else if (o.t === "full") {
            log.truncateFullyAndStartAt(o.at);
            model.batches = [];
            model.start = model.end = o.at;
          } else if (o.t === "retention") {
            log.applyRetention();
            model.start = log.logStartOffset;
            model.batches = model.batches.filter((b) => b.base >= model.start);
          } else {
            const epoch = log.leaderEpoch;
            log.close();
            if (!o.clean) rmSync(join(dir, ".clean-shutdown"), { force: true });
            log = Log.open(dir, config);
            assert.ok(log.leaderEpoch <= epoch, "a restart never invents a newer epoch");
            const newest = model.batches[model.batches.length - 1]?.epoch ?? 0;
            assert.ok(log.leaderEpoch >= newest, "nor forgets the epoch of the last batch");
          }
          check(log, model);
        }
      } finally {
        log.close();
        cleanup();
      }
    }),
    { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
  );
});

test.run();
