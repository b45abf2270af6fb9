/**
 * CreateTopics v2: the response starts with throttle_time_ms.
 *
 * ```
 * CreateTopics Request (Version: 2) => (same as v1)
 * CreateTopics Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 * ```
 */
import type { Writer } from "../writer.ts";
import type { CreateTopicsResponse } from "./types.ts";
import { encodeTopics } from "./v1.ts";

export { decodeRequest } from "./v1.ts";

export function encodeResponse(writer: Writer, response: CreateTopicsResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response);
}
