/**
 * DeleteTopics v4: the first flexible version.
 *
 * ```
 * DeleteTopics Request (Version: 4) => [topic_names] timeout_ms TAG_BUFFER
 *   topic_names => COMPACT_STRING
 * DeleteTopics Response (Version: 4) => throttle_time_ms [responses] TAG_BUFFER
 *   responses => name error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DeleteTopicsRequest {
  const topicNames = reader.compactStringArray();
  const timeoutMs = reader.int32();
  reader.skipTaggedFields();
  return { topicNames, timeoutMs };
}

export function encodeResponse(writer: Writer, response: DeleteTopicsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.responses, (w, r) => w.compactString(r.name).int16(r.errorCode).emptyTaggedFields());
  writer.emptyTaggedFields();
}
