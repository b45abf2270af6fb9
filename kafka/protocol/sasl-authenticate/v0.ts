/**
 * SaslAuthenticate v0
 *
 * ```
 * SaslAuthenticate Request (Version: 0) => auth_bytes
 *   auth_bytes => BYTES
 * SaslAuthenticate Response (Version: 0) => error_code error_message auth_bytes
 *   error_code => INT16
 *   error_message => NULLABLE_STRING
 *   auth_bytes => BYTES
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from "./types.ts";

export function decodeRequest(reader: Reader): SaslAuthenticateRequest {
  return { authBytes: reader.bytes() };
}

export function encodeResponse(writer: Writer, response: SaslAuthenticateResponse): void {
  writer.int16(response.errorCode).nullableString(response.errorMessage).bytes(response.authBytes);
}
