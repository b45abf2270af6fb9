import type { TopicConfig } from "../core/topic-config.ts";
import { fsyncDir } from "./atomic-file.ts";
import { LogSegment } from "./log-segment.ts";
import type { LogSegments } from "./log-segments.ts";
import { writeSnapshot } from "./producer-snapshots.ts";
import type { ProducerState } from "./producer-state.ts";
import type { StorageHooks } from "./storage-hooks.ts";

/** Relative offsets in the indexes are int32: a segment spans fewer offsets than this. */
export const SEGMENT_OFFSETS_MAX = 0x7fffffff;

/** The append about to be written. */
export interface PendingWrite {
  bytes: number;
  first: number;
  last: number;
  now: number;
  config: TopicConfig;
  hooks: StorageHooks;
}

/**
 * Rolls to a new segment at `write.first` when the active one is not empty and the write would
 * take it past `segment.bytes`, it is older than `segment.ms` (since its first append, by the
 * clock), or its offsets would overflow the index. The old segment gets its final time-index
 * entry and is fsynced (so recovery need only look at the newest segment); the producer state
 * is snapshotted at the new base offset.
 *
 * @returns true when it rolled
 */
export function rollIfDue(dir: string, segments: LogSegments, producers: ProducerState, write: PendingWrite): boolean {
  const active = segments.active;
  if (active.size === 0) return false;
  const full = active.size + write.bytes > write.config["segment.bytes"];
  const old = active.rolledAtMs !== undefined && write.now - active.rolledAtMs >= write.config["segment.ms"];
  if (!full && !old && write.last - active.baseOffset < SEGMENT_OFFSETS_MAX) return false;
  active.onBecomeInactive();
  writeSnapshot(dir, write.first, producers);
  const next = LogSegment.open(dir, write.first, write.hooks);
  next.setRecovered(write.first, -1);
  segments.add(next);
  fsyncDir(dir);
  return true;
}
