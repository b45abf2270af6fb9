import { BATCH_HEADER_SIZE } from "../record/batch-layout.ts";
import { readBatchHeader, type BatchHeader } from "../record/batch-header.ts";
import { scanHeaders } from "./batch-scanner.ts";
import { LeaderEpochCache, type EpochEntry } from "./leader-epoch-cache.ts";
import type { LogSegment } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";

/**
 * The leader epoch a stored batch belongs to. Batches written before leader epochs existed carry
 * -1; they count as epoch 0, since a single broker was always the leader of epoch 0 — so a data
 * directory from before opens with the one entry (0, log start) and answers OffsetsForLeaderEpoch
 * for its whole log. A follower copying such batches byte for byte builds the same cache.
 */
export function batchEpoch(header: BatchHeader): number {
  return Math.max(0, header.partitionLeaderEpoch);
}

/**
 * Loads the partition's epoch cache at open, after the log's tail is recovered, and makes it
 * agree with the log:
 * 1. entries past the log end go (an epoch checkpointed just before its first batch was written,
 *    or a tail cut by recovery); an entry at the log end stays (a leader that wrote nothing yet);
 *    after an interrupted truncation to T (`truncatedTo`), entries at or past T go too;
 * 2. entries below the log start are folded into one at the log start (retention);
 * 3. when the file is missing or unreadable, empty while the log is not, or — after an unclean
 *    stop — its newest epoch is older than the epoch of the log's last batch, it is rebuilt from
 *    batch headers (see {@link rebuildEpochEntries}).
 * The check in 3 reads the newest segment's tail from its last index entry, as recovery just
 * did; after a clean stop it is skipped (the checkpoint is written before each new epoch's first
 * batch, so only a crash can leave it behind), and a clean open scans nothing.
 *
 * @throws {RivuletError} `storage_error`
 */
export function loadEpochCache(dir: string, segments: LogSegments, nextOffset: number, options: { indexIntervalBytes: number; cleanShutdown: boolean; truncatedTo?: number }): LeaderEpochCache {
  const { indexIntervalBytes, truncatedTo } = options;
  const { cache, readable } = LeaderEpochCache.load(dir);
  const entries = cache.entries;
  const drop = Math.min(truncatedTo ?? Number.MAX_SAFE_INTEGER, nextOffset + 1);
  if (entries.some((e) => e.startOffset >= drop)) cache.truncateFromEnd(drop);
  cache.truncateFromStart(segments.first.baseOffset);
  const last = readable && options.cleanShutdown ? undefined : lastBatch(segments, nextOffset, indexIntervalBytes);
  const behind = last !== undefined && (cache.latestEpoch === undefined || cache.latestEpoch < batchEpoch(last));
  const emptyButData = cache.latestEpoch === undefined && nextOffset > segments.first.baseOffset;
  if (!readable || behind || emptyButData) cache.replace(rebuildEpochEntries(segments, nextOffset, indexIntervalBytes));
  return cache;
}

/**
 * The epoch entries of the log, from batch headers. Epochs never decrease along a log, so a
 * segment whose first batch has the same epoch as the next segment's first batch (or, for the
 * newest, as its own last batch) lies wholly in that epoch and is not scanned: a log written
 * under one epoch (every log from before leader epochs) costs one header read per segment.
 */
export function rebuildEpochEntries(segments: LogSegments, nextOffset: number, indexIntervalBytes: number): EpochEntry[] {
  const entries: EpochEntry[] = [];
  const add = (header: BatchHeader): void => {
    const epoch = batchEpoch(header);
    const last = entries[entries.length - 1];
    if (!last || epoch > last.epoch) entries.push({ epoch, startOffset: header.baseOffset });
  };
  for (let i = 0; i < segments.count; i++) {
    const segment = segments.at(i)!;
    const end = segments.endOffsetOf(i, nextOffset);
    const first = firstBatch(segment);
    if (!first || first.baseOffset >= end) continue;
    add(first);
    const next = i + 1 < segments.count ? firstBatch(segments.at(i + 1)!) : lastBatchOf(segment, indexIntervalBytes, end);
    if (next && batchEpoch(next) === batchEpoch(first)) continue;
    for (const { header } of scanHeaders(segment.log, 0)) {
      if (header.baseOffset >= end) break;
      add(header);
    }
  }
  return entries;
}

function firstBatch(segment: LogSegment): BatchHeader | undefined {
  if (segment.size < BATCH_HEADER_SIZE) return undefined;
  try {
    return readBatchHeader(segment.log.read(0, BATCH_HEADER_SIZE));
  } catch {
    return undefined;
  }
}

/** The header of the last batch below `end` in `segment`, scanning from its last index entry. */
function lastBatchOf(segment: LogSegment, indexIntervalBytes: number, end: number): BatchHeader | undefined {
  segment.checkIndexes(indexIntervalBytes, end);
  let found: BatchHeader | undefined;
  for (const { header } of scanHeaders(segment.log, segment.offsetIndex.lookup(end).position)) {
    if (header.baseOffset >= end) break;
    found = header;
  }
  return found;
}

/** The header of the log's last batch, or undefined when the log is empty. */
function lastBatch(segments: LogSegments, nextOffset: number, indexIntervalBytes: number): BatchHeader | undefined {
  for (let i = segments.count - 1; i >= 0; i--) {
    const found = lastBatchOf(segments.at(i)!, indexIntervalBytes, segments.endOffsetOf(i, nextOffset));
    if (found) return found;
  }
  return undefined;
}
