/**
 * DescribeGroups v4: members carry group_instance_id.
 *
 * ```
 * DescribeGroups Request (Version: 4) => [groups] include_authorized_operations   (as v3)
 * DescribeGroups Response (Version: 4) => as v3, with
 *   members => member_id group_instance_id client_id client_host member_metadata member_assignment
 *     group_instance_id => NULLABLE_STRING
 * ```
 */
import type { Writer } from "../writer.ts";
import type { DescribeGroupsResponse } from "./types.ts";
import { encodeGroupsV3 } from "./v3.ts";

export { decodeRequest } from "./v3.ts";

export function encodeResponse(writer: Writer, response: DescribeGroupsResponse): void {
  encodeGroupsV3(writer, response, (mw, m) => {
    mw.string(m.memberId).nullableString(m.groupInstanceId ?? null).string(m.clientId).string(m.clientHost);
    mw.bytes(m.memberMetadata).bytes(m.memberAssignment);
  });
}
