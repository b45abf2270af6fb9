import { rmSync } from "node:fs";
import { join } from "node:path";
import { RivuletError } from "../core/errors.ts";
import { fsyncDir, readCbor, writeCborAtomic } from "./atomic-file.ts";
import { scanHeaders } from "./batch-scanner.ts";
import { offsetPath, Suffix, TRUNCATION_FILE } from "./file-names.ts";
import { LogSegment } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";
import { listSnapshots } from "./producer-snapshots.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/**
 * Where a truncation cuts the log: every record at or past `offset` goes. Segments with a base
 * above `segmentBase` are deleted; the segment at `segmentBase` is cut to `position` bytes.
 * A `full` truncation removes every record and restarts the log, empty, at `offset` (which may
 * lie anywhere): every segment but one at `offset` (created if missing) is deleted, and with
 * them every producer-state snapshot. Written (CBOR) to {@link TRUNCATION_FILE} before anything
 * is removed.
 */
export interface TruncationPlan {
  version: 1;
  offset: number;
  segmentBase: number;
  position: number;
  full?: boolean;
}

/** The plan of a full truncation that restarts the log at `offset`. */
export function planFullTruncation(offset: number): TruncationPlan {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RivuletError("invalid_offset", `a log cannot start at offset ${offset}`, { offset });
  return { version: 1, offset, segmentBase: offset, position: 0, full: true };
}

/**
 * Finds where truncating to `offset` cuts the log. `offset` must be a batch boundary: the base
 * offset of a stored batch, or the log end. An offset inside a batch is refused rather than
 * rounded down, so the caller learns it asked for something the log cannot give exactly (the
 * offsets a follower truncates to — epoch start offsets, its high watermark — are all boundaries).
 * An offset in a gap that compaction left between batches cuts before the next batch; the log
 * then ends at the end of the batch before the gap (no offset of the gap held a record).
 *
 * @throws {RivuletError} `offset_out_of_range` outside [log start, log end]; `invalid_offset`
 *   for an offset inside a batch
 */
export function planTruncation(segments: LogSegments, offset: number, logEndOffset: number, indexIntervalBytes: number): TruncationPlan {
  const logStartOffset = segments.first.baseOffset;
  if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > logEndOffset) {
    throw new RivuletError("offset_out_of_range", `cannot truncate to offset ${offset}: the log holds [${logStartOffset}, ${logEndOffset}]`, {
      offset,
      logStartOffset,
      logEndOffset,
    });
  }
  const i = segments.floorIndex(offset);
  const segment = segments.at(i)!;
  const end = segments.endOffsetOf(i, logEndOffset);
  if (offset === segment.baseOffset) return { version: 1, offset, segmentBase: segment.baseOffset, position: 0 };
  segment.checkIndexes(indexIntervalBytes, end);
  for (const b of scanHeaders(segment.log, segment.offsetIndex.lookup(offset).position)) {
    const last = b.header.baseOffset + b.header.lastOffsetDelta;
    // the batch at `offset`, or the first past it when compaction left `offset` in a gap between batches
    if (b.header.baseOffset >= offset) return { version: 1, offset, segmentBase: segment.baseOffset, position: b.position };
    if (last >= offset) {
      throw new RivuletError("invalid_offset", `cannot truncate to offset ${offset}: it lies inside the batch [${b.header.baseOffset}, ${last}]; truncate to ${b.header.baseOffset} or ${last + 1}`, {
        offset,
        batchBaseOffset: b.header.baseOffset,
        batchLastOffset: last,
      });
    }
  }
  // past the last batch of a segment that ends below the next one's base (cannot happen in a
  // well-formed log): cut at the segment's end
  return { version: 1, offset, segmentBase: segment.baseOffset, position: segment.size };
}

/** Records `plan` durably: from here on the truncation is decided (recovery finishes it). */
export function writeTruncationMarker(dir: string, plan: TruncationPlan): void {
  writeCborAtomic(join(dir, TRUNCATION_FILE), plan);
}

