/**
 * OffsetCommit v3: the response starts with throttle_time_ms.
 *
 * ```
 * OffsetCommit Request (Version: 3) => group_id generation_id member_id retention_time_ms [topics]
 *   (same as v2)
 * OffsetCommit Response (Version: 3) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 * ```
 */
import type { Writer } from "../writer.ts";
import type { OffsetCommitResponse } from "./types.ts";
import { encodeTopics } from "./v2.ts";

export { decodeRequest } from "./v2.ts";

export function encodeResponse(writer: Writer, response: OffsetCommitResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response);
}
