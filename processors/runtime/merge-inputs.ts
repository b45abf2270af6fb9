/**
 * The order a task sees its records in: each input partition's records in offset order, and
 * the partitions merged by record timestamp (the head with the smallest timestamp goes first),
 * so a task reading several co-partitioned inputs sees them in about the order they happened.
 */
import type { ConsumedRecord } from "../../broker/types.ts";
import type { InputRecord } from "../task-contract.ts";

/**
 * @param records one task's records, each input partition's in offset order
 * @returns the task's input records
 */
export function mergeByTimestamp(records: readonly ConsumedRecord[]): InputRecord[] {
  const lists = new Map<string, ConsumedRecord[]>();
  for (const record of records) {
    const tp = `${record.topic}/${record.partition}`;
    let list = lists.get(tp);
    if (!list) lists.set(tp, (list = []));
    list.push(record);
  }
  const toInput = (r: ConsumedRecord): InputRecord => ({ topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
  if (lists.size === 1) return records.map(toInput);
  const heads = [...lists.values()].map((list) => ({ list, at: 0 }));
  const out: InputRecord[] = [];
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const h of heads) if (h.at < h.list.length && (!best || h.list[h.at].timestamp < best.list[best.at].timestamp)) best = h;
    if (!best) return out;
    out.push(toInput(best.list[best.at++]));
  }
}
