/**
 * A record block: the records of one produce call for one partition, laid out so they cross
 * to the partition worker as one transferable buffer, and the worker encodes them into a
 * RecordBatch v2 (see {@link encodeRecordBlock}) without a per-record object on either side.
 *
 * Format: one ArrayBuffer holding four views, in this order (each view starts at a multiple of
 * 8 bytes, so the typed arrays are aligned):
 * ```
 * timestamps     Float64Array[count]      CreateTime in ms of each record (safe integers)
 * lengths        Int32Array[3 × count]    per record: key length, value length (-1 = null), header count
 * headerLengths  Int32Array[2 × headers]  per header, records in order: name length, value length (-1 = null)
 * data           Uint8Array               per record in order: key, value, then each header's
 *                                         UTF-8 name and value; nothing between fields
 * ```
 * Positions are not stored: a reader walks the lengths in order. A block is built on the main
 * thread by {@link RecordBlockBuilder} (one pass over the caller's records, one copy of each
 * value) and packed by {@link packRecordBlocks}; after `postMessage` with `blockBuffer(block)`
 * in the transfer list the sender no longer owns it.
 *
 * Pure and allocation-light; safe on any thread. Not thread-safe per instance.
 */
import { writeUtf8 } from "../storage/utf8.ts";

/** Records ready to cross to a partition worker. */
export interface RecordBlock {
  count: number;
  timestamps: Float64Array;
  lengths: Int32Array;
  headerLengths: Int32Array;
  data: Uint8Array;
}

/** The one buffer behind every view of a packed block: put it in the transfer list. */
export function blockBuffer(block: RecordBlock): ArrayBuffer {
  return block.data.buffer as ArrayBuffer;
}

const encoder = new TextEncoder();
/** Strings longer than this go through `TextEncoder.encodeInto`; shorter ones are written by hand. */
const ENCODE_INTO_MIN_CHARS = 256;

/**
 * Builds one block, record by record. Keeps, besides the block's tables, where each record's
 * data and headers start, so ranges of records can be packed into a new block with bulk copies.
 */
export class RecordBlockBuilder {
  count = 0;
  headerCount = 0;
  /** Bytes of data written. */
  dataLength = 0;
  data: Uint8Array;
  timestamps: Float64Array;
  lengths: Int32Array;
  headerLengths: Int32Array;
  /** Data position of each record; entry `count` is `dataLength`. */
  dataStarts: Int32Array;
  /** Index of each record's first header; entry `count` is `headerCount`. */
  headerStarts: Int32Array;

  constructor(expectedRecords = 16, expectedBytes = 4096) {
    const records = Math.max(1, expectedRecords);
    this.data = new Uint8Array(Math.max(64, expectedBytes));
    this.timestamps = new Float64Array(records);
    this.lengths = new Int32Array(records * 3);
    this.headerLengths = new Int32Array(8);
    this.dataStarts = new Int32Array(records + 1);
    this.headerStarts = new Int32Array(records + 1);
  }

  /** Starts a record; write its key, value and headers, then call {@link endRecord}. */
  beginRecord(timestamp: number): void {
    const i = this.count;
    if (i + 1 >= this.dataStarts.length) this.#growRecords();
    this.timestamps[i] = timestamp;
    this.lengths[i * 3 + 2] = 0;
  }

  /** Writes the key (field 0) or value (field 1) of the current record; returns its length (-1 for null). */
  writeField(field: 0 | 1, bytes: Uint8Array | string | null): number {
    const length = bytes === null ? -1 : this.#write(bytes);
    this.lengths[this.count * 3 + field] = length;
    return length;
  }

  /** Adds a header to the current record; returns the bytes its name and value took. */
  writeHeader(name: string, value: Uint8Array | string | null): number {
    const h = this.headerCount;
    if ((h + 1) * 2 > this.headerLengths.length) this.headerLengths = grow(this.headerLengths, (h + 1) * 4);
    const nameLength = this.#write(name);
    const valueLength = value === null ? -1 : this.#write(value);
    this.headerLengths[h * 2] = nameLength;
    this.headerLengths[h * 2 + 1] = valueLength;
    this.headerCount = h + 1;
    this.lengths[this.count * 3 + 2]++;
    return nameLength + Math.max(0, valueLength);
  }

  /** Ends the current record. */
  endRecord(): void {
    const i = ++this.count;
    this.dataStarts[i] = this.dataLength;
    this.headerStarts[i] = this.headerCount;
  }

  /** Bytes of record `i`'s key, value and headers. */
  recordBytes(i: number): number {
    return this.dataStarts[i + 1] - this.dataStarts[i];
  }

