/**
 * A store's snapshot file: every entry of the store at one point of its changelog, so a restore
 * reads the file and replays only the changelog tail after that point.
 *
 * Format version 2 (written; all integers big-endian), columns so a restore reads each part in
 * one pass — every key as one run of text, the values as one block it keeps as they are:
 * ```
 * offset        size  field
 * 0             4     magic "RVSS"
 * 4             2     format version (2)
 * 6             2     reserved (0)
 * 8             8     changelog offset covered: the next changelog offset NOT in the snapshot (int64)
 * 16            4     entry count N
 * 20            4     reserved (0)
 * 24            8     key bytes K (sum of the key lengths; uint64)
 * 32            8     value bytes V (sum of the value lengths; uint64)
 * 40            4·N   key lengths (u32), entries in increasing key order
 * 40+4N         4·N   value lengths (u32), same order
 * 40+8N         K     the keys, end to end
 * 40+8N+K       V     the values, end to end
 * end-4         4     CRC-32C of every byte before it
 * ```
 * Version 1 (read, no longer written): header as above up to offset 24 (bytes 20-23 reserved),
 * then per entry in increasing key order: key length u32, key, value length u32, value; then
 * the CRC. {@link readSnapshot} reads both, so snapshots taken before version 2 still restore.
 *
 * Written whole to `<path>.tmp`, fsynced, renamed over `<path>`, directory fsynced
 * (storage/atomic-file.ts): after a crash the file is the old snapshot or the new one. A file
 * that is short, has another magic or version, fails its CRC or whose lengths do not add up is
 * refused by {@link readSnapshot} (the caller ignores it with a warning and replays the
 * changelog from its start).
 *
 * Concurrency: one writer per file (the pool worker that owns the task); readers only read a
 * renamed, complete file.
 */
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { RivuletError } from "../../core/errors.ts";
import { crc32c } from "../../record/crc32c.ts";
import { writeFileAtomic } from "../../storage/atomic-file.ts";
import { binaryString } from "./ordered-store.ts";
import { ValueColumn } from "./value-column.ts";

/** "RVSS". */
const MAGIC = 0x52565353;
/** The format written. */
export const SNAPSHOT_FORMAT_VERSION = 2;
/** The formats read. */
export const SNAPSHOT_FORMAT_VERSIONS_READ: readonly number[] = [1, 2];
const V1_HEADER_BYTES = 24;
const HEADER_BYTES = 40;
const TRAILER_BYTES = 4;
/** Keys are turned into text in runs of about this many bytes (one string each, keys cut from it). */
const KEY_RUN_BYTES = 1 << 20;

/** A snapshot's content, as a store loads it ({@link OrderedStore.loadColumns}). */
export interface Snapshot {
  /** The format version the file was written in. */
  version: number;
  /** The next changelog offset not reflected in the entries. */
  changelogOffset: number;
  /** The keys as binary strings (see ordered-store.ts), in increasing order. */
  keys: string[];
  values: ValueColumn;
}

/** What a snapshot is written from: an {@link OrderedStore}. */
export interface SnapshotSource {
  readonly size: number;
  /** Key + value bytes. */
  readonly bytes: number;
  sortedKeys(): ReadonlyArray<readonly string[]>;
  /** Copies the value into `out` at `at`; its length, or -1 when absent. */
  copyValueInto(key: string, out: Uint8Array, at: number): number;
}

/**
 * Encodes a store's entries as a snapshot file's bytes (format version 2).
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot(42, store);
 * ```
 */
