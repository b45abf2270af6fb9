/**
 * Encodes records into one Kafka RecordBatch v2. Uncompressed batches are built in one
 * allocation: a sizing pass, a writing pass, then the CRC-32C over bytes [21, end).
 *
 * Each record (inside the batch, after the 61-byte header):
 * ```
 * length          varint   bytes of the record after this field
 * attributes      int8     0 (unused)
 * timestampDelta  varlong  timestamp - baseTimestamp
 * offsetDelta     varint   index of the record in the batch
 * keyLength       varint   -1 for a null key
 * key             bytes
 * valueLength     varint   -1 for a null value
 * value           bytes
 * headerCount     varint
 * headers         [nameLength varint, name UTF-8, valueLength varint (-1 null), value bytes]
 * ```
 */
import { strict as assert } from "node:assert";
import { RivuletError } from "../core/errors.ts";
import type { RecordHeader } from "./record-header.ts";
import {
  Attributes, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffset, Compression, CRC_START, MAGIC_V2,
  NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE,
} from "./batch-layout.ts";
import { viewOf } from "./batch-header.ts";
import { compress } from "./compression.ts";
import { crc32c } from "./crc32c.ts";
import { writeInt64 } from "./int64.ts";
import { utf8Length, writeUtf8 } from "./utf8.ts";
import { sizeOfVarint, writeVarint, writeVarlong } from "./varint.ts";

/** One record to encode. */
export interface BatchRecord {
  /** The key, or null. */
  key: Uint8Array | null;
  /** The value, or null (a tombstone). */
  value: Uint8Array | null;
  /** Headers in order; names may repeat. */
  headers: RecordHeader[];
  /** CreateTime in ms since the epoch (a safe integer). */
  timestamp: number;
}

/** Batch-level fields; every one has the default a plain (non-idempotent) producer uses. */
export interface EncodeBatchOptions {
  /** Offset of the first record (default 0; the log re-stamps it on append). */
  baseOffset?: number;
  /** Default -1 (none). */
  partitionLeaderEpoch?: number;
  /** Default -1 (not idempotent). */
  producerId?: number;
  /** Default -1. */
  producerEpoch?: number;
  /** Sequence of the first record; default -1. */
  baseSequence?: number;
  /** Codec of the records section; default "none". */
  compression?: "none" | "gzip";
  /**
   * Mark the batch LogAppendTime: readers then give every record the batch's max timestamp,
   * so callers pass the append time as each record's timestamp. Default false (CreateTime).
   */
  logAppendTime?: boolean;
  /** Set the transactional attribute bit. Default false. */
  transactional?: boolean;
  /** Set the control attribute bit (a transaction marker, see `control-batch.ts`). Default false. */
  control?: boolean;
}

const INT32_MAX = 0x7fff_ffff;

/**
 * Encodes `records` as one RecordBatch v2.
 *
 * @param records at least one record; timestamps must be safe integers
 * @param options batch-level fields
 * @returns the batch bytes, starting at its baseOffset field
 * @throws {RivuletError} `invalid_record` when `records` is empty
 *
 * @example
 * ```ts
 * const batch = encodeRecordBatch([{ key: null, value: new Uint8Array([1]), headers: [], timestamp: Date.now() }]);
 * ```
 */
export function encodeRecordBatch(records: BatchRecord[], options: EncodeBatchOptions = {}): Uint8Array {
  const count = records.length;
  if (count === 0) throw new RivuletError("invalid_record", "a record batch needs at least one record");
  assert(count <= INT32_MAX, "encodeRecordBatch: too many records");
  const baseTimestamp = records[0].timestamp;
  let maxTimestamp = baseTimestamp;
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i];
    const timestamp = record.timestamp;
    if (!Number.isSafeInteger(timestamp)) assert.fail(`encodeRecordBatch: record ${i} has timestamp ${timestamp}`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const bodySize = recordBodySize(record, timestamp - baseTimestamp, i);
    recordsSize += sizeOfVarint(bodySize) + bodySize;
  }

  const codec = options.compression === "gzip" ? Compression.gzip : Compression.none;
  let out: Uint8Array;
  if (codec === Compression.none) {
    out = new Uint8Array(BATCH_HEADER_SIZE + recordsSize);
    writeRecords(out, BATCH_HEADER_SIZE, records, baseTimestamp);
  } else {
    const plain = new Uint8Array(recordsSize);
    writeRecords(plain, 0, records, baseTimestamp);
    const packed = compress(plain, codec);
    out = new Uint8Array(BATCH_HEADER_SIZE + packed.length);
    out.set(packed, BATCH_HEADER_SIZE);
  }
  let attributes = codec;
  if (options.logAppendTime) attributes |= Attributes.timestampTypeLogAppend;
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;
  writeHeader(out, options, attributes, count, baseTimestamp, maxTimestamp);
  return out;
}

