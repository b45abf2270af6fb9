/**
 * Reads across a log's segments (see `Log.read`): whole batches from the segment holding
 * an offset, the aborted transactions a read_committed read names, and the offset for a
 * timestamp. Pure over the segments: the log passes its ends (high watermark, log end) and
 * checks the offsets first.
 *
 * Not thread-safe: called by the log's owner (one partition actor) only.
 */
import { iterateBatches } from "../record/record-batch.ts";
import type { LogSegments } from "./log-segments.ts";
import type { AbortedTxn } from "./transaction-index.ts";

/** Which records a read may return: up to the high watermark, or only up to the last stable offset. */
export type Isolation = "read_uncommitted" | "read_committed";

export interface ReadResult {
  /** Whole batches; the first holds the requested offset. Empty at the high watermark (read_committed: at the last stable offset). */
  batches: Uint8Array;
  highWatermark: number;
  /** The last stable offset: below it every transaction is decided (≤ the high watermark). */
  lastStableOffset: number;
  logStartOffset: number;
  /**
   * read_committed: the aborted transactions overlapping the returned batches (marker at or
   * past the read offset, first offset below the end of the batches), by first offset; a reader
   * drops a transactional batch of such a producer from its first offset until its abort
   * marker. Empty for read_uncommitted.
   */
  abortedTransactions: { producerId: number; firstOffset: number }[];
}

/**
 * Whole batches from the one holding `offset` (in [log start, log end]), up to `maxBytes` (at
 * least one batch when one exists), none at or past `limit`, from one segment; empty when there
 * is none below `limit`.
 */
export function readBatches(segments: LogSegments, offset: number, maxBytes: number, limit: number, logEndOffset: number, indexIntervalBytes: number): Uint8Array {
  for (let i = segments.floorIndex(offset); offset < limit && i < segments.count; i++) {
    const segment = segments.at(i)!;
    const end = segments.endOffsetOf(i, logEndOffset);
    if (offset >= end) continue;
    const batches = segment.read(Math.max(offset, segment.baseOffset), maxBytes, limit, indexIntervalBytes, end);
    if (batches.length > 0) return batches;
    offset = end;
  }
  return new Uint8Array(0);
}

/**
 * The aborted transactions overlapping [`from`, `to`): abort marker at or past `from`, first
 * offset below `to`, from the `.txnindex` of the segment holding `from` onwards (stopping
 * early once an entry's last stable offset reaches `to`), in marker order.
 */
export function collectAbortedTransactions(segments: LogSegments, from: number, to: number): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let i = Math.max(0, segments.floorIndex(from)); i < segments.count; i++) {
    if (segments.at(i)!.txnIndex.collect(from, to, out)) break;
  }
  return out;
}

/** The first offset below `highWatermark` whose record has a timestamp ≥ `timestamp`, or null if none. */
export function findOffsetForTimestamp(segments: LogSegments, timestamp: number, highWatermark: number, logEndOffset: number, indexIntervalBytes: number): number | null {
  for (let i = 0; i < segments.count; i++) {
    const segment = segments.at(i)!;
    if (segment.baseOffset >= highWatermark) break;
    const end = segments.endOffsetOf(i, logEndOffset);
    const found = segment.offsetForTimestamp(timestamp, highWatermark, indexIntervalBytes, end);
    if (found !== null) return found;
  }
  return null;
}

/** The offset after the last batch in `batches` (whole batches). */
export function endOffsetOf(batches: Uint8Array): number {
  let end = 0;
  for (const { header } of iterateBatches(batches)) end = header.baseOffset + header.lastOffsetDelta + 1;
  return end;
}
