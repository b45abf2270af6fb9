/**
 * ListGroups v0
 *
 * ```
 * ListGroups Request (Version: 0) =>
 * ListGroups Response (Version: 0) => error_code [groups]
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "./types.ts";

export function decodeRequest(_reader: Reader): ListGroupsRequest {
  return {};
}

export function encodeResponse(writer: Writer, response: ListGroupsResponse): void {
  writer.int16(response.errorCode);
  writer.array(response.groups, (w, g) => w.string(g.groupId).string(g.protocolType));
}
