import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fsyncDir, readCbor } from "./atomic-file.ts";
import { CLEAN_SHUTDOWN_FILE, offsetPath, parseOffsetName, Suffix, type CleanShutdown } from "./file-names.ts";
import { LogSegment } from "./log-segment.ts";
import { LogSegments } from "./log-segments.ts";
import { loadSnapshot } from "./producer-snapshots.ts";
import { ProducerState } from "./producer-state.ts";
import { reconcileTxnIndexes, rebuildTxnIndexes, replayBatches } from "./txn-replay.ts";
import { rebuildIndexes } from "./segment-recovery.ts";
import { loadEpochCache } from "./epoch-recovery.ts";
import type { LeaderEpochCache } from "./leader-epoch-cache.ts";
import { applyTruncation, clearTruncationMarker, readTruncationMarker, type TruncationPlan } from "./log-truncation.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/** What {@link loadLog} needs to know. */
export interface LoadOptions {
  indexIntervalBytes: number;
  /** Largest batch recovery accepts as valid. */
  maxBatchBytes: number;
  hooks: StorageHooks;
}

/** A recovered log, ready to append to. */
export interface LoadedLog {
  segments: LogSegments;
  nextOffset: number;
  producerState: ProducerState;
  /** Which leader epoch wrote which offsets (see `leader-epoch-cache.ts`). */
  epochs: LeaderEpochCache;
  /** True when recovery found a truncation under way and finished it. */
  finishedTruncation: boolean;
  /** Bytes cut from the newest segment's tail. */
  bytesTruncated: number;
  /** True when the last close was clean and nothing was scanned. */
  cleanShutdown: boolean;
}

/**
 * Recovers the log in `dir`, in five passes. Start-up reads no segment but the newest: older
 * segments' indexes are only stat-ed here and checked on first use.
 *
 * 1. List the files, sort the segments; delete leftover `.tmp` and `.cleaned` files, finish an
 *    interrupted compaction swap, delete index files without a log; take the clean-shutdown
 *    marker and the marker of a truncation under way.
 * 2. Sanity-check indexes: every segment's index sizes (no read); the newest segment's entries in
 *    full. A bad index is rebuilt from its log.
 * 3. If a truncation was under way, finish it (`log-truncation.ts`: it is idempotent) — its
 *    holding segment's tail is re-validated there. Else validate the newest segment's tail from
 *    its last index entry and truncate at the first bad byte — unless the clean-shutdown marker
 *    vouches for it, then scan nothing.
 * 4. Load producer state: the newest snapshot at or below the log end, then the batch headers
 *    after it (data batches, transaction markers). The `.txnindex` of a segment whose file was
 *    missing or torn is rebuilt from the log (`txn-replay.ts`); the entries of the replayed part
 *    are recomputed and made to agree (a crash may have lost or torn the newest ones).
 * 5. Load the leader-epoch cache and make it agree with the log (`epoch-recovery.ts`); only then
 *    is a finished truncation's marker deleted.
 */
export function loadLog(dir: string, options: LoadOptions): LoadedLog {
  const { bases, marker, truncation } = listAndTidy(dir);
  const missingTxnIndexes = new Set(bases.filter((base) => !existsSync(offsetPath(dir, base, Suffix.txnIndex))));
  const segments = new LogSegments(checkIndexes(dir, bases, options));
  const { nextOffset, bytesTruncated } = truncation
    ? finishTruncation(dir, segments, truncation, options)
    : recoverTail(segments.active, marker, options);
  for (const segment of segments.all()) if (!segment.txnIndex.sizeIsWhole) missingTxnIndexes.add(segment.baseOffset);
  const producerState = loadProducerState(dir, segments, nextOffset, options, missingTxnIndexes);
  const cleanShutdown = bytesTruncated === 0 && marker !== undefined && !truncation;
  const epochs = loadEpochCache(dir, segments, nextOffset, { indexIntervalBytes: options.indexIntervalBytes, cleanShutdown, truncatedTo: truncation?.full ? 0 : truncation?.offset });
  if (truncation) clearTruncationMarker(dir);
  return { segments, nextOffset, producerState, epochs, finishedTruncation: truncation !== undefined, bytesTruncated, cleanShutdown };
}

