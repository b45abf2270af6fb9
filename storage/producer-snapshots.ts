import { readdirSync, rmSync } from "node:fs";
import { readCbor, writeCborAtomic } from "./atomic-file.ts";
import { offsetPath, parseOffsetName, Suffix } from "./file-names.ts";
import { ProducerState, type ProducerSnapshotEntry } from "./producer-state.ts";

/**
 * Producer-state snapshot files: `<offset20>.snapshot`, CBOR `{ version: 2, offset, producers }`
 * (see {@link ProducerSnapshotEntry}; version 2 adds each producer's ongoing transaction, and
 * version-1 files still load, with none ongoing), written atomically at each segment roll and on
 * close. A snapshot at offset N holds the state after every batch below N, so a restart knows
 * the open transactions without reading the log before N.
 */
export const SNAPSHOT_VERSION = 2;
/** Snapshots kept; older ones are deleted. */
export const SNAPSHOTS_KEPT = 2;

interface SnapshotFile {
  version: number;
  offset: number;
  producers: ProducerSnapshotEntry[];
}

/** Offsets of the snapshots in `dir`, ascending. */
export function listSnapshots(dir: string): number[] {
  const offsets: number[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseOffsetName(name);
    if (parsed?.suffix === Suffix.snapshot) offsets.push(parsed.offset);
  }
  return offsets.sort((a, b) => a - b);
}

/** Writes the snapshot of `state` at `offset` and deletes all but the newest few. */
export function writeSnapshot(dir: string, offset: number, state: ProducerState): void {
  const file: SnapshotFile = { version: SNAPSHOT_VERSION, offset, producers: state.toSnapshot() };
  writeCborAtomic(offsetPath(dir, offset, Suffix.snapshot), file);
  const all = listSnapshots(dir);
  for (const old of all.slice(0, Math.max(0, all.length - SNAPSHOTS_KEPT))) rmSync(offsetPath(dir, old, Suffix.snapshot), { force: true });
}

/**
 * Loads the newest readable snapshot at or below `maxOffset`, deleting any above it (they
 * describe a log that was truncated) and any that cannot be read.
 *
 * @returns the state and the offset to replay from; an empty state at `fallbackOffset` if none
 */
export function loadSnapshot(dir: string, maxOffset: number, fallbackOffset: number): { state: ProducerState; offset: number } {
  const all = listSnapshots(dir);
  for (let i = all.length - 1; i >= 0; i--) {
    const path = offsetPath(dir, all[i], Suffix.snapshot);
    if (all[i] > maxOffset) {
      rmSync(path, { force: true });
      continue;
    }
    try {
      const file = readCbor<SnapshotFile>(path);
      if (file && (file.version === 1 || file.version === SNAPSHOT_VERSION) && file.offset === all[i] && Array.isArray(file.producers)) {
        return { state: ProducerState.fromSnapshot(file.producers), offset: file.offset };
      }
    } catch {
      // unreadable: fall through to an older one
    }
    rmSync(path, { force: true });
  }
  return { state: new ProducerState(), offset: fallbackOffset };
}

/** Deletes snapshots below `offset` except the newest one. */
export function deleteSnapshotsBefore(dir: string, offset: number): void {
  const below = listSnapshots(dir).filter((o) => o < offset);
  for (const o of below.slice(0, -1)) rmSync(offsetPath(dir, o, Suffix.snapshot), { force: true });
}
