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
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "./types.ts";
import { encodePartitionV3, encodeResponseWith } from "./v3.ts";

export { decodeRequest } from "./v3.ts";

function encodePartition(writer: Writer, partition: ProducePartitionResponse): void {
  encodePartitionV3(writer, partition);
  writer.int64(partition.logStartOffset);
}

export function encodeResponse(writer: Writer, response: ProduceResponse): void {
  encodeResponseWith(writer, response, encodePartition);
}

/**
 * The sending side (a broker's programmatic transactional producer writing a batch at the
 * partition's leader on another broker, kafka/txn-marker-channel.ts): the request, laid out as v3.
 */
export function encodeRequest(writer: Writer, request: ProduceRequest): void {
  writer.nullableString(request.transactionalId).int16(request.acks).int32(request.timeoutMs);
  writer.array(request.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.index).nullableBytes(p.records));
  });
}

/** The sending side: the answer. */
export function decodeResponse(reader: Reader): ProduceResponse {
  const topics = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), errorCode: p.int16(), baseOffset: p.int64(), logAppendTimeMs: p.int64(), logStartOffset: p.int64() }), 30),
  }), 6);
  return { topics, throttleTimeMs: reader.int32() };
}
