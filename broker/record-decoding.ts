/**
 * Turns stored batch bytes (as a partition actor hands them out) into records for callers
 * that want objects. Control batches (transaction markers) are always skipped; given the
 * aborted transactions of a read_committed fetch, so are the batches of those transactions
 * (`record/aborted-filter.ts`). Records below `offset` (in the first batch) and past
 * `maxRecords` are left out. One object per record, plus its key and value views.
 */
import { AbortedTxnFilter, type AbortedTransaction } from "../record/aborted-filter.ts";
import { isControlBatch } from "../record/control-batch.ts";
import { forEachRecord, iterateBatches } from "../record/record-batch.ts";
import type { ConsumedRecord } from "./types.ts";

export function batchesToRecords(
  topic: string,
  partition: number,
  bytes: Uint8Array,
  offset: number,
  maxRecords: number,
  aborted?: readonly AbortedTransaction[],
): { records: ConsumedRecord[]; nextOffset: number } {
  const records: ConsumedRecord[] = [];
  const filter = aborted ? new AbortedTxnFilter(aborted) : null;
  let nextOffset = offset;
  let full = false;
  for (const { position, header } of iterateBatches(bytes)) {
    const skip = filter ? filter.skips(bytes, position, header) : isControlBatch(header);
    if (!skip) {
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
