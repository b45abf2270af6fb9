/**
 * ListOffsets v1: one offset per partition, with its timestamp.
 *
 * ```
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64
 * ListOffsets Response (Version: 1) => [topics]
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
import type { ListOffsetsRequest, ListOffsetsResponse, ListOffsetsTopic } from "./types.ts";

export function decodeTopics(reader: Reader): ListOffsetsTopic[] {
  return reader.array((r) => ({ name: r.string(), partitions: r.array((p) => ({ partitionIndex: p.int32(), timestamp: p.int64() }), 12) }), 6);
}

export function decodeRequest(reader: Reader): ListOffsetsRequest {
  const replicaId = reader.int32();
  return { replicaId, isolationLevel: 0, topics: decodeTopics(reader) };
}

export function encodeTopics(writer: Writer, response: ListOffsetsResponse): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset));
  });
}

export function encodeResponse(writer: Writer, response: ListOffsetsResponse): void {
  encodeTopics(writer, response);
}
