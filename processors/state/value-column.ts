/**
 * `ValueColumn`: a store's values end to end in one byte block, value i being
 * `bytes[starts[i], starts[i + 1])`. A snapshot is loaded as one (its value block, as read), and
 * a changelog replay appends to it, so a restored entry is a map slot holding a number, not an
 * array per value (a 1,000,000-record replay spent a fifth of its time collecting those) and
 * the fetched batches are not kept alive by views into them.
 *
 * A value overwritten or deleted stays in the block as garbage until the owner compacts
 * ({@link ValueColumn.wantsCompaction}: more garbage than live bytes, past 1 MiB), so the block
 * holds at most about twice the live value bytes plus 1 MiB.
 *
 * Concurrency: not thread-safe; owned by one store.
 */

/** Garbage below this is never worth a compaction. */
const COMPACT_GARBAGE_BYTES_MIN = 1 << 20;

export class ValueColumn {
  bytes: Uint8Array;
  /** `count + 1` offsets (more capacity may follow). */
  starts: Float64Array;
  count: number;
  /** Values no longer referenced, and their bytes. */
  dropped = 0;
  garbage = 0;

  /**
   * @param bytes the values end to end (owned from here on)
   * @param starts at least `count + 1` increasing offsets into `bytes`, the first 0
   * @param count values held
   */
  constructor(bytes: Uint8Array, starts: Float64Array, count: number) {
    this.bytes = bytes;
    this.starts = starts;
    this.count = count;
  }

  static empty(): ValueColumn {
    return new ValueColumn(new Uint8Array(0), new Float64Array(1), 0);
  }

  /** Bytes in use (live and garbage). */
  get used(): number {
    return this.starts[this.count];
  }

  length(i: number): number {
    return this.starts[i + 1] - this.starts[i];
  }

  /**
   * Value i as a view of the block. Its bytes never change: appends write past them, and growth
   * and compaction copy into a new block (the view keeps the old one alive).
   */
  view(i: number): Uint8Array {
    return this.bytes.subarray(this.starts[i], this.starts[i + 1]);
  }

  /** Copies value i into `out` at `at`; returns its length. */
  copyInto(i: number, out: Uint8Array, at: number): number {
    const from = this.starts[i];
    const length = this.starts[i + 1] - from;
    copyBytes(this.bytes, from, length, out, at);
    return length;
  }

  /** Appends `src[from, to)` as a new value; returns its index. */
  append(src: Uint8Array, from: number, to: number): number {
    const length = to - from;
    const at = this.starts[this.count];
    if (at + length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, at + length, 4096));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
    }
    if (this.count + 2 > this.starts.length) {
      const grown = new Float64Array(Math.max(2 * this.starts.length, 1024));
      grown.set(this.starts.subarray(0, this.count + 1));
      this.starts = grown;
    }
    copyBytes(src, from, length, this.bytes, at);
    this.starts[this.count + 1] = at + length;
    return this.count++;
  }

  /** Value i is no longer referenced. */
  drop(i: number): void {
    this.dropped++;
    this.garbage += this.length(i);
  }

  /** More garbage than live bytes, and enough to be worth a copy. */
  wantsCompaction(): boolean {
    return this.garbage > COMPACT_GARBAGE_BYTES_MIN && 2 * this.garbage > this.used;
  }
}

function copyBytes(src: Uint8Array, from: number, length: number, out: Uint8Array, at: number): void {
  // A short loop beats making a view for set() on the small values stores mostly hold.
  if (length > 64) out.set(src.subarray(from, from + length), at);
  else for (let i = 0; i < length; i++) out[at + i] = src[from + i];
}
