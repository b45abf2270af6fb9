/**
 * ListGroups v4: the request may filter by group state; groups carry their state.
 *
 * ```
 * ListGroups Request (Version: 4) => [states_filter] TAG_BUFFER
 *   states_filter => COMPACT_STRING
 * ListGroups Response (Version: 4) => throttle_time_ms error_code [groups] TAG_BUFFER
 *   groups => group_id protocol_type group_state TAG_BUFFER
 *     group_state => COMPACT_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): ListGroupsRequest {
  const statesFilter = reader.compactStringArray();
  reader.skipTaggedFields();
  return { statesFilter };
}

export function encodeResponse(writer: Writer, response: ListGroupsResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode);
  writer.compactArray(response.groups, (w, g) => {
    w.compactString(g.groupId).compactString(g.protocolType).compactString(g.groupState ?? "Empty").emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
