/**
 * The victim of the truncation crash test (`test/log-truncate-crash.test.ts`): opens the log in
 * `argv[2]` with `flush=always` and, until killed, appends a few batches of one idempotent
 * producer (sequence = the offset it lands at), sometimes becomes leader of a newer epoch, then
 * truncates to a random batch boundary (or, now and then, fully, restarting the log at an offset
 * past its end). It writes, synchronously, `ack <base> <last> <crc>` per acknowledged batch,
 * `truncating <offset> <logEnd>` (or `truncating-fully <offset> <logStart> <logEnd>`) before a
 * truncation and `truncated <offset>` after. With `argv[4]` = a truncation step (`marker`, `segments`, `epochs`) it kills
 * itself with SIGKILL right after that step of its first truncation; with `argv[5]` = `full` its
 * first truncation is a full one.
 */
import process from "node:process";
import { writeLineSync } from "./support/write-line.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { crc32c } from "../record/crc32c.ts";
import { Log } from "../storage/log.ts";
import { encodeRecordBatch, iterateBatches, type BatchRecord } from "../record/record-batch.ts";

const [dir, seedArg, killStep, firstFull] = process.argv.slice(2);
let forceFull = firstFull === "full";
let seed = Number(seedArg) || 1;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};

const log = Log.open(dir, parseTopicConfig({ flush: "always", "segment.bytes": 2048, "index.interval.bytes": 256 }), {
  hooks: { onTruncationStep: (step) => (step === killStep ? process.kill(process.pid, "SIGKILL") : undefined) },
});
writeLineSync(`ready ${log.logEndOffset}`);

/** Base offsets of the stored batches. */
const bases: number[] = [];
for (let next = log.logStartOffset; next < log.logEndOffset; ) {
  for (const { header } of iterateBatches(log.read(next, 1 << 20).batches)) {
    bases.push(header.baseOffset);
    next = header.baseOffset + header.lastOffsetDelta + 1;
  }
}

function makeBatch(): Uint8Array {
  const count = 1 + Math.floor(random() * 8);
  const records: BatchRecord[] = [];
  for (let i = 0; i < count; i++) {
    const value = new Uint8Array(1 + Math.floor(random() * 120));
    for (let j = 0; j < value.length; j++) value[j] = Math.floor(random() * 256);
    records.push({ key: null, value, headers: [], timestamp: Date.now() });
  }
  return encodeRecordBatch(records, { producerId: 1, producerEpoch: 0, baseSequence: log.logEndOffset });
}

for (;;) {
  const appends = 2 + Math.floor(random() * 10);
  for (let i = 0; i < appends; i++) {
    if (random() < 0.1) log.becomeLeader(log.leaderEpoch + 1);
    const batch = makeBatch();
    const r = await log.append(batch);
    bases.push(r.baseOffset);
    writeLineSync(`ack ${r.baseOffset} ${r.lastOffset} ${crc32c(batch)}`);
  }
  if (forceFull || random() < 0.15) {
    forceFull = false;
    const offset = log.logEndOffset + 1 + Math.floor(random() * 50);
    writeLineSync(`truncating-fully ${offset} ${log.logStartOffset} ${log.logEndOffset}`);
    log.truncateFullyAndStartAt(offset);
    bases.length = 0;
    writeLineSync(`truncated ${offset}`);
    continue;
  }
  const keep = Math.floor(random() * bases.length);
  const offset = bases[keep];
  writeLineSync(`truncating ${offset} ${log.logEndOffset}`);
  log.truncateTo(offset);
  bases.length = keep;
  writeLineSync(`truncated ${offset}`);
}
