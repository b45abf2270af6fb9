/**
 * CreatePartitions v2: the first flexible version (fields as v0-1).
 *
 * ```
 * CreatePartitions Request (Version: 2) => [topics] timeout_ms validate_only TAG_BUFFER
 *   topics => name count [assignments] TAG_BUFFER
 *     name => COMPACT_STRING
 *     assignments => [broker_ids] TAG_BUFFER   (compact nullable array)
 * CreatePartitions Response (Version: 2) => throttle_time_ms [results] TAG_BUFFER
 *   results => name error_code error_message TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { CreatePartitionsRequest, CreatePartitionsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): CreatePartitionsRequest {
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const count = r.int32();
    const assignments = r.compactNullableArray((a) => {
      const brokerIds = a.compactInt32Array();
      a.skipTaggedFields();
      return brokerIds;
    }, 2);
    r.skipTaggedFields();
    return { name, count, assignments };
  }, 6);
  const timeoutMs = reader.int32();
  const validateOnly = reader.boolean();
  reader.skipTaggedFields();
  return { topics, timeoutMs, validateOnly };
}

export function encodeResponse(writer: Writer, response: CreatePartitionsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.results, (w, r) => w.compactString(r.name).int16(r.errorCode).compactNullableString(r.errorMessage).emptyTaggedFields());
  writer.emptyTaggedFields();
}
