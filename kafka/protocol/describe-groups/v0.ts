/**
 * DescribeGroups v0
 *
 * ```
 * DescribeGroups Request (Version: 0) => [groups]
 *   groups => STRING
 * DescribeGroups Response (Version: 0) => [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING
 *     protocol_type => STRING
 *     protocol_data => STRING
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DescribeGroupsRequest, DescribeGroupsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DescribeGroupsRequest {
  return { groups: reader.stringArray() };
}

export function encodeGroups(writer: Writer, response: DescribeGroupsResponse): void {
  writer.array(response.groups, (w, group) => {
    w.int16(group.errorCode).string(group.groupId).string(group.groupState).string(group.protocolType).string(group.protocolData);
    w.array(group.members, (mw, m) => {
      mw.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment);
    });
  });
}

export function encodeResponse(writer: Writer, response: DescribeGroupsResponse): void {
  encodeGroups(writer, response);
}
