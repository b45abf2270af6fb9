/**
 * Zig-zag LEB128 varints, the integer encoding inside Kafka RecordBatch v2 records, on plain
 * JS numbers.
 *
 * Wire format: the signed value v is mapped to the unsigned z = (v << 1) ^ (v >> 63) (zig-zag:
 * 0, -1, 1, -2 … become 0, 1, 2, 3 …), then written 7 bits at a time, least significant group
 * first, with the high bit of each byte set when more bytes follow. A varint carries an int32
 * (at most {@link VARINT_BYTES_MAX} bytes), a varlong an int64 (at most
 * {@link VARLONG_BYTES_MAX}); here varlongs are limited to safe integers (|v| < 2^53).
 */
import { RivuletError } from "../core/errors.ts";

/** Longest varint (int32): 5 bytes of 7 bits. */
export const VARINT_BYTES_MAX = 5;
/** Longest varlong (int64): 10 bytes of 7 bits. */
export const VARLONG_BYTES_MAX = 10;

/**
 * Bytes needed to write `value` as a zig-zag varint or varlong.
 *
 * @param value a safe integer
 * @returns 1 to 8 (a safe integer needs at most 8 bytes)
 *
 * @example
 * ```ts
 * sizeOfVarint(-1); // 1
 * sizeOfVarint(64); // 2
 * ```
 */
export function sizeOfVarint(value: number): number {
  if (value >= -64 && value < 64) return 1;
  if (value >= -8192 && value < 8192) return 2;
  // m: the zig-zag value without its sign bit; z = 2m + sign needs ceil(bits(m) + 1) / 7 bytes.
  let m = value >= 0 ? value : -value - 1;
  let size = 1;
  m = Math.floor(m / 64);
  while (m > 0) {
    size++;
    m = Math.floor(m / 128);
  }
  return size;
}

/**
 * Writes `value` (an int32) as a zig-zag varint.
 *
 * @param bytes the destination; must have room for {@link sizeOfVarint}(value) bytes
 * @param position where to write
 * @param value an integer in [-2^31, 2^31)
 * @returns the position after the last byte written
 */
export function writeVarint(bytes: Uint8Array, position: number, value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  while (z >= 0x80) {
    bytes[position++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  bytes[position++] = z;
  return position;
}

/**
 * Writes `value` (a safe integer) as a zig-zag varlong, exactly: the sign goes into the low bit
 * of the first byte so no intermediate value leaves the safe range.
 *
 * @param bytes the destination; must have room for {@link sizeOfVarint}(value) bytes
 * @param position where to write
 * @param value a safe integer
 * @returns the position after the last byte written
 */
export function writeVarlong(bytes: Uint8Array, position: number, value: number): number {
  if (value >= -0x4000_0000 && value < 0x4000_0000) return writeVarint(bytes, position, value);
  const sign = value < 0 ? 1 : 0;
  let m = sign ? -value - 1 : value;
  let group = ((m % 64) << 1) | sign;
  m = Math.floor(m / 64);
  while (m > 0) {
    bytes[position++] = group | 0x80;
    group = m % 128;
    m = Math.floor(m / 128);
  }
  bytes[position++] = group;
  return position;
}

/**
 * Reads varints from a byte array, advancing `position`. One reader serves a whole batch, so
 * parsing allocates nothing per record. Reading past the end of `bytes` yields zero bytes;
 * callers compare `position` with their own end.
 *
 * Not thread-safe (it is a cursor); cheap to create.
 *
 * @example
 * ```ts
 * const reader = new VarintReader(new Uint8Array([0x01, 0x80, 0x01]), 0);
 * reader.readVarint(); // -1
 * reader.readVarint(); // 64
 * ```
 */
export class VarintReader {
  /** The bytes read. */
  bytes: Uint8Array;
  /** The next byte to read. */
  position: number;

  /**
   * @param bytes the bytes to read
   * @param position the first byte to read
   */
  constructor(bytes: Uint8Array, position: number) {
    this.bytes = bytes;
    this.position = position;
  }

  /**
   * Reads one zig-zag varint (int32).
   *
   * @returns the signed value
   * @throws {RivuletError} `corrupt_record` when the varint runs past 5 bytes
   */
  readVarint(): number {
    const bytes = this.bytes;
    let p = this.position;
    let b = bytes[p++];
    let z = b & 0x7f;
    if (b & 0x80) {
      b = bytes[p++];
      z |= (b & 0x7f) << 7;
      if (b & 0x80) {
        b = bytes[p++];
        z |= (b & 0x7f) << 14;
        if (b & 0x80) {
          b = bytes[p++];
          z |= (b & 0x7f) << 21;
          if (b & 0x80) {
            b = bytes[p++];
            if (b > 0x0f) throw new RivuletError("corrupt_record", "varint longer than 32 bits");
            z |= b << 28;
          }
        }
      }
    }
    this.position = p;
    return (z >>> 1) ^ -(z & 1);
  }

  /**
   * Reads one zig-zag varlong (int64).
   *
   * @returns the signed value, a safe integer
   * @throws {RivuletError} `corrupt_record` when the value is outside the safe-integer range
   */
  readVarlong(): number {
    const bytes = this.bytes;
    const start = this.position;
    let p = start;
    let b = bytes[p++];
    if (!(b & 0x80)) {
      this.position = p;
      return (b >>> 1) ^ -(b & 1);
    }
    const sign = b & 1;
    let m = (b & 0x7e) >>> 1;
    let scale = 64;
    do {
      if (p - start >= 8) throw new RivuletError("corrupt_record", "varlong outside the safe-integer range");
      b = bytes[p++];
      m += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    if (m + sign > Number.MAX_SAFE_INTEGER) throw new RivuletError("corrupt_record", "varlong outside the safe-integer range");
    this.position = p;
    return sign ? -m - 1 : m;
  }
}

/**
 * Reads one zig-zag varint at `position`; a convenience for single values (hot loops use a
 * {@link VarintReader}).
 *
 * @param bytes the bytes to read
 * @param position where the varint starts
 * @returns the value and the number of bytes it took
 * @throws {RivuletError} `corrupt_record` when the varint runs past 5 bytes
 */
export function readVarint(bytes: Uint8Array, position: number): { value: number; size: number } {
  const reader = new VarintReader(bytes, position);
  const value = reader.readVarint();
  return { value, size: reader.position - position };
}

/**
 * Reads one zig-zag varlong at `position`.
 *
 * @param bytes the bytes to read
 * @param position where the varlong starts
 * @returns the value and the number of bytes it took
 * @throws {RivuletError} `corrupt_record` when the value is outside the safe-integer range
 */
export function readVarlong(bytes: Uint8Array, position: number): { value: number; size: number } {
  const reader = new VarintReader(bytes, position);
  const value = reader.readVarlong();
  return { value, size: reader.position - position };
}

