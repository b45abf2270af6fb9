/**
 * ApiVersions v1: adds throttle_time_ms at the end of the response.
 *
 * ```
 * ApiVersions Request (Version: 1) =>
 * ApiVersions Response (Version: 1) => error_code [api_keys] throttle_time_ms
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 *   throttle_time_ms => INT32
 * ```
 */
import type { Writer } from "../writer.ts";
import type { ApiVersionsResponse } from "./types.ts";
import { encodeApiKeys } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: ApiVersionsResponse): void {
  writer.int16(response.errorCode);
  encodeApiKeys(writer, response.apiKeys);
  writer.int32(response.throttleTimeMs);
}
