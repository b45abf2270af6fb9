/**
 * Encodes a {@link RecordBlock} into one uncompressed Kafka RecordBatch v2, byte for byte what
 * `encodeRecordBatch` writes for the same records and options: a sizing pass over the block's
 * length tables, a writing pass copying the data, then the CRC-32C over bytes [21, end). The
 * partition worker runs this on the blocks producers send, so a batch is encoded and checksummed
 * once, on the thread that writes it.
 */
import { RivuletError } from "../core/errors.ts";
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, CRC_START, MAGIC_V2, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from "../storage/batch-layout.ts";
import { viewOf } from "../storage/batch-header.ts";
import { crc32c } from "../storage/crc32c.ts";
import { writeInt64 } from "../storage/int64.ts";
import { sizeOfVarint, writeVarint, writeVarlong } from "../storage/varint.ts";
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
 * @returns the batch bytes, in a buffer of their own
 * @throws {RivuletError} `invalid_record` for an empty block
 */
export function encodeRecordBlock(block: RecordBlock, options: BlockBatchOptions = {}): Uint8Array {
  const { count, timestamps, lengths, headerLengths, data } = block;
  if (count === 0) throw new RivuletError("invalid_record", "a record batch needs at least one record");
  const baseTimestamp = timestamps[0];
  let maxTimestamp = baseTimestamp;
  let recordsSize = 0;
  let h = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = timestamps[i];
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const key = lengths[i * 3];
    const value = lengths[i * 3 + 1];
    const headers = lengths[i * 3 + 2];
    let size = 1 + sizeOfVarint(timestamp - baseTimestamp) + sizeOfVarint(i);
    size += key < 0 ? 1 : sizeOfVarint(key) + key;
    size += value < 0 ? 1 : sizeOfVarint(value) + value;
    size += sizeOfVarint(headers);
    for (const end = h + headers; h < end; h++) {
      const name = headerLengths[h * 2];
      const headerValue = headerLengths[h * 2 + 1];
      size += sizeOfVarint(name) + name;
      size += headerValue < 0 ? 1 : sizeOfVarint(headerValue) + headerValue;
    }
    recordsSize += sizeOfVarint(size) + size;
  }

  const out = new Uint8Array(BATCH_HEADER_SIZE + recordsSize);
  let p = BATCH_HEADER_SIZE;
  let d = 0;
  h = 0;
  for (let i = 0; i < count; i++) {
    const timestampDelta = timestamps[i] - baseTimestamp;
    const key = lengths[i * 3];
    const value = lengths[i * 3 + 1];
    const headers = lengths[i * 3 + 2];
    // The body size again, so the two passes need no per-record table.
    let size = 1 + sizeOfVarint(timestampDelta) + sizeOfVarint(i);
    size += key < 0 ? 1 : sizeOfVarint(key) + key;
    size += value < 0 ? 1 : sizeOfVarint(value) + value;
    size += sizeOfVarint(headers);
    for (let k = h, end = h + headers; k < end; k++) {
      const name = headerLengths[k * 2];
      const headerValue = headerLengths[k * 2 + 1];
      size += sizeOfVarint(name) + name;
      size += headerValue < 0 ? 1 : sizeOfVarint(headerValue) + headerValue;
    }
    p = writeVarint(out, p, size);
    out[p++] = 0; // attributes
    p = writeVarlong(out, p, timestampDelta);
    p = writeVarint(out, p, i);
    p = copyField(out, p, data, d, key);
    d += key < 0 ? 0 : key;
    p = copyField(out, p, data, d, value);
    d += value < 0 ? 0 : value;
    p = writeVarint(out, p, headers);
    for (const end = h + headers; h < end; h++) {
      const name = headerLengths[h * 2];
      const headerValue = headerLengths[h * 2 + 1];
      p = copyField(out, p, data, d, name);
      d += name;
      p = copyField(out, p, data, d, headerValue);
      d += headerValue < 0 ? 0 : headerValue;
    }
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

/** Writes a varint length (-1 for null) and `length` bytes of `data` from `from`. */
function copyField(out: Uint8Array, position: number, data: Uint8Array, from: number, length: number): number {
  if (length < 0) {
    out[position] = 1; // zig-zag -1
    return position + 1;
  }
  const p = writeVarint(out, position, length);
  // Small fields copy faster by hand than through set()'s call overhead.
  if (length <= 128) for (let k = 0; k < length; k++) out[p + k] = data[from + k];
  else out.set(data.subarray(from, from + length), p);
  return p + length;
}
