/**
 * Heartbeat v3: adds group_instance_id (static membership).
 *
 * ```
 * Heartbeat Request (Version: 3) => group_id generation_id member_id group_instance_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 * Heartbeat Response (Version: 3) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { HeartbeatRequest } from "./types.ts";

export { encodeResponse } from "./v1.ts";

export function decodeRequest(reader: Reader): HeartbeatRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  return { groupId, generationId, memberId, groupInstanceId: reader.nullableString() };
}
