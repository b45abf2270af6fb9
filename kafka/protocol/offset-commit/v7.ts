/**
 * OffsetCommit v7: the request carries group_instance_id (static membership).
 *
 * ```
 * OffsetCommit Request (Version: 7) => group_id generation_id member_id group_instance_id [topics]
 *   group_instance_id => NULLABLE_STRING
 * OffsetCommit Response (Version: 7) => throttle_time_ms [topics]   (as v3-6)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { OffsetCommitRequest } from "./types.ts";
import { decodeTopicsV6 } from "./v6.ts";

export { encodeResponse } from "./v3.ts";

export function decodeRequest(reader: Reader): OffsetCommitRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  const groupInstanceId = reader.nullableString();
  return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs: -1, topics: decodeTopicsV6(reader) };
}
