/**
 * A store's snapshot file: every entry of the store at one point of its changelog, so a restore
 * reads the file and replays only the changelog tail after that point.
 *
 * Format (all integers big-endian), version 1:
 * ```
 * offset  size  field
 * 0       4     magic "RVSS"
 * 4       2     format version (1)
 * 6       2     reserved (0)
 * 8       8     changelog offset covered: the next changelog offset NOT in the snapshot (int64)
 * 16      4     entry count
 * 20      4     reserved (0)
 * 24      …     entries in increasing key order: key length u32, key, value length u32, value
 * end-4   4     CRC-32C of every byte before it
 * ```
 * Written whole to `<path>.tmp`, fsynced, renamed over `<path>`, directory fsynced
 * (storage/atomic-file.ts): after a crash the file is the old snapshot or the new one. A file
 * that is short, has another magic or version, or fails its CRC is refused by
 * {@link readSnapshot} (the caller ignores it with a warning and replays the changelog from its
 * start).
 *
 * Concurrency: one writer per file (the pool worker that owns the task); readers only read a
 * renamed, complete file.
 */
import { readFileSync } from "node:fs";
import { RivuletError } from "../../core/errors.ts";
import { crc32c } from "../../record/crc32c.ts";
import { writeFileAtomic } from "../../storage/atomic-file.ts";

/** "RVSS". */
const MAGIC = 0x52565353;
/** The format written; readers accept only it. */
export const SNAPSHOT_FORMAT_VERSION = 1;
const HEADER_BYTES = 24;
const TRAILER_BYTES = 4;

/** A snapshot's content. */
export interface Snapshot {
  /** The next changelog offset not reflected in the entries. */
  changelogOffset: number;
  keys: Uint8Array[];
  values: Uint8Array[];
}

/**
 * Encodes entries (already in increasing key order) as a snapshot file's bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot(42, store.range());
 * ```
 */
export function encodeSnapshot(changelogOffset: number, entries: Iterable<[Uint8Array, Uint8Array]>, count: number, bytes: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + bytes + 8 * count + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, SNAPSHOT_FORMAT_VERSION);
  view.setBigInt64(8, BigInt(changelogOffset));
  view.setUint32(16, count);
  let at = HEADER_BYTES;
  let written = 0;
  for (const [key, value] of entries) {
    view.setUint32(at, key.length);
    out.set(key, at + 4);
    at += 4 + key.length;
    view.setUint32(at, value.length);
    out.set(value, at + 4);
    at += 4 + value.length;
    written++;
  }
  if (written !== count || at !== out.length - TRAILER_BYTES) throw new RangeError(`encodeSnapshot: told ${count} entries of ${bytes} bytes, got ${written} ending at ${at}`);
  view.setUint32(at, crc32c(out, 0, at));
  return out;
}

/**
 * Decodes and checks a snapshot file's bytes. Keys and values are views into `bytes`.
 *
 * @throws {RivuletError} `corrupt_record` when the bytes are torn, of another format, or fail the CRC
 */
export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const corrupt = (why: string) => new RivuletError("corrupt_record", `snapshot ${why}`, { length: bytes.length });
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) throw corrupt(`is ${bytes.length} bytes, shorter than a header and trailer`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== MAGIC) throw corrupt("has no RVSS magic");
  const version = view.getUint16(4);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw corrupt(`has format version ${version}; this build reads ${SNAPSHOT_FORMAT_VERSION}`);
  const end = bytes.length - TRAILER_BYTES;
  if (view.getUint32(end) !== crc32c(bytes, 0, end)) throw corrupt("fails its CRC-32C (torn or damaged)");
  const changelogOffset = Number(view.getBigInt64(8));
  const count = view.getUint32(16);
  const keys: Uint8Array[] = new Array(count);
  const values: Uint8Array[] = new Array(count);
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) throw corrupt(`ends inside entry ${i}`);
    const keyLength = view.getUint32(at);
    if (at + 8 + keyLength > end) throw corrupt(`ends inside entry ${i}`);
    keys[i] = bytes.subarray(at + 4, at + 4 + keyLength);
    at += 4 + keyLength;
    const valueLength = view.getUint32(at);
    if (at + 4 + valueLength > end) throw corrupt(`ends inside entry ${i}`);
    values[i] = bytes.subarray(at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
  }
  if (at !== end) throw corrupt(`has ${end - at} bytes after its last entry`);
  return { changelogOffset, keys, values };
}

/**
 * Writes a snapshot atomically (tmp + fsync + rename + directory fsync).
 *
 * @throws {RivuletError} `storage_error` when the file system refuses
 */
export function writeSnapshot(path: string, changelogOffset: number, entries: Iterable<[Uint8Array, Uint8Array]>, count: number, bytes: number): void {
  writeFileAtomic(path, encodeSnapshot(changelogOffset, entries, count, bytes));
}

/**
 * Reads a snapshot file.
 *
 * @returns the snapshot; `undefined` when there is no file; `{ invalid }` naming why a file
 *   that exists cannot be used (the caller warns and replays the whole changelog)
 */
export function readSnapshot(path: string): Snapshot | { invalid: string } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { invalid: `cannot read: ${(error as Error).message}` };
  }
  try {
    return decodeSnapshot(bytes);
  } catch (error) {
    return { invalid: (error as Error).message };
  }
}
