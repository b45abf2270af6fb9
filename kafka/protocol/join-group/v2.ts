/**
 * JoinGroup v2: the response starts with throttle_time_ms.
 *
 * ```
 * JoinGroup Request (Version: 2) => (same as v1)
 * JoinGroup Response (Version: 2) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32
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
import type { Writer } from "../writer.ts";
import type { JoinGroupResponse } from "./types.ts";
import { encodeBody, encodeMemberV0 } from "./v0.ts";

export { decodeRequest } from "./v1.ts";

export function encodeResponse(writer: Writer, response: JoinGroupResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeBody(writer, response, encodeMemberV0);
}
