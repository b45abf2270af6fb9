/**
 * Produce v5: partition responses gain log_start_offset.
 *
 * ```
 * Produce Request (Version: 5) => transactional_id acks timeout_ms [topic_data]
 *   (same as v3)
 * Produce Response (Version: 5) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *       log_start_offset => INT64
 *   throttle_time_ms => INT32
 * ```
 */
import type { Writer } from "../writer.ts";
import type { ProducePartitionResponse, ProduceResponse } from "./types.ts";
import { encodePartitionV3, encodeResponseWith } from "./v3.ts";

export { decodeRequest } from "./v3.ts";

function encodePartition(writer: Writer, partition: ProducePartitionResponse): void {
  encodePartitionV3(writer, partition);
  writer.int64(partition.logStartOffset);
}

export function encodeResponse(writer: Writer, response: ProduceResponse): void {
  encodeResponseWith(writer, response, encodePartition);
}
