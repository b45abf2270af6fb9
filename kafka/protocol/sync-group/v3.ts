/**
 * SyncGroup v3: adds group_instance_id (static membership).
 *
 * ```
 * SyncGroup Request (Version: 3) => group_id generation_id member_id group_instance_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 * SyncGroup Response (Version: 3) => throttle_time_ms error_code assignment
 *   (same as v1)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { SyncGroupRequest } from "./types.ts";
import { decodeAssignments } from "./v0.ts";

export { encodeResponse } from "./v1.ts";

export function decodeRequest(reader: Reader): SyncGroupRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  const groupInstanceId = reader.nullableString();
  return { groupId, generationId, memberId, groupInstanceId, assignments: decodeAssignments(reader) };
}
