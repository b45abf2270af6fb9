/**
 * OffsetFetch v1: offsets stored by the group coordinator (v0 read them from ZooKeeper).
 *
 * ```
 * OffsetFetch Request (Version: 1) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]
 *     name => STRING
 *     partition_indexes => INT32
 * OffsetFetch Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopic } from "./types.ts";

export function decodeTopic(reader: Reader): OffsetFetchTopic {
  return { name: reader.string(), partitionIndexes: reader.int32Array() };
}

export function decodeRequest(reader: Reader): OffsetFetchRequest {
  const groupId = reader.string();
  return { groupId, topics: reader.array(decodeTopic, 6) };
}

export function encodeTopics(writer: Writer, response: OffsetFetchResponse): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int64(p.committedOffset).nullableString(p.metadata).int16(p.errorCode));
  });
}

export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  encodeTopics(writer, response);
}
