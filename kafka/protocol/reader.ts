/**
 * Big-endian reads over one Kafka frame. Every read checks that its bytes lie inside the frame
 * and throws a {@link ProtocolDecodeError} otherwise, so a decoder never reads past the frame.
 * Lengths and counts chosen by the sender are checked against the bytes left before anything is
 * allocated: an array of N items needs at least N × (smallest item size) bytes, so no decode
 * allocates more than a small multiple of the frame's own length.
 *
 * Integers come back as numbers; an int64 outside ±(2^53 - 1) throws (offsets, timestamps and
 * producer ids stay far inside it). `bytes()` copies (values kept beyond the request, such as
 * group metadata, must not pin the frame's buffer); `bytesView()` returns a zero-copy subarray
 * (record batches handed straight to the broker).
 *
 * Not thread-safe; one Reader per frame.
 */
import { ProtocolDecodeError } from "./decode-error.ts";
import { decodeUtf8 } from "./utf8.ts";

const twoTo32 = 4294967296;

/** A cursor over one frame; see the module doc. */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  #offset: number;

  /**
   * @param bytes the frame (or the part of it to decode)
   * @param start first byte to read
   * @param end one past the last byte that may be read
   */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError(`bad reader bounds ${start}..${end} of ${bytes.length}`);
    // A Node Buffer's slice() is a view, not a copy: read through a plain Uint8Array.
    this.#bytes = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#offset = start;
    this.#end = end;
  }

  /** Position of the next read, from the start of `bytes`. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#end - this.#offset;
  }

  #need(count: number, what: string): number {
    const at = this.#offset;
    if (!(count >= 0 && count <= this.#end - at)) {
      throw new ProtocolDecodeError(`${what} needs ${count} bytes at offset ${at}, ${this.#end - at} left`, { offset: at, need: count, left: this.#end - at });
    }
    this.#offset = at + count;
    return at;
  }

  int8(): number {
    return this.#view.getInt8(this.#need(1, "int8"));
  }

  uint8(): number {
    return this.#bytes[this.#need(1, "uint8")]!;
  }

  int16(): number {
    return this.#view.getInt16(this.#need(2, "int16"));
  }

  int32(): number {
    return this.#view.getInt32(this.#need(4, "int32"));
  }

  uint32(): number {
    return this.#view.getUint32(this.#need(4, "uint32"));
  }

  /** @throws {ProtocolDecodeError} when the value is not a safe integer */
  int64(): number {
    const at = this.#need(8, "int64");
    const value = this.#view.getInt32(at) * twoTo32 + this.#view.getUint32(at + 4);
    if (!Number.isSafeInteger(value)) throw new ProtocolDecodeError(`int64 at offset ${at} is beyond ±2^53`, { offset: at });
    return value;
  }

  /** Kafka booleans: any non-zero byte is true. */
  boolean(): boolean {
    return this.#bytes[this.#need(1, "boolean")] !== 0;
  }

  #utf8(length: number, what: string): string {
    const at = this.#need(length, what);
    return decodeUtf8(this.#bytes, at, at + length);
  }

  #rejectNull(what: string): never {
    throw new ProtocolDecodeError(`${what} at offset ${this.#offset} is null where null is not allowed`, { offset: this.#offset });
  }

  /** int16 length + UTF-8. */
  string(): string {
    const length = this.int16();
    if (length < 0) this.#rejectNull("string");
    return this.#utf8(length, "string");
  }

  /** int16 length (-1 = null) + UTF-8. */
  nullableString(): string | null {
    const length = this.int16();
    if (length < -1) throw new ProtocolDecodeError(`string length ${length} at offset ${this.#offset - 2}`, { offset: this.#offset - 2 });
    return length === -1 ? null : this.#utf8(length, "string");
  }

  #bytesLength(): number | null {
    const length = this.int32();
    if (length < -1) throw new ProtocolDecodeError(`bytes length ${length} at offset ${this.#offset - 4}`, { offset: this.#offset - 4 });
    return length === -1 ? null : length;
  }

  /** int32 length + bytes, copied. */
  bytes(): Uint8Array {
    const length = this.#bytesLength();
    if (length === null) this.#rejectNull("bytes");
    const at = this.#need(length, "bytes");
    return this.#bytes.slice(at, at + length);
  }

  /** int32 length (-1 = null) + bytes, copied. */
  nullableBytes(): Uint8Array | null {
    const length = this.#bytesLength();
    if (length === null) return null;
    const at = this.#need(length, "bytes");
    return this.#bytes.slice(at, at + length);
  }

  /** int32 length (-1 = null) + bytes, as a subarray of the frame (no copy). */
  nullableBytesView(): Uint8Array | null {
    const length = this.#bytesLength();
    if (length === null) return null;
    const at = this.#need(length, "bytes");
    return this.#bytes.subarray(at, at + length);
  }

  /** `count` raw bytes (no length prefix), as a subarray of the frame. */
  rawView(count: number): Uint8Array {
    const at = this.#need(count, "raw bytes");
    return this.#bytes.subarray(at, at + count);
  }

  #count(count: number, itemBytesMin: number, what: string): void {
    if (count * itemBytesMin > this.#end - this.#offset) {
      throw new ProtocolDecodeError(`${what} of ${count} items at offset ${this.#offset} cannot fit in the ${this.#end - this.#offset} bytes left`, { offset: this.#offset, count, left: this.#end - this.#offset });
    }
  }

  #items<T>(count: number, item: (reader: Reader) => T, itemBytesMin: number, what: string): T[] {
    this.#count(count, itemBytesMin, what);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = item(this);
    return items;
  }

  /**
   * int32 count + items.
   *
   * @param item reads one item
   * @param itemBytesMin the fewest bytes one item can take (bounds the count before allocating)
   */
  array<T>(item: (reader: Reader) => T, itemBytesMin = 1): T[] {
    const count = this.int32();
    if (count < 0) this.#rejectNull("array");
    return this.#items(count, item, itemBytesMin, "array");
  }

  /** int32 count (-1 = null) + items. */
  nullableArray<T>(item: (reader: Reader) => T, itemBytesMin = 1): T[] | null {
    const count = this.int32();
    if (count < -1) throw new ProtocolDecodeError(`array count ${count} at offset ${this.#offset - 4}`, { offset: this.#offset - 4 });
    return count === -1 ? null : this.#items(count, item, itemBytesMin, "array");
  }

  /** [int32] */
  int32Array(): number[] {
    return this.array((r) => r.int32(), 4);
  }

  /** [string] */
  stringArray(): string[] {
    return this.array((r) => r.string(), 2);
  }

  /** Unsigned LEB128, up to 32 bits (compact lengths, tag numbers). */
  unsignedVarint(): number {
    let value = 0;
    for (let i = 0, scale = 1; i < 5; i++, scale *= 128) {
      const byte = this.uint8();
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) break;
        return value;
      }
    }
    throw new ProtocolDecodeError(`unsigned varint at offset ${this.#offset} is longer than 32 bits`, { offset: this.#offset });
  }

  /** Zig-zag LEB128, 32 bits. */
  varint(): number {
    const raw = this.unsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag LEB128, 64 bits; throws outside [-2^52, 2^52) (the zig-zag form must be a safe integer). */
  varlong(): number {
    let raw = 0;
    for (let i = 0, scale = 1; i < 10; i++, scale *= 128) {
      const byte = this.uint8();
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(raw)) break;
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
    }
    throw new ProtocolDecodeError(`varlong at offset ${this.#offset} is beyond ±2^52`, { offset: this.#offset });
  }

  /** Compact lengths are N + 1 (0 = null); returns -1 for null. */
  #compactLength(): number {
    return this.unsignedVarint() - 1;
  }

  compactString(): string {
    const length = this.#compactLength();
    if (length < 0) this.#rejectNull("compact string");
    return this.#utf8(length, "compact string");
  }

  compactNullableString(): string | null {
    const length = this.#compactLength();
    return length < 0 ? null : this.#utf8(length, "compact string");
  }

  /** Compact bytes, copied. */
  compactBytes(): Uint8Array {
    const length = this.#compactLength();
    if (length < 0) this.#rejectNull("compact bytes");
    const at = this.#need(length, "compact bytes");
    return this.#bytes.slice(at, at + length);
  }

  /** Compact nullable bytes, copied. */
  compactNullableBytes(): Uint8Array | null {
    const length = this.#compactLength();
    if (length < 0) return null;
    const at = this.#need(length, "compact bytes");
    return this.#bytes.slice(at, at + length);
  }

  /** Compact nullable bytes, as a subarray of the frame (no copy). */
  compactNullableBytesView(): Uint8Array | null {
    const length = this.#compactLength();
    if (length < 0) return null;
    const at = this.#need(length, "compact bytes");
    return this.#bytes.subarray(at, at + length);
  }

  compactArray<T>(item: (reader: Reader) => T, itemBytesMin = 1): T[] {
    const count = this.#compactLength();
    if (count < 0) this.#rejectNull("compact array");
    return this.#items(count, item, itemBytesMin, "compact array");
  }

  compactNullableArray<T>(item: (reader: Reader) => T, itemBytesMin = 1): T[] | null {
    const count = this.#compactLength();
    return count < 0 ? null : this.#items(count, item, itemBytesMin, "compact array");
  }

  /** Compact [int32]. */
  compactInt32Array(): number[] {
    return this.compactArray((r) => r.int32(), 4);
  }

  /** Compact [compact string]. */
  compactStringArray(): string[] {
    return this.compactArray((r) => r.compactString(), 1);
  }

  /** 16 raw bytes (a topic id), copied. */
  uuid(): Uint8Array {
    const at = this.#need(16, "uuid");
    return this.#bytes.slice(at, at + 16);
  }

  /** Skips a tagged-field section (count, then tag + size + data each); Rivulet knows no tags yet. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    this.#count(count, 2, "tagged fields");
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.#need(this.unsignedVarint(), "tagged field");
    }
  }
}
