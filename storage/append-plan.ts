import { RivuletError } from "../core/errors.ts";
import type { TopicConfig } from "../core/topic-config.ts";
import { lastSequence } from "./log-loader.ts";
import type { SegmentBatch } from "./log-segment.ts";
import type { EndedTxn, ProducerAppend, ProducerState } from "./producer-state.ts";
import { encodeControlBatch, isControlBatch, isTransactionalBatch } from "../record/control-batch.ts";
import { checkRecordBlock, type RecordBlock } from "../record/record-block.ts";
import { batchSize, decodeRecords, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch, stampLogAppendTime, validateBatch } from "../record/record-batch.ts";

/** What an append will write, decided before any byte is written. */
export interface AppendPlan {
  /** The bytes to write in one go (the input, or the new batches of it when some are duplicates). */
  bytes: Uint8Array;
  /** The batches in {@link bytes}, offsets assigned; empty when every batch was a duplicate. */
  batches: SegmentBatch[];
  /** Staged producer-state changes, to commit once written. */
  producers: ProducerAppend;
  /** Offsets of the duplicated batches, when every batch was one. */
  duplicate?: { baseOffset: number; lastOffset: number };
}

/** The facts of the log an append plan depends on. */
export interface AppendContext {
  nextOffset: number;
  config: TopicConfig;
  now: number;
  producers: ProducerState;
  /** The leader epoch stamped on every batch appended. */
  leaderEpoch: number;
  /**
   * The input is batches this thread has just encoded (`encodeRecordBlock`): framing and CRC
   * are not checked again, and the caller has applied the compacted topic's key rule.
   */
  encodedHere?: boolean;
}

/**
 * Checks a producer's record block before it is encoded for `Log.appendRecords` (whose append
 * plan then skips the framing and CRC checks): its tables are consistent, and on a compacted
 * topic every record has a key.
 *
 * @throws {RivuletError} `invalid_record`
 */
export function checkBlockAppend(block: RecordBlock, config: TopicConfig): void {
  const problem = checkRecordBlock(block);
  if (problem !== null) throw new RivuletError("invalid_record", `a record block is inconsistent: ${problem}`);
  if (!config["cleanup.policy"].includes("compact")) return;
  for (let i = 0; i < block.count; i++) {
    if (block.lengths[i * 2 + 1] < 0) throw new RivuletError("invalid_record", `records[${i}]: a compacted topic refuses records without a key`, { index: i });
  }
}

/**
 * Validates every batch of an append (framing, CRC, `message.max.bytes`, null keys on a
 * compacted topic, producer sequence, transaction state), then assigns offsets from the log end and stamps them and
 * the leader epoch — and, under LogAppendTime, the clock's time — into the batches in place. Throws before
 * touching anything when any batch is refused.
 *
 * Control batches (transaction markers) are refused: only `Log.appendTxnMarker` writes them,
 * as Kafka refuses them from clients. A transactional batch starts or extends its producer's
 * transaction.
 *
 * @throws {RivuletError} `invalid_record`, `corrupt_record`, `record_too_large`,
 *   `out_of_order_sequence`, `producer_fenced`, `invalid_txn_state`
 */
