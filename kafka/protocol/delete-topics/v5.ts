/**
 * DeleteTopics v5: results carry an error message.
 *
 * ```
 * DeleteTopics Request (Version: 5) => as v4
 * DeleteTopics Response (Version: 5) => throttle_time_ms [responses] TAG_BUFFER
 *   responses => name error_code error_message TAG_BUFFER
 *     error_message => COMPACT_NULLABLE_STRING
 * ```
 */
import type { Writer } from "../writer.ts";
import type { DeleteTopicsResponse } from "./types.ts";

export { decodeRequest } from "./v4.ts";

export function encodeResponse(writer: Writer, response: DeleteTopicsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.responses, (w, r) => w.compactString(r.name).int16(r.errorCode).compactNullableString(r.errorMessage ?? null).emptyTaggedFields());
  writer.emptyTaggedFields();
}
