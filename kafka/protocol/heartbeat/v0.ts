/**
 * Heartbeat v0
 *
 * ```
 * Heartbeat Request (Version: 0) => group_id generation_id member_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { HeartbeatRequest, HeartbeatResponse } from "./types.ts";

export function decodeRequest(reader: Reader): HeartbeatRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  return { groupId, generationId, memberId: reader.string(), groupInstanceId: null };
}

export function encodeResponse(writer: Writer, response: HeartbeatResponse): void {
  writer.int16(response.errorCode);
}
