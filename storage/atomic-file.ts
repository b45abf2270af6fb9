import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
// The pure-JavaScript build: these files are small, and the package root would load its native
// string decoder (a native module and a libc probe) into every partition worker at start-up.
import { decode } from "cbor-x/decode";
import { encode } from "cbor-x/encode";
import { RivuletError } from "../core/errors.ts";
import { Suffix } from "./file-names.ts";

/**
 * Atomic whole-file writes: the data goes to `<path>.tmp`, is fsynced, renamed over `path`, and
 * the directory is fsynced, so after a crash the file holds either the old or the new content.
 * Leftover `.tmp` files are deleted by recovery.
 *
 * @param path destination file
 * @param data the complete new content
 * @throws {RivuletError} `storage_error` when the file system refuses
 * @example
 * ```ts
 * writeFileAtomic("/data/t-0/meta", new Uint8Array([1, 2, 3]));
 * ```
 */
export function writeFileAtomic(path: string, data: Uint8Array): void {
  const tmp = path + Suffix.tmp;
  try {
    const fd = openSync(tmp, "w");
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (error) {
    throw storageError(`cannot write ${basename(path)}`, path, error);
  }
}

/** fsyncs a directory so renames and unlinks in it are durable. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return; // some platforms cannot open directories; nothing more to do there
  }
  try {
    fsyncSync(fd);
  } catch {
    // fsync of a directory is unsupported on some file systems; the rename is still atomic
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `value` as CBOR, atomically.
 *
 * @example
 * ```ts
 * writeCborAtomic(join(dir, "meta.cbor"), { version: 1 });
 * ```
 */
export function writeCborAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, encode(value));
}

/**
 * Reads a CBOR file written by {@link writeCborAtomic}.
 *
 * @returns the value, or undefined when the file does not exist
 * @throws {RivuletError} `storage_error` when it exists but cannot be read or decoded
 * @example
 * ```ts
 * const meta = readCbor<{ version: number }>(join(dir, "meta.cbor"));
 * ```
 */
export function readCbor<T>(path: string): T | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw storageError(`cannot read ${basename(path)}`, path, error);
  }
  try {
    return decode(bytes) as T;
  } catch (error) {
    throw storageError(`${basename(path)} is not valid CBOR`, path, error);
  }
}

/** Wraps a file-system failure as a `storage_error`. */
export function storageError(what: string, path: string, cause: unknown): RivuletError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RivuletError("storage_error", `${what}: ${reason}`, { file: join(path) });
}
