/**
 * Where a follower cuts its log before fetching from a new leader (KIP-101, KIP-279): never
 * blindly at its high watermark, but where its log and the leader's stop agreeing, found by
 * asking the leader where the follower's newest epoch ends.
 *
 * A pure decision; the follower carries it out (`truncateTo`) and, when not `done`, asks again
 * with `nextEpoch` (the leader answered with an epoch the follower does not have: KIP-279's
 * extra round).
 */

/** The follower's side of the decision. */
export interface FollowerLogView {
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  /** (epoch, start offset) entries of the follower's epoch cache, oldest first. */
  epochs: { epoch: number; startOffset: number }[];
}

/** What to do: truncate to `offset`; then fetch (`done`) or ask the leader about `nextEpoch`. */
export type TruncationStep = { offset: number; done: true } | { offset: number; done: false; nextEpoch: number };

/** The follower's newest epoch, the one to ask the leader about first; -1 when its log has none. */
export function latestEpoch(view: FollowerLogView): number {
  return view.epochs.at(-1)?.epoch ?? -1;
}

/**
 * The follower's own end offset for `epoch` (as `LeaderEpochCache.endOffsetFor`): with the
 * largest epoch ≤ `epoch` it knows, where that epoch ends (the next epoch's start, or the log
 * end for its newest). (-1, -1) when it knows none.
 */
export function followerEndOffsetFor(view: FollowerLogView, epoch: number): { epoch: number; endOffset: number } {
  const entries = view.epochs;
  if (epoch < 0 || entries.length === 0) return { epoch: -1, endOffset: -1 };
  if (entries.at(-1)!.epoch === epoch) return { epoch, endOffset: view.logEndOffset };
  const higher = entries.findIndex((e) => e.epoch > epoch);
  if (higher < 0) return { epoch: -1, endOffset: -1 };
  return { epoch: higher > 0 ? entries[higher - 1].epoch : epoch, endOffset: entries[higher].startOffset };
}

/**
 * Decides the truncation for the leader's answer `(leaderEpoch, endOffset)` to "where does my
 * epoch end?" (Kafka's `getOffsetTruncationState`):
 * - the leader knows no such epoch (endOffset -1): fall back to the high watermark;
 * - the leader's epoch is one the follower has: cut at the smaller of the two ends of it;
 * - else cut at the follower's end of its largest epoch below the leader's, and ask again
 *   about that one;
 * - the follower has no epoch at or below the leader's: its whole log diverges, cut at its start.
 * Never past the follower's log end.
 */
export function truncationStep(view: FollowerLogView, answer: { leaderEpoch: number; endOffset: number }): TruncationStep {
  const end = view.logEndOffset;
  if (answer.endOffset < 0 || answer.leaderEpoch < 0) return { offset: Math.min(view.highWatermark, end), done: true };
  const ours = followerEndOffsetFor(view, answer.leaderEpoch);
  if (ours.epoch < 0) return { offset: view.logStartOffset, done: true };
  if (ours.epoch === answer.leaderEpoch) return { offset: Math.min(answer.endOffset, ours.endOffset, end), done: true };
  return { offset: Math.min(ours.endOffset, end), done: false, nextEpoch: ours.epoch };
}

/**
 * A batch boundary at or below `offset` the follower can surely cut at when `offset` itself
 * falls inside one of its batches: the start of the epoch holding `offset` (every epoch starts
 * a batch), or the log start.
 */
export function safeBoundary(view: FollowerLogView, offset: number): number {
  let boundary = view.logStartOffset;
  for (const e of view.epochs) if (e.startOffset <= offset && e.startOffset >= boundary) boundary = e.startOffset;
  return boundary;
}
