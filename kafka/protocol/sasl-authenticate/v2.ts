/**
 * SaslAuthenticate v2: the first flexible version (fields as v1).
 *
 * ```
 * SaslAuthenticate Request (Version: 2) => auth_bytes TAG_BUFFER
 *   auth_bytes => COMPACT_BYTES
 * SaslAuthenticate Response (Version: 2) => error_code error_message auth_bytes session_lifetime_ms TAG_BUFFER
 *   error_message => COMPACT_NULLABLE_STRING
 *   auth_bytes => COMPACT_BYTES
 *   session_lifetime_ms => INT64
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from "./types.ts";

export function decodeRequest(reader: Reader): SaslAuthenticateRequest {
  const authBytes = reader.compactBytes();
  reader.skipTaggedFields();
  return { authBytes };
}

export function encodeResponse(writer: Writer, response: SaslAuthenticateResponse): void {
  writer.int16(response.errorCode).compactNullableString(response.errorMessage).compactBytes(response.authBytes);
  writer.int64(response.sessionLifetimeMs).emptyTaggedFields();
}
