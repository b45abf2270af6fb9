/**
 * DescribeGroups v1: the response starts with throttle_time_ms.
 *
 * ```
 * DescribeGroups Request (Version: 1) => [groups]
 *   groups => STRING
 * DescribeGroups Response (Version: 1) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 *   groups => (same as v0)
 * ```
 */
import type { Writer } from "../writer.ts";
import type { DescribeGroupsResponse } from "./types.ts";
import { encodeGroups } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: DescribeGroupsResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeGroups(writer, response);
}
