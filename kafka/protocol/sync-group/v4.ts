/**
 * SyncGroup v4: the first flexible version (fields as v3).
 *
 * ```
 * SyncGroup Request (Version: 4) => group_id generation_id member_id group_instance_id [assignments] TAG_BUFFER
 *   group_id, member_id => COMPACT_STRING
 *   group_instance_id => COMPACT_NULLABLE_STRING
 *   assignments => member_id assignment TAG_BUFFER
 *     assignment => COMPACT_BYTES
 * SyncGroup Response (Version: 4) => throttle_time_ms error_code assignment TAG_BUFFER
 *   assignment => COMPACT_BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { SyncGroupRequest, SyncGroupResponse } from "./types.ts";

export function decodeRequest(reader: Reader): SyncGroupRequest {
  const groupId = reader.compactString();
  const generationId = reader.int32();
  const memberId = reader.compactString();
  const groupInstanceId = reader.compactNullableString();
  const assignments = reader.compactArray((r) => {
    const member = r.compactString();
    const assignment = r.compactBytes();
    r.skipTaggedFields();
    return { memberId: member, assignment };
  }, 3);
  reader.skipTaggedFields();
  return { groupId, generationId, memberId, groupInstanceId, assignments };
}

export function encodeResponse(writer: Writer, response: SyncGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).compactBytes(response.assignment).emptyTaggedFields();
}
