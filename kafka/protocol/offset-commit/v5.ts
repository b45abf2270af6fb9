/**
 * OffsetCommit v5: retention_time_ms is gone (a broker setting decides).
 *
 * ```
 * OffsetCommit Request (Version: 5) => group_id generation_id member_id [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 * OffsetCommit Response (Version: 5) => throttle_time_ms [topics]
 *   (same as v3)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { OffsetCommitRequest } from "./types.ts";
import { decodeTopics } from "./v2.ts";

export { encodeResponse } from "./v3.ts";

export function decodeRequest(reader: Reader): OffsetCommitRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  return { groupId, generationId, memberId, retentionTimeMs: -1, topics: decodeTopics(reader) };
}
