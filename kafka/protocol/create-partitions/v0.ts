/**
 * CreatePartitions v0.
 *
 * ```
 * CreatePartitions Request (Version: 0) => [topics] timeout_ms validate_only
 *   topics => name count [assignments]
 *     name => STRING
 *     count => INT32
 *     assignments => [broker_ids]   (nullable array)
 *       broker_ids => INT32
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN
 * CreatePartitions Response (Version: 0) => throttle_time_ms [results]
 *   results => name error_code error_message
 *     error_message => NULLABLE_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { CreatePartitionsRequest, CreatePartitionsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): CreatePartitionsRequest {
  const topics = reader.array((r) => ({ name: r.string(), count: r.int32(), assignments: r.nullableArray((a) => a.int32Array(), 4) }), 10);
  const timeoutMs = reader.int32();
  return { topics, timeoutMs, validateOnly: reader.boolean() };
}

export function encodeResponse(writer: Writer, response: CreatePartitionsResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.array(response.results, (w, r) => w.string(r.name).int16(r.errorCode).nullableString(r.errorMessage));
}
