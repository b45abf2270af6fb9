import { IndexFile } from "./index-file.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/**
 * The sparse offset index of one segment: maps an offset to the byte position of the batch that
 * holds it, so a read seeks instead of scanning.
 *
 * Disk format (`<base20>.index`): fixed {@link OFFSET_INDEX_ENTRY_SIZE}-byte entries, big-endian,
 * - int32 relative offset (a batch's baseOffset − segment base offset)
 * - int32 byte position of that batch in the `.log`
 * strictly increasing in both. An entry is added when more than `index.interval.bytes` were
 * appended since the previous one. The index can always be rebuilt from the log.
 *
 * Not thread-safe: owned by one partition actor.
 */
export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  readonly baseOffset: number;
  #file: IndexFile;

  constructor(path: string, baseOffset: number, hooks: StorageHooks = {}) {
    this.baseOffset = baseOffset;
    this.#file = new IndexFile(path, OFFSET_INDEX_ENTRY_SIZE, hooks);
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

  /** The `i`-th entry. */
  entry(i: number): OffsetPosition {
    const view = this.#file.view();
    const at = i * OFFSET_INDEX_ENTRY_SIZE;
    return { offset: this.baseOffset + view.getInt32(at), position: view.getInt32(at + 4) };
  }

  /** The last entry, or undefined when empty. */
  lastEntry(): OffsetPosition | undefined {
    const n = this.entries;
    return n ? this.entry(n - 1) : undefined;
  }

  /** The entry with the largest offset ≤ `offset`; the segment start if none. */
  lookup(offset: number): OffsetPosition {
    const i = this.#floor(offset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(i);
  }

  /** Adds an entry; both values must exceed the last entry's. */
  append(offset: number, position: number): void {
    const last = this.lastEntry();
    if (last && (offset <= last.offset || position <= last.position)) {
      throw new Error(`assertion: offset index entry (${offset}, ${position}) not after (${last.offset}, ${last.position})`);
    }
    this.#file.append((v) => {
      v.setInt32(0, offset - this.baseOffset);
      v.setInt32(4, position);
    });
  }

  /**
   * Checks the index against a log of `logSize` bytes: whole entries, strictly increasing,
   * positions inside the log.
   */
  isSane(logSize: number): boolean {
    if (!this.#file.sizeIsWhole) return false;
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < this.entries; i++) {
      const { offset, position } = this.entry(i);
      if (offset < this.baseOffset || offset <= prevOffset || position <= prevPosition || position >= logSize) return false;
      prevOffset = offset;
      prevPosition = position;
    }
    return true;
  }

  /** Drops entries at or past byte `position` of the log. */
  truncateToPosition(position: number): void {
    let keep = this.entries;
    while (keep > 0 && this.entry(keep - 1).position >= position) keep--;
    this.#file.truncateTo(keep);
  }

  /** Replaces all entries. */
  replace(entries: OffsetPosition[]): void {
    const bytes = new Uint8Array(entries.length * OFFSET_INDEX_ENTRY_SIZE);
    const v = new DataView(bytes.buffer);
    entries.forEach((e, i) => {
      v.setInt32(i * 8, e.offset - this.baseOffset);
      v.setInt32(i * 8 + 4, e.position);
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

  #floor(offset: number): number {
    const view = this.#file.view();
    const target = offset - this.baseOffset;
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (view.getInt32(mid * OFFSET_INDEX_ENTRY_SIZE) <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
