/**
 * ApiVersions v3: the first flexible version. The response still goes out with response header
 * v0 (see `header.ts`), so a client can read it whatever version it asked for.
 *
 * ```
 * ApiVersions Request (Version: 3) => client_software_name client_software_version TAG_BUFFER
 *   client_software_name => COMPACT_STRING
 *   client_software_version => COMPACT_STRING
 * ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
 *   error_code => INT16
 *   api_keys => api_key min_version max_version TAG_BUFFER
 *   throttle_time_ms => INT32
 * ```
 *
 * The response's tagged fields (supported and finalized features) are left out: Rivulet has no
 * feature flags, and clients treat their absence as none.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { ApiVersionsRequest, ApiVersionsResponse } from "./types.ts";

export function decodeRequest(reader: Reader): ApiVersionsRequest {
  const clientSoftwareName = reader.compactString();
  const clientSoftwareVersion = reader.compactString();
  reader.skipTaggedFields();
  return { clientSoftwareName, clientSoftwareVersion };
}

export function encodeResponse(writer: Writer, response: ApiVersionsResponse): void {
  writer.int16(response.errorCode);
  writer.compactArray(response.apiKeys, (w, api) => w.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion).emptyTaggedFields());
  writer.int32(response.throttleTimeMs).emptyTaggedFields();
}