/** Pass 1. */
function listAndTidy(dir: string): { bases: number[]; marker: CleanShutdown | undefined; truncation: TruncationPlan | undefined } {
  const names = readdirSync(dir);
  const logs = new Set<number>();
  let changed = false;
  for (const name of names) {
    if (name.endsWith(Suffix.tmp) || name.endsWith(Suffix.cleaned)) {
      rmSync(join(dir, name), { force: true });
      changed = true;
    } else if (name.endsWith(Suffix.log + Suffix.swap)) {
      const base = parseOffsetName(name.slice(0, -Suffix.swap.length))!.offset;
      rmSync(offsetPath(dir, base, Suffix.index), { force: true });
      rmSync(offsetPath(dir, base, Suffix.timeIndex), { force: true });
      renameSync(join(dir, name), offsetPath(dir, base, Suffix.log));
      logs.add(base);
      changed = true;
    }
  }
  for (const name of names) {
    const parsed = parseOffsetName(name);
    if (parsed?.suffix === Suffix.log) logs.add(parsed.offset);
  }
  for (const name of names) {
    const parsed = parseOffsetName(name);
    if ((parsed?.suffix === Suffix.index || parsed?.suffix === Suffix.timeIndex || parsed?.suffix === Suffix.txnIndex) && !logs.has(parsed.offset)) {
      rmSync(join(dir, name), { force: true });
      changed = true;
    }
  }
  const markerPath = join(dir, CLEAN_SHUTDOWN_FILE);
  let marker: CleanShutdown | undefined;
  try {
    marker = readCbor<CleanShutdown>(markerPath);
  } catch {
    marker = undefined;
  }
  if (names.includes(CLEAN_SHUTDOWN_FILE)) {
    // Gone before anything is appended, so a later crash is never mistaken for a clean stop.
    rmSync(markerPath, { force: true });
    changed = true;
  }
  if (changed) fsyncDir(dir);
  return { bases: [...logs].sort((a, b) => a - b), marker, truncation: readTruncationMarker(dir) };
}

/** Pass 2. */
function checkIndexes(dir: string, bases: number[], options: LoadOptions): LogSegment[] {
  if (bases.length === 0) bases = [0];
  const segments = bases.map((base) => LogSegment.open(dir, base, options.hooks));
  segments.forEach((segment, i) => {
    const newest = i === segments.length - 1;
    const sane = newest
      ? segment.offsetIndex.isSane(segment.size) && segment.timeIndex.isSane(Number.MAX_SAFE_INTEGER)
      : segment.offsetIndex.sizeIsWhole && segment.timeIndex.sizeIsWhole;
    if (!sane) rebuildIndexes(segment, options.indexIntervalBytes);
  });
  return segments;
}

/** Pass 3. */
function recoverTail(active: LogSegment, marker: CleanShutdown | undefined, options: LoadOptions): { nextOffset: number; bytesTruncated: number } {
  if (marker && marker.activeBaseOffset === active.baseOffset && marker.activeSizeBytes === active.size && marker.nextOffset >= active.baseOffset) {
    active.setRecovered(marker.nextOffset, marker.maxTimestamp);
    return { nextOffset: marker.nextOffset, bytesTruncated: 0 };
  }
  const bytesTruncated = active.recover(options.indexIntervalBytes, options.maxBatchBytes);
  return { nextOffset: active.nextOffset, bytesTruncated };
}

/** Pass 3, after a crash during a truncation: carry it out again. */
function finishTruncation(dir: string, segments: LogSegments, plan: TruncationPlan, options: LoadOptions): { nextOffset: number; bytesTruncated: number } {
  const bytesTruncated = applyTruncation(dir, segments, plan, options.indexIntervalBytes, options.maxBatchBytes, Number.MAX_SAFE_INTEGER, options.hooks);
  const active = segments.active;
  if (active.baseOffset !== plan.segmentBase) return { nextOffset: active.nextOffset, bytesTruncated: bytesTruncated + active.recover(options.indexIntervalBytes, options.maxBatchBytes) };
  return { nextOffset: active.nextOffset, bytesTruncated };
}

/**
 * Pass 4, and the rebuild after a truncation: the newest snapshot at or below `nextOffset`
 * (newer ones are deleted), then the batches from it to `nextOffset` (`txn-replay.ts`), whose
 * aborted transactions the segments' `.txnindex` files are made to agree with. The files of
 * `rebuild` (missing or torn) are first rebuilt from the log start.
 */
export function loadProducerState(dir: string, segments: LogSegments, nextOffset: number, options: LoadOptions, rebuild: Set<number> = new Set()): ProducerState {
  const { state, offset } = loadSnapshot(dir, nextOffset, segments.first.baseOffset);
  const below = new Set([...rebuild].filter((base) => base < offset));
  rebuildTxnIndexes(segments, below, nextOffset, options.indexIntervalBytes, new ProducerState());
  const aborted = replayBatches(state, segments, offset, nextOffset, options.indexIntervalBytes);
  reconcileTxnIndexes(segments, offset, nextOffset, aborted);
  return state;
}

export { lastSequence } from "./txn-replay.ts";
