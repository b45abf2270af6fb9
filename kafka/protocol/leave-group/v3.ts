/**
 * LeaveGroup v3: a batch of members, each with group_instance_id, answered one by one.
 *
 * ```
 * LeaveGroup Request (Version: 3) => group_id [members]
 *   group_id => STRING
 *   members => member_id group_instance_id
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 * LeaveGroup Response (Version: 3) => throttle_time_ms error_code [members]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   members => member_id group_instance_id error_code
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { LeaveGroupRequest, LeaveGroupResponse } from "./types.ts";

export function decodeRequest(reader: Reader): LeaveGroupRequest {
  const groupId = reader.string();
  const members = reader.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }), 4);
  return { groupId, members };
}

export function encodeResponse(writer: Writer, response: LeaveGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
  writer.array(response.members, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
}
