import { closeSync, openSync, statSync } from "node:fs";
import { readInt64, writeInt64 } from "../record/int64.ts";
import { storageError } from "./atomic-file.ts";
import { IndexFile } from "./index-file.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/** One aborted transaction, as the `.txnindex` keeps it. */
export interface AbortedTxn {
  producerId: number;
  /** The transaction's first offset in this partition. */
  firstOffset: number;
  /** The offset of its abort marker. */
  lastOffset: number;
  /**
   * The partition's last stable offset once this transaction was aborted: every transaction
   * starting below it had ended by then, so a search for aborted transactions below it may stop here.
   */
  lastStableOffset: number;
}

/** Bytes of one entry. */
export const TXN_INDEX_ENTRY_BYTES = 34;
/** The entry version Rivulet writes and reads. */
export const TXN_INDEX_VERSION = 0;

/**
 * A segment's aborted-transaction index, the `<base20>.txnindex` file beside its `.log` (Kafka's
 * layout): fixed 34-byte big-endian entries, one per abort marker in the segment, in log order
 * (so ascending `lastOffset`):
 *
 * ```
 *  0 version          int16  = 0
 *  2 producerId       int64
 * 10 firstOffset      int64
 * 18 lastOffset       int64  (the abort marker)
 * 26 lastStableOffset int64
 * ```
 *
 * An entry is appended when an abort marker is written to the segment, fsynced with the segment
 * (`LogSegment.sync`), and everything in it can be rebuilt from the log (see `txn-replay.ts`): a
 * file that is missing or not a whole number of entries is rebuilt at open, and the newest
 * segment's entries past the producer snapshot are recomputed by every recovery. The entries are
 * read on first use and then held in memory, decoded (one small object per aborted transaction).
 * The file is created (empty) with the index but opened only when first read or written, so
 * the many segments that never see an abort hold no file descriptor for it.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class TransactionIndex {
  readonly path: string;
  #hooks: StorageHooks;
  #opened: IndexFile | undefined;
  /** The entries decoded, once read (kept in step with the file). */
  #entries: AbortedTxn[] | undefined;

  /**
   * Creates the file if missing (empty); opens nothing.
   * @throws {RivuletError} `storage_error`
   */
  constructor(path: string, hooks: StorageHooks) {
    this.path = path;
    this.#hooks = hooks;
    try {
      closeSync(openSync(path, "a"));
    } catch (error) {
      throw storageError("cannot create", path, error);
    }
  }

  /** True when the file is a whole number of entries (checked without reading it). */
  get sizeIsWhole(): boolean {
    if (this.#opened) return this.#opened.sizeIsWhole;
    try {
      return statSync(this.path).size % TXN_INDEX_ENTRY_BYTES === 0;
    } catch (error) {
      throw storageError("cannot stat", this.path, error);
    }
  }

  get count(): number {
    return this.#cached().length;
  }

  /** Every entry, in log order (a copy). */
  entries(): AbortedTxn[] {
    return [...this.#cached()];
  }

  /** Appends one entry (not synced: {@link sync} does, with the segment). */
  append(txn: AbortedTxn): void {
    const entries = this.#cached();
    this.#file().append((view) => writeEntry(view, 0, txn));
    entries.push({ ...txn });
  }

  /** Keeps only the entries whose abort marker lies below `offset` (truncation, recovery). */
  truncateToOffset(offset: number): void {
    const entries = this.entries();
    let keep = entries.length;
    while (keep > 0 && entries[keep - 1].lastOffset >= offset) keep--;
    this.#file().truncateTo(keep);
    this.#entries = entries.slice(0, keep);
  }

  /** Replaces every entry (a rebuild). */
  replace(entries: AbortedTxn[]): void {
    const bytes = new Uint8Array(entries.length * TXN_INDEX_ENTRY_BYTES);
    const view = new DataView(bytes.buffer);
    entries.forEach((txn, i) => writeEntry(view, i * TXN_INDEX_ENTRY_BYTES, txn));
    this.#file().replace(bytes);
    this.#entries = entries.map((txn) => ({ ...txn }));
  }

  /**
   * Appends the aborted transactions overlapping [`from`, `to`) to `out`: those whose abort
   * marker is at or past `from` and whose first offset is below `to`.
   * @returns true when the search may stop here: an entry's last stable offset reached `to`,
   *   so no later segment holds an overlapping one
   */
  collect(from: number, to: number, out: AbortedTxn[]): boolean {
    for (const txn of this.#cached()) {
      if (txn.lastOffset >= from && txn.firstOffset < to) out.push({ ...txn });
      if (txn.lastStableOffset >= to) return true;
    }
    return false;
  }

  /** fdatasyncs the file if it was written. */
  sync(): void {
    this.#opened?.sync();
  }

  syncInBackground(): Promise<void> {
    return this.#opened ? this.#opened.syncInBackground() : Promise.resolve();
  }

  close(): void {
    this.#opened?.close();
    this.#opened = undefined;
  }

  #file(): IndexFile {
    this.#opened ??= new IndexFile(this.path, TXN_INDEX_ENTRY_BYTES, this.#hooks);
    return this.#opened;
  }

  #cached(): AbortedTxn[] {
    if (!this.#entries) {
      const file = this.#file();
      const view = file.view();
      this.#entries = [];
      for (let i = 0; i < file.count; i++) this.#entries.push(readEntry(view, i * TXN_INDEX_ENTRY_BYTES));
    }
    return this.#entries;
  }
}

function readEntry(view: DataView, at: number): AbortedTxn {
  return {
    producerId: readInt64(view, at + 2),
    firstOffset: readInt64(view, at + 10),
    lastOffset: readInt64(view, at + 18),
    lastStableOffset: readInt64(view, at + 26),
  };
}

function writeEntry(view: DataView, at: number, txn: AbortedTxn): void {
  view.setInt16(at, TXN_INDEX_VERSION);
  writeInt64(view, at + 2, txn.producerId);
  writeInt64(view, at + 10, txn.firstOffset);
  writeInt64(view, at + 18, txn.lastOffset);
  writeInt64(view, at + 26, txn.lastStableOffset);
}
