/**
 * SaslAuthenticate v1: adds session_lifetime_ms to the response (KIP-368).
 *
 * ```
 * SaslAuthenticate Request (Version: 1) => auth_bytes
 *   auth_bytes => BYTES
 * SaslAuthenticate Response (Version: 1) => error_code error_message auth_bytes session_lifetime_ms
 *   error_code => INT16
 *   error_message => NULLABLE_STRING
 *   auth_bytes => BYTES
 *   session_lifetime_ms => INT64
 * ```
 */
import type { Writer } from "../writer.ts";
import type { SaslAuthenticateResponse } from "./types.ts";
import { encodeResponse as encodeV0 } from "./v0.ts";

export { decodeRequest } from "./v0.ts";

export function encodeResponse(writer: Writer, response: SaslAuthenticateResponse): void {
  encodeV0(writer, response);
  writer.int64(response.sessionLifetimeMs);
}
