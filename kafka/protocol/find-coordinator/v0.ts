/**
 * FindCoordinator v0 (GroupCoordinator)
 *
 * ```
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 * FindCoordinator Response (Version: 0) => error_code node_id host port
 *   error_code => INT16
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "./types.ts";

export function decodeRequest(reader: Reader): FindCoordinatorRequest {
  return { key: reader.string(), keyType: 0 };
}

export function encodeResponse(writer: Writer, response: FindCoordinatorResponse): void {
  writer.int16(response.errorCode).int32(response.nodeId).string(response.host).int32(response.port);
}
