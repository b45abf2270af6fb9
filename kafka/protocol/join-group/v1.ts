/**
 * JoinGroup v1: adds rebalance_timeout_ms.
 *
 * ```
 * JoinGroup Request (Version: 1) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   rebalance_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 * JoinGroup Response (Version: 1) => (same as v0)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { JoinGroupRequest } from "./types.ts";
import { decodeProtocols } from "./v0.ts";

export { encodeResponse } from "./v0.ts";

export function decodeRequest(reader: Reader): JoinGroupRequest {
  const groupId = reader.string();
  const sessionTimeoutMs = reader.int32();
  const rebalanceTimeoutMs = reader.int32();
  const memberId = reader.string();
  const protocolType = reader.string();
  const protocols = decodeProtocols(reader);
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId: null, protocolType, protocols };
}
