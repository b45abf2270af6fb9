/**
 * DeleteTopics v6: topics are named by name or by topic id.
 *
 * ```
 * DeleteTopics Request (Version: 6) => [topics] timeout_ms TAG_BUFFER
 *   topics => name topic_id TAG_BUFFER
 *     name => COMPACT_NULLABLE_STRING
 *     topic_id => UUID
 * DeleteTopics Response (Version: 6) => throttle_time_ms [responses] TAG_BUFFER
 *   responses => name topic_id error_code error_message TAG_BUFFER
 *     name => COMPACT_NULLABLE_STRING
 *     topic_id => UUID
 * ```
 *
 * Rivulet's topics have no ids: an entry without a name decodes as the name "" (which no topic
 * has, so it is answered UNKNOWN_TOPIC_OR_PARTITION), and results carry the all-zero id.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): DeleteTopicsRequest {
  const topicNames = reader.compactArray((r) => {
    const name = r.compactNullableString();
    r.uuid();
    r.skipTaggedFields();
    return name ?? "";
  }, 18);
  const timeoutMs = reader.int32();
  reader.skipTaggedFields();
  return { topicNames, timeoutMs };
}

export function encodeResponse(writer: Writer, response: DeleteTopicsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.responses, (w, r) => {
    w.compactNullableString(r.name).uuid().int16(r.errorCode).compactNullableString(r.errorMessage ?? null).emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
