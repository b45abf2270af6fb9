/**
 * OffsetFetch v2: a null topic array asks for every committed partition; the response ends
 * with a top-level error_code.
 *
 * ```
 * OffsetFetch Request (Version: 2) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]     (nullable array: null = all)
 *     name => STRING
 *     partition_indexes => INT32
 * OffsetFetch Response (Version: 2) => [topics] error_code
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *   error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetFetchRequest, OffsetFetchResponse } from "./types.ts";
import { decodeTopic, encodeTopics } from "./v1.ts";

export function decodeRequest(reader: Reader): OffsetFetchRequest {
  const groupId = reader.string();
  return { groupId, topics: reader.nullableArray(decodeTopic, 6) };
}

export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  encodeTopics(writer, response);
  writer.int16(response.errorCode);
}
