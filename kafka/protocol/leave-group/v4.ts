/**
 * LeaveGroup v4: the first flexible version (fields as v3).
 *
 * ```
 * LeaveGroup Request (Version: 4) => group_id [members] TAG_BUFFER
 *   group_id => COMPACT_STRING
 *   members => member_id group_instance_id TAG_BUFFER
 * LeaveGroup Response (Version: 4) => throttle_time_ms error_code [members] TAG_BUFFER
 *   members => member_id group_instance_id error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { LeaveGroupRequest, LeaveGroupResponse } from "./types.ts";

export function decodeRequest(reader: Reader): LeaveGroupRequest {
  const groupId = reader.compactString();
  const members = reader.compactArray((r) => {
    const memberId = r.compactString();
    const groupInstanceId = r.compactNullableString();
    r.skipTaggedFields();
    return { memberId, groupInstanceId };
  }, 3);
  reader.skipTaggedFields();
  return { groupId, members };
}

export function encodeResponse(writer: Writer, response: LeaveGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
  writer.compactArray(response.members, (w, m) => w.compactString(m.memberId).compactNullableString(m.groupInstanceId).int16(m.errorCode).emptyTaggedFields());
  writer.emptyTaggedFields();
}
