/**
 * OffsetCommit v8: the first flexible version.
 *
 * ```
 * OffsetCommit Request (Version: 8) => group_id generation_id member_id group_instance_id [topics] TAG_BUFFER
 *   group_id, member_id => COMPACT_STRING
 *   group_instance_id => COMPACT_NULLABLE_STRING
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata TAG_BUFFER
 *       committed_metadata => COMPACT_NULLABLE_STRING
 * OffsetCommit Response (Version: 8) => throttle_time_ms [topics] TAG_BUFFER
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index error_code TAG_BUFFER
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetCommitPartition, OffsetCommitRequest, OffsetCommitResponse } from "./types.ts";

function decodePartition(reader: Reader): OffsetCommitPartition {
  const partitionIndex = reader.int32();
  const committedOffset = reader.int64();
  const committedLeaderEpoch = reader.int32();
  const committedMetadata = reader.compactNullableString();
  reader.skipTaggedFields();
  return { partitionIndex, committedOffset, committedLeaderEpoch, committedMetadata };
}

export function decodeRequest(reader: Reader): OffsetCommitRequest {
  const groupId = reader.compactString();
  const generationId = reader.int32();
  const memberId = reader.compactString();
  const groupInstanceId = reader.compactNullableString();
  const topics = reader.compactArray((r) => {
    const name = r.compactString();
    const partitions = r.compactArray(decodePartition, 18);
    r.skipTaggedFields();
    return { name, partitions };
  }, 3);
  reader.skipTaggedFields();
  return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs: -1, topics };
}

export function encodeResponse(writer: Writer, response: OffsetCommitResponse): void {
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode).emptyTaggedFields());
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
