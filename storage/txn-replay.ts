/**
 * Rebuilding transaction state from the log: replaying batches into producer state (after a
 * snapshot, after a truncation) and making the segments' `.txnindex` files agree with what the
 * log says (`transaction-index.ts`). Functions over the segments of one log; like the log, not
 * thread-safe: called by its owner only (at open, or inside a truncation).
 */
import { isControlBatch, isTransactionalBatch, readControlMarker } from "../record/control-batch.ts";
import { scanHeaders } from "./batch-scanner.ts";
import type { LogSegment } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";
import type { ProducerState } from "./producer-state.ts";
import type { AbortedTxn } from "./transaction-index.ts";

/** The last sequence of a batch, wrapping past int32 max as Kafka does. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta;
  return last > 0x7fffffff ? last - 0x80000000 : last;
}

/**
 * Replays the batches of `segments` holding offsets in [`from`, `to`) into `state`, as if they
 * were appended again without checks: data batches of producers (transactional ones start or
 * extend a transaction), commit and abort markers (ending them). Reads batch headers only, and
 * the one record of each control batch.
 *
 * @returns the transactions aborted by markers in the range, in log order, as `.txnindex`
 *   entries (their last stable offset is the smallest first offset of the transactions still
 *   ongoing after the abort, else the offset after the marker, as Kafka computes it)
 */
export function replayBatches(state: ProducerState, segments: LogSegments, from: number, to: number, indexIntervalBytes: number): AbortedTxn[] {
  const aborted: AbortedTxn[] = [];
  for (let i = Math.max(0, segments.floorIndex(from)); i < segments.count && from < to; i++) {
    const segment = segments.at(i)!;
    const end = segments.endOffsetOf(i, to);
    if (end <= from) continue;
    segment.checkIndexes(indexIntervalBytes, end);
    const start = from > segment.baseOffset ? segment.offsetIndex.lookup(from).position : 0;
    for (const { header, position, size } of scanHeaders(segment.log, start)) {
      const lastOffset = header.baseOffset + header.lastOffsetDelta;
      if (header.baseOffset >= to) break;
      if (lastOffset < from || header.producerId < 0) continue;
      if (isControlBatch(header)) {
        const marker = readControlMarker(segment.log.read(position, size));
        if (!marker) continue;
        const ended = state.replayMarker(header.producerId, header.producerEpoch, marker.coordinatorEpoch);
        if (ended && !marker.commit) {
          aborted.push({ producerId: header.producerId, firstOffset: ended.firstOffset, lastOffset: header.baseOffset, lastStableOffset: state.firstUnstableOffset() ?? header.baseOffset + 1 });
        }
        continue;
      }
      state.replay(
        header.producerId,
        header.producerEpoch,
        { firstSeq: header.baseSequence, lastSeq: lastSequence(header.baseSequence, header.lastOffsetDelta), baseOffset: header.baseOffset, lastOffset },
        isTransactionalBatch(header),
      );
    }
  }
  return aborted;
}

/**
 * Makes the `.txnindex` of every segment holding offsets at or past `from` agree with `aborted`
 * (what a replay of [`from`, `to`) found): entries below `from` stay, the rest are replaced —
 * which also drops entries past a tail that recovery cut. A segment's file is rewritten and
 * fsynced only when it differs.
 */
export function reconcileTxnIndexes(segments: LogSegments, from: number, to: number, aborted: AbortedTxn[]): void {
  for (let i = Math.max(0, segments.floorIndex(from)); i < segments.count; i++) {
    const segment = segments.at(i)!;
    const end = segments.endOffsetOf(i, to);
    const current = segment.txnIndex.entries();
    const expected = [...current.filter((t) => t.lastOffset < from), ...aborted.filter((t) => t.lastOffset >= segment.baseOffset && t.lastOffset < end && t.lastOffset >= from)];
    if (!sameEntries(current, expected) || !segment.txnIndex.sizeIsWhole) rewrite(segment, expected);
  }
}

/**
 * Rebuilds the `.txnindex` of each segment in `bases` (its file was missing or torn) from the
 * log: every batch from the log start to the end of the last of them is replayed into a fresh
 * producer state. A transaction begun before the log start counts from its first batch at or
 * after it. A header scan of that part of the log, done only when such a file is found.
 */
export function rebuildTxnIndexes(segments: LogSegments, bases: Set<number>, to: number, indexIntervalBytes: number, fresh: ProducerState): void {
  if (bases.size === 0) return;
  let last = -1;
  for (let i = 0; i < segments.count; i++) if (bases.has(segments.at(i)!.baseOffset)) last = i;
  if (last < 0) return;
  const end = segments.endOffsetOf(last, to);
  const aborted = replayBatches(fresh, segments, segments.first.baseOffset, end, indexIntervalBytes);
  for (let i = 0; i <= last; i++) {
    const segment = segments.at(i)!;
    if (!bases.has(segment.baseOffset)) continue;
    const segEnd = segments.endOffsetOf(i, to);
    rewrite(segment, aborted.filter((t) => t.lastOffset >= segment.baseOffset && t.lastOffset < segEnd));
  }
}

function rewrite(segment: LogSegment, entries: AbortedTxn[]): void {
  segment.txnIndex.replace(entries);
  segment.txnIndex.sync();
}

function sameEntries(a: AbortedTxn[], b: AbortedTxn[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.producerId !== y.producerId || x.firstOffset !== y.firstOffset || x.lastOffset !== y.lastOffset || x.lastStableOffset !== y.lastStableOffset) return false;
  }
  return true;
}
