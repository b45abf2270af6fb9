/**
 * DeleteTopics v1: the response starts with throttle_time_ms.
 *
 * ```
 * DeleteTopics Request (Version: 1) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 * DeleteTopics Response (Version: 1) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 * ```
 */
import type { Writer } from "../writer.ts";
import type { DeleteTopicsResponse } from "./types.ts";
import { encodeResponse as encodeResponseV0 } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: DeleteTopicsResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeResponseV0(writer, response);
}
