/**
 * SyncGroup v0
 *
 * ```
 * SyncGroup Request (Version: 0) => group_id generation_id member_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 * SyncGroup Response (Version: 0) => error_code assignment
 *   error_code => INT16
 *   assignment => BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { SyncGroupAssignment, SyncGroupRequest, SyncGroupResponse } from "./types.ts";

export function decodeAssignments(reader: Reader): SyncGroupAssignment[] {
  return reader.array((r) => ({ memberId: r.string(), assignment: r.bytes() }), 6);
}

export function decodeRequest(reader: Reader): SyncGroupRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  return { groupId, generationId, memberId, groupInstanceId: null, assignments: decodeAssignments(reader) };
}

export function encodeResponse(writer: Writer, response: SyncGroupResponse): void {
  writer.int16(response.errorCode).bytes(response.assignment);
}
