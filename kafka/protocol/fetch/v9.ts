/**
 * Fetch v9: request partitions carry current_leader_epoch (KIP-320).
 *
 * ```
 * Fetch Request (Version: 9) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data]
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
 * Fetch Response (Version: 9) => (same as v7)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { FetchPartition, FetchRequest } from "./types.ts";
import { decodeRequestV7 } from "./v7.ts";

export { encodeResponse } from "./v7.ts";

export function decodePartitionV9(reader: Reader): FetchPartition {
  const partition = reader.int32();
  const currentLeaderEpoch = reader.int32();
  const fetchOffset = reader.int64();
  const logStartOffset = reader.int64();
  return { partition, currentLeaderEpoch, fetchOffset, logStartOffset, partitionMaxBytes: reader.int32() };
}

export function decodeRequest(reader: Reader): FetchRequest {
  return decodeRequestV7(reader, decodePartitionV9, 28);
}
