/**
 * Heartbeat v4: the first flexible version (fields as v3).
 *
 * ```
 * Heartbeat Request (Version: 4) => group_id generation_id member_id group_instance_id TAG_BUFFER
 *   group_id, member_id => COMPACT_STRING
 *   group_instance_id => COMPACT_NULLABLE_STRING
 * Heartbeat Response (Version: 4) => throttle_time_ms error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { HeartbeatRequest, HeartbeatResponse } from "./types.ts";

export function decodeRequest(reader: Reader): HeartbeatRequest {
  const groupId = reader.compactString();
  const generationId = reader.int32();
  const memberId = reader.compactString();
  const groupInstanceId = reader.compactNullableString();
  reader.skipTaggedFields();
  return { groupId, generationId, memberId, groupInstanceId };
}

export function encodeResponse(writer: Writer, response: HeartbeatResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).emptyTaggedFields();
}