/** Fills the 61-byte header, CRC last. */
function writeHeader(out: Uint8Array, options: EncodeBatchOptions, attributes: number, count: number, baseTimestamp: number, maxTimestamp: number): void {
  const baseOffset = options.baseOffset ?? 0;
  const producerId = options.producerId ?? NO_PRODUCER_ID;
  assert(Number.isSafeInteger(baseOffset) && baseOffset >= 0, `encodeRecordBatch: bad baseOffset ${baseOffset}`);
  assert(Number.isSafeInteger(producerId), `encodeRecordBatch: bad producerId ${producerId}`);
  const view = viewOf(out);
  writeInt64(view, BatchOffset.baseOffset, baseOffset);
  view.setInt32(BatchOffset.batchLength, out.length - BATCH_LOG_OVERHEAD);
  view.setInt32(BatchOffset.partitionLeaderEpoch, options.partitionLeaderEpoch ?? -1);
  view.setInt8(BatchOffset.magic, MAGIC_V2);
  view.setInt16(BatchOffset.attributes, attributes);
  view.setInt32(BatchOffset.lastOffsetDelta, count - 1);
  writeInt64(view, BatchOffset.baseTimestamp, baseTimestamp);
  writeInt64(view, BatchOffset.maxTimestamp, maxTimestamp);
  writeInt64(view, BatchOffset.producerId, producerId);
  view.setInt16(BatchOffset.producerEpoch, options.producerEpoch ?? NO_PRODUCER_EPOCH);
  view.setInt32(BatchOffset.baseSequence, options.baseSequence ?? NO_SEQUENCE);
  view.setInt32(BatchOffset.recordCount, count);
  view.setUint32(BatchOffset.crc, crc32c(out, CRC_START, out.length));
}

/** Bytes of a record after its length field. */
export function recordBodySize(record: BatchRecord, timestampDelta: number, offsetDelta: number): number {
  const key = record.key;
  const value = record.value;
  const headers = record.headers;
  let size = 1 + sizeOfVarint(timestampDelta) + sizeOfVarint(offsetDelta);
  size += key === null ? 1 : sizeOfVarint(key.length) + key.length;
  size += value === null ? 1 : sizeOfVarint(value.length) + value.length;
  size += sizeOfVarint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    const [name, headerValue] = headers[h];
    const nameSize = utf8Length(name);
    size += sizeOfVarint(nameSize) + nameSize;
    size += headerValue === null ? 1 : sizeOfVarint(headerValue.length) + headerValue.length;
  }
  return size;
}

/** Writes every record from `position`; returns the position after the last. */
function writeRecords(out: Uint8Array, position: number, records: BatchRecord[], baseTimestamp: number): number {
  let p = position;
  for (let i = 0; i < records.length; i++) p = writeRecord(out, p, records[i], records[i].timestamp - baseTimestamp, i);
  return p;
}

/**
 * Writes one record (length, attributes, timestamp and offset deltas, key, value, headers) at
 * `position`; returns the position after it.
 */
export function writeRecord(out: Uint8Array, position: number, record: BatchRecord, timestampDelta: number, offsetDelta: number): number {
  let p = writeVarint(out, position, recordBodySize(record, timestampDelta, offsetDelta));
  out[p++] = 0; // attributes
  p = writeVarlong(out, p, timestampDelta);
  p = writeVarint(out, p, offsetDelta);
  p = writeBytesField(out, p, record.key);
  p = writeBytesField(out, p, record.value);
  const headers = record.headers;
  p = writeVarint(out, p, headers.length);
  for (let h = 0; h < headers.length; h++) {
    const [name, headerValue] = headers[h];
    p = writeVarint(out, p, utf8Length(name));
    p = writeUtf8(out, p, name);
    p = writeBytesField(out, p, headerValue);
  }
  return p;
}

/** Writes a varint length (-1 for null) and the bytes. */
export function writeBytesField(out: Uint8Array, position: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    out[position] = 1; // zig-zag -1
    return position + 1;
  }
  const length = bytes.length;
  const p = writeVarint(out, position, length);
  // Small fields copy faster by hand than through set()'s call overhead.
  if (length <= 128) for (let i = 0; i < length; i++) out[p + i] = bytes[i];
  else out.set(bytes, p);
  return p + length;
}
