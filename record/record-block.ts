/**
 * A record block: the records of one produce call for one partition, laid out so they cross
 * to the partition worker as one transferable buffer, and the worker encodes them into a
 * RecordBatch v2 (see {@link encodeRecordBlock}) with one copy per record and no per-record
 * object on either side.
 *
 * Format: one ArrayBuffer holding three views, in this order (each view starts at a multiple of
 * 8 bytes, so the typed arrays are aligned):
 * ```
 * timestamps  Float64Array[count]    CreateTime in ms of each record (safe integers)
 * lengths     Int32Array[2 × count]  per record: tail length in bytes, key length (-1 = null)
 * data        Uint8Array             the records' tails, end to end
 * ```
 * A record's tail is the part of a Kafka v2 record that does not depend on where the record
 * sits in a batch — everything after `offsetDelta`:
 * ```
 * keyLength    varint  -1 for a null key
 * key          bytes
 * valueLength  varint  -1 for a null value
 * value        bytes
 * headerCount  varint
 * headers      [nameLength varint, name UTF-8, valueLength varint (-1 null), value bytes]
 * ```
 * The encoder adds each record's length, attributes, timestamp delta and offset delta in front
 * of its tail. Positions are not stored: a reader walks the tail lengths in order.
 *
 * A block is built on the main thread by {@link RecordBlockBuilder} (one pass over the caller's
 * records, one copy of each value) and packed by {@link packRecordBlocks}, into a buffer of its
 * own (then `postMessage` it with {@link blockBuffer} in the transfer list: the sender no longer
 * owns it) or into a SharedArrayBuffer the sender lends the receiver until it answers.
 *
 * Pure; safe on any thread. A builder is not thread-safe.
 */
import { writeUtf8 } from "./utf8.ts";
import { sizeOfVarint, writeVarint } from "./varint.ts";

/** Records ready to cross to a partition worker. */
export interface RecordBlock {
  count: number;
  timestamps: Float64Array;
  /** Per record: tail length, key length (-1 = null). */
  lengths: Int32Array;
  /** The records' tails, end to end. */
  data: Uint8Array;
}

/** The one buffer behind every view of a packed block (transfer it unless it is shared). */
export function blockBuffer(block: RecordBlock): ArrayBufferLike {
  return block.data.buffer;
}

const encoder = new TextEncoder();
/** Strings longer than this go through `TextEncoder.encodeInto`; shorter ones are written by hand. */
const ENCODE_INTO_MIN_CHARS = 24;

/**
 * Builds one block, record by record: `beginRecord`, `writeKey`, `writeValue`,
 * `writeHeaderCount`, `writeHeader` × count, `endRecord`. Keeps where each record's tail starts,
 * so ranges of records can be packed into a new block with bulk copies.
 */
export class RecordBlockBuilder {
  count = 0;
  /** Bytes of data written. */
  dataLength = 0;
  data: Uint8Array;
  timestamps: Float64Array;
  /** Key length of each record (-1 = null). */
  keyLengths: Int32Array;
  /** Data position of each record's tail; entry `count` is `dataLength`. */
  dataStarts: Int32Array;

  constructor(expectedRecords = 16, expectedBytes = 4096) {
    const records = Math.max(1, expectedRecords);
    this.data = new Uint8Array(Math.max(64, expectedBytes));
    this.timestamps = new Float64Array(records);
    this.keyLengths = new Int32Array(records);
    this.dataStarts = new Int32Array(records + 1);
  }

  /** Forgets every record, keeping the buffers for the next ones. */
  reset(): void {
    this.count = 0;
    this.dataLength = 0;
  }

  /** Bytes the builder's buffers take. */
  get capacityBytes(): number {
    return this.data.byteLength + this.timestamps.byteLength + this.keyLengths.byteLength + this.dataStarts.byteLength;
  }

