import { RivuletError } from "../core/errors.ts";
import { readBatchHeader, validateBatch } from "../record/record-batch.ts";
import { isControlBatch, isTransactionalBatch, readControlMarker } from "../record/control-batch.ts";
import { batchEpoch } from "./epoch-recovery.ts";
import type { EpochEntry } from "./leader-epoch-cache.ts";
import { lastSequence } from "./log-loader.ts";
import type { SegmentBatch } from "./log-segment.ts";
import type { ProducerAppend, ProducerState } from "./producer-state.ts";

/** What a follower's append will write, decided before any byte is written. */
export interface FollowerAppendPlan {
  batches: SegmentBatch[];
  /** Staged producer-state changes, to commit once written. */
  producers: ProducerAppend;
  /** Epoch entries the batches start, to assign before the bytes are written. */
  epochs: EpochEntry[];
  /** Transactions the batches' markers end, in order (aborted ones go to the `.txnindex`). */
  endedTxns: { producerId: number; firstOffset: number; markerOffset: number; commit: boolean }[];
}

/**
 * Checks batches copied from a leader before they are appended byte for byte: each whole and
 * CRC-valid, offsets increasing from the log end (compaction may leave gaps), leader epochs
 * never decreasing and none older than `latestEpoch`. Offsets, epochs and timestamps are kept as the leader stamped them.
 * Producer state is recorded without sequence checks (the leader made them, as in Kafka), so a
 * producer's retry after a failover finds its batches here; transactional batches and markers
 * open and end transactions as on the leader.
 *
 * @throws {RivuletError} `invalid_record`, `corrupt_record`, `record_too_large` (a batch);
 *   `invalid_producer_epoch` (a marker below its producer's epoch); `invalid_offset` (a batch starting below the log end or the previous batch's end; gaps
 *   are allowed, as compaction leaves them); `fenced_leader_epoch` (an epoch
 *   older than the log's newest)
 */
export function planFollowerAppend(input: Uint8Array, ctx: { nextOffset: number; producers: ProducerState; latestEpoch: number | undefined; maxBatchBytes: number }): FollowerAppendPlan {
  if (input.length === 0) throw new RivuletError("invalid_record", "an append needs at least one record batch");
  const producers = ctx.producers.begin();
  const batches: SegmentBatch[] = [];
  const epochs: EpochEntry[] = [];
  const endedTxns: FollowerAppendPlan["endedTxns"] = [];
  let expected = ctx.nextOffset;
  let latest = ctx.latestEpoch ?? -1;
  for (let position = 0; position < input.length; ) {
    const size = validateBatch(input, position, { maxBytes: ctx.maxBatchBytes });
    const header = readBatchHeader(input, position);
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    // a leader's compacted log may skip offsets between batches (a batch emptied and dropped)
    if (header.baseOffset < expected) {
      throw new RivuletError("invalid_offset", `a follower's batch starts at offset ${header.baseOffset}, expected ${expected} or later`, { offset: header.baseOffset, expected });
    }
    const epoch = batchEpoch(header);
    if (epoch < latest) {
      throw new RivuletError("fenced_leader_epoch", `a follower's batch at offset ${header.baseOffset} has leader epoch ${epoch}, older than ${latest}`, { offset: header.baseOffset, epoch, latestEpoch: latest });
    }
    if (epoch > latest) epochs.push({ epoch, startOffset: header.baseOffset });
    latest = epoch;
    if (isControlBatch(header)) {
      const marker = header.producerId >= 0 ? readControlMarker(input, position) : null;
      const ended = marker ? producers.marker(header.producerId, header.producerEpoch, marker.coordinatorEpoch, false) : undefined;
      if (marker && ended) endedTxns.push({ producerId: header.producerId, firstOffset: ended.firstOffset, markerOffset: header.baseOffset, commit: marker.commit });
    } else if (header.producerId >= 0 && header.baseSequence >= 0) {
      producers.record(
        header.producerId,
        header.producerEpoch,
        { firstSeq: header.baseSequence, lastSeq: lastSequence(header.baseSequence, header.lastOffsetDelta), baseOffset: header.baseOffset, lastOffset },
        isTransactionalBatch(header),
      );
    }
    batches.push({ position, size, baseOffset: header.baseOffset, lastOffset, maxTimestamp: header.maxTimestamp });
    expected = lastOffset + 1;
    position += size;
  }
  return { batches, producers, epochs, endedTxns };
}