  #write(bytes: Uint8Array | string): number {
    const start = this.dataLength;
    if (typeof bytes === "string") {
      const room = bytes.length * 3;
      if (start + room > this.data.length) this.data = grow(this.data, start + room);
      const end = bytes.length > ENCODE_INTO_MIN_CHARS ? start + encoder.encodeInto(bytes, this.data.subarray(start)).written : writeUtf8(this.data, start, bytes);
      this.dataLength = end;
      return end - start;
    }
    const length = bytes.length;
    if (start + length > this.data.length) this.data = grow(this.data, start + length);
    const out = this.data;
    // Small fields copy faster by hand than through set()'s call overhead.
    if (length <= 64) for (let k = 0; k < length; k++) out[start + k] = bytes[k];
    else out.set(bytes, start);
    this.dataLength = start + length;
    return length;
  }

  #growRecords(): void {
    const records = this.dataStarts.length * 2;
    this.timestamps = grow(this.timestamps, records);
    this.lengths = grow(this.lengths, records * 3);
    this.dataStarts = grow(this.dataStarts, records + 1);
    this.headerStarts = grow(this.headerStarts, records + 1);
  }
}

/** Records `from` to `to` (exclusive) of a builder. */
export interface BlockRange {
  builder: RecordBlockBuilder;
  from: number;
  to: number;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Packs ranges of records (in order) into one new block with a buffer of its own, by bulk
 * copies of each range's tables and data.
 *
 * @param ranges at least one non-empty range
 * @returns a block whose views share one ArrayBuffer ({@link blockBuffer})
 */
export function packRecordBlocks(ranges: readonly BlockRange[]): RecordBlock {
  let count = 0;
  let headers = 0;
  let bytes = 0;
  for (const { builder, from, to } of ranges) {
    count += to - from;
    headers += builder.headerStarts[to] - builder.headerStarts[from];
    bytes += builder.dataStarts[to] - builder.dataStarts[from];
  }
  const timestampsAt = 0;
  const lengthsAt = align8(timestampsAt + count * 8);
  const headersAt = align8(lengthsAt + count * 12);
  const dataAt = align8(headersAt + headers * 8);
  const buffer = new ArrayBuffer(dataAt + bytes);
  const block: RecordBlock = {
    count,
    timestamps: new Float64Array(buffer, timestampsAt, count),
    lengths: new Int32Array(buffer, lengthsAt, count * 3),
    headerLengths: new Int32Array(buffer, headersAt, headers * 2),
    data: new Uint8Array(buffer, dataAt, bytes),
  };
  let r = 0;
  let h = 0;
  let d = 0;
  for (const { builder, from, to } of ranges) {
    const h0 = builder.headerStarts[from];
    const h1 = builder.headerStarts[to];
    const d0 = builder.dataStarts[from];
    const d1 = builder.dataStarts[to];
    block.timestamps.set(builder.timestamps.subarray(from, to), r);
    block.lengths.set(builder.lengths.subarray(from * 3, to * 3), r * 3);
    if (h1 > h0) block.headerLengths.set(builder.headerLengths.subarray(h0 * 2, h1 * 2), h * 2);
    block.data.set(builder.data.subarray(d0, d1), d);
    r += to - from;
    h += h1 - h0;
    d += d1 - d0;
  }
  return block;
}

/**
 * Checks that a block's tables agree with each other and with its data (a block from another
 * thread is trusted no further than this).
 *
 * @returns null when consistent, else what is wrong
 */
export function checkRecordBlock(block: RecordBlock): string | null {
  const { count, timestamps, lengths, headerLengths, data } = block;
  if (!Number.isInteger(count) || count < 1) return "a block needs at least one record";
  if (timestamps.length !== count || lengths.length !== count * 3) return "table sizes do not match the record count";
  let bytes = 0;
  let headers = 0;
  for (let i = 0; i < count; i++) {
    if (!Number.isSafeInteger(timestamps[i])) return `record ${i} has timestamp ${timestamps[i]}`;
    const key = lengths[i * 3];
    const value = lengths[i * 3 + 1];
    const headerCount = lengths[i * 3 + 2];
    if (key < -1 || value < -1 || headerCount < 0) return `record ${i} has a negative length`;
    bytes += Math.max(0, key) + Math.max(0, value);
    for (let k = 0; k < headerCount; k++, headers++) {
      if (headers * 2 + 1 >= headerLengths.length) return `record ${i} has more headers than the table`;
      const name = headerLengths[headers * 2];
      const headerValue = headerLengths[headers * 2 + 1];
      if (name < 0 || headerValue < -1) return `record ${i} has a negative header length`;
      bytes += name + Math.max(0, headerValue);
    }
  }
  if (headers * 2 !== headerLengths.length) return "the header table has entries no record uses";
  if (bytes !== data.length) return `the lengths add up to ${bytes} bytes, the data has ${data.length}`;
  return null;
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(atLeast, array.length * 2));
  next.set(array);
  return next;
}