  /** Starts a record. */
  beginRecord(timestamp: number): void {
    const i = this.count;
    if (i + 1 >= this.dataStarts.length) this.#growRecords();
    this.timestamps[i] = timestamp;
  }

  /** Writes the current record's key; returns its length in bytes (-1 for null). */
  writeKey(key: Uint8Array | string | null): number {
    const length = this.#field(key);
    this.keyLengths[this.count] = length;
    return length;
  }

  /** Writes the current record's value; returns its length in bytes (-1 for null). */
  writeValue(value: Uint8Array | string | null): number {
    return this.#field(value);
  }

  /** Writes how many headers follow (then call {@link writeHeader} that many times). */
  writeHeaderCount(count: number): void {
    this.#reserve(5);
    this.dataLength = writeVarint(this.data, this.dataLength, count);
  }

  /** Writes one header; returns the UTF-8 length of its name. */
  writeHeader(name: string, value: Uint8Array | string | null): number {
    const nameLength = this.#field(name);
    this.#field(value);
    return nameLength;
  }

  /** Ends the current record. */
  endRecord(): void {
    this.dataStarts[++this.count] = this.dataLength;
  }

  /** Bytes of the current record's tail so far. */
  currentBytes(): number {
    return this.dataLength - this.dataStarts[this.count];
  }

  /** A length varint and the bytes (-1 and nothing for null); returns the length. */
  #field(bytes: Uint8Array | string | null): number {
    if (bytes === null) {
      this.#reserve(1);
      this.data[this.dataLength++] = 1; // zig-zag -1
      return -1;
    }
    if (typeof bytes !== "string") {
      const length = bytes.length;
      this.#reserve(5 + length);
      const out = this.data;
      const p = writeVarint(out, this.dataLength, length);
      // Small fields copy faster by hand than through set()'s call overhead.
      if (length <= 24) for (let k = 0; k < length; k++) out[p + k] = bytes[k];
      else out.set(bytes, p);
      this.dataLength = p + length;
      return length;
    }
    // UTF-8 takes between length and 3 × length bytes: write after room for the larger length
    // varint, then close the gap when the real varint is shorter.
    const start = this.dataLength;
    const prefix = sizeOfVarint(bytes.length * 3);
    this.#reserve(prefix + bytes.length * 3);
    const at = start + prefix;
    const end = bytes.length > ENCODE_INTO_MIN_CHARS ? at + encoder.encodeInto(bytes, this.data.subarray(at)).written : writeUtf8(this.data, at, bytes);
    const length = end - at;
    const actual = sizeOfVarint(length);
    if (actual < prefix) this.data.copyWithin(start + actual, at, end);
    writeVarint(this.data, start, length);
    this.dataLength = start + actual + length;
    return length;
  }

  #reserve(bytes: number): void {
    if (this.dataLength + bytes > this.data.length) this.data = grow(this.data, this.dataLength + bytes);
  }

  #growRecords(): void {
    const records = this.dataStarts.length * 2;
    this.timestamps = grow(this.timestamps, records);
    this.keyLengths = grow(this.keyLengths, records);
    this.dataStarts = grow(this.dataStarts, records + 1);
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

/** Bytes {@link packRecordBlocks} needs for `ranges`. */
export function packedBytes(ranges: readonly BlockRange[]): number {
  let count = 0;
  let bytes = 0;
  for (const { builder, from, to } of ranges) {
    count += to - from;
    bytes += builder.dataStarts[to] - builder.dataStarts[from];
  }
  return align8(align8(count * 8) + count * 8) + bytes;
}

/**
 * Packs ranges of records (in order) into one block, by bulk copies of each range's data.
 *
 * @param ranges at least one non-empty range
 * @param into a buffer of at least {@link packedBytes} bytes to pack into (from its start);
 *   default: a new ArrayBuffer of exactly that size
 * @returns a block whose views share one buffer ({@link blockBuffer})
 */
