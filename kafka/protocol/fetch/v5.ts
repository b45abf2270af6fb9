/**
 * Fetch v5: partitions carry log_start_offset in both directions.
 *
 * ```
 * Fetch Request (Version: 5) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       log_start_offset => INT64
 *       partition_max_bytes => INT32
 * Fetch Response (Version: 5) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] records
 *       partition => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       log_start_offset => INT64
 *       aborted_transactions => producer_id first_offset   (nullable array)
 *         producer_id => INT64
 *         first_offset => INT64
 *       records => RECORDS
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse } from "./types.ts";
import { decodeRequestStart, decodeTopics, encodeAborted, encodeTopics } from "./v4.ts";

export function decodePartitionV5(reader: Reader): FetchPartition {
  const partition = reader.int32();
  const fetchOffset = reader.int64();
  const logStartOffset = reader.int64();
  return { partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset, partitionMaxBytes: reader.int32() };
}

export function decodeRequest(reader: Reader): FetchRequest {
  const start = decodeRequestStart(reader);
  return { ...start, topics: decodeTopics(reader, decodePartitionV5, 24) };
}

export function encodePartitionV5(writer: Writer, partition: FetchPartitionResponse): void {
  writer.int32(partition.partition).int16(partition.errorCode).int64(partition.highWatermark);
  writer.int64(partition.lastStableOffset).int64(partition.logStartOffset);
  encodeAborted(writer, partition.abortedTransactions);
  writer.nullableBytes(partition.records);
}

export function encodeResponse(writer: Writer, response: FetchResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopics(writer, response, encodePartitionV5);
}
