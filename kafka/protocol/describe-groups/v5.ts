/**
 * DescribeGroups v5: the first flexible version (fields as v4).
 *
 * ```
 * DescribeGroups Request (Version: 5) => [groups] include_authorized_operations TAG_BUFFER
 *   groups => COMPACT_STRING
 * DescribeGroups Response (Version: 5) => throttle_time_ms [groups] TAG_BUFFER
 *   groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations TAG_BUFFER
 *     members => member_id group_instance_id client_id client_host member_metadata member_assignment TAG_BUFFER
 *       member_metadata, member_assignment => COMPACT_BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeGroupsRequest, DescribeGroupsResponse } from "./types.ts";
import { operationsNotAsked } from "../metadata/v8.ts";

export function decodeRequest(reader: Reader): DescribeGroupsRequest {
  const groups = reader.compactStringArray();
  const includeAuthorizedOperations = reader.boolean();
  reader.skipTaggedFields();
  return { groups, includeAuthorizedOperations };
}

export function encodeResponse(writer: Writer, response: DescribeGroupsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.groups, (w, group) => {
    w.int16(group.errorCode).compactString(group.groupId).compactString(group.groupState);
    w.compactString(group.protocolType).compactString(group.protocolData);
    w.compactArray(group.members, (mw, m) => {
      mw.compactString(m.memberId).compactNullableString(m.groupInstanceId ?? null).compactString(m.clientId).compactString(m.clientHost);
      mw.compactBytes(m.memberMetadata).compactBytes(m.memberAssignment).emptyTaggedFields();
    });
    w.int32(group.authorizedOperations ?? operationsNotAsked).emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
