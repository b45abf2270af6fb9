import { FileChannel } from "./file-channel.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/**
 * A file of fixed-size entries with an in-memory copy, the common part of {@link OffsetIndex}
 * and {@link TimeIndex}. The copy is loaded on first use, so opening a log reads no index of a
 * segment it does not touch. Entries are appended one write each; a rebuild rewrites the file.
 *
 * Not thread-safe: owned by one partition actor.
 */
export class IndexFile {
  readonly entrySize: number;
  #channel: FileChannel;
  #buf: Uint8Array | undefined;
  #view!: DataView;
  #count = 0;

  constructor(path: string, entrySize: number, hooks: StorageHooks) {
    this.entrySize = entrySize;
    this.#channel = FileChannel.open(path, hooks);
  }

  get path(): string {
    return this.#channel.path;
  }

  /** True when the file's size is a whole number of entries (checked without reading it). */
  get sizeIsWhole(): boolean {
    return this.#channel.size % this.entrySize === 0;
  }

  /** Entries, loading the file if needed. */
  get count(): number {
    this.#ensureLoaded();
    return this.#count;
  }

  /** A view of the entries for reading; valid until the next change. */
  view(): DataView {
    this.#ensureLoaded();
    return this.#view;
  }

  /** Appends one entry, built by `fill` on a view of `entrySize` bytes. */
  append(fill: (view: DataView) => void): void {
    this.#ensureLoaded();
    const entry = new Uint8Array(this.entrySize);
    fill(new DataView(entry.buffer));
    this.#channel.append(entry);
    this.#grow(this.#count + 1);
    this.#buf!.set(entry, this.#count * this.entrySize);
    this.#count++;
  }

  /** Keeps the first `count` entries. */
  truncateTo(count: number): void {
    this.#ensureLoaded();
    if (count >= this.#count) return;
    this.#count = count;
    this.#channel.truncate(count * this.entrySize);
  }

  /** Replaces every entry with `entries` (a whole number of entries). */
  replace(entries: Uint8Array): void {
    this.#channel.truncate(0);
    this.#channel.append(entries);
    this.#buf = entries.slice();
    this.#view = new DataView(this.#buf.buffer);
    this.#count = entries.length / this.entrySize;
  }

  /** fdatasyncs the file if changed. */
  sync(): void {
    this.#channel.sync();
  }

  /** fdatasyncs the file if changed, off this thread (see {@link FileChannel.syncInBackground}). */
  syncInBackground(): Promise<void> {
    return this.#channel.syncInBackground();
  }

  close(): void {
    this.#channel.close();
  }

  #ensureLoaded(): void {
    if (this.#buf) return;
    const whole = this.#channel.size - (this.#channel.size % this.entrySize);
    this.#buf = this.#channel.read(0, whole);
    this.#count = this.#buf.length / this.entrySize;
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  #grow(count: number): void {
    const need = count * this.entrySize;
    if (this.#buf!.length >= need) return;
    const next = new Uint8Array(Math.max(need, this.#buf!.length * 2, 64 * this.entrySize));
    next.set(this.#buf!.subarray(0, this.#count * this.entrySize));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}
