/**
 * Encodes a {@link RecordBlock} into one uncompressed Kafka RecordBatch v2, byte for byte what
 * `encodeRecordBatch` writes for the same records and options: a sizing pass over the block's
 * tail lengths, a writing pass that puts each record's length, attributes, timestamp delta and
 * offset delta in front of its tail (one copy), then the CRC-32C over bytes [21, end). The
 * partition worker runs this on the blocks producers send, so a batch is encoded and checksummed
 * once, on the thread that writes it.
 */
import { RivuletError } from "../core/errors.ts";
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, CRC_START, MAGIC_V2, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from "./batch-layout.ts";
import { viewOf } from "./batch-header.ts";
import { crc32c } from "./crc32c.ts";
import { writeInt64 } from "./int64.ts";
import { sizeOfVarint, writeVarint, writeVarlong } from "./varint.ts";
import type { RecordBlock } from "./record-block.ts";

/** The idempotence fields a producer assigns to a batch. */
export interface BlockBatchOptions {
  /** Default -1 (not idempotent). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Sequence of the first record; default -1. */
  baseSequence?: number;
}

/**
 * Encodes `block` as one RecordBatch v2 (CreateTime, no compression, baseOffset 0: the log
 * stamps the offset on append).
 *
 * @param block a consistent block (see `checkRecordBlock`)
 * @param options producer id, epoch and base sequence
 * @param scratch gives a plain buffer (not shared, starting at byte 0 of its ArrayBuffer) of at
 *   least the bytes asked, to encode into instead of a new one: every byte of the batch is
 *   written, so it need not be zeroed; the caller must be done with the batch before reusing it
 * @returns the batch bytes, at the start of a buffer of their own (which may run up to 7 bytes
 *   further), or of the scratch buffer
 * @throws {RivuletError} `invalid_record` for an empty block
 */
export function encodeRecordBlock(block: RecordBlock, options: BlockBatchOptions = {}, scratch?: (bytes: number) => Uint8Array): Uint8Array {
  const { count, timestamps, lengths, data } = block;
  if (count === 0) throw new RivuletError("invalid_record", "a record batch needs at least one record");
  const baseTimestamp = timestamps[0];
  let maxTimestamp = baseTimestamp;
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = timestamps[i];
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const size = 1 + sizeOfVarint(timestamp - baseTimestamp) + sizeOfVarint(i) + lengths[i * 2];
    recordsSize += sizeOfVarint(size) + size;
  }

  // The tails go to the end of the output in one copy; each record then gets its prefix and its
  // tail is moved forward to follow it (memmove within one buffer: no view per record). A tail
  // never moves backwards, so no tail is overwritten before it is moved.
  // The tails land where their address is 8-aligned relative to the source's: a copy out of
  // a SharedArrayBuffer is done word by word only then (byte by byte otherwise, 5x slower).
  const size = BATCH_HEADER_SIZE + recordsSize;
  const lowest = size - data.length;
  let src = lowest + ((data.byteOffset - lowest) & 7);
  const whole = scratch ? scratch(src + data.length).subarray(0, src + data.length) : new Uint8Array(src + data.length);
  whole.set(data, src);
  const out = whole.subarray(0, size);
  let p = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const timestampDelta = timestamps[i] - baseTimestamp;
    const tail = lengths[i * 2];
    p = writeVarint(out, p, 1 + sizeOfVarint(timestampDelta) + sizeOfVarint(i) + tail);
    out[p++] = 0; // attributes
    p = writeVarlong(out, p, timestampDelta);
    p = writeVarint(out, p, i);
    if (p !== src) whole.copyWithin(p, src, src + tail);
    p += tail;
    src += tail;
  }

  const view = viewOf(out);
  writeInt64(view, BatchOffset.baseOffset, 0);
  view.setInt32(BatchOffset.batchLength, out.length - BATCH_LOG_OVERHEAD);
  view.setInt32(BatchOffset.partitionLeaderEpoch, -1);
  view.setInt8(BatchOffset.magic, MAGIC_V2);
  view.setInt16(BatchOffset.attributes, 0);
  view.setInt32(BatchOffset.lastOffsetDelta, count - 1);
  writeInt64(view, BatchOffset.baseTimestamp, baseTimestamp);
  writeInt64(view, BatchOffset.maxTimestamp, maxTimestamp);
  writeInt64(view, BatchOffset.producerId, options.producerId ?? NO_PRODUCER_ID);
  view.setInt16(BatchOffset.producerEpoch, options.producerEpoch ?? NO_PRODUCER_EPOCH);
  view.setInt32(BatchOffset.baseSequence, options.baseSequence ?? NO_SEQUENCE);
  view.setInt32(BatchOffset.recordCount, count);
  view.setUint32(BatchOffset.crc, crc32c(out, CRC_START, out.length));
  return out;
}
