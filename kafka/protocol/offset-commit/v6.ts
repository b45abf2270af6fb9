/**
 * OffsetCommit v6: partitions carry committed_leader_epoch.
 *
 * ```
 * OffsetCommit Request (Version: 6) => group_id generation_id member_id [topics]
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *       committed_leader_epoch => INT32
 * OffsetCommit Response (Version: 6) => throttle_time_ms [topics]   (as v3-5)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { OffsetCommitRequest, OffsetCommitTopic } from "./types.ts";

export { encodeResponse } from "./v3.ts";

/** Topics in the v6-7 layout. */
export function decodeTopicsV6(reader: Reader): OffsetCommitTopic[] {
  return reader.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ partitionIndex: p.int32(), committedOffset: p.int64(), committedLeaderEpoch: p.int32(), committedMetadata: p.nullableString() }), 18),
  }), 6);
}

export function decodeRequest(reader: Reader): OffsetCommitRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  return { groupId, generationId, memberId, retentionTimeMs: -1, topics: decodeTopicsV6(reader) };
}
