/**
 * How one append is stored: one record in a RecordBatch v2 of its own.
 *
 * - value: the appended bytes (JSON mode: the messages' texts joined by commas); null for a
 *   close without data;
 * - key: the Stream-Seq of the append, if any (replayed on load to restore the last seq);
 * - header `ds-close`: present when the append closes the stream;
 * - batch producerId / producerEpoch / baseSequence: the idempotent producer, if any.
 */
import type { RecordHeader } from "../broker/types.ts";
import { Attributes } from "../record/batch-layout.ts";
import { encodeRecordBatch, forEachRecord, iterateBatches, type BatchHeader } from "../record/record-batch.ts";

/** The header marking the append that closes a stream. */
export const CLOSE_HEADER = "ds-close";

const EMPTY = new Uint8Array(0);
const CLOSE: RecordHeader[] = [[CLOSE_HEADER, EMPTY]];
const NONE: RecordHeader[] = [];
const encoder = new TextEncoder();

/** One append to store. */
export interface StreamRecord {
  value: Uint8Array | null;
  streamSeq: string | null;
  close: boolean;
  producer: { id: number; epoch: number; sequence: number } | null;
  timestamp: number;
}

/**
 * Encodes one append as a batch for `broker.appendBatch`.
 *
 * @param record what to store
 * @returns a fresh batch (its buffer can be transferred)
 */
export function encodeStreamRecord(record: StreamRecord): Uint8Array {
  const key = record.streamSeq === null ? null : encoder.encode(record.streamSeq);
  const batch = [{ key, value: record.value, headers: record.close ? CLOSE : NONE, timestamp: record.timestamp }];
  const p = record.producer;
  return encodeRecordBatch(batch, p ? { producerId: p.id, producerEpoch: p.epoch, baseSequence: p.sequence } : {});
}

/** Called per stored record from `from` on; return false to stop after this record. */
export type StreamRecordVisitor = (offset: number, value: Uint8Array | null, key: Uint8Array | null, closes: boolean, batch: BatchHeader) => boolean;

/**
 * Walks the records of fetched batches at partition offsets in [`from`, `end`).
 *
 * @param bytes whole batches, as `broker.fetchBatches` returns them
 * @param from first partition offset wanted
 * @param end first partition offset not wanted (the walk stops there)
 * @param visit called per record
 * @returns the partition offset after the last record visited (or `from` if none)
 */
export function walkStreamRecords(bytes: Uint8Array, from: number, end: number, visit: StreamRecordVisitor): number {
  let next = from;
  let stop = false;
  for (const { position, header } of iterateBatches(bytes)) {
    if ((header.attributes & Attributes.control) !== 0) {
      next = Math.min(end, Math.max(next, header.baseOffset + header.lastOffsetDelta + 1));
      continue;
    }
    forEachRecord(bytes, position, (offset, _timestamp, key, value, headers) => {
      if (offset < from) return true;
      if (offset >= end) {
        stop = true;
        return false;
      }
      const closes = headers.length > 0 && headers.some(([name]) => name === CLOSE_HEADER);
      next = offset + 1;
      stop = !visit(offset, value, key, closes, header);
      return !stop;
    });
    if (stop) break;
    // a batch thinned by compaction may end (or be left empty) before its last offset
    next = Math.min(end, Math.max(next, header.baseOffset + header.lastOffsetDelta + 1));
  }
  return next;
}
