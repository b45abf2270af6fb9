/** Unsigned lexicographic order of byte strings: the order of every processor store's keys. */

/**
 * Compares two byte strings byte by byte as unsigned numbers; a prefix sorts first.
 *
 * @returns negative when `a < b`, 0 when equal, positive when `a > b`
 * @example
 * ```ts
 * compareBytes(new Uint8Array([1]), new Uint8Array([1, 0])); // < 0
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