export function encodeSnapshot(changelogOffset: number, source: SnapshotSource): Uint8Array {
  const count = source.size;
  const leaves = source.sortedKeys();
  let keyBytes = 0;
  for (const leaf of leaves) for (const key of leaf) keyBytes += key.length;
  const valueBytes = source.bytes - keyBytes;
  const out = new Uint8Array(HEADER_BYTES + 8 * count + keyBytes + valueBytes + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, SNAPSHOT_FORMAT_VERSION);
  view.setBigInt64(8, BigInt(changelogOffset));
  view.setUint32(16, count);
  view.setBigUint64(24, BigInt(keyBytes));
  view.setBigUint64(32, BigInt(valueBytes));
  let i = 0;
  let keyAt = HEADER_BYTES + 8 * count;
  let valueAt = keyAt + keyBytes;
  for (const leaf of leaves) {
    for (const key of leaf) {
      if (i >= count) throw new RangeError(`encodeSnapshot: the store holds more than its ${count} entries`);
      const valueLength = source.copyValueInto(key, out, valueAt);
      if (valueLength < 0 || valueAt + valueLength > out.length - TRAILER_BYTES) throw new RangeError(`encodeSnapshot: the store's entries do not match its ${count} entries / ${source.bytes} bytes`);
      view.setUint32(HEADER_BYTES + 4 * i, key.length);
      view.setUint32(HEADER_BYTES + 4 * (count + i), valueLength);
      for (let c = 0; c < key.length; c++) out[keyAt + c] = key.charCodeAt(c);
      keyAt += key.length;
      valueAt += valueLength;
      i++;
    }
  }
  if (i !== count || valueAt !== out.length - TRAILER_BYTES) throw new RangeError(`encodeSnapshot: told ${count} entries of ${source.bytes} bytes, got ${i} ending at ${valueAt}`);
  view.setUint32(valueAt, crc32c(out, 0, valueAt));
  return out;
}

/**
 * Encodes entries in format version 1 (entries interleaved). Not used to write snapshots any
 * more; kept so tests can produce the files earlier builds wrote.
 */
export function encodeSnapshotV1(changelogOffset: number, entries: Iterable<[Uint8Array, Uint8Array]>, count: number, bytes: number): Uint8Array {
  const out = new Uint8Array(V1_HEADER_BYTES + bytes + 8 * count + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, 1);
  view.setBigInt64(8, BigInt(changelogOffset));
  view.setUint32(16, count);
  let at = V1_HEADER_BYTES;
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
  if (written !== count || at !== out.length - TRAILER_BYTES) throw new RangeError(`encodeSnapshotV1: told ${count} entries of ${bytes} bytes, got ${written} ending at ${at}`);
  view.setUint32(at, crc32c(out, 0, at));
  return out;
}

const corruption = (length: number) => (why: string) => new RivuletError("corrupt_record", `snapshot ${why}`, { length });

/**
 * Decodes and checks a snapshot file's bytes (format version 1 or 2). The values are copied
 * out into one block of their own (the rest of `bytes` is not kept).
 *
 * @throws {RivuletError} `corrupt_record` when the bytes are torn, of another format, or fail the CRC
 */
export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const corrupt = corruption(bytes.length);
  if (bytes.length < V1_HEADER_BYTES + TRAILER_BYTES) throw corrupt(`is ${bytes.length} bytes, shorter than a header and trailer`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== MAGIC) throw corrupt("has no RVSS magic");
  const version = view.getUint16(4);
  if (!SNAPSHOT_FORMAT_VERSIONS_READ.includes(version)) throw corrupt(`has format version ${version}; this build reads ${SNAPSHOT_FORMAT_VERSIONS_READ.join(" and ")}`);
  const end = bytes.length - TRAILER_BYTES;
  if (view.getUint32(end) !== crc32c(bytes, 0, end)) throw corrupt("fails its CRC-32C (torn or damaged)");
  const changelogOffset = Number(view.getBigInt64(8));
  return version === 1 ? decodeV1(bytes, view, changelogOffset) : decodeV2(bytes, view, changelogOffset);
}

