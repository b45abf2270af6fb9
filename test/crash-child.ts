/**
 * The victim of the crash test (`test/log-crash.test.ts`): opens the log in `argv[2]` with
 * `flush=always`, appends batches of random records with several in flight, and writes one line
 * `ack <baseOffset> <lastOffset> <crc32c of the stored batch>` to stdout (synchronously) as soon
 * as each append resolves, until it is killed.
 */
import { writeLineSync } from "./support/write-line.ts";
import { parseTopicConfig } from "../core/topic-config.ts";
import { crc32c } from "../record/crc32c.ts";
import { Log } from "../storage/log.ts";
import { encodeRecordBatch, type BatchRecord } from "../record/record-batch.ts";

const [dir, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) || 1;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};

const log = Log.open(dir, parseTopicConfig({ flush: "always", "segment.bytes": 64 * 1024, "index.interval.bytes": 1024 }));
writeLineSync(`ready ${log.logEndOffset}`);

function makeBatch(): Uint8Array {
  const count = 1 + Math.floor(random() * 20);
  const records: BatchRecord[] = [];
  for (let i = 0; i < count; i++) {
    const value = new Uint8Array(1 + Math.floor(random() * 300));
    for (let j = 0; j < value.length; j++) value[j] = Math.floor(random() * 256);
    records.push({ key: null, value, headers: [], timestamp: Date.now() });
  }
  return encodeRecordBatch(records);
}

async function producer(): Promise<void> {
  for (;;) {
    const batch = makeBatch();
    const r = await log.append(batch);
    // the batch now holds its assigned base offset: the bytes stored on disk
    writeLineSync(`ack ${r.baseOffset} ${r.lastOffset} ${crc32c(batch)}`);
  }
}

await Promise.all(Array.from({ length: 8 }, producer));
