/**
 * OffsetFetch v3: the response starts with throttle_time_ms.
 *
 * ```
 * OffsetFetch Request (Version: 3) => group_id [topics]
 *   (same as v2)
 * OffsetFetch Response (Version: 3) => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32
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
import type { Writer } from "../writer.ts";
import type { OffsetFetchResponse } from "./types.ts";
import { encodeResponse as encodeResponseV2 } from "./v2.ts";

export { decodeRequest } from "./v2.ts";

export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeResponseV2(writer, response);
}
