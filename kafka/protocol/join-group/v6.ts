/**
 * JoinGroup v6: the first flexible version (fields as v5).
 *
 * ```
 * JoinGroup Request (Version: 6) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols] TAG_BUFFER
 *   group_id, member_id, protocol_type => COMPACT_STRING
 *   group_instance_id => COMPACT_NULLABLE_STRING
 *   protocols => name metadata TAG_BUFFER
 *     name => COMPACT_STRING
 *     metadata => COMPACT_BYTES
 * JoinGroup Response (Version: 6) => throttle_time_ms error_code generation_id protocol_name leader member_id [members] TAG_BUFFER
 *   protocol_name, leader, member_id => COMPACT_STRING
 *   members => member_id group_instance_id metadata TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { JoinGroupRequest, JoinGroupResponse } from "./types.ts";

export function decodeRequest(reader: Reader): JoinGroupRequest {
  const groupId = reader.compactString();
  const sessionTimeoutMs = reader.int32();
  const rebalanceTimeoutMs = reader.int32();
  const memberId = reader.compactString();
  const groupInstanceId = reader.compactNullableString();
  const protocolType = reader.compactString();
  const protocols = reader.compactArray((r) => {
    const name = r.compactString();
    const metadata = r.compactBytes();
    r.skipTaggedFields();
    return { name, metadata };
  }, 3);
  reader.skipTaggedFields();
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

export function encodeResponse(writer: Writer, response: JoinGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).int32(response.generationId);
  writer.compactString(response.protocolName).compactString(response.leader).compactString(response.memberId);
  writer.compactArray(response.members, (w, m) => w.compactString(m.memberId).compactNullableString(m.groupInstanceId).compactBytes(m.metadata).emptyTaggedFields());
  writer.emptyTaggedFields();
}