/** The plan of an interrupted truncation, or undefined. A marker that cannot be read was never complete. */
export function readTruncationMarker(dir: string): TruncationPlan | undefined {
  try {
    const plan = readCbor<TruncationPlan>(join(dir, TRUNCATION_FILE));
    const numbers = plan && [plan.offset, plan.segmentBase, plan.position].every((n) => Number.isSafeInteger(n) && n >= 0);
    if (plan && plan.version === 1 && numbers && (plan.full === undefined || typeof plan.full === "boolean")) return plan;
  } catch {
    // a torn temp file never became the marker; an unreadable marker is treated as absent
  }
  return undefined;
}

/** Deletes the marker: the truncation is complete. */
export function clearTruncationMarker(dir: string): void {
  rmSync(join(dir, TRUNCATION_FILE), { force: true });
  fsyncDir(dir);
}

/**
 * Carries out `plan` on the segments' files; idempotent, so recovery can run it again after a
 * crash part-way. Steps, in order:
 * 1. delete the segments above `segmentBase`, newest first (each `.log` before its indexes), so
 *    what remains is always a prefix of the segments;
 * 2. cut the holding segment's `.log` at `position`, then its offset, time and transaction
 *    indexes (aborted transactions whose marker is at or past `offset` go);
 * 3. re-validate the holding segment's new tail from its last index entry (which also sets its
 *    end offset, largest timestamp and index spacing, as at open);
 * 4. fdatasync the segment and its indexes, and fsync the directory.
 * The caller then truncates the epoch cache and rebuilds producer state, and only then deletes
 * the marker.
 *
 * @returns the bytes removed
 * @throws {RivuletError} `storage_error`
 */
export function applyTruncation(dir: string, segments: LogSegments, plan: TruncationPlan, indexIntervalBytes: number, maxBatchBytes: number, logEndOffset: number, hooks: StorageHooks = {}): number {
  if (plan.full) return applyFullTruncation(dir, segments, plan.offset, { indexIntervalBytes, maxBatchBytes, hooks });
  let removed = 0;
  const i = segments.floorIndex(plan.segmentBase);
  const oldEnd = segments.endOffsetOf(Math.max(0, i), logEndOffset);
  for (const segment of segments.removeAfter(plan.segmentBase)) {
    removed += segment.size;
    segment.deleteFiles();
  }
  const holding = segments.active;
  if (holding.baseOffset === plan.segmentBase) {
    holding.checkIndexes(indexIntervalBytes, oldEnd);
    removed += holding.log.truncate(plan.position);
    holding.offsetIndex.truncateToPosition(plan.position);
    holding.timeIndex.truncateToOffset(plan.offset);
    holding.txnIndex.truncateToOffset(plan.offset);
    holding.recover(indexIntervalBytes, maxBatchBytes);
    holding.sync();
  }
  fsyncDir(dir);
  return removed;
}

/**
 * A full truncation, idempotent as {@link applyTruncation}: open (or create) the segment at
 * `offset`, delete every other segment newest first, empty it and its indexes, delete every
 * producer-state snapshot (they describe the records that are gone), fsync.
 */
function applyFullTruncation(dir: string, segments: LogSegments, offset: number, options: { indexIntervalBytes: number; maxBatchBytes: number; hooks: StorageHooks }): number {
  const target = segments.all().find((s) => s.baseOffset === offset) ?? LogSegment.open(dir, offset, options.hooks);
  let removed = 0;
  for (const other of segments.resetTo(target)) {
    removed += other.size;
    other.deleteFiles();
  }
  removed += target.log.truncate(0);
  target.offsetIndex.replace([]);
  target.timeIndex.replace([]);
  target.txnIndex.replace([]);
  target.recover(options.indexIntervalBytes, options.maxBatchBytes);
  target.sync();
  for (const snapshot of listSnapshots(dir)) rmSync(offsetPath(dir, snapshot, Suffix.snapshot), { force: true });
  fsyncDir(dir);
  return removed;
}
