/**
 * The victim of the transaction crash test (`test/txn-crash.test.ts`): opens the log in
 * `argv[2]` with `flush=always`, first aborts every transaction a previous run left open (as a
 * transaction coordinator's recovery does), then runs three transactional producers (ids unique
 * to this run, from `argv[3]`) that interleave transactions of 1-4 batches, each ended by a
 * commit or an abort marker. Writes one line per acknowledged append, synchronously:
 * `data <producerId> <baseOffset> <lastOffset>` and `marker <producerId> <offset> <commit 0|1>`,
 * until it is killed.
 */
import { writeLineSync } from "./support/write-line.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { Log } from "../storage/log.ts";
import { encodeRecordBatch } from "../record/record-batch.ts";

const [dir, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) || 1;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};

const log = Log.open(dir, parseTopicConfig({ flush: "always", "segment.bytes": 4096, "index.interval.bytes": 512 }));
for (const producerId of log.ongoingTransactions.keys()) {
  const m = await log.appendTxnMarker({ producerId, producerEpoch: 0, coordinatorEpoch: 0, commit: false });
  writeLineSync(`marker ${producerId} ${m.baseOffset} 0`);
}
writeLineSync(`ready ${log.logEndOffset}`);

async function producer(producerId: number): Promise<void> {
  let sequence = 0;
  for (;;) {
    const batches = 1 + Math.floor(random() * 4);
    for (let b = 0; b < batches; b++) {
      const count = 1 + Math.floor(random() * 10);
      const records = Array.from({ length: count }, (_, i) => ({ key: null, value: new TextEncoder().encode(`${producerId}-${sequence + i}`), headers: [], timestamp: Date.now() }));
      const r = await log.append(encodeRecordBatch(records, { producerId, producerEpoch: 0, baseSequence: sequence, transactional: true }));
      sequence += count;
      writeLineSync(`data ${producerId} ${r.baseOffset} ${r.lastOffset}`);
    }
    const commit = random() < 0.5;
    const m = await log.appendTxnMarker({ producerId, producerEpoch: 0, coordinatorEpoch: 0, commit });
    writeLineSync(`marker ${producerId} ${m.baseOffset} ${commit ? 1 : 0}`);
  }
}

const base = (Number(seedArg) % 1_000_000) * 10;
await Promise.all([1, 2, 3].map((k) => producer(base + k)));
