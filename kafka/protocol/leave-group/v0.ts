/**
 * LeaveGroup v0
 *
 * ```
 * LeaveGroup Request (Version: 0) => group_id member_id
 *   group_id => STRING
 *   member_id => STRING
 * LeaveGroup Response (Version: 0) => error_code
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { LeaveGroupRequest, LeaveGroupResponse } from "./types.ts";

export function decodeRequest(reader: Reader): LeaveGroupRequest {
  const groupId = reader.string();
  return { groupId, members: [{ memberId: reader.string(), groupInstanceId: null }] };
}

export function encodeResponse(writer: Writer, response: LeaveGroupResponse): void {
  writer.int16(response.errorCode);
}
