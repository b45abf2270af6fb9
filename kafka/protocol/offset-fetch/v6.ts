/**
 * OffsetFetch v6: the first flexible version.
 *
 * ```
 * OffsetFetch Request (Version: 6) => group_id [topics] TAG_BUFFER
 *   group_id => COMPACT_STRING
 *   topics => name [partition_indexes] TAG_BUFFER   (compact nullable array: null = all)
 * OffsetFetch Response (Version: 6) => throttle_time_ms [topics] error_code TAG_BUFFER
 *   topics => name [partitions] TAG_BUFFER
 *     partitions => partition_index committed_offset committed_leader_epoch metadata error_code TAG_BUFFER
 *       metadata => COMPACT_NULLABLE_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetFetchRequest, OffsetFetchResponse, OffsetFetchTopic, OffsetFetchTopicResponse } from "./types.ts";

/** One topic of a flexible request. */
export function decodeTopicFlexible(reader: Reader): OffsetFetchTopic {
  const name = reader.compactString();
  const partitionIndexes = reader.compactInt32Array();
  reader.skipTaggedFields();
  return { name, partitionIndexes };
}

export function decodeRequest(reader: Reader): OffsetFetchRequest {
  const groupId = reader.compactString();
  const topics = reader.compactNullableArray(decodeTopicFlexible, 3);
  reader.skipTaggedFields();
  return { groupId, topics };
}

/** Topics of a flexible response. */
export function encodeTopicsFlexible(writer: Writer, topics: readonly OffsetFetchTopicResponse[]): void {
  writer.compactArray(topics, (w, topic) => {
    w.compactString(topic.name);
    w.compactArray(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int64(p.committedOffset).int32(p.committedLeaderEpoch ?? -1).compactNullableString(p.metadata).int16(p.errorCode);
      pw.emptyTaggedFields();
    });
    w.emptyTaggedFields();
  });
}

export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  writer.int32(response.throttleTimeMs);
  encodeTopicsFlexible(writer, response.topics);
  writer.int16(response.errorCode).emptyTaggedFields();
}
