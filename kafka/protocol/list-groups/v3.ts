/**
 * ListGroups v3: the first flexible version (fields as v1-2).
 *
 * ```
 * ListGroups Request (Version: 3) => TAG_BUFFER
 * ListGroups Response (Version: 3) => throttle_time_ms error_code [groups] TAG_BUFFER
 *   groups => group_id protocol_type TAG_BUFFER
 *     group_id, protocol_type => COMPACT_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): ListGroupsRequest {
  reader.skipTaggedFields();
  return {};
}

export function encodeResponse(writer: Writer, response: ListGroupsResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
  writer.compactArray(response.groups, (w, g) => w.compactString(g.groupId).compactString(g.protocolType).emptyTaggedFields());
  writer.emptyTaggedFields();
}
