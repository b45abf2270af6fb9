/**
 * DescribeGroups v3: the caller may ask which ACL operations it is allowed on each group.
 *
 * ```
 * DescribeGroups Request (Version: 3) => [groups] include_authorized_operations
 *   include_authorized_operations => BOOLEAN
 * DescribeGroups Response (Version: 3) => throttle_time_ms [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations
 *     authorized_operations => INT32   (INT32_MIN when not asked)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribedGroupMember, DescribeGroupsRequest, DescribeGroupsResponse } from "./types.ts";
import { operationsNotAsked } from "../metadata/v8.ts";

export function decodeRequest(reader: Reader): DescribeGroupsRequest {
  const groups = reader.stringArray();
  return { groups, includeAuthorizedOperations: reader.boolean() };
}

/** Groups in the v3-4 layout, members written by `member`. */
export function encodeGroupsV3(writer: Writer, response: DescribeGroupsResponse, member: (writer: Writer, m: DescribedGroupMember) => void): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.groups, (w, group) => {
    w.int16(group.errorCode).string(group.groupId).string(group.groupState).string(group.protocolType).string(group.protocolData);
    w.array(group.members, member);
    w.int32(group.authorizedOperations ?? operationsNotAsked);
  });
}

export function encodeResponse(writer: Writer, response: DescribeGroupsResponse): void {
  encodeGroupsV3(writer, response, (mw, m) => {
    mw.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment);
  });
}
