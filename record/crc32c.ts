/**
 * CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2: reflected polynomial 0x82F63B78,
 * initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF. Pure JS, table-driven slicing-by-16: once
 * the input is 4-byte aligned it is read as little-endian 32-bit words through a Uint32Array
 * view, 16 bytes per step, and folded through 16 lookup tables of 256 entries (16 KiB).
 *
 * Word loads assume a little-endian host (every x86-64 and ARM machine Rivulet runs on); on a
 * big-endian host the byte-at-a-time loop is used for the whole input.
 */

/** Reflected CRC-32C polynomial. */
const POLYNOMIAL = 0x82f63b78;
/** Bytes folded per step of the main loop. */
const SLICE_BYTES = 16;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** tables[k * 256 + b]: the CRC of byte b followed by k zero bytes. */
const tables = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(SLICE_BYTES * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[b] = c;
  }
  for (let k = 1; k < SLICE_BYTES; k++) {
    for (let b = 0; b < 256; b++) {
      const prev = t[(k - 1) * 256 + b];
      t[k * 256 + b] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
}

const T0 = tables.subarray(0, 256);
const T1 = tables.subarray(256, 512);
const T2 = tables.subarray(512, 768);
const T3 = tables.subarray(768, 1024);
const T4 = tables.subarray(1024, 1280);
const T5 = tables.subarray(1280, 1536);
const T6 = tables.subarray(1536, 1792);
const T7 = tables.subarray(1792, 2048);
const T8 = tables.subarray(2048, 2304);
const T9 = tables.subarray(2304, 2560);
const T10 = tables.subarray(2560, 2816);
const T11 = tables.subarray(2816, 3072);
const T12 = tables.subarray(3072, 3328);
const T13 = tables.subarray(3328, 3584);
const T14 = tables.subarray(3584, 3840);
const T15 = tables.subarray(3840, 4096);

/**
 * Computes the CRC-32C of `data[start, end)`.
 *
 * @param data the bytes to check
 * @param start first byte included (default 0)
 * @param end first byte excluded (default `data.length`)
 * @returns the checksum as an unsigned 32-bit integer
 * @throws {RangeError} when `0 <= start <= end <= data.length` does not hold (a programmer error)
 *
 * @example
 * ```ts
 * crc32c(new TextEncoder().encode("123456789")); // 0xE3069283
 * ```
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  if (!(start >= 0 && start <= end && end <= data.length) || start !== (start | 0) || end !== (end | 0)) {
    throw new RangeError(`crc32c: bad range [${start}, ${end}) of ${data.length} bytes`);
  }
  let crc = -1;
  let i = start;
  if (littleEndian && end - i >= 64) {
    // Bytes until the absolute address is 4-byte aligned, then 16-byte steps on words.
    while ((data.byteOffset + i) & 3) crc = T0[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
    const firstWord = (data.byteOffset + i) >>> 2;
    const words = (end - i) >>> 4 << 2;
    const view = new Uint32Array(data.buffer, firstWord << 2, words);
    crc = crc32cWords(crc, view, words);
    i += words << 2;
  }
  while (i < end) crc = T0[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Folds `count` words (a multiple of 4) of `words` into `crc`, 16 bytes per step. */
function crc32cWords(crc: number, words: Uint32Array, count: number): number {
  for (let w = 0; w < count; w += 4) {
    const a = words[w] ^ crc;
    const b = words[w + 1];
    const c = words[w + 2];
    const d = words[w + 3];
    crc =
      T15[a & 0xff] ^ T14[(a >>> 8) & 0xff] ^ T13[(a >>> 16) & 0xff] ^ T12[a >>> 24] ^
      T11[b & 0xff] ^ T10[(b >>> 8) & 0xff] ^ T9[(b >>> 16) & 0xff] ^ T8[b >>> 24] ^
      T7[c & 0xff] ^ T6[(c >>> 8) & 0xff] ^ T5[(c >>> 16) & 0xff] ^ T4[c >>> 24] ^
      T3[d & 0xff] ^ T2[(d >>> 8) & 0xff] ^ T1[(d >>> 16) & 0xff] ^ T0[d >>> 24];
  }
  return crc;
}
