/**
 * FindCoordinator v4: several keys in one request, one coordinator entry per key.
 *
 * ```
 * FindCoordinator Request (Version: 4) => key_type [coordinator_keys] TAG_BUFFER
 *   key_type => INT8
 *   coordinator_keys => COMPACT_STRING
 * FindCoordinator Response (Version: 4) => throttle_time_ms [coordinators] TAG_BUFFER
 *   coordinators => key node_id host port error_code error_message TAG_BUFFER
 *     key => COMPACT_STRING
 *     host => COMPACT_STRING
 *     error_message => COMPACT_NULLABLE_STRING
 * ```
 *
 * The decoded request keeps every key in `keys` (the first in `key`); the listener runs the
 * one-key handler per key and fills the response's `coordinators`.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "./types.ts";

export function decodeRequest(reader: Reader): FindCoordinatorRequest {
  const keyType = reader.int8();
  const keys = reader.compactStringArray();
  reader.skipTaggedFields();
  return { key: keys[0] ?? "", keyType, keys };
}

/** @throws {RangeError} when the response lacks `coordinators` (a programmer error) */
export function encodeResponse(writer: Writer, response: FindCoordinatorResponse): void {
  if (!response.coordinators) throw new RangeError("FindCoordinator v4 response needs coordinators");
  writer.int32(response.throttleTimeMs);
  writer.compactArray(response.coordinators, (w, c) => {
    w.compactString(c.key).int32(c.nodeId).compactString(c.host).int32(c.port).int16(c.errorCode).compactNullableString(c.errorMessage);
    w.emptyTaggedFields();
  });
  writer.emptyTaggedFields();
}
