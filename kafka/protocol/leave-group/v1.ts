/**
 * LeaveGroup v1: the response starts with throttle_time_ms.
 *
 * ```
 * LeaveGroup Request (Version: 1) => group_id member_id
 *   (same as v0)
 * LeaveGroup Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 * ```
 */
import type { Writer } from "../writer.ts";
import type { LeaveGroupResponse } from "./types.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: LeaveGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
}
