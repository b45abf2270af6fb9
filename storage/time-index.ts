import { IndexFile } from "./index-file.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/**
 * The sparse time index of one segment: lets a search by timestamp skip the part of the segment
 * whose records are all older.
 *
 * Disk format (`<base20>.timeindex`): fixed {@link TIME_INDEX_ENTRY_SIZE}-byte entries, big-endian,
 * - int64 timestamp T
 * - int32 relative offset O (an offset − segment base offset)
 * meaning "every record of this segment before offset O has a timestamp ≤ T". T and O strictly
 * increase. An entry is added beside each offset-index entry when T grew, and one more when the
 * segment is rolled (O = the segment's end), so the last entry's T is the segment's largest
 * timestamp. The index can always be rebuilt from the log.
 *
 * Not thread-safe: owned by one partition actor.
 */
export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex {
  readonly baseOffset: number;
  #file: IndexFile;

  constructor(path: string, baseOffset: number, hooks: StorageHooks = {}) {
    this.baseOffset = baseOffset;
    this.#file = new IndexFile(path, TIME_INDEX_ENTRY_SIZE, hooks);
  }

  get path(): string {
    return this.#file.path;
  }

  /** True when the file holds whole entries (known without reading it). */
  get sizeIsWhole(): boolean {
    return this.#file.sizeIsWhole;
  }

  get entries(): number {
    return this.#file.count;
  }

  entry(i: number): TimestampOffset {
    const view = this.#file.view();
    const at = i * TIME_INDEX_ENTRY_SIZE;
    return { timestamp: Number(view.getBigInt64(at)), offset: this.baseOffset + view.getInt32(at + 8) };
  }

  lastEntry(): TimestampOffset | undefined {
    const n = this.entries;
    return n ? this.entry(n - 1) : undefined;
  }

  /** The offset to start a search for the first record with timestamp ≥ `timestamp`. */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.entries - 1;
    let start = this.baseOffset;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entry(mid);
      if (e.timestamp < timestamp) {
        start = e.offset;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return start;
  }

  /** Adds an entry if `timestamp` and `offset` exceed the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.lastEntry();
    if (timestamp < 0 || (last && (timestamp <= last.timestamp || offset <= last.offset))) return;
    this.#file.append((v) => {
      v.setBigInt64(0, BigInt(timestamp));
      v.setInt32(8, offset - this.baseOffset);
    });
  }

  /** Checks whole, strictly increasing entries with offsets up to `nextOffset`. */
  isSane(nextOffset: number): boolean {
    if (!this.#file.sizeIsWhole) return false;
    let prev: TimestampOffset | undefined;
    for (let i = 0; i < this.entries; i++) {
      const e = this.entry(i);
      if (e.offset <= this.baseOffset || e.offset > nextOffset) return false;
      if (prev && (e.timestamp <= prev.timestamp || e.offset <= prev.offset)) return false;
      prev = e;
    }
    return true;
  }

  /** Drops entries whose offset is past `nextOffset`. */
  truncateToOffset(nextOffset: number): void {
    let keep = this.entries;
    while (keep > 0 && this.entry(keep - 1).offset > nextOffset) keep--;
    this.#file.truncateTo(keep);
  }

  replace(entries: TimestampOffset[]): void {
    const bytes = new Uint8Array(entries.length * TIME_INDEX_ENTRY_SIZE);
    const v = new DataView(bytes.buffer);
    entries.forEach((e, i) => {
      v.setBigInt64(i * 12, BigInt(e.timestamp));
      v.setInt32(i * 12 + 8, e.offset - this.baseOffset);
    });
    this.#file.replace(bytes);
  }

  sync(): void {
    this.#file.sync();
  }

  /** fdatasyncs off this thread (see {@link FileChannel.syncInBackground}). */
  syncInBackground(): Promise<void> {
    return this.#file.syncInBackground();
  }

  close(): void {
    this.#file.close();
  }
}
