/**
 * ApiVersions v0
 *
 * ```
 * ApiVersions Request (Version: 0) =>
 * ApiVersions Response (Version: 0) => error_code [api_keys]
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 * ```
 *
 * This is also the reply to an ApiVersions request of a version the broker does not know
 * (error 35 plus the list), which clients use to pick a version both sides speak.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ApiVersionRange, ApiVersionsRequest, ApiVersionsResponse } from "./types.ts";

export function decodeRequest(_reader: Reader): ApiVersionsRequest {
  return {};
}

export function encodeApiKeys(writer: Writer, apiKeys: readonly ApiVersionRange[]): void {
  writer.array(apiKeys, (w, api) => w.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion));
}

export function encodeResponse(writer: Writer, response: ApiVersionsResponse): void {
  writer.int16(response.errorCode);
  encodeApiKeys(writer, response.apiKeys);
}
