/**
 * FindCoordinator v3: the first flexible version.
 *
 * ```
 * FindCoordinator Request (Version: 3) => key key_type TAG_BUFFER
 *   key => COMPACT_STRING
 *   key_type => INT8
 * FindCoordinator Response (Version: 3) => throttle_time_ms error_code error_message node_id host port TAG_BUFFER
 *   error_message => COMPACT_NULLABLE_STRING
 *   host => COMPACT_STRING
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "./types.ts";

export function decodeRequest(reader: Reader): FindCoordinatorRequest {
  const key = reader.compactString();
  const keyType = reader.int8();
  reader.skipTaggedFields();
  return { key, keyType };
}

export function encodeResponse(writer: Writer, response: FindCoordinatorResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).compactNullableString(response.errorMessage);
  writer.int32(response.nodeId).compactString(response.host).int32(response.port).emptyTaggedFields();
}
