/**
 * Big-endian writes into a growable buffer, producing a response as a list of chunks.
 *
 * Small fields go into the writer's own buffer (doubling when full; only the bytes since the
 * last chunk boundary are copied on growth). A byte array of at least {@link chunkRefBytesMin}
 * (a Fetch response's stored record batches) is not copied at all: the writer closes its
 * current chunk and keeps a reference to the caller's array as the next chunk. `chunks()`
 * returns the list, which the connection hands to the socket in one corked write (one writev);
 * `toBytes()` joins them with one copy, for tests and small replies. Callers must not change a
 * referenced array until the chunks are written.
 *
 * Integers are numbers; int64 takes any safe integer. Not thread-safe.
 */
import { encodeUtf8, encodeUtf8Into, isAscii, writeAscii } from "./utf8.ts";

/** Byte arrays this long or longer are referenced, not copied. */
export const chunkRefBytesMin = 16 * 1024;

const twoTo32 = 4294967296;

/** Kafka's "no topic id" (all zero bytes). */
const zeroUuid = new Uint8Array(16);

/** A growable big-endian writer; see the module doc. */
export class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** Start of the open chunk in `#buf`. */
  #chunkStart = 0;
  readonly #closed: Uint8Array[] = [];
  #closedBytes = 0;

  /** @param initialBytes first buffer size (grows by doubling) */
  constructor(initialBytes = 256) {
    this.#buf = new Uint8Array(Math.max(16, initialBytes));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#closedBytes + this.#pos - this.#chunkStart;
  }

  #ensure(count: number): void {
    if (this.#pos + count <= this.#buf.length) return;
    const open = this.#pos - this.#chunkStart;
    let size = this.#buf.length * 2;
    while (size < open + count) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(this.#chunkStart, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
    this.#chunkStart = 0;
    this.#pos = open;
  }

  int8(value: number): this {
    this.#ensure(1);
    this.#view.setInt8(this.#pos, value);
    this.#pos += 1;
    return this;
  }

  int16(value: number): this {
    this.#ensure(2);
    this.#view.setInt16(this.#pos, value);
    this.#pos += 2;
    return this;
  }

  int32(value: number): this {
    this.#ensure(4);
    this.#view.setInt32(this.#pos, value);
    this.#pos += 4;
    return this;
  }

  uint32(value: number): this {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, value);
    this.#pos += 4;
    return this;
  }

  /** @throws {RangeError} when `value` is not a safe integer (a programmer error) */
  int64(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value ${value} is not a safe integer`);
    const high = Math.floor(value / twoTo32);
    this.#ensure(8);
    this.#view.setInt32(this.#pos, high);
    this.#view.setUint32(this.#pos + 4, value - high * twoTo32);
    this.#pos += 8;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  /** int16 length + UTF-8. */
  string(value: string): this {
    if (isAscii(value)) {
      this.#ensure(2 + value.length);
      this.#view.setInt16(this.#pos, value.length);
      writeAscii(this.#buf, this.#pos + 2, value);
      this.#pos += 2 + value.length;
      return this;
    }
    this.#ensure(2 + value.length * 3);
    const written = encodeUtf8Into(this.#buf, this.#pos + 2, value);
    if (written > 0x7fff) throw new RangeError(`string of ${written} bytes is too long for an int16 length`);
    this.#view.setInt16(this.#pos, written);
    this.#pos += 2 + written;
    return this;
  }

  /** int16 length (-1 = null) + UTF-8. */
  nullableString(value: string | null | undefined): this {
    return value == null ? this.int16(-1) : this.string(value);
  }

  /** Bytes with no length prefix; large arrays are referenced (see the module doc). */
  raw(value: Uint8Array): this {
    if (value.length >= chunkRefBytesMin) {
      this.#closeChunk();
      this.#closed.push(value);
      this.#closedBytes += value.length;
      return this;
    }
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
    return this;
  }

  /** int32 length + bytes. */
  bytes(value: Uint8Array): this {
    return this.int32(value.length).raw(value);
  }

  /** int32 length (-1 = null) + bytes. */
  nullableBytes(value: Uint8Array | null | undefined): this {
    return value == null ? this.int32(-1) : this.bytes(value);
  }

  /** int32 count + items. */
  array<T>(items: readonly T[], item: (writer: Writer, value: T) => void): this {
    this.int32(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  /** int32 count (-1 = null) + items. */
  nullableArray<T>(items: readonly T[] | null | undefined, item: (writer: Writer, value: T) => void): this {
    return items == null ? this.int32(-1) : this.array(items, item);
  }

  /** [int32] */
  int32Array(items: readonly number[]): this {
    this.#ensure(4 + items.length * 4);
    this.int32(items.length);
    for (const value of items) this.int32(value);
    return this;
  }

  /** [string] */
  stringArray(items: readonly string[]): this {
    return this.array(items, (w, value) => w.string(value));
  }

  /** Unsigned LEB128 of a value in [0, 2^32). */
  unsignedVarint(value: number): this {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) throw new RangeError(`unsigned varint ${value} out of range`);
    return this.#leb128(value);
  }

  #leb128(value: number): this {
    this.#ensure(10);
    while (value >= 0x80) {
      this.#buf[this.#pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.#buf[this.#pos++] = value;
    return this;
  }

  /** Zig-zag LEB128 of an int32. */
  varint(value: number): this {
    return this.#leb128(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zig-zag LEB128 of an integer in [-2^52, 2^52) (its zig-zag form must be a safe integer). */
  varlong(value: number): this {
    const zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    if (!(Number.isInteger(value) && Number.isSafeInteger(zigzag))) throw new RangeError(`varlong ${value} out of range`);
    return this.#leb128(zigzag);
  }

  compactString(value: string): this {
    if (isAscii(value)) {
      this.unsignedVarint(value.length + 1);
      this.#ensure(value.length);
      writeAscii(this.#buf, this.#pos, value);
      this.#pos += value.length;
      return this;
    }
    const bytes = encodeUtf8(value);
    return this.unsignedVarint(bytes.length + 1).raw(bytes);
  }

  compactNullableString(value: string | null | undefined): this {
    return value == null ? this.unsignedVarint(0) : this.compactString(value);
  }

  compactBytes(value: Uint8Array): this {
    return this.unsignedVarint(value.length + 1).raw(value);
  }

  compactNullableBytes(value: Uint8Array | null | undefined): this {
    return value == null ? this.unsignedVarint(0) : this.compactBytes(value);
  }

  compactArray<T>(items: readonly T[], item: (writer: Writer, value: T) => void): this {
    this.unsignedVarint(items.length + 1);
    for (const value of items) item(this, value);
    return this;
  }

  compactNullableArray<T>(items: readonly T[] | null | undefined, item: (writer: Writer, value: T) => void): this {
    return items == null ? this.unsignedVarint(0) : this.compactArray(items, item);
  }

  /** Compact [int32]. */
  compactInt32Array(items: readonly number[]): this {
    return this.compactArray(items, (w, value) => w.int32(value));
  }

  /** Compact [compact string]. */
  compactStringArray(items: readonly string[]): this {
    return this.compactArray(items, (w, value) => w.compactString(value));
  }

  /** A 16-byte topic id; Rivulet's topics have none, so the all-zero id by default. */
  uuid(value: Uint8Array = zeroUuid): this {
    if (value.length !== 16) throw new RangeError(`uuid of ${value.length} bytes`);
    this.#ensure(16);
    this.#buf.set(value, this.#pos);
    this.#pos += 16;
    return this;
  }

  /** An empty tagged-field section. */
  emptyTaggedFields(): this {
    return this.unsignedVarint(0);
  }

  #closeChunk(): void {
    if (this.#pos > this.#chunkStart) {
      this.#closed.push(this.#buf.subarray(this.#chunkStart, this.#pos));
      this.#closedBytes += this.#pos - this.#chunkStart;
      this.#chunkStart = this.#pos;
    }
  }

  /** The bytes written, as chunks in order (see the module doc). The writer stays usable. */
  chunks(): Uint8Array[] {
    this.#closeChunk();
    return [...this.#closed];
  }

  /** The bytes written, joined into one array. */
  toBytes(): Uint8Array {
    const chunks = this.chunks();
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(this.#closedBytes);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
