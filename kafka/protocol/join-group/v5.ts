/**
 * JoinGroup v5: group_instance_id (static membership, KIP-345) in the request and members.
 *
 * ```
 * JoinGroup Request (Version: 5) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   rebalance_timeout_ms => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 * JoinGroup Response (Version: 5) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id group_instance_id metadata
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     metadata => BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { JoinGroupRequest, JoinGroupResponse } from "./types.ts";
import { decodeProtocols, encodeBody } from "./v0.ts";

export function decodeRequest(reader: Reader): JoinGroupRequest {
  const groupId = reader.string();
  const sessionTimeoutMs = reader.int32();
  const rebalanceTimeoutMs = reader.int32();
  const memberId = reader.string();
  const groupInstanceId = reader.nullableString();
  const protocolType = reader.string();
  const protocols = decodeProtocols(reader);
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

export function encodeResponse(writer: Writer, response: JoinGroupResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeBody(writer, response, (w, member) => w.string(member.memberId).nullableString(member.groupInstanceId).bytes(member.metadata));
}
