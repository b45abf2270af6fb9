/**
 * SyncGroup v1: the response starts with throttle_time_ms.
 *
 * ```
 * SyncGroup Request (Version: 1) => (same as v0)
 * SyncGroup Response (Version: 1) => throttle_time_ms error_code assignment
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   assignment => BYTES
 * ```
 */
import type { Writer } from "../writer.ts";
import type { SyncGroupResponse } from "./types.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: SyncGroupResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).bytes(response.assignment);
}
