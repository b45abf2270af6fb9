import type { TopicConfig } from "../core/topic-config.ts";
import type { LogSegments } from "./log-segments.ts";

/**
 * Retention (`cleanup.policy` includes `delete`): deletes whole segments from the oldest on,
 * never the active one nor one holding offsets past the high watermark, while
 * - the segment's largest timestamp is older than `retention.ms` before `now`, or
 * - the log without it is still at least `retention.bytes` big.
 * The log start offset is the first remaining segment's base offset, so it survives restarts
 * with nothing more to persist.
 *
 * @returns the segments and bytes deleted
 */
export function applyRetention(segments: LogSegments, config: TopicConfig, now: number, highWatermark: number, logEndOffset: number): { deletedSegments: number; deletedBytes: number } {
  const retentionMs = config["retention.ms"];
  const retentionBytes = config["retention.bytes"];
  let size = segments.sizeBytes();
  let deletedSegments = 0;
  let deletedBytes = 0;
  while (segments.count > 1) {
    const oldest = segments.first;
    if (segments.at(1)!.baseOffset > highWatermark) break;
    // a bad time index would give a wrong largest timestamp: check (and rebuild) it first
    oldest.checkIndexes(config["index.interval.bytes"], segments.endOffsetOf(0, logEndOffset));
    const expired = retentionMs >= 0 && oldest.maxTimestamp >= 0 && oldest.maxTimestamp < now - retentionMs;
    const expiredEmpty = retentionMs >= 0 && oldest.maxTimestamp < 0;
    const tooBig = retentionBytes >= 0 && size - oldest.size >= retentionBytes;
    if (!expired && !expiredEmpty && !tooBig) break;
    segments.removeFirst().deleteFiles();
    size -= oldest.size;
    deletedBytes += oldest.size;
    deletedSegments++;
  }
  return { deletedSegments, deletedBytes };
}
