/**
 * Reading and patching the fixed 61-byte header of a RecordBatch v2 in place (layout in
 * `batch-layout.ts`). Nothing here checks the CRC; {@link validateBatch} does.
 */
import { strict as assert } from "node:assert";
import { Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, CRC_START } from "./batch-layout.ts";
import { corruptBatch } from "./batch-error.ts";
import { crc32c } from "./crc32c.ts";
import { readInt64, writeInt64 } from "./int64.ts";

/** The header fields of one batch; int64 fields as safe integers. */
export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** A DataView over `bytes`, the same bytes. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads the header of the batch at `position`.
 *
 * @param bytes bytes holding at least the 61-byte header at `position`
 * @param position where the batch starts (default 0)
 * @returns the header fields
 * @throws {RivuletError} `corrupt_record` when fewer than 61 bytes remain, or an int64 field is
 *   outside the safe-integer range (data from disk or the wire, so not an assertion)
 *
 * @example
 * ```ts
 * const { baseOffset, recordCount } = readBatchHeader(encodeRecordBatch(records));
 * ```
 */
export function readBatchHeader(bytes: Uint8Array, position = 0): BatchHeader {
  if (bytes.length - position < BATCH_HEADER_SIZE) throw corruptBatch(`truncated header: ${bytes.length - position} bytes`, position);
  const view = viewOf(bytes);
  const int64 = (field: number, name: string): number => {
    const value = readInt64(view, position + field);
    if (Number.isNaN(value)) throw corruptBatch(`${name} is outside the safe-integer range`, position);
    return value;
  };
  return {
    baseOffset: int64(BatchOffset.baseOffset, "baseOffset"),
    batchLength: view.getInt32(position + BatchOffset.batchLength),
    partitionLeaderEpoch: view.getInt32(position + BatchOffset.partitionLeaderEpoch),
    magic: view.getInt8(position + BatchOffset.magic),
    crc: view.getUint32(position + BatchOffset.crc),
    attributes: view.getInt16(position + BatchOffset.attributes),
    lastOffsetDelta: view.getInt32(position + BatchOffset.lastOffsetDelta),
    baseTimestamp: int64(BatchOffset.baseTimestamp, "baseTimestamp"),
    maxTimestamp: int64(BatchOffset.maxTimestamp, "maxTimestamp"),
    producerId: int64(BatchOffset.producerId, "producerId"),
    producerEpoch: view.getInt16(position + BatchOffset.producerEpoch),
    baseSequence: view.getInt32(position + BatchOffset.baseSequence),
    recordCount: view.getInt32(position + BatchOffset.recordCount),
  };
}

/**
 * Total size of the batch at `position` as its header claims: 12 + batchLength. The claim is
 * not checked against the buffer; {@link validateBatch} does that.
 *
 * @param bytes the bytes
 * @param position where the batch starts (default 0)
 * @returns the size in bytes, or -1 when fewer than 12 bytes remain
 */
export function batchSize(bytes: Uint8Array, position = 0): number {
  if (bytes.length - position < BATCH_LOG_OVERHEAD) return -1;
  const p = position + BatchOffset.batchLength;
  const batchLength = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
  return BATCH_LOG_OVERHEAD + batchLength;
}

/**
 * Re-stamps the base offset of the batch at `position`, in place. The base offset lies outside
 * the CRC, so the batch stays valid.
 *
 * @param bytes the bytes, with a batch header at `position`
 * @param position where the batch starts
 * @param baseOffset the new base offset, a non-negative safe integer
 */
export function setBaseOffset(bytes: Uint8Array, position: number, baseOffset: number): void {
  assert(Number.isSafeInteger(baseOffset) && baseOffset >= 0, `setBaseOffset: bad offset ${baseOffset}`);
  assert(bytes.length - position >= BATCH_HEADER_SIZE, "setBaseOffset: no batch header at position");
  writeInt64(viewOf(bytes), position + BatchOffset.baseOffset, baseOffset);
}

/**
 * Stamps the partition leader epoch of the batch at `position`, in place. The field lies outside
 * the CRC (which covers bytes from `attributes` on), so the batch stays valid: a leader stamps
 * its epoch on every batch it appends, as it stamps the base offset.
 *
 * @param bytes the bytes, with a batch header at `position`
 * @param position where the batch starts
 * @param epoch the leader epoch, a non-negative int32
 */
export function setPartitionLeaderEpoch(bytes: Uint8Array, position: number, epoch: number): void {
  // on every appended batch: no message string or DataView is built unless something is wrong
  if (!(Number.isInteger(epoch) && epoch >= 0 && epoch <= 0x7fffffff)) assert.fail(`setPartitionLeaderEpoch: bad epoch ${epoch}`);
  assert(bytes.length - position >= BATCH_HEADER_SIZE, "setPartitionLeaderEpoch: no batch header at position");
  const at = position + BatchOffset.partitionLeaderEpoch;
  bytes[at] = epoch >>> 24;
  bytes[at + 1] = (epoch >>> 16) & 0xff;
  bytes[at + 2] = (epoch >>> 8) & 0xff;
  bytes[at + 3] = epoch & 0xff;
}

/**
 * Marks the batch at `position` as LogAppendTime: sets attribute bit 3 and the max timestamp
 * to `timestamp` (readers then give every record that timestamp), and recomputes the CRC.
 *
 * @param bytes the bytes, holding the whole batch at `position`
 * @param position where the batch starts
 * @param timestamp the append time, in ms since the epoch (a safe integer)
 */
export function stampLogAppendTime(bytes: Uint8Array, position: number, timestamp: number): void {
  assert(Number.isSafeInteger(timestamp), `stampLogAppendTime: bad timestamp ${timestamp}`);
  const size = batchSize(bytes, position);
  assert(size >= BATCH_HEADER_SIZE && position + size <= bytes.length, "stampLogAppendTime: no whole batch at position");
  const view = viewOf(bytes);
  const attributes = view.getInt16(position + BatchOffset.attributes);
  view.setInt16(position + BatchOffset.attributes, attributes | Attributes.timestampTypeLogAppend);
  writeInt64(view, position + BatchOffset.maxTimestamp, timestamp);
  view.setUint32(position + BatchOffset.crc, crc32c(bytes, position + CRC_START, position + size));
}
