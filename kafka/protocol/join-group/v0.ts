/**
 * JoinGroup v0
 *
 * ```
 * JoinGroup Request (Version: 0) => group_id session_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 * JoinGroup Response (Version: 0) => error_code generation_id protocol_name leader member_id [members]
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id metadata
 *     member_id => STRING
 *     metadata => BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { JoinGroupMember, JoinGroupProtocol, JoinGroupRequest, JoinGroupResponse } from "./types.ts";

export function decodeProtocols(reader: Reader): JoinGroupProtocol[] {
  return reader.array((r) => ({ name: r.string(), metadata: r.bytes() }), 6);
}

export function decodeRequest(reader: Reader): JoinGroupRequest {
  const groupId = reader.string();
  const sessionTimeoutMs = reader.int32();
  const memberId = reader.string();
  const protocolType = reader.string();
  const protocols = decodeProtocols(reader);
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs: sessionTimeoutMs, memberId, groupInstanceId: null, protocolType, protocols };
}

/** Everything after throttle_time_ms, members written by `member`. */
export function encodeBody(writer: Writer, response: JoinGroupResponse, member: (writer: Writer, value: JoinGroupMember) => void): void {
  writer.int16(response.errorCode).int32(response.generationId).string(response.protocolName);
  writer.string(response.leader).string(response.memberId);
  writer.array(response.members, member);
}

export function encodeMemberV0(writer: Writer, member: JoinGroupMember): void {
  writer.string(member.memberId).bytes(member.metadata);
}

export function encodeResponse(writer: Writer, response: JoinGroupResponse): void {
  encodeBody(writer, response, encodeMemberV0);
}
