import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { storageError } from "./atomic-file.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/**
 * One open file read and written at explicit positions, appending at its end. It tracks its own
 * size, so appends never ask the file system where the end is.
 *
 * Not thread-safe: owned by one partition actor. A {@link syncInBackground} runs the fdatasync
 * on the runtime's I/O thread pool while this thread goes on appending; a later {@link sync} or
 * {@link close} still covers everything written before it.
 */
export class FileChannel {
  readonly path: string;
  #fd: number;
  #size: number;
  #hooks: StorageHooks;
  #dirty = false;
  /** fdatasyncs started by {@link syncInBackground} and not yet finished. */
  #syncing = 0;

  private constructor(path: string, fd: number, size: number, hooks: StorageHooks) {
    this.path = path;
    this.#fd = fd;
    this.#size = size;
    this.#hooks = hooks;
  }

  /**
   * Opens `path` for reading and writing, creating it if `create`.
   * @throws {RivuletError} `storage_error`
   */
  static open(path: string, hooks: StorageHooks = {}, create = true): FileChannel {
    try {
      let fd: number;
      try {
        fd = openSync(path, "r+");
      } catch (error) {
        if (!create || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        fd = openSync(path, "w+");
      }
      return new FileChannel(path, fd, fstatSync(fd).size, hooks);
    } catch (error) {
      throw storageError("cannot open", path, error);
    }
  }

  /** Bytes in the file. */
  get size(): number {
    return this.#size;
  }

  /** True when written since the last {@link sync}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /**
   * Reads up to `length` bytes at `position` (fewer at the end of the file).
   * @throws {RivuletError} `storage_error`
   */
  read(position: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(length, this.#size - position));
    const buf = new Uint8Array(n);
    let done = 0;
    try {
      while (done < n) {
        const got = readSync(this.#fd, buf, done, n - done, position + done);
        if (got === 0) break;
        done += got;
      }
    } catch (error) {
      throw storageError("cannot read", this.path, error);
    }
    this.#hooks.onRead?.(this.path, done);
    return done === n ? buf : buf.subarray(0, done);
  }

  /**
   * Appends `data` at the end. On any failure the file is cut back to its previous size, so a
   * failed append leaves no bytes behind.
   * @throws {RivuletError} `storage_error`
   */
  append(data: Uint8Array): void {
    const start = this.#size;
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.#fd, data, done, data.length - done, start + done);
      this.#dirty = true;
      this.#hooks.afterWrite?.(this.path, data.length);
    } catch (error) {
      try {
        ftruncateSync(this.#fd, start);
      } catch {
        // the file keeps a tail that recovery will cut; the in-memory size stays at `start`
      }
      throw storageError("cannot write", this.path, error);
    }
    this.#size = start + data.length;
  }

  /** Cuts the file to `size` bytes; returns the bytes removed. */
  truncate(size: number): number {
    if (size >= this.#size) return 0;
    try {
      ftruncateSync(this.#fd, size);
    } catch (error) {
      throw storageError("cannot truncate", this.path, error);
    }
    const removed = this.#size - size;
    this.#size = size;
    this.#dirty = true;
    return removed;
  }

  /**
   * fdatasyncs the file if written since the last sync (or while a background sync, which may
   * not have reached the disk yet, is running).
   */
  sync(): void {
    if (!this.#dirty && this.#syncing === 0) return;
    try {
      fdatasyncSync(this.#fd);
    } catch (error) {
      throw storageError("cannot fdatasync", this.path, error);
    }
    this.#dirty = false;
    this.#hooks.onSync?.(this.path);
  }

  /**
   * fdatasyncs the file off this thread, if written since the last sync: resolves once the bytes
   * written before this call are on disk. Appends may go on meanwhile (they are covered by the
   * next sync). Settles without error if the file is closed first (its closer synced it).
   * @throws {RivuletError} (as a rejection) `storage_error`
   */
  syncInBackground(): Promise<void> {
    if (!this.#dirty || this.#fd < 0) return Promise.resolve();
    const fd = this.#fd;
    this.#dirty = false;
    this.#syncing++;
    return new Promise((resolve, reject) => {
      fdatasync(fd, (error) => {
        this.#syncing--;
        if (this.#fd !== fd) return resolve();
        if (error) {
          this.#dirty = true;
          return reject(storageError("cannot fdatasync", this.path, error));
        }
        this.#hooks.onSync?.(this.path);
        resolve();
      });
    });
  }

  /** Closes the file (without syncing). */
  close(): void {
    if (this.#fd < 0) return;
    try {
      closeSync(this.#fd);
    } finally {
      this.#fd = -1;
    }
  }
}
