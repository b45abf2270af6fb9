/**
 * OffsetCommit v2: generation and member id, and a retention time.
 *
 * ```
 * OffsetCommit Request (Version: 2) => group_id generation_id member_id retention_time_ms [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   retention_time_ms => INT64
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 * OffsetCommit Response (Version: 2) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetCommitRequest, OffsetCommitResponse, OffsetCommitTopic } from "./types.ts";

export function decodeTopics(reader: Reader): OffsetCommitTopic[] {
  return reader.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ partitionIndex: p.int32(), committedOffset: p.int64(), committedMetadata: p.nullableString() }), 14),
  }), 6);
}

export function decodeRequest(reader: Reader): OffsetCommitRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  const retentionTimeMs = reader.int64();
  return { groupId, generationId, memberId, retentionTimeMs, topics: decodeTopics(reader) };
}

export function encodeTopics(writer: Writer, response: OffsetCommitResponse): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
  });
}

export function encodeResponse(writer: Writer, response: OffsetCommitResponse): void {
  encodeTopics(writer, response);
}
