import { BATCH_HEADER_SIZE } from "../record/batch-layout.ts";
import { batchSize, readBatchHeader } from "../record/batch-header.ts";
import type { LogSegment } from "./log-segment.ts";
import type { OffsetPosition } from "./offset-index.ts";
import { validateBatch } from "../record/record-batch.ts";

/** What validating a segment's tail found. */
export interface SegmentRecovery {
  nextOffset: number;
  maxTimestamp: number;
  bytesRemoved: number;
  bytesSinceIndexEntry: number;
}

/**
 * Validates `segment` from its last index entry to its end — each batch whole, offsets
 * increasing (compaction may leave gaps between batches), CRC right — re-adds index entries for what it checked, and cuts the log and its
 * indexes at the first bad byte. If the batch at the last index entry is itself bad the index
 * cannot be trusted, so the whole segment is checked from byte 0 with fresh indexes.
 */
export function recoverSegment(segment: LogSegment, indexIntervalBytes: number, maxBatchBytes: number): SegmentRecovery {
  const lastIndexed = segment.offsetIndex.lastEntry()?.offset ?? segment.baseOffset;
  const lastTimed = segment.timeIndex.lastEntry();
  const start = segment.offsetIndex.lookup(Math.min(lastIndexed, lastTimed?.offset ?? lastIndexed));
  if (start.position > 0) {
    const result = recoverFrom(segment, start, lastTimed?.timestamp ?? -1, indexIntervalBytes, maxBatchBytes, true);
    if (result) return result;
  }
  segment.offsetIndex.replace([]);
  segment.timeIndex.replace([]);
  return recoverFrom(segment, { offset: segment.baseOffset, position: 0 }, -1, indexIntervalBytes, maxBatchBytes, false)!;
}

/** Rebuilds both indexes of `segment` from its log, checking nothing but batch framing. */
export function rebuildIndexes(segment: LogSegment, indexIntervalBytes: number): void {
  const offsets: OffsetPosition[] = [];
  const times: { timestamp: number; offset: number }[] = [];
  let since = 0;
  let maxTs = -1;
  let position = 0;
  let next = segment.baseOffset;
  const addTime = (timestamp: number, offset: number): void => {
    const last = times[times.length - 1];
    if (timestamp >= 0 && (!last || (timestamp > last.timestamp && offset > last.offset))) times.push({ timestamp, offset });
  };
  while (position + BATCH_HEADER_SIZE <= segment.size) {
    const head = segment.log.read(position, BATCH_HEADER_SIZE);
    const size = batchSize(head);
    if (size < BATCH_HEADER_SIZE || position + size > segment.size) break;
    const header = readBatchHeader(head);
    if (since >= indexIntervalBytes && position > 0) {
      offsets.push({ offset: header.baseOffset, position });
      addTime(maxTs, header.baseOffset);
      since = 0;
    }
    since += size;
    maxTs = Math.max(maxTs, header.maxTimestamp);
    next = header.baseOffset + header.lastOffsetDelta + 1;
    position += size;
  }
  addTime(maxTs, next);
  segment.offsetIndex.replace(offsets);
  segment.timeIndex.replace(times);
}

function recoverFrom(
  segment: LogSegment,
  start: OffsetPosition,
  startMaxTs: number,
  indexIntervalBytes: number,
  maxBatchBytes: number,
  startMustBeValid: boolean,
): SegmentRecovery | undefined {
  let position = start.position;
  let expected = start.offset;
  let maxTs = startMaxTs;
  let since = 0;
  const lastIndexPosition = segment.offsetIndex.lastEntry()?.position ?? 0;
  while (position < segment.size) {
    const batch = readValidBatch(segment, position, maxBatchBytes);
    const header = batch && readBatchHeader(batch);
    if (!batch || !header || header.baseOffset < expected || (startMustBeValid && position === start.position && header.baseOffset !== expected)) {
      if (startMustBeValid && position === start.position) return undefined;
      break;
    }
    if (since >= indexIntervalBytes && position > lastIndexPosition) {
      segment.offsetIndex.append(header.baseOffset, position);
      segment.timeIndex.maybeAppend(maxTs, header.baseOffset);
      since = 0;
    }
    since += batch.length;
    maxTs = Math.max(maxTs, header.maxTimestamp);
    expected = header.baseOffset + header.lastOffsetDelta + 1;
    position += batch.length;
  }
  const bytesRemoved = segment.log.truncate(position);
  segment.offsetIndex.truncateToPosition(position);
  segment.timeIndex.truncateToOffset(expected);
  return { nextOffset: expected, maxTimestamp: maxTs, bytesRemoved, bytesSinceIndexEntry: since };
}

/** The whole batch at `position` if it is framed right and passes its CRC, else undefined. */
function readValidBatch(segment: LogSegment, position: number, maxBatchBytes: number): Uint8Array | undefined {
  if (segment.size - position < BATCH_HEADER_SIZE) return undefined;
  const size = batchSize(segment.log.read(position, 12));
  if (size < BATCH_HEADER_SIZE || size > maxBatchBytes || position + size > segment.size) return undefined;
  const bytes = segment.log.read(position, size);
  try {
    validateBatch(bytes, 0, { maxBytes: maxBatchBytes });
    return bytes;
  } catch {
    return undefined;
  }
}