export function planAppend(input: Uint8Array, ctx: AppendContext): AppendPlan {
  if (input.length === 0) throw new RivuletError("invalid_record", "an append needs at least one record batch");
  const compacted = ctx.config["cleanup.policy"].includes("compact");
  const found: { position: number; size: number; header: ReturnType<typeof readBatchHeader> }[] = [];
  const maxBytes = ctx.config["message.max.bytes"];
  for (let p = 0; p < input.length; ) {
    const size = ctx.encodedHere ? batchSize(input, p) : validateBatch(input, p, { maxBytes });
    if (ctx.encodedHere && size > maxBytes) {
      throw new RivuletError("record_too_large", `a batch of ${size} bytes exceeds message.max.bytes ${maxBytes}`, { size, limit: maxBytes });
    }
    const header = readBatchHeader(input, p);
    if (isControlBatch(header)) throw new RivuletError("invalid_record", "control batches (transaction markers) cannot be produced", { position: p });
    if (isTransactionalBatch(header) && header.producerId < 0) throw new RivuletError("invalid_record", "a transactional batch needs a producer id", { position: p });
    if (compacted && !ctx.encodedHere && decodeRecords(input, p).some((r) => r.key === null)) {
      throw new RivuletError("invalid_record", "a compacted topic refuses records without a key", { position: p });
    }
    found.push({ position: p, size, header });
    p += size;
  }

  const producers = ctx.producers.begin();
  const logAppendTime = ctx.config["message.timestamp.type"] === "LogAppendTime";
  const batches: SegmentBatch[] = [];
  let duplicate: AppendPlan["duplicate"];
  let offset = ctx.nextOffset;
  for (const { position, size, header } of found) {
    const count = header.lastOffsetDelta + 1;
    if (header.producerId >= 0) {
      if (header.baseSequence < 0) throw new RivuletError("invalid_record", `producer ${header.producerId} sent a batch without a sequence`);
      const lastSeq = lastSequence(header.baseSequence, header.lastOffsetDelta);
      const transactional = isTransactionalBatch(header);
      const dup = producers.check(header.producerId, header.producerEpoch, header.baseSequence, lastSeq, transactional);
      if (dup) {
        duplicate = { baseOffset: duplicate?.baseOffset ?? dup.baseOffset, lastOffset: dup.lastOffset };
        continue;
      }
      producers.record(header.producerId, header.producerEpoch, { firstSeq: header.baseSequence, lastSeq, baseOffset: offset, lastOffset: offset + count - 1 }, transactional);
    }
    const maxTimestamp = logAppendTime ? ctx.now : header.maxTimestamp;
    batches.push({ position, size, baseOffset: offset, lastOffset: offset + count - 1, maxTimestamp });
    offset += count;
  }

  for (const b of batches) {
    setBaseOffset(input, b.position, b.baseOffset);
    setPartitionLeaderEpoch(input, b.position, ctx.leaderEpoch);
    if (logAppendTime) stampLogAppendTime(input, b.position, ctx.now);
  }
  if (batches.length === 0) return { bytes: new Uint8Array(0), batches, producers, duplicate };
  return { bytes: batches.length === found.length ? input : gather(input, batches), batches, producers };
}

/** Copies the kept batches into one buffer, renumbering their positions. */
function gather(input: Uint8Array, batches: SegmentBatch[]): Uint8Array {
  const out = new Uint8Array(batches.reduce((n, b) => n + b.size, 0));
  let at = 0;
  for (const b of batches) {
    out.set(input.subarray(b.position, b.position + b.size), at);
    b.position = at;
    at += b.size;
  }
  return out;
}

/** A transaction marker to append (see `Log.appendTxnMarker`). */
export interface TxnMarkerInput {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** True for a commit marker, false for an abort marker. */
  commit: boolean;
}

/** What a transaction marker's append will write (see {@link planMarkerAppend}). */
export interface MarkerAppendPlan {
  /** The marker's control batch, offset, leader epoch and time stamped. */
  bytes: Uint8Array;
  /** The one batch in {@link bytes}. */
  batches: SegmentBatch[];
  /** Staged producer-state changes (the transaction ended, a raised epoch), to commit once written. */
  producers: ProducerAppend;
  /** The transaction the marker ends, if the producer had one ongoing. */
  ended: EndedTxn | undefined;
  /** The broker time stamped under LogAppendTime, else -1. */
  logAppendTime: number;
}

/**
 * Encodes a commit or abort marker as one control batch at the log end (`ctx.nextOffset`),
 * stamped with the leader epoch and, under LogAppendTime, the clock's time, and stages its
 * effect on the producer's state. Throws before touching anything when the marker is refused.
 *
 * @throws {RivuletError} `invalid_producer_epoch` (an epoch below the producer's), `invalid_request`
 */
export function planMarkerAppend(marker: TxnMarkerInput, ctx: AppendContext): MarkerAppendPlan {
  const { now, nextOffset: offset } = ctx;
  const bytes = encodeControlBatch({ ...marker, timestamp: now });
  const producers = ctx.producers.begin();
  const ended = producers.marker(marker.producerId, marker.producerEpoch, marker.coordinatorEpoch);
  setBaseOffset(bytes, 0, offset);
  setPartitionLeaderEpoch(bytes, 0, ctx.leaderEpoch);
  const logAppendTime = ctx.config["message.timestamp.type"] === "LogAppendTime" ? now : -1;
  if (logAppendTime >= 0) stampLogAppendTime(bytes, 0, now);
  const batches = [{ position: 0, size: bytes.length, baseOffset: offset, lastOffset: offset, maxTimestamp: now }];
  return { bytes, batches, producers, ended, logAppendTime };
}
