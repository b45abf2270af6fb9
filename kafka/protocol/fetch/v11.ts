/**
 * Fetch v11: the request ends with rack_id; partitions in the response carry
 * preferred_read_replica (KIP-392; Rivulet always answers -1: read from the leader).
 *
 * ```
 * Fetch Request (Version: 11) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       current_leader_epoch => INT32
 *       fetch_offset => INT64
 *       log_start_offset => INT64
 *       partition_max_bytes => INT32
 *   forgotten_topics_data => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 *   rack_id => STRING
 * Fetch Response (Version: 11) => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   session_id => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records
 *       partition => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       log_start_offset => INT64
 *       aborted_transactions => producer_id first_offset   (nullable array)
 *         producer_id => INT64
 *         first_offset => INT64
 *       preferred_read_replica => INT32
 *       records => RECORDS
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FetchPartitionResponse, FetchRequest, FetchResponse } from "./types.ts";
import { encodeAborted } from "./v4.ts";
import { decodeRequestV7, encodeResponseV7 } from "./v7.ts";
import { decodePartitionV9 } from "./v9.ts";

export function decodeRequest(reader: Reader): FetchRequest {
  const request = decodeRequestV7(reader, decodePartitionV9, 28);
  request.rackId = reader.string();
  return request;
}

function encodePartition(writer: Writer, partition: FetchPartitionResponse): void {
  writer.int32(partition.partition).int16(partition.errorCode).int64(partition.highWatermark);
  writer.int64(partition.lastStableOffset).int64(partition.logStartOffset);
  encodeAborted(writer, partition.abortedTransactions);
  writer.int32(partition.preferredReadReplica).nullableBytes(partition.records);
}

export function encodeResponse(writer: Writer, response: FetchResponse): void {
  encodeResponseV7(writer, response, encodePartition);
}
