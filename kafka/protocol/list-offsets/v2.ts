/**
 * ListOffsets v2: the request adds isolation_level, the response throttle_time_ms.
 *
 * ```
 * ListOffsets Request (Version: 2) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64
 * ListOffsets Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code timestamp offset
 *       partition_index => INT32
 *       error_code => INT16
 *       timestamp => INT64
 *       offset => INT64
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListOffsetsRequest, ListOffsetsResponse } from "./types.ts";
import { decodeTopics, encodeTopics } from "./v1.ts";

export function decodeRequest(reader: Reader): ListOffsetsRequest {
  const replicaId = reader.int32();
  const isolationLevel = reader.int8();
  return { replicaId, isolationLevel, topics: decodeTopics(reader) };
}

export function encodeResponse(writer: Writer, response: ListOffsetsResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response);
}
