/**
 * SaslHandshake v0
 *
 * ```
 * SaslHandshake Request (Version: 0) => mechanism
 *   mechanism => STRING
 * SaslHandshake Response (Version: 0) => error_code [mechanisms]
 *   error_code => INT16
 *   mechanisms => STRING
 * ```
 *
 * After a successful v0 handshake the client sends the SASL tokens as raw frames (an int32 size
 * and the token, no request header) and the broker answers in kind.
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { SaslHandshakeRequest, SaslHandshakeResponse } from "./types.ts";

export function decodeRequest(reader: Reader): SaslHandshakeRequest {
  return { mechanism: reader.string() };
}

export function encodeResponse(writer: Writer, response: SaslHandshakeResponse): void {
  writer.int16(response.errorCode).stringArray(response.mechanisms);
}
