/**
 * Heartbeat v1: the response starts with throttle_time_ms.
 *
 * ```
 * Heartbeat Request (Version: 1) => group_id generation_id member_id
 *   (same as v0)
 * Heartbeat Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 * ```
 */
import type { Writer } from "../writer.ts";
import type { HeartbeatResponse } from "./types.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: HeartbeatResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
}
