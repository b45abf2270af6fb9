/**
 * Produce v8: partition responses gain record_errors and error_message.
 *
 * ```
 * Produce Request (Version: 8) => transactional_id acks timeout_ms [topic_data]   (as v3-7)
 * Produce Response (Version: 8) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset [record_errors] error_message
 *       record_errors => batch_index batch_index_error_message
 *         batch_index => INT32
 *         batch_index_error_message => NULLABLE_STRING
 *       error_message => NULLABLE_STRING
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
  writer.array(partition.recordErrors ?? [], (w, e) => w.int32(e.batchIndex).nullableString(e.message));
  writer.nullableString(partition.errorMessage ?? null);
}

export function encodeResponse(writer: Writer, response: ProduceResponse): void {
  encodeResponseWith(writer, response, encodePartition);
}
