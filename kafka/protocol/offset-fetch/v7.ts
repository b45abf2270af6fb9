/**
 * OffsetFetch v7: the request adds require_stable (wait for pending transactional commits).
 * Rivulet has no pending transactional offsets, so every committed offset is stable.
 *
 * ```
 * OffsetFetch Request (Version: 7) => group_id [topics] require_stable TAG_BUFFER
 *   require_stable => BOOLEAN
 * OffsetFetch Response (Version: 7) => as v6
 * ```
 */
import type { Reader } from "../reader.ts";
import type { OffsetFetchRequest } from "./types.ts";
import { decodeTopicFlexible } from "./v6.ts";

export { encodeResponse } from "./v6.ts";

export function decodeRequest(reader: Reader): OffsetFetchRequest {
  const groupId = reader.compactString();
  const topics = reader.compactNullableArray(decodeTopicFlexible, 3);
  const requireStable = reader.boolean();
  reader.skipTaggedFields();
  return { groupId, topics, requireStable };
}
