/**
 * Checks one RecordBatch v2 before it is written to disk and after it is read back: length,
 * magic, CRC-32C, counts, int64 ranges and (uncompressed batches) the record framing. Walks the
 * records with one {@link VarintReader}, allocating nothing per record.
 */
import { RivuletError, isRivuletError } from "../core/errors.ts";
import { Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, Compression, CRC_START, MAGIC_V2 } from "./batch-layout.ts";
import { corruptBatch } from "./batch-error.ts";
import { viewOf } from "./batch-header.ts";
import { crc32c } from "./crc32c.ts";
import { readInt64 } from "./int64.ts";
import { VarintReader } from "./varint.ts";

/** Options of {@link validateBatch}. */
export interface ValidateBatchOptions {
  /** Largest batch accepted, in bytes (e.g. `message.max.bytes`). */
  maxBytes: number;
  /** The file the bytes came from, named in errors. */
  file?: string;
}

/** Highest codec Kafka defines (zstd). */
const CODEC_MAX = Compression.zstd;

/**
 * Validates the batch at `position`. Checks run cheapest first: header present, batchLength
 * >= 49 and within `bytes`, size <= maxBytes, magic 2, known codec, CRC-32C, recordCount >= 0
 * and lastOffsetDelta >= recordCount - 1, int64 fields in the safe-integer range; then, for
 * uncompressed batches, that exactly recordCount records with increasing offset deltas (all
 * <= lastOffsetDelta) parse to the batch end.
 *
 * @param bytes the bytes
 * @param position where the batch starts
 * @param options the size limit and the file name for messages
 * @returns the batch's total size in bytes (where the next batch starts)
 * @throws {RivuletError} `corrupt_record` (message naming file and position) for any defect;
 *   `record_too_large` when the whole batch is present but larger than `maxBytes`
 *
 * @example
 * ```ts
 * for (let p = 0; p < segment.length; ) p += validateBatch(segment, p, { maxBytes: 1 << 20, file });
 * ```
 */
export function validateBatch(bytes: Uint8Array, position: number, options: ValidateBatchOptions): number {
  const { maxBytes, file } = options;
  const remaining = bytes.length - position;
  if (remaining < BATCH_HEADER_SIZE) throw corruptBatch(`truncated: ${remaining} bytes, a header needs ${BATCH_HEADER_SIZE}`, position, file);
  const view = viewOf(bytes);
  const batchLength = view.getInt32(position + BatchOffset.batchLength);
  if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) throw corruptBatch(`batchLength ${batchLength} is below ${BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD}`, position, file);
  const size = BATCH_LOG_OVERHEAD + batchLength;
  if (size > remaining) throw corruptBatch(`truncated: batch of ${size} bytes, ${remaining} present`, position, file);
  if (size > maxBytes) {
    throw new RivuletError("record_too_large", `record batch of ${size} bytes exceeds the limit of ${maxBytes}`, { size, maxBytes, file, position });
  }
  const magic = view.getInt8(position + BatchOffset.magic);
  if (magic !== MAGIC_V2) throw corruptBatch(`magic ${magic}, expected ${MAGIC_V2}`, position, file);
  const attributes = view.getInt16(position + BatchOffset.attributes);
  const codec = attributes & Attributes.compressionMask;
  if (codec > CODEC_MAX) throw corruptBatch(`unknown compression codec ${codec}`, position, file);
  const storedCrc = view.getUint32(position + BatchOffset.crc);
  const actualCrc = crc32c(bytes, position + CRC_START, position + size);
  if (storedCrc !== actualCrc) throw corruptBatch(`CRC mismatch: stored ${hex(storedCrc)}, computed ${hex(actualCrc)}`, position, file);
  const recordCount = view.getInt32(position + BatchOffset.recordCount);
  const lastOffsetDelta = view.getInt32(position + BatchOffset.lastOffsetDelta);
  if (recordCount < 0) throw corruptBatch(`recordCount ${recordCount}`, position, file);
  if (lastOffsetDelta < recordCount - 1) throw corruptBatch(`lastOffsetDelta ${lastOffsetDelta} with ${recordCount} records`, position, file);
  for (const field of ["baseOffset", "baseTimestamp", "maxTimestamp", "producerId"] as const) {
    if (Number.isNaN(readInt64(view, position + BatchOffset[field]))) throw corruptBatch(`${field} is outside the safe-integer range`, position, file);
  }
  if (codec === Compression.none) {
    try {
      checkRecords(bytes, position + BATCH_HEADER_SIZE, position + size, recordCount, lastOffsetDelta);
    } catch (error) {
      if (isRivuletError(error, "corrupt_record")) throw corruptBatch(error.message, position, file);
      throw error;
    }
  }
  return size;
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

function malformed(reason: string): RivuletError {
  return new RivuletError("corrupt_record", reason);
}

/**
 * Walks `count` records in `bytes[start, end)`, which they must fill exactly. One-byte varints
 * (most fields) are decoded inline; longer ones go through the reader.
 */
function checkRecords(bytes: Uint8Array, start: number, end: number, count: number, lastOffsetDelta: number): void {
  const reader = new VarintReader(bytes, start);
  let previousDelta = -1;
  for (let i = 0; i < count; i++) {
    const length = reader.readVarint();
    const recordEnd = reader.position + length;
    if (length < 6 || recordEnd > end) throw malformed(`record ${i} has length ${length}, past the batch end`);
    reader.position++; // attributes
    if (bytes[reader.position] < 0x80) reader.position++;
    else reader.readVarlong(); // timestampDelta
    const offsetDelta = reader.readVarint();
    if (offsetDelta <= previousDelta || offsetDelta > lastOffsetDelta) throw malformed(`record ${i} has offsetDelta ${offsetDelta} after ${previousDelta}, last ${lastOffsetDelta}`);
    previousDelta = offsetDelta;
    skipBytesField(reader, recordEnd, -1); // key
    skipBytesField(reader, recordEnd, -1); // value
    const headerCount = reader.readVarint();
    if (headerCount !== 0) checkHeaders(reader, recordEnd, headerCount, i);
    if (reader.position !== recordEnd) throw malformed(`record ${i} does not end where its length says`);
  }
  if (reader.position !== end) throw malformed(`${end - reader.position} bytes after record ${count - 1}`);
}

/** Skips `headerCount` headers of record `index`, within `recordEnd`. */
function checkHeaders(reader: VarintReader, recordEnd: number, headerCount: number, index: number): void {
  if (headerCount < 0 || headerCount > recordEnd - reader.position) throw malformed(`record ${index} has ${headerCount} headers`);
  for (let h = 0; h < headerCount; h++) {
    skipBytesField(reader, recordEnd, 0); // name, never null
    skipBytesField(reader, recordEnd, -1); // value
  }
}

/** Skips a varint length (>= `lengthMin`, -1 meaning null) and that many bytes, within `limit`. */
function skipBytesField(reader: VarintReader, limit: number, lengthMin: number): void {
  const length = reader.readVarint();
  if (length < lengthMin || reader.position + length > limit) throw malformed(`a field of ${length} bytes overruns its record`);
  if (length > 0) reader.position += length;
}