export function packRecordBlocks(ranges: readonly BlockRange[], into?: ArrayBufferLike): RecordBlock {
  let count = 0;
  let bytes = 0;
  for (const { builder, from, to } of ranges) {
    count += to - from;
    bytes += builder.dataStarts[to] - builder.dataStarts[from];
  }
  const lengthsAt = align8(count * 8);
  const dataAt = align8(lengthsAt + count * 8);
  if (into && into.byteLength < dataAt + bytes) throw new RangeError(`packRecordBlocks: ${into.byteLength} bytes given, ${dataAt + bytes} needed`);
  const buffer = into ?? new ArrayBuffer(dataAt + bytes);
  const block: RecordBlock = {
    count,
    timestamps: new Float64Array(buffer, 0, count),
    lengths: new Int32Array(buffer, lengthsAt, count * 2),
    data: new Uint8Array(buffer, dataAt, bytes),
  };
  const { lengths } = block;
  // Into a SharedArrayBuffer a copy goes word by word only when source and target agree on the
  // address modulo 8, byte by byte otherwise (5-30x slower). The data is gathered in a plain
  // buffer (aligned as the block's data is) and copied over once, aligned.
  const shared = !(buffer instanceof ArrayBuffer);
  const gather = shared ? packScratch(bytes) : block.data;
  let r = 0;
  let d = 0;
  for (const { builder, from, to } of ranges) {
    const starts = builder.dataStarts;
    block.timestamps.set(builder.timestamps.subarray(from, to), r);
    for (let i = from; i < to; i++, r++) {
      lengths[r * 2] = starts[i + 1] - starts[i];
      lengths[r * 2 + 1] = builder.keyLengths[i];
    }
    gather.set(builder.data.subarray(starts[from], starts[to]), d);
    d += starts[to] - starts[from];
  }
  if (shared) block.data.set(gather.subarray(0, bytes));
  return block;
}

let scratch = new Uint8Array(0);

/** A plain buffer of at least `bytes` bytes starting 8-aligned, reused by the next pack on this thread. */
function packScratch(bytes: number): Uint8Array {
  if (scratch.length < bytes) scratch = new Uint8Array(Math.max(bytes, scratch.length * 2, 64 * 1024));
  return scratch;
}

/**
 * Checks that a block's tables agree with its data: tail lengths add up, each tail starts with
 * the key length the table gives, timestamps are safe integers. (A block from another thread is
 * trusted no further than this; the tails' insides were written by {@link RecordBlockBuilder}.)
 *
 * @returns null when consistent, else what is wrong
 */
export function checkRecordBlock(block: RecordBlock): string | null {
  const { count, timestamps, lengths, data } = block;
  if (!Number.isInteger(count) || count < 1) return "a block needs at least one record";
  if (timestamps.length !== count || lengths.length !== count * 2) return "table sizes do not match the record count";
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (!Number.isSafeInteger(timestamps[i])) return `record ${i} has timestamp ${timestamps[i]}`;
    const tail = lengths[i * 2];
    if (tail < 3 || at + tail > data.length) return `record ${i} has a tail of ${tail} bytes at ${at} in ${data.length}`;
    const key = lengths[i * 2 + 1];
    if (leadingVarint(data, at) !== key || key + sizeOfVarint(key) + 2 > tail) return `record ${i} does not start with its key length ${key}`;
    at += tail;
  }
  if (at !== data.length) return `the tails add up to ${at} bytes, the data has ${data.length}`;
  return null;
}

/** The zig-zag varint (int32) at `at`, without allocating; NaN when it runs past 5 bytes or the end. */
function leadingVarint(data: Uint8Array, at: number): number {
  let z = 0;
  for (let k = 0; k < 5 && at + k < data.length; k++) {
    const b = data[at + k];
    z += (b & 0x7f) * 2 ** (7 * k);
    if (b < 0x80) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  return Number.NaN;
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(atLeast, array.length * 2));
  next.set(array);
  return next;
}
