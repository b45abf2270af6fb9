/**
 * Fetch v7: incremental fetch sessions (KIP-227). Rivulet keeps no sessions: it answers
 * session_id 0, which tells the client to send full fetch requests.
 *
 * ```
 * Fetch Request (Version: 7) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       log_start_offset => INT64
 *       partition_max_bytes => INT32
 *   forgotten_topics_data => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 * Fetch Response (Version: 7) => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   session_id => INT32
 *   responses => topic [partitions]
 *     (partitions as in v5)
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse, ForgottenTopic } from "./types.ts";
import { decodeRequestStart, decodeTopics, encodeTopics } from "./v4.ts";
import { decodePartitionV5, encodePartitionV5 } from "./v5.ts";

export function decodeForgotten(reader: Reader): ForgottenTopic[] {
  return reader.array((r) => ({ topic: r.string(), partitions: r.int32Array() }), 6);
}

/** The v7+ request, with partitions read by `partition`. */
export function decodeRequestV7(reader: Reader, partition: (reader: Reader) => FetchPartition, partitionBytesMin: number): FetchRequest {
  const start = decodeRequestStart(reader);
  start.sessionId = reader.int32();
  start.sessionEpoch = reader.int32();
  const topics = decodeTopics(reader, partition, partitionBytesMin);
  return { ...start, topics, forgottenTopics: decodeForgotten(reader) };
}

export function decodeRequest(reader: Reader): FetchRequest {
  return decodeRequestV7(reader, decodePartitionV5, 24);
}

/** The v7+ response, with partitions written by `partition`. */
export function encodeResponseV7(writer: Writer, response: FetchResponse, partition: (writer: Writer, value: FetchPartitionResponse) => void): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).int32(response.sessionId);
  encodeTopics(writer, response, partition);
}

export function encodeResponse(writer: Writer, response: FetchResponse): void {
  encodeResponseV7(writer, response, encodePartitionV5);
}
