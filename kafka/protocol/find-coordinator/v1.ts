/**
 * FindCoordinator v1: a key type (group or transaction), throttle time and error message.
 *
 * ```
 * FindCoordinator Request (Version: 1) => key key_type
 *   key => STRING
 *   key_type => INT8
 * FindCoordinator Response (Version: 1) => throttle_time_ms error_code error_message node_id host port
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   error_message => NULLABLE_STRING
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "./types.ts";

export function decodeRequest(reader: Reader): FindCoordinatorRequest {
  const key = reader.string();
  return { key, keyType: reader.int8() };
}

export function encodeResponse(writer: Writer, response: FindCoordinatorResponse): void {
  writer.int32(response.throttleTimeMs).int16(response.errorCode).nullableString(response.errorMessage);
  writer.int32(response.nodeId).string(response.host).int32(response.port);
}