function decodeV2(bytes: Uint8Array, view: DataView, changelogOffset: number): Snapshot {
  const corrupt = corruption(bytes.length);
  const end = bytes.length - TRAILER_BYTES;
  if (end < HEADER_BYTES) throw corrupt(`is ${bytes.length} bytes, shorter than a version 2 header and trailer`);
  const count = view.getUint32(16);
  const keyBytes = Number(view.getBigUint64(24));
  const valueBytes = Number(view.getBigUint64(32));
  const keysStart = HEADER_BYTES + 8 * count;
  const valuesStart = keysStart + keyBytes;
  if (valuesStart + valueBytes !== end) throw corrupt(`of ${count} entries, ${keyBytes} key and ${valueBytes} value bytes should be ${valuesStart + valueBytes + TRAILER_BYTES} bytes long, not ${bytes.length}`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys: string[] = new Array(count);
  const starts = new Float64Array(count + 1);
  let keyAt = keysStart;
  let valueAt = 0;
  let run = "";
  let runStart = keysStart;
  let runEnd = keysStart;
  for (let i = 0; i < count; i++) {
    const keyLength = view.getUint32(HEADER_BYTES + 4 * i);
    if (keyAt + keyLength > valuesStart) throw corrupt(`key ${i} ends past the key bytes`);
    if (keyAt + keyLength > runEnd) {
      // The next run of keys as one string: from this key to the last key ending within KEY_RUN_BYTES.
      runStart = keyAt;
      runEnd = keyAt + keyLength;
      for (let j = i + 1, at = runEnd; j < count; j++) {
        at += view.getUint32(HEADER_BYTES + 4 * j);
        if (at - runStart > KEY_RUN_BYTES || at > valuesStart) break;
        runEnd = at;
      }
      run = text.toString("latin1", runStart, runEnd);
    }
    keys[i] = run.substring(keyAt - runStart, keyAt - runStart + keyLength);
    keyAt += keyLength;
    starts[i] = valueAt;
    valueAt += view.getUint32(HEADER_BYTES + 4 * (count + i));
  }
  if (keyAt !== valuesStart) throw corrupt(`has ${keyBytes} key bytes but its key lengths add up to ${keyAt - keysStart}`);
  if (valueAt !== valueBytes) throw corrupt(`has ${valueBytes} value bytes but its value lengths add up to ${valueAt}`);
  starts[count] = valueAt;
  return { version: 2, changelogOffset, keys, values: new ValueColumn(bytes.slice(valuesStart, end), starts, count) };
}

function decodeV1(bytes: Uint8Array, view: DataView, changelogOffset: number): Snapshot {
  const corrupt = corruption(bytes.length);
  const end = bytes.length - TRAILER_BYTES;
  const count = view.getUint32(16);
  const keys: string[] = new Array(count);
  const starts = new Float64Array(count + 1);
  const valueAts: number[] = new Array(count);
  let at = V1_HEADER_BYTES;
  let valueBytes = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) throw corrupt(`ends inside entry ${i}`);
    const keyLength = view.getUint32(at);
    if (at + 8 + keyLength > end) throw corrupt(`ends inside entry ${i}`);
    keys[i] = binaryString(bytes.subarray(at + 4, at + 4 + keyLength));
    at += 4 + keyLength;
    const valueLength = view.getUint32(at);
    if (at + 4 + valueLength > end) throw corrupt(`ends inside entry ${i}`);
    valueAts[i] = at + 4;
    starts[i] = valueBytes;
    valueBytes += valueLength;
    at += 4 + valueLength;
  }
  if (at !== end) throw corrupt(`has ${end - at} bytes after its last entry`);
  starts[count] = valueBytes;
  const values = new Uint8Array(valueBytes);
  for (let i = 0; i < count; i++) values.set(bytes.subarray(valueAts[i], valueAts[i] + starts[i + 1] - starts[i]), starts[i]);
  return { version: 1, changelogOffset, keys, values: new ValueColumn(values, starts, count) };
}

/**
 * Writes a snapshot atomically (tmp + fsync + rename + directory fsync).
 *
 * @throws {RivuletError} `storage_error` when the file system refuses
 */
export function writeSnapshot(path: string, changelogOffset: number, source: SnapshotSource): void {
  writeFileAtomic(path, encodeSnapshot(changelogOffset, source));
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
    const read = readFileSync(path);
    bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
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
