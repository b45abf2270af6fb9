/**
 * ListGroups v1: the response starts with throttle_time_ms.
 *
 * ```
 * ListGroups Request (Version: 1) =>
 * ListGroups Response (Version: 1) => throttle_time_ms error_code [groups]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 * ```
 */
import type { Writer } from "../writer.ts";
import type { ListGroupsResponse } from "./types.ts";
import { encodeResponse as encodeResponseV0 } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: ListGroupsResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeResponseV0(writer, response);
}
