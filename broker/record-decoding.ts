/**
 * Turns stored batch bytes (as a partition actor hands them out) into records for callers
 * that want objects. Control batches are skipped; records below `offset` (in the first batch)
 * and past `maxRecords` are left out.
 */
import { Attributes } from "../storage/batch-layout.ts";
import { decodeRecords, iterateBatches } from "../storage/record-batch.ts";
import type { ConsumedRecord } from "./types.ts";

export function batchesToRecords(topic: string, partition: number, bytes: Uint8Array, offset: number, maxRecords: number): { records: ConsumedRecord[]; nextOffset: number } {
  const records: ConsumedRecord[] = [];
  let nextOffset = offset;
  for (const { position, header } of iterateBatches(bytes)) {
    const batchEnd = header.baseOffset + header.lastOffsetDelta + 1;
    if ((header.attributes & Attributes.control) === 0) {
      for (const r of decodeRecords(bytes, position)) {
        if (r.offset < offset) continue;
        if (records.length >= maxRecords) return { records, nextOffset };
        records.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
        nextOffset = r.offset + 1;
      }
    }
    nextOffset = Math.max(nextOffset, batchEnd);
  }
  return { records, nextOffset };
}
