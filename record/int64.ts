/**
 * Big-endian int64 fields (offsets, timestamps, producer ids) read and written as JS numbers.
 * Rivulet keeps every int64 in the safe-integer range (|v| < 2^53): offsets and millisecond
 * timestamps stay far below it, and a value outside it in stored or received bytes is corrupt.
 */

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Reads a big-endian int64 at `position`.
 *
 * @param view a view of the bytes
 * @param position the first of 8 bytes
 * @returns the value, or NaN when it is outside the safe-integer range
 */
export function readInt64(view: DataView, position: number): number {
  const high = view.getInt32(position);
  const low = view.getUint32(position + 4);
  const value = high * TWO_POW_32 + low;
  // Outside ±(2^53 - 1) the sum may round, but never back into the safe range.
  return Number.isSafeInteger(value) ? value : NaN;
}

/**
 * Writes `value` as a big-endian int64 at `position`.
 *
 * @param view a view of the bytes
 * @param position the first of 8 bytes
 * @param value a safe integer (checked by the caller)
 */
export function writeInt64(view: DataView, position: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  view.setInt32(position, high);
  view.setUint32(position + 4, value - high * TWO_POW_32);
}
