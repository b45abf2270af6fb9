/**
 * DeleteTopics v0
 *
 * ```
 * DeleteTopics Request (Version: 0) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DeleteTopicsRequest {
  const topicNames = reader.stringArray();
  return { topicNames, timeoutMs: reader.int32() };
}

export function encodeResponse(writer: Writer, response: DeleteTopicsResponse): void {
  writer.array(response.responses, (w, r) => w.string(r.name).int16(r.errorCode));
}
