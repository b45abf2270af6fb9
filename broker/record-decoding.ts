/**
 * Turns stored batch bytes (as a partition actor hands them out) into records for callers
 * that want objects. Control batches are skipped; records below `offset` (in the first batch)
 * and past `maxRecords` are left out. One object per record, plus its key and value views.
 */
import { Attributes } from "../record/batch-layout.ts";
import { forEachRecord, iterateBatches } from "../record/record-batch.ts";
import type { ConsumedRecord } from "./types.ts";

export function batchesToRecords(topic: string, partition: number, bytes: Uint8Array, offset: number, maxRecords: number): { records: ConsumedRecord[]; nextOffset: number } {
  const records: ConsumedRecord[] = [];
  let nextOffset = offset;
  let full = false;
  for (const { position, header } of iterateBatches(bytes)) {
    if ((header.attributes & Attributes.control) === 0) {
      forEachRecord(bytes, position, (recordOffset, timestamp, key, value, headers) => {
        if (recordOffset < offset) return true;
        if (records.length >= maxRecords) {
          full = true;
          return false;
        }
        records.push({ topic, partition, offset: recordOffset, timestamp, key, value, headers });
        nextOffset = recordOffset + 1;
        return true;
      });
    }
    if (full) break;
    nextOffset = Math.max(nextOffset, header.baseOffset + header.lastOffsetDelta + 1);
  }
  return { records, nextOffset };
}
