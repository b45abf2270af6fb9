/**
 * OffsetFetch v8: several groups in one request, each answered on its own.
 *
 * ```
 * OffsetFetch Request (Version: 8) => [groups] require_stable TAG_BUFFER
 *   groups => group_id [topics] TAG_BUFFER
 *     group_id => COMPACT_STRING
 *     topics => name [partition_indexes] TAG_BUFFER   (compact nullable array: null = all)
 * OffsetFetch Response (Version: 8) => throttle_time_ms [groups] TAG_BUFFER
 *   groups => group_id [topics] error_code TAG_BUFFER
 *     topics => name [partitions] TAG_BUFFER
 *       partitions => partition_index committed_offset committed_leader_epoch metadata error_code TAG_BUFFER
 * ```
 *
 * The decoded request keeps every group in `groups` (and the first in `groupId`/`topics`); the
 * listener runs the one-group handler per group and fills the response's `groups`.
 * A request naming no group gets an empty list.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { OffsetFetchRequest, OffsetFetchResponse } from "./types.ts";
import { decodeTopicFlexible, encodeTopicsFlexible } from "./v6.ts";

export function decodeRequest(reader: Reader): OffsetFetchRequest {
  const groups = reader.compactArray((r) => {
    const groupId = r.compactString();
    const topics = r.compactNullableArray(decodeTopicFlexible, 3);
    r.skipTaggedFields();
    return { groupId, topics };
  }, 3);
  const requireStable = reader.boolean();
  reader.skipTaggedFields();
  return { groupId: groups[0]?.groupId ?? "", topics: groups[0]?.topics ?? [], requireStable, groups };
}

/** @throws {RangeError} when the response lacks `groups` (a programmer error) */
export function encodeResponse(writer: Writer, response: OffsetFetchResponse): void {
  if (!response.groups) throw new RangeError("OffsetFetch v8 response needs groups");
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.groups, (w, group) => {
    w.compactString(group.groupId);
    encodeTopicsFlexible(w, group.topics);
    w.int16(group.errorCode).emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
