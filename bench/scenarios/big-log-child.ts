/**
 * One measurement of the log-size scenario, in a fresh process so start-up time and memory are
 * this broker's alone: open the broker on an existing data directory (timed), note the resident
 * memory, produce records of 100 bytes through the actor path, then read those records back from
 * where they start. Prints one JSON line.
 *
 *   node --import tsx bench/scenarios/big-log-child.ts DATA_DIR RECORDS
 */
import { Broker } from "../../groups/broker.ts";
import { produceRecords } from "../broker.ts";

const [dataDir, recordsArg] = process.argv.slice(2);
const records = Number(recordsArg);
if (!dataDir || !(records > 0)) throw new TypeError("usage: big-log-child.ts DATA_DIR RECORDS");

const opening = performance.now();
const broker = await Broker.open({ dataDir, maxWorkers: 8 });
const openMs = performance.now() - opening;
const rssMb = process.memoryUsage().rss / 2 ** 20;
const before = await broker.describeTopic("bench");
const produceMs = await produceRecords(broker, records);
const reading = performance.now();
let read = 0;
await Promise.all(before.partitions.map(async ({ partition, endOffset }) => {
  let offset = endOffset;
  for (;;) {
    const r = await broker.fetch("bench", partition, { offset, maxRecords: 50_000, maxBytes: 8 * 2 ** 20 });
    read += r.records.length;
    offset = r.nextOffset;
    if (offset >= r.highWatermark) break;
  }
}));
const consumeMs = performance.now() - reading;
if (read !== records) throw new Error(`read ${read} of ${records}`);
const recordsBefore = before.partitions.reduce((sum, p) => sum + p.endOffset, 0);
await broker.close();
console.log(JSON.stringify({ openMs, rssMb, produceMs, consumeMs, recordsBefore }));
