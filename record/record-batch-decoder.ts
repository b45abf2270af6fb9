/**
 * Decodes the records of one RecordBatch v2 into objects, for the edges that need objects (HTTP
 * responses, the programmatic consumer). Storage and the Kafka listener keep batches as bytes.
 * Record layout: see `record-batch-encoder.ts`.
 */
import type { RecordHeader } from "./record-header.ts";
import { defaultLimits } from "../core/limits.ts";
import { isRivuletError, RivuletError } from "../core/errors.ts";
import { Attributes, BATCH_HEADER_SIZE, MAGIC_V2 } from "./batch-layout.ts";
import { corruptBatch } from "./batch-error.ts";
import { readBatchHeader, type BatchHeader } from "./batch-header.ts";
import { decompress } from "./compression.ts";
import { readUtf8 } from "./utf8.ts";
import { VarintReader } from "./varint.ts";

/** One decoded record. */
export interface DecodedRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  /** CreateTime (baseTimestamp + delta), or the batch's max timestamp under LogAppendTime. */
  timestamp: number;
  /** A view into the batch bytes (or the inflated records), or null. */
  key: Uint8Array | null;
  /** A view into the batch bytes (or the inflated records), or null. */
  value: Uint8Array | null;
  /** Headers in order; names may repeat; values are views. */
  headers: RecordHeader[];
}

/** The smallest record: 7 one-byte fields (length, attributes, deltas, key, value, headers). */
const RECORD_BYTES_MIN = 7;

/**
 * Decodes every record of the batch at `position`. Keys, values and header values are zero-copy
 * views into `bytes` unless the batch is compressed (gzip is inflated first). The CRC is not
 * checked: call {@link validateBatch} first on bytes that were not validated on their way in.
 *
 * @param bytes bytes holding the whole batch at `position`
 * @param position where the batch starts (default 0)
 * @returns the records in offset order
 * @throws {RivuletError} `corrupt_record` when the batch is truncated, not magic 2, or its records
 *   do not parse; `invalid_record` for snappy/lz4/zstd; `record_too_large` when gzip records
 *   inflate past `batchInflatedBytesMax`
 *
 * @example
 * ```ts
 * for (const { offset, value } of decodeRecords(batch)) console.log(offset, value);
 * ```
 */
export function decodeRecords(bytes: Uint8Array, position = 0): DecodedRecord[] {
  const records: DecodedRecord[] = [];
  forEachRecord(bytes, position, (offset, timestamp, key, value, headers) => {
    records.push({ offset, timestamp, key, value, headers });
    return true;
  });
  return records;
}

/**
 * Called for each record of a batch, in offset order; return false to stop early.
 * Views are as in {@link decodeRecords}; `headers` is a shared frozen empty array when the
 * record has none.
 */
export type RecordVisitor = (offset: number, timestamp: number, key: Uint8Array | null, value: Uint8Array | null, headers: RecordHeader[]) => boolean;

/**
 * Visits every record of the batch at `position` without building intermediate objects, so
 * callers make exactly the objects they hand out. Same checks and errors as {@link decodeRecords}.
 *
 * @param bytes bytes holding the whole batch at `position`
 * @param position where the batch starts
 * @param visit called per record; returning false stops the walk
 */
export function forEachRecord(bytes: Uint8Array, position: number, visit: RecordVisitor): void {
  const header = readBatchHeader(bytes, position);
  const end = position + 12 + header.batchLength;
  if (header.batchLength < BATCH_HEADER_SIZE - 12 || end > bytes.length) {
    throw corruptBatch(`batchLength ${header.batchLength} does not fit the ${bytes.length - position} bytes present`, position);
  }
  if (header.magic !== MAGIC_V2) throw corruptBatch(`magic ${header.magic}, expected ${MAGIC_V2}`, position);
  if (header.recordCount < 0) throw corruptBatch(`recordCount ${header.recordCount}`, position);
  try {
    const packed = bytes.subarray(position + BATCH_HEADER_SIZE, end);
    const data = decompress(packed, header.attributes & Attributes.compressionMask, defaultLimits.batchInflatedBytesMax);
    if (header.recordCount > data.length / RECORD_BYTES_MIN) {
      throw malformed(`recordCount ${header.recordCount} cannot fit in ${data.length} bytes`);
    }
    parseRecords(data, header, visit);
  } catch (error) {
    // Parsing errors know what is wrong; add where.
    if (isRivuletError(error, "corrupt_record")) throw corruptBatch(error.message, position);
    throw error;
  }
}

/** A parsing failure; {@link decodeRecords} adds the batch position. */
function malformed(reason: string): RivuletError {
  return new RivuletError("corrupt_record", reason);
}

/** Parses `header.recordCount` records filling `data` exactly. */
function parseRecords(data: Uint8Array, header: BatchHeader, visit: RecordVisitor): void {
  const reader = new VarintReader(data, 0);
  const end = data.length;
  const logAppendTime = (header.attributes & Attributes.timestampTypeLogAppend) !== 0;
  for (let i = 0; i < header.recordCount; i++) {
    const length = reader.readVarint();
    const recordEnd = reader.position + length;
    if (length < RECORD_BYTES_MIN - 1 || recordEnd > end) throw malformed(`record ${i} has length ${length}, past the batch end`);
    reader.position++; // attributes, unused
    const timestampDelta = reader.readVarlong();
    const offsetDelta = reader.readVarint();
    const key = readBytesField(reader, recordEnd);
    const value = readBytesField(reader, recordEnd);
    const headerCount = reader.readVarint();
    if (headerCount < 0 || headerCount > recordEnd - reader.position) throw malformed(`record ${i} has ${headerCount} headers`);
    const headers: RecordHeader[] = headerCount === 0 ? noHeaders : [];
    for (let h = 0; h < headerCount; h++) {
      const nameLength = reader.readVarint();
      const nameStart = reader.position;
      if (nameLength < 0 || nameStart + nameLength > recordEnd) throw malformed(`record ${i} header ${h} overruns the record`);
      reader.position += nameLength;
      headers.push([readUtf8(data, nameStart, nameStart + nameLength), readBytesField(reader, recordEnd)]);
    }
    if (reader.position !== recordEnd) throw malformed(`record ${i} does not end where its length says`);
    const timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
    if (!visit(header.baseOffset + offsetDelta, timestamp, key, value, headers)) return;
  }
  if (reader.position !== end) throw malformed(`${end - reader.position} bytes after the last record`);
}

/** Shared by every decoded record without headers. */
const noHeaders: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

/** Reads a varint length (-1 for null) and returns a view of that many bytes. */
function readBytesField(reader: VarintReader, limit: number): Uint8Array | null {
  const length = reader.readVarint();
  if (length === -1) return null;
  const start = reader.position;
  if (length < -1 || start + length > limit) throw malformed(`a field of ${length} bytes overruns its record`);
  reader.position = start + length;
  return reader.bytes.subarray(start, start + length);
}
