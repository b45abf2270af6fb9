/**
 * Kafka request and response headers.
 *
 * ```
 * Request Header v1 => api_key api_version correlation_id client_id
 *   api_key => INT16
 *   api_version => INT16
 *   correlation_id => INT32
 *   client_id => NULLABLE_STRING
 * Request Header v2 => api_key api_version correlation_id client_id TAG_BUFFER
 *   (client_id stays a non-compact NULLABLE_STRING)
 * Response Header v0 => correlation_id
 *   correlation_id => INT32
 * Response Header v1 => correlation_id TAG_BUFFER
 * ```
 *
 * Flexible API versions use request header v2 and response header v1, except that ApiVersions
 * responses always use header v0 so that a client can read one whatever it asked for.
 */
import { apiKeys, isFlexible } from "./api-keys.ts";
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";

/** A decoded request header. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** 1 or 2. */
  headerVersion: 1 | 2;
}

/** Request header version for an API version: 2 when flexible, else 1. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 1 | 2 {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/** Response header version for an API version: 1 when flexible (never for ApiVersions), else 0. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  return apiKey !== apiKeys.ApiVersions && isFlexible(apiKey, apiVersion) ? 1 : 0;
}

/**
 * Reads a request header, choosing v1 or v2 from the api key and version it carries.
 *
 * @throws {ProtocolDecodeError} when the frame is too short or malformed
 */
export function decodeRequestHeader(reader: Reader): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  if (headerVersion === 2) reader.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, headerVersion };
}

/** Writes a request header (clients and tests). */
export function encodeRequestHeader(writer: Writer, header: Omit<RequestHeader, "headerVersion">): void {
  writer.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId).nullableString(header.clientId);
  if (requestHeaderVersion(header.apiKey, header.apiVersion) === 2) writer.emptyTaggedFields();
}

/** Writes the response header for a reply to `apiKey` at `apiVersion`. */
export function encodeResponseHeader(writer: Writer, correlationId: number, apiKey: number, apiVersion: number): void {
  writer.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) writer.emptyTaggedFields();
}

/** Reads a response header (clients and tests). */
export function decodeResponseHeader(reader: Reader, apiKey: number, apiVersion: number): { correlationId: number } {
  const correlationId = reader.int32();
  if (responseHeaderVersion(apiKey, apiVersion) === 1) reader.skipTaggedFields();
  return { correlationId };
}
